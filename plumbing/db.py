"""Database set-up and the unit of work (SQLAlchemy 2 async + asyncpg).

A unit of work is one transaction: a handler writes its state change and the
events it emits (outbox rows) together, or neither. It rolls back unless committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import asyncpg
from sqlalchemy import Row, Select, Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.errors import NotFound
from msgplat.plumbing.logging import current_correlation_id
from msgplat.plumbing.settings import ServiceSettings
from msgplat.plumbing.tables import PlumbingTables
from msgplat.plumbing.tracing import TRACEPARENT, current_traceparent

if TYPE_CHECKING:
    from msgplat.plumbing.caller import Caller


def libpq_url(url: str) -> str:
    """`url` as libpq (and asyncpg) read it: `postgresql://...`, whatever the driver."""
    scheme, rest = url.split("://", 1)
    if not scheme.startswith(("postgresql", "postgres")):
        raise ValueError("must be a PostgreSQL URL starting with postgresql://")
    return f"postgresql://{rest}"


def create_engine(url: str, *, application_name: str | None = None, **options: Any) -> AsyncEngine:
    """A pooled SQLAlchemy engine over asyncpg for a libpq-style URL.

    asyncpg reads the URL itself, as libpq would, TLS parameters included
    (`?sslmode=verify-full&sslrootcert=/etc/ssl/rds/global-bundle.pem`, `sslcert`,
    `sslkey`...): SQLAlchemy's asyncpg dialect would pass them to `asyncpg.connect()`
    as keyword arguments, which it refuses. So the engine gets the URL without its
    query, and each connection is made by asyncpg from the whole URL.
    """
    dsn = libpq_url(url)
    settings = {"application_name": application_name} if application_name else {}

    async def connect() -> asyncpg.Connection:
        return await asyncpg.connect(dsn, server_settings=settings)

    parts = urlsplit(dsn)
    bare = urlunsplit(("postgresql+asyncpg", parts.netloc, parts.path, "", ""))
    return create_async_engine(bare, async_creator=connect, **options)


class Database:
    """The engine and plumbing tables of one service.

    Core connections, not ORM sessions: the services write tables with SQL
    expressions, and a session's bookkeeping cost more than the statements did.
    """

    def __init__(self, settings: ServiceSettings, tables: PlumbingTables) -> None:
        self.settings = settings
        self.tables = tables
        self.engine: AsyncEngine = create_engine(
            settings.database_url,
            application_name=settings.service_name,
            pool_size=settings.db_pool_size,
            # A pod holds at most pool + overflow connections (the budget in
            # docs/deploy-eks.md).
            max_overflow=settings.db_overflow(),
            pool_timeout=settings.db_pool_timeout_s,
            # No pre-ping: it cost a round trip and ~1 ms of CPU per transaction. After a
            # database restart a stale connection fails once, the pool is invalidated,
            # and the caller's retry (consumers, relay, the client) gets a fresh one.
            pool_pre_ping=False,
            pool_recycle=1800,
        )
        # Set when a unit of work commits outbox rows, so the relay wakes at once.
        self.outbox_written = asyncio.Event()

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A connection for one read-only statement, outside any transaction: no BEGIN
        and ROLLBACK round trips around it (two of the three a read in a transaction
        costs). Several statements that must see one snapshot belong in `engine.begin()`."""
        async with self.engine.connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT")

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


class UnitOfWork:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._pending: list[dict[str, Any]] = []
        self._committed = False
        self._after_commit: list[Callable[[], None]] = []
        self.conn: AsyncConnection

    @property
    def settings(self) -> ServiceSettings:
        """The service's settings, for handlers that need configuration (e.g. prices)."""
        return self._db.settings

    async def __aenter__(self) -> Self:
        self.conn = await self._db.engine.connect()
        await self.conn.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            await self.conn.rollback()
        await self.conn.close()

    def emit(self, event: Event, *, aggregate_id: UUID, user_id: str) -> EventEnvelope:
        """Queue an event; it is written to the outbox in this transaction."""
        return self.emit_payload(
            type(event),
            event.model_dump(mode="json"),
            aggregate_id=aggregate_id,
            user_id=user_id,
        )

    def emit_payload(
        self,
        event_type: type[Event],
        payload: dict[str, Any],
        *,
        aggregate_id: UUID,
        user_id: str,
    ) -> EventEnvelope:
        """`emit` for hot paths that build thousands of items: the payload is given as
        the plain data `event_type` would dump (UUIDs and datetimes allowed), without
        building a model per item. Each caller's output is checked against the model
        by a test."""
        envelope = EventEnvelope(
            event_type=event_type.event_type,
            schema_version=event_type.schema_version,
            aggregate_id=aggregate_id,
            user_id=user_id,
            correlation_id=current_correlation_id() or str(aggregate_id),
            payload=payload,
        )
        headers = [[k, v.decode()] for k, v in envelope.headers()]
        traceparent = current_traceparent()  # None when tracing is off
        if traceparent is not None:
            headers.append([TRACEPARENT, traceparent])
        # Serialised now, so an event over the size limit fails inside the transaction.
        self._pending.append(
            {
                "event_id": envelope.event_id,
                "topic": event_type.topic,
                "key": str(aggregate_id),
                "event_type": envelope.event_type,
                "value": envelope.to_bytes(),
                "headers": headers,
            }
        )
        return envelope

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once this unit of work has committed (e.g. count a metric)."""
        self._after_commit.append(action)

    async def commit(self) -> None:
        if self._pending:
            await self.conn.execute(insert(self._db.tables.outbox), self._pending)
        await self.conn.commit()
        self._committed = True
        if self._pending:
            self._db.outbox_written.set()
        for action in self._after_commit:
            action()


async def fetch_page(
    conn: AsyncConnection, query: Select[Any], *, page: int, size: int
) -> tuple[list[Row[Any]], int]:
    """One page (from 1) of `query`'s rows in its order, and how many rows it has in all:
    every paged list of the API."""
    total = await conn.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await conn.execute(query.offset((page - 1) * size).limit(size))
    return list(rows), int(total or 0)


async def owned_row(
    conn: AsyncConnection,
    caller: Caller,
    table: Table,
    row_id: UUID,
    what: str,
    *,
    lock: bool = False,
) -> Any:
    """`table`'s row whose `id` is `row_id` (`lock`: locked for the transaction), when it is
    the caller's: NotFound (a 404 naming it `what`) when there is none or it is another
    customer's."""
    query = select(table).where(table.c.id == row_id)
    row = (await conn.execute(query.with_for_update() if lock else query)).first()
    caller.check_owner(row and row.user_id, f"{what} {row_id}")
    if row is None:  # check_owner raised; for the type checker
        raise NotFound(f"{what} {row_id}")
    return row
