"""Stat's database and a consumer in a private group per test (its own inbox rows)."""

from __future__ import annotations

import pytest

from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.stat.consumers import SUBSCRIPTIONS
from msgplat.stat.models import tables
from msgplat.stat.settings import StatSettings
from msgplat_testsupport.records import database_fixture, private_consumer

db = database_fixture(StatSettings, tables)


@pytest.fixture
def consumer(db: Database) -> IdempotentConsumer:
    return private_consumer(db, "stat-test", SUBSCRIPTIONS["stat-counters"])
