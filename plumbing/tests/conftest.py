"""Fixtures of the plumbing tests: a private schema and a private broker for each test.

Nothing is mocked. Each test gets its own PostgreSQL schema (`plumbing_test_<hex>`)
holding the plumbing tables (outbox, inbox, dead letters) and an `effects` table
that the test handlers write to in the consumer's transaction, so "applied exactly
once" is counted in the database. Each test also gets its own in-memory broker
(it starts in tens of milliseconds), so raw or poison messages never reach
another test's consumers.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from sqlalchemy import (
    BigInteger,
    Column,
    Identity,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import create_async_engine

from msgplat.contracts.events import ReservationRecipientsAdded
from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.consumer import Handler, IdempotentConsumer
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.kafka import ensure_topics, make_producer
from msgplat.plumbing.outbox import OutboxRelay
from msgplat.plumbing.settings import ServiceSettings
from msgplat.plumbing.tables import PlumbingTables, plumbing_tables
from msgplat_testsupport.brokers import BrokerHandle, running_broker

USER_ID = "plumbing-test-user"


def chunk(aggregate_id: UUID, index: int, total: int = 1_000_000) -> ReservationRecipientsAdded:
    """The test event: chunk `index` of a reservation's recipients (its order is checkable)."""
    return ReservationRecipientsAdded(
        reservation_id=aggregate_id,
        chunk_index=index,
        chunk_count=total,
        first_seq=index,
        dst_nums=[f"+82101{index:07d}"],
    )


@dataclass
class Plumbing:
    """One test's world: settings, a Database on its private schema, its broker."""

    settings: ServiceSettings
    db: Database
    effects: Table
    broker: BrokerHandle
    _producers: list[AIOKafkaProducer] = field(default_factory=list)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _databases: list[Database] = field(default_factory=list)

    @property
    def tables(self) -> PlumbingTables:
        return self.db.tables

    # -- writing events -------------------------------------------------------------

    async def commit_events(
        self, aggregate_id: UUID, indexes: range | list[int], *, db: Database | None = None
    ) -> list[EventEnvelope]:
        """Emit one chunk event per index in one unit of work, and commit it."""
        async with (db or self.db).unit_of_work() as uow:
            envelopes = [
                uow.emit(chunk(aggregate_id, i), aggregate_id=aggregate_id, user_id=USER_ID)
                for i in indexes
            ]
            await uow.commit()
        return envelopes

    async def outbox_rows(self) -> list[Row[Any]]:
        t = self.tables.outbox
        async with self.db.engine.connect() as conn:
            result = await conn.execute(
                select(t.c.id, t.c.event_id, t.c.published_at).order_by(t.c.id)
            )
            return list(result)

    async def unpublished(self) -> int:
        return sum(1 for row in await self.outbox_rows() if row.published_at is None)

    # -- the broker side ------------------------------------------------------------

    async def producer(self) -> AIOKafkaProducer:
        """A started producer built like the services' own (stopped after the test)."""
        producer = make_producer(self.settings)
        self._producers.append(producer)
        await producer.start()
        return producer

    async def relay(self, *, db: Database | None = None, rebuilds: bool = False) -> OutboxRelay:
        """A relay; with `rebuilds`, one that replaces its producer after a failure as
        the services' do (each producer it builds is stopped after the test)."""
        return OutboxRelay(
            db or self.db,
            await self.producer(),
            producer_factory=self._new_producer if rebuilds else None,
        )

    def _new_producer(self) -> AIOKafkaProducer:
        producer = make_producer(self.settings)
        self._producers.append(producer)
        return producer

    def consumer(self, group_id: str, handler: Handler | None = None) -> IdempotentConsumer:
        """An idempotent consumer of the chunk events; by default it records an effect."""
        return IdempotentConsumer(
            self.db,
            group_id=group_id,
            handlers={ReservationRecipientsAdded: handler or self.record_effect(group_id)},
        )

    def record_effect(self, group_id: str) -> Handler:
        """A handler whose effect is one row in `effects`, in the consumer's transaction."""

        async def handle(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
            assert isinstance(event, ReservationRecipientsAdded)
            await uow.conn.execute(
                insert(self.effects).values(
                    consumer_group=group_id,
                    event_id=envelope.event_id,
                    aggregate_id=envelope.aggregate_id,
                    chunk_index=event.chunk_index,
                )
            )

        return handle

    def start(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run a relay or consumer in the background (cancelled after the test)."""
        task = asyncio.create_task(coro, name=name)
        self._tasks.append(task)
        return task

    async def new_database(self) -> Database:
        """A second Database on the same schema: what another replica would have."""
        db = Database(self.settings, self.tables)
        self._databases.append(db)
        return db

    async def read_topic(self, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
        """Every message the broker holds on `topic`, by partition then offset."""
        reader = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await reader.start()
        try:
            await reader.topics()  # fetches the metadata
            partitions = [
                TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())
            ]
            reader.assign(partitions)
            await reader.seek_to_beginning(*partitions)
            end = await reader.end_offsets(partitions)
            records: list[ConsumerRecord[bytes, bytes]] = []
            async with asyncio.timeout(10):
                while [tp for tp in partitions if await reader.position(tp) < end[tp]]:
                    batch = await reader.getmany(timeout_ms=200)
                    for got in batch.values():
                        records += got
        finally:
            await reader.stop()
        return sorted(records, key=lambda r: (r.partition, r.offset))

    # -- what the consumers did -------------------------------------------------------

    async def effects_per_event(self, group_id: str) -> Counter[UUID]:
        """How many times each event's effect was applied by `group_id`."""
        e = self.effects
        async with self.db.engine.connect() as conn:
            result = await conn.execute(
                select(e.c.event_id, func.count())
                .where(e.c.consumer_group == group_id)
                .group_by(e.c.event_id)
            )
            return Counter({event_id: count for event_id, count in result})

    async def applied_chunks(self, group_id: str) -> list[int]:
        """The chunk indexes `group_id` applied, in the order it applied them."""
        e = self.effects
        async with self.db.engine.connect() as conn:
            result = await conn.execute(
                select(e.c.chunk_index).where(e.c.consumer_group == group_id).order_by(e.c.id)
            )
            return list(result.scalars())

    async def inbox_ids(self, group_id: str) -> set[UUID]:
        i = self.tables.inbox
        async with self.db.engine.connect() as conn:
            result = await conn.execute(select(i.c.event_id).where(i.c.consumer_group == group_id))
            return set(result.scalars())

    async def dead_letters(self, group_id: str) -> list[Row[Any]]:
        d = self.tables.dead_letters
        async with self.db.engine.connect() as conn:
            result = await conn.execute(
                select(d).where(d.c.consumer_group == group_id).order_by(d.c.offset)
            )
            return list(result)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for producer in self._producers:
            await producer.stop()
        for db in [self.db, *self._databases]:
            await db.dispose()


async def _create_schema(database_url: str, schema: str) -> tuple[PlumbingTables, Table]:
    """Create the plumbing tables and the effects table in a new schema."""
    metadata = MetaData(schema=schema)
    tables = plumbing_tables(metadata)
    effects = Table(
        "effects",
        metadata,
        # No unique constraint on purpose: an event applied twice shows as two rows.
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("consumer_group", String(200), nullable=False),
        Column("event_id", PG_UUID(as_uuid=True), nullable=False),
        Column("aggregate_id", PG_UUID(as_uuid=True), nullable=False),
        Column("chunk_index", Integer, nullable=False),
    )
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            await conn.run_sync(metadata.create_all)
    finally:
        await engine.dispose()
    return tables, effects


async def _drop_schema(database_url: str, schema: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        await engine.dispose()


MakePlumbing = Callable[..., Awaitable[Plumbing]]


@pytest.fixture
def kafka() -> Iterator[BrokerHandle]:
    """A fresh in-memory broker for this test only."""
    with running_broker() as handle:
        yield handle


@pytest.fixture
def proxied_kafka() -> Iterator[BrokerHandle]:
    """A fresh broker reached through a loopback proxy the test can cut and restore."""
    with running_broker(behind_proxy=True) as handle:
        yield handle


@pytest.fixture
async def make_plumbing(database_url: str, kafka: BrokerHandle) -> AsyncIterator[MakePlumbing]:
    """Build a `Plumbing` on a given broker, with settings overrides; cleaned up after.

    It depends on `kafka` so that its clients stop before the broker does (a broker
    stopped under connected clients takes seconds to exit); a test using
    `proxied_kafka` asks for it before `make_plumbing` for the same reason.
    """
    made: list[tuple[Plumbing, str]] = []

    async def make(broker: BrokerHandle, **overrides: Any) -> Plumbing:
        schema = f"plumbing_test_{uuid.uuid4().hex[:10]}"
        settings = ServiceSettings(
            service_name="plumbing-test",
            database_url=database_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            **{
                "kafka_topic_partitions": 3,
                # Tansu holds a first JoinGroup for half the session timeout: join in 1 s.
                "kafka_session_timeout_ms": 2_000,
                **overrides,
            },
        )
        tables, effects = await _create_schema(settings.database_url, schema)
        plumbing = Plumbing(settings, Database(settings, tables), effects, broker)
        made.append((plumbing, schema))
        await ensure_topics(settings, ALL_TOPICS)
        return plumbing

    yield make
    for plumbing, schema in made:
        await plumbing.close()
        await _drop_schema(plumbing.settings.database_url, schema)


@pytest.fixture
async def plumbing(make_plumbing: MakePlumbing, kafka: BrokerHandle) -> Plumbing:
    return await make_plumbing(kafka)
