"""Fixtures of the send service's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from msgplat.plumbing.db import Database
from msgplat.send.models import tables
from msgplat.send.settings import SendSettings
from msgplat_testsupport.carrier import SEND_CREDENTIALS
from msgplat_testsupport.databases import own_database


@pytest.fixture(scope="module")
def own_database_url() -> Iterator[str]:
    """A database of the module's own with send's tables, for tests that drive a runner
    or a scheduler themselves: in the session's database the shared stack's send service
    would claim the jobs they make."""
    with own_database("send") as url:
        yield url


@pytest_asyncio.fixture(scope="module")
async def db(own_database_url: str) -> AsyncIterator[Database]:
    """Send's tables in the module's own database: no replica of the shared stack claims
    its jobs, sends its notices or sweeps its messages. A module that needs other settings
    has a `db` of its own."""
    database = Database(SendSettings(database_url=own_database_url, **SEND_CREDENTIALS), tables)
    yield database
    await database.dispose()
