"""Database set-up and the unit of work (SQLAlchemy 2 async + asyncpg).

A unit of work is one transaction: a handler writes its state change and the
events it emits (outbox rows) together, or neither. It rolls back unless committed.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.logging import current_correlation_id
from msgplat.plumbing.settings import ServiceSettings
from msgplat.plumbing.tables import PlumbingTables


class Database:
    """The engine, session factory and plumbing tables of one service."""

    def __init__(self, settings: ServiceSettings, tables: PlumbingTables) -> None:
        self.settings = settings
        self.tables = tables
        self.engine: AsyncEngine = create_async_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
            pool_pre_ping=True,
            connect_args={"server_settings": {"application_name": settings.service_name}},
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Set when a unit of work commits outbox rows, so the relay wakes at once.
        self.outbox_written = asyncio.Event()

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)

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
        self.session: AsyncSession

    async def __aenter__(self) -> Self:
        self.session = self._db.sessions()
        await self.session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            await self.session.rollback()
        await self.session.close()

    def emit(self, event: Event, *, aggregate_id: UUID, user_id: str) -> EventEnvelope:
        """Queue an event; it is written to the outbox in this transaction."""
        envelope = EventEnvelope.wrap(
            event,
            aggregate_id=aggregate_id,
            user_id=user_id,
            correlation_id=current_correlation_id() or str(aggregate_id),
        )
        # Serialised now, so an event over the size limit fails inside the transaction.
        self._pending.append(
            {
                "event_id": envelope.event_id,
                "topic": event.topic,
                "key": str(aggregate_id),
                "event_type": envelope.event_type,
                "value": envelope.to_bytes(),
                "headers": [[k, v.decode()] for k, v in envelope.headers()],
            }
        )
        return envelope

    async def commit(self) -> None:
        if self._pending:
            await self.session.execute(insert(self._db.tables.outbox), self._pending)
        await self.session.commit()
        self._committed = True
        if self._pending:
            self._db.outbox_written.set()
