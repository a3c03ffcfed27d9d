"""Fixtures of the monitoring service's own tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from msgplat_testsupport.databases import own_database


@pytest.fixture(scope="module")
def own_database_url() -> Iterator[str]:
    """A database of the module's own with monitoring's tables, for tests that run a
    webhook Dispatcher themselves: in the session's database the shared stack's
    monitoring service would take their deliveries."""
    with own_database("monitoring") as url:
        yield url
