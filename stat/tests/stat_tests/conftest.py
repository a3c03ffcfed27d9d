"""Stat's database and a consumer in a private group per test (its own inbox rows)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.stat.consumers import SUBSCRIPTIONS
from msgplat.stat.models import tables
from msgplat.stat.settings import StatSettings


@pytest_asyncio.fixture(scope="module")
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(StatSettings(database_url=database_url), tables)
    yield database
    await database.dispose()


@pytest.fixture
def consumer(db: Database) -> IdempotentConsumer:
    return IdempotentConsumer(
        db,
        group_id=f"stat-test-{uuid.uuid4().hex[:8]}",
        handlers=SUBSCRIPTIONS["stat-counters"],
    )
