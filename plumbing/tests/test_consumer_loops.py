"""A consumer with a loop per topic: one topic's slow batch never holds back another
topic's events, and the group (one inbox, one set of offsets) still applies each once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import UUID, uuid4

from msgplat.contracts.events import ReservationRecipientsAdded, SendingFinished
from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat_testsupport.waiting import eventually

from .conftest import USER_ID, Plumbing
from .test_consumer import publish_all


def finished(rid: UUID) -> SendingFinished:
    return SendingFinished(
        reservation_id=rid,
        outcome="completed",
        delivered=1,
        failed=0,
        cancelled=0,
        finished_at=datetime.now(UTC),
    )


async def run_with_a_stuck_topic(plumbing: Plumbing, *, loop_per_topic: bool) -> list[str]:
    """Send events are held in their handler until a chunk event was applied; the
    chunk events that got applied meanwhile (their chunk indexes as text)."""
    group = f"loops-{uuid4().hex[:8]}"
    record_effect = plumbing.record_effect(group)
    applied: list[str] = []
    chunk_applied = asyncio.Event()

    async def on_chunk(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
        await record_effect(uow, envelope, event)
        assert isinstance(event, ReservationRecipientsAdded)
        uow.after_commit(lambda: (applied.append(str(event.chunk_index)), chunk_applied.set()))

    async def on_finished(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
        # A long settlement: it ends once the other topic got through, or gives up.
        try:
            await asyncio.wait_for(chunk_applied.wait(), timeout=3)
        except TimeoutError:
            applied.append("held back")

    rid = uuid4()
    async with plumbing.db.unit_of_work() as uow:
        uow.emit(finished(rid), aggregate_id=rid, user_id=USER_ID)
        await uow.commit()
    await publish_all(plumbing)
    consumer = IdempotentConsumer(
        plumbing.db,
        group_id=group,
        handlers={SendingFinished: on_finished, ReservationRecipientsAdded: on_chunk},
        loop_per_topic=loop_per_topic,
    )
    plumbing.start(consumer.run(), "consumer")
    await eventually(lambda: _is_set(consumer.assigned), timeout_s=20)
    await plumbing.commit_events(rid, [0])
    await publish_all(plumbing)

    async def both_applied() -> bool:
        return len(await plumbing.inbox_ids(group)) == 2

    await eventually(both_applied, timeout_s=20)
    assert await plumbing.applied_chunks(group) == [0]
    return applied


async def _is_set(event: asyncio.Event) -> bool:
    return event.is_set()


async def test_a_topics_slow_batch_does_not_hold_back_another_topic(plumbing: Plumbing) -> None:
    assert await run_with_a_stuck_topic(plumbing, loop_per_topic=True) == ["0"]


async def test_one_loop_for_both_topics_waits_for_the_slow_batch(plumbing: Plumbing) -> None:
    """The control: without a loop per topic the chunk waits behind the send event."""
    assert await run_with_a_stuck_topic(plumbing, loop_per_topic=False) == ["held back", "0"]
