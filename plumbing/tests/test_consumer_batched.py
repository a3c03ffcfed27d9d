"""A `Batched` handler gets a polled batch's events of its types at once, in order, and
keeps every guarantee of the one-event handlers: each event applied once, a redelivered
one not handed again, a failing one dead-lettered without holding back the others.

Driven through `IdempotentConsumer.apply_batch` with records made from envelopes (no
broker needed: what is tested is what the consumer does with a batch it polled).
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from aiokafka import TopicPartition

from msgplat.contracts import topics
from msgplat.contracts.events import ReservationCancelled
from msgplat.plumbing.consumer import Batched, IdempotentConsumer, Polled
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat_testsupport.records import as_records

from .conftest import Plumbing, chunk

PARTITION = TopicPartition(topics.RESERVATION_EVENTS, 0)


def label(event: Event) -> str:
    return f"chunk {event.chunk_index}" if hasattr(event, "chunk_index") else "cancel"


async def test_runs_of_a_batched_handler_come_together_in_order(plumbing: Plumbing) -> None:
    group = f"batched-{uuid4().hex[:8]}"
    rid = uuid4()
    calls: list[list[str]] = []
    record_effect = plumbing.record_effect(group)

    async def in_bulk(uow: UnitOfWork, events: list[Polled]) -> None:
        calls.append([label(p.event) for p in events])
        for p in events:
            await record_effect(uow, p.envelope, p.event)

    async def one_by_one(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
        calls.append([label(event)])

    consumer = IdempotentConsumer(
        plumbing.db,
        group_id=group,
        handlers={type(chunk(rid, 0)): Batched(in_bulk), ReservationCancelled: one_by_one},
    )
    cancel = ReservationCancelled(
        reservation_id=rid, previous_status="scheduled", cancelled_at=datetime.now(UTC)
    )
    first = [wrap(chunk(rid, 0)), wrap(chunk(rid, 1)), wrap(cancel), wrap(chunk(rid, 2))]
    await consumer.apply_batch({PARTITION: as_records(first)})
    assert calls == [["chunk 0", "chunk 1"], ["cancel"], ["chunk 2"]]

    # Redelivered with a new one: only the new one reaches the handler.
    calls.clear()
    await consumer.apply_batch({PARTITION: as_records([*first[:2], wrap(chunk(rid, 3))])})
    assert calls == [["chunk 3"]]
    assert await plumbing.applied_chunks(group) == [0, 1, 2, 3]
    assert consumer.stats.applied == 5 and consumer.stats.duplicates == 2


async def test_an_event_its_batch_handler_fails_on_is_dead_lettered_alone(
    plumbing: Plumbing,
) -> None:
    group = f"batched-poison-{uuid4().hex[:8]}"
    rid = uuid4()
    record_effect = plumbing.record_effect(group)
    events = [wrap(chunk(rid, i)) for i in range(5)]
    poison = events[2].event_id

    async def in_bulk(uow: UnitOfWork, batch: list[Polled]) -> None:
        for p in batch:
            await record_effect(uow, p.envelope, p.event)  # rolled back with the failure
            if p.envelope.event_id == poison:
                raise RuntimeError("a bug in the batch handler")

    consumer = IdempotentConsumer(
        plumbing.db, group_id=group, handlers={type(chunk(rid, 0)): Batched(in_bulk)}
    )
    await consumer.apply_batch({PARTITION: as_records(events)})

    assert await plumbing.applied_chunks(group) == [0, 1, 3, 4]
    assert [row.event_id for row in await plumbing.dead_letters(group)] == [poison]
    assert await plumbing.inbox_ids(group) == {e.event_id for e in events} - {poison}


def wrap(event: Event) -> EventEnvelope:
    return EventEnvelope.wrap(
        event, aggregate_id=event.reservation_id, user_id="u", correlation_id="batched"
    )
