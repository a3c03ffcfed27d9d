"""A recipient chunk that is dead-lettered does not leave its job waiting unseen forever:
the job is marked stuck, which the customer (`/msgs/summary`) and the operator (the
`stuck` state of `saga_instances`) see; replaying the dead letter applies the chunk and
clears it. A dead-letter reaction that fails too never keeps the dead letter out."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from msgplat.contracts.events import ReservationRecipientsAdded, ReservationRequested
from msgplat.plumbing import admin
from msgplat.plumbing.caller import INTERNAL
from msgplat.plumbing.consumer import IdempotentConsumer, Polled
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.metrics import SAGA_INSTANCES, StateCounts
from msgplat.send import queries, reactions
from msgplat.send.app import JOB_STATE
from msgplat.send.consumers import ON_DEAD_LETTER, SUBSCRIPTIONS
from msgplat.send.models import messages
from msgplat_testsupport import events
from msgplat_testsupport.records import record_of

GROUP = "send-reservations"


def envelope_of(event: ReservationRequested | ReservationRecipientsAdded) -> EventEnvelope:
    return EventEnvelope.wrap(
        event, aggregate_id=event.reservation_id, user_id="u-stuck", correlation_id="c"
    )


async def requested(db: Database, chunks: int) -> uuid.UUID:
    rid = uuid.uuid4()
    event = events.requested(rid, recipients=2 * chunks, chunks=chunks)
    async with db.unit_of_work() as uow:
        await reactions.on_reservations_arriving(uow, [Polled(envelope_of(event), event, None)])
        await uow.commit()
    return rid


def chunk(rid: uuid.UUID, index: int) -> ReservationRecipientsAdded:
    return ReservationRecipientsAdded(
        reservation_id=rid,
        chunk_index=index,
        chunk_count=2,
        first_seq=2 * index,
        dst_nums=[f"+82101234{index}{i:03d}" for i in range(2)],
    )


async def stuck_jobs(counts: StateCounts) -> float:
    """What /metrics says (one `StateCounts` per service, as the app's scrape hook)."""
    await counts()
    return float(SAGA_INSTANCES.labels("send_job", "stuck")._value.get())


async def test_a_dead_lettered_chunk_marks_its_job_stuck_until_it_is_replayed(
    db: Database,
) -> None:
    rid = await requested(db, chunks=2)
    consumer = IdempotentConsumer(
        db, group_id=GROUP, handlers=SUBSCRIPTIONS[GROUP], on_dead_letter=ON_DEAD_LETTER
    )
    first, second = envelope_of(chunk(rid, 0)), envelope_of(chunk(rid, 1))
    await consumer.apply([record_of(first)])
    counts = StateCounts(db, "send_job", JOB_STATE, ttl_s=0)
    stuck_before = await stuck_jobs(counts)

    await consumer.dead_letter(record_of(second, offset=1), RuntimeError("a bug since fixed"))

    summary = await queries.summarise(db, INTERNAL, reservation_id=rid)
    assert summary.stuck_reason and "part of the recipient list" in summary.stuck_reason
    assert await stuck_jobs(counts) == stuck_before + 1
    dead = db.tables.dead_letters
    async with db.engine.connect() as conn:
        row_id = await conn.scalar(select(dead.c.id).where(dead.c.event_id == second.event_id))
    assert row_id is not None

    outcome = await admin.replay_dead_letter(db, "send", row_id)

    assert outcome.ok, outcome.message
    summary = await queries.summarise(db, INTERNAL, reservation_id=rid)
    assert summary.stuck_reason is None
    assert await stuck_jobs(counts) == stuck_before
    async with db.engine.connect() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(messages).where(messages.c.reservation_id == rid)
        )
    assert count == 4  # both chunks: the job can be sent


async def test_a_failing_dead_letter_reaction_does_not_keep_the_dead_letter_out(
    db: Database,
) -> None:
    async def broken(uow: UnitOfWork, envelope: EventEnvelope, error: str) -> None:
        raise RuntimeError("the reaction has a bug too")

    rid = await requested(db, chunks=2)
    consumer = IdempotentConsumer(
        db,
        group_id=GROUP,
        handlers=SUBSCRIPTIONS[GROUP],
        on_dead_letter={ReservationRecipientsAdded: broken},
    )
    lost = envelope_of(chunk(rid, 0))
    await consumer.dead_letter(record_of(lost), RuntimeError("poison"))
    dead = db.tables.dead_letters
    async with db.engine.connect() as conn:
        error = await conn.scalar(select(dead.c.error).where(dead.c.event_id == lost.event_id))
    assert error == "RuntimeError('poison')"
