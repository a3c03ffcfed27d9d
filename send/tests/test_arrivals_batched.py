"""A polled batch of reservations arriving (requests, their chunks, their schedules) is
applied with a few statements, and ends as the same events one at a time end: each job
made once, with its messages in list order, its chunks counted, scheduled, and woken
when due now; a chunk of a job that does not exist is dead-lettered alone.

Through the service's own consumer group reactions (`consumers.SUBSCRIPTIONS`), with
records made from envelopes: no broker needed.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import TopicPartition
from sqlalchemy import select

from msgplat.contracts import topics
from msgplat.contracts.events import (
    ReservationRecipientsAdded,
    ReservationRequested,
    ReservationScheduled,
)
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.send.consumers import ON_DEAD_LETTER, SUBSCRIPTIONS
from msgplat.send.models import jobs, messages
from msgplat.send.repository.jobs import DUE_CHANNEL
from msgplat_testsupport.records import as_records, private_consumer

PARTITION = TopicPartition(topics.RESERVATION_EVENTS, 0)


def wrap(event: Event) -> EventEnvelope:
    rid = getattr(event, "reservation_id")  # noqa: B009
    return EventEnvelope.wrap(event, aggregate_id=rid, user_id="u-batch", correlation_id="c")


def request(rid: uuid.UUID, chunks: int, *, due: datetime) -> ReservationRequested:
    return ReservationRequested(
        reservation_id=rid,
        title="t",
        content="hello",
        msg_type="SMS",
        callback_num="0212345678",
        reserve_dt=due,
        recipient_count=2 * chunks,
        chunk_count=chunks,
        requested_at=datetime.now(UTC),
    )


def chunk(rid: uuid.UUID, index: int, count: int, **personal: Any) -> ReservationRecipientsAdded:
    return ReservationRecipientsAdded(
        reservation_id=rid,
        chunk_index=index,
        chunk_count=count,
        first_seq=2 * index,
        dst_nums=[f"+82101234{index}{i:03d}" for i in range(2)],
        **personal,
    )


async def job_of(db: Database, rid: uuid.UUID) -> Any:
    async with db.engine.connect() as conn:
        return (await conn.execute(select(jobs).where(jobs.c.reservation_id == rid))).one()


async def messages_of(db: Database, rid: uuid.UUID) -> list[tuple[int, str, str | None]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(messages.c.seq, messages.c.dst_num, messages.c.text)
            .where(messages.c.reservation_id == rid)
            .order_by(messages.c.seq)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_batch_of_arrivals_ends_as_one_event_at_a_time_does(
    db: Database, own_database_url: str
) -> None:
    consumer = private_consumer(db, "send-arrivals", SUBSCRIPTIONS["send-reservations"])
    later, now = datetime.now(UTC) + timedelta(hours=1), datetime.now(UTC) - timedelta(seconds=1)
    two, one, personal = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    batch = [
        request(two, 2, due=later),
        chunk(two, 0, 2),
        chunk(two, 1, 2),
        request(one, 1, due=now),
        chunk(one, 0, 1),
        request(personal, 1, due=later),
        chunk(personal, 0, 1, texts=["hi A", "hi B"], msg_types=["SMS", "SMS"]),
        ReservationScheduled(reservation_id=two, reserve_dt=later, scheduled_at=now),
        ReservationScheduled(reservation_id=one, reserve_dt=now, scheduled_at=now),
    ]
    woken: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(own_database_url)
    await listener.add_listener(DUE_CHANNEL, lambda *args: woken.put_nowait(args[2]))
    try:
        await consumer.apply_batch({PARTITION: as_records(wrap(e) for e in batch)})
        await asyncio.wait_for(woken.get(), timeout=5)  # `one` is due now: a scheduler wakes
    finally:
        await listener.close()

    for rid, chunks, status in ((two, 2, "scheduled"), (one, 1, "scheduled")):
        job = await job_of(db, rid)
        assert (job.status, job.chunks_received, job.chunk_count) == (status, chunks, chunks)
    waiting = await job_of(db, personal)
    assert (waiting.status, waiting.chunks_received) == ("waiting", 1)
    assert [seq for seq, _, _ in await messages_of(db, two)] == [0, 1, 2, 3]
    assert [text for _, _, text in await messages_of(db, personal)] == ["hi A", "hi B"]
    assert [text for _, _, text in await messages_of(db, one)] == [None, None]

    # Again, with a chunk of a job that was never requested: it alone is dead-lettered.
    stray, fresh = uuid.uuid4(), uuid.uuid4()
    consumer.on_dead_letter = {e.event_type: r for e, r in ON_DEAD_LETTER.items()}
    again = [request(fresh, 1, due=later), chunk(stray, 0, 1), chunk(fresh, 0, 1)]
    await consumer.apply_batch({PARTITION: as_records(wrap(e) for e in again)})
    assert (await job_of(db, fresh)).chunks_received == 1
    assert await messages_of(db, stray) == []
    assert consumer.stats.dead_lettered == 1


async def test_a_batch_out_of_arrival_order_is_applied_event_by_event(db: Database) -> None:
    consumer = private_consumer(db, "send-arrivals", SUBSCRIPTIONS["send-reservations"])
    rid, later = uuid.uuid4(), datetime.now(UTC) + timedelta(hours=1)
    batch = [  # a schedule before its request: not the order they are written in
        ReservationScheduled(reservation_id=rid, reserve_dt=later, scheduled_at=later),
        request(rid, 1, due=later),
        chunk(rid, 0, 1),
    ]
    await consumer.apply_batch({PARTITION: as_records(wrap(e) for e in batch)})
    job = await job_of(db, rid)
    # As one at a time: the schedule found no job (it changed nothing), the job waits.
    # Kind by kind would have made the job, then scheduled it.
    assert (job.status, job.chunks_received) == ("waiting", 1)
    assert len(await messages_of(db, rid)) == 2
