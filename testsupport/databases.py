"""Throwaway PostgreSQL databases for tests: on the configured server, else an embedded
one."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from msgplat.devstack.postgres import (
    drop_database,
    embedded_postgres_url,
    ensure_database,
    with_database,
)
from msgplat.plumbing.migrations import upgrade


def postgres_server_url() -> str:
    """The configured server (TEST_DATABASE_URL or DATABASE_URL), else an embedded one."""
    configured = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if configured:
        return configured
    return embedded_postgres_url(Path(".devstack/test-pgdata"))


def fresh_database_url(server_url: str) -> str:
    return with_database(server_url, f"msgplat_test_{uuid.uuid4().hex[:10]}")


@contextmanager
def own_database(*services: str) -> Iterator[str]:
    """A throwaway database with the tables of `services`, for tests that run a service's
    background worker (a sender, a webhook dispatcher) themselves: in the session's
    database the shared stack's own workers would take their work."""
    url = fresh_database_url(postgres_server_url())
    asyncio.run(ensure_database(url))
    try:
        for service in services:
            upgrade(service, url)
        yield url
    finally:
        asyncio.run(drop_database(url))
