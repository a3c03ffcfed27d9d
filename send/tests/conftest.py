"""Fixtures of the send service's own tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from msgplat.devstack.postgres import drop_database, ensure_database
from msgplat.devstack.testing import fresh_database_url, postgres_server_url
from msgplat.plumbing.migrations import upgrade


@pytest.fixture(scope="module")
def own_database_url() -> Iterator[str]:
    """A database of the module's own with send's tables, for tests that drive a Sender
    themselves: in the session's database the shared stack's send service would claim
    the jobs they make."""
    url = fresh_database_url(postgres_server_url())
    asyncio.run(ensure_database(url))
    upgrade("send", url)
    yield url
    asyncio.run(drop_database(url))
