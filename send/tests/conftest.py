"""Fixtures of the send service's own tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from msgplat_testsupport.databases import own_database


@pytest.fixture(scope="module")
def own_database_url() -> Iterator[str]:
    """A database of the module's own with send's tables, for tests that drive a runner
    or a scheduler themselves: in the session's database the shared stack's send service
    would claim the jobs they make."""
    with own_database("send") as url:
        yield url
