"""Event envelopes as the Kafka records a consumer polls, for driving
`IdempotentConsumer.apply()` without a broker; a service's database and a consumer of a
private group, the fixtures of the tests that do."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any

import orjson
import pytest_asyncio
from aiokafka import ConsumerRecord
from sqlalchemy import select

from msgplat.contracts.events import CATALOGUE
from msgplat.plumbing.consumer import Batched, Handler, IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.settings import ServiceSettings
from msgplat.plumbing.tables import PlumbingTables

_offsets = itertools.count()


def record_of(envelope: EventEnvelope, offset: int | None = None) -> ConsumerRecord:
    """An envelope as the Kafka record a consumer polls, at `offset` (by default the next
    of a count shared by every record made here)."""
    value = envelope.to_bytes()
    return ConsumerRecord(
        topic=CATALOGUE[envelope.event_type].topic,
        partition=0,
        offset=next(_offsets) if offset is None else offset,
        timestamp=0,
        timestamp_type=0,
        key=envelope.key,
        value=value,
        checksum=None,
        serialized_key_size=len(envelope.key),
        serialized_value_size=len(value),
        headers=envelope.headers(),
    )


def as_records(envelopes: Iterable[EventEnvelope]) -> list[ConsumerRecord]:
    """Envelopes as the Kafka records a consumer polls (each delivery a new offset),
    for driving `IdempotentConsumer.apply()` without a broker in projection tests."""
    return [record_of(envelope) for envelope in envelopes]


def database_fixture(
    settings: Callable[..., ServiceSettings], tables: PlumbingTables
) -> Callable[..., AsyncIterator[Database]]:
    """A module-scoped `db` fixture: the service's `Database` (made with `settings`, its
    settings class) on the session's `database_url`. In a test module or conftest:
    `db = database_fixture(StatSettings, tables)`."""

    @pytest_asyncio.fixture(scope="module")
    async def db(database_url: str) -> AsyncIterator[Database]:
        database = Database(settings(database_url=database_url), tables)
        yield database
        await database.dispose()

    return db


def private_consumer(
    db: Database, group: str, handlers: Mapping[type[Event], Handler | Batched]
) -> IdempotentConsumer:
    """A consumer in a group of its own (`<group>-<8 hex>`): its inbox rows apart from
    every other test's and from the running service's."""
    return IdempotentConsumer(db, group_id=f"{group}-{uuid.uuid4().hex[:8]}", handlers=handlers)


async def outbox_of(db: Database, key: object) -> list[tuple[str, Any]]:
    """(event type, payload) of every event the service wrote to its outbox under `key`
    (a reservation's, a notice's, a sender's id), in the order written."""
    outbox = db.tables.outbox
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(outbox.c.event_type, outbox.c.value)
            .where(outbox.c.key == str(key))
            .order_by(outbox.c.id)
        )
        return [(row.event_type, orjson.loads(row.value)["payload"]) for row in rows]
