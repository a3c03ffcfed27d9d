"""The idempotent consumer: killed mid-stream, fed poison, it applies each event once."""

from __future__ import annotations

import asyncio
import contextlib
from uuid import UUID, uuid4

import orjson
from aiokafka import TopicPartition
from sqlalchemy import select

from msgplat.contracts import topics
from msgplat.contracts.events import ReservationRecipientsAdded
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat_testsupport.brokers import BrokerHandle
from msgplat_testsupport.waiting import eventually

from .conftest import MakePlumbing, Plumbing, chunk


async def publish_all(plumbing: Plumbing) -> None:
    relay = await plumbing.relay()
    while await relay.publish_batch():
        pass
    assert await plumbing.unpublished() == 0


async def applied_count(plumbing: Plumbing, group: str) -> int:
    return sum((await plumbing.effects_per_event(group)).values())


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_consumer_killed_mid_stream_resumes_without_applying_twice(
    make_plumbing: MakePlumbing, kafka: BrokerHandle
) -> None:
    """A consumer killed part way through 2,000 events, in the middle of a batch's
    transaction, and replaced by a new one in the same group: the half-done batch
    leaves nothing behind, every event is applied exactly once in total, and the new
    consumer resumes from the committed offsets instead of starting over."""
    batch_size = 50
    plumbing = await make_plumbing(kafka, consumer_batch_size=batch_size)
    group = f"restart-{uuid4().hex[:8]}"
    aggregate_ids = [uuid4() for _ in range(4)]
    emitted: list[EventEnvelope] = []
    for aggregate_id in aggregate_ids:
        emitted += await plumbing.commit_events(aggregate_id, range(500))
    await publish_all(plumbing)
    expected = {e.event_id for e in emitted}

    record_effect = plumbing.record_effect(group)
    handled = 0
    stuck = asyncio.Event()

    async def hangs_at_the_320th_event(
        uow: UnitOfWork, envelope: EventEnvelope, event: Event
    ) -> None:
        nonlocal handled
        await record_effect(uow, envelope, event)
        handled += 1
        if handled == 320:
            stuck.set()
            await asyncio.Event().wait()  # inside the transaction, until killed

    first = plumbing.start(plumbing.consumer(group, hangs_at_the_320th_event).run(), "first")
    await asyncio.wait_for(stuck.wait(), timeout=15)
    committed_before_kill = await applied_count(plumbing, group)
    await stop(first)
    applied_by_first = await applied_count(plumbing, group)
    assert applied_by_first == committed_before_kill < 320, "the open batch rolled back"
    assert applied_by_first > 0

    second = plumbing.consumer(group)
    plumbing.start(second.run(), "second")

    async def all_applied() -> bool:
        return set(await plumbing.effects_per_event(group)) == expected

    async def second_counted_its_share() -> bool:
        return second.stats.applied == len(expected) - applied_by_first

    await eventually(all_applied, timeout_s=20)
    await eventually(second_counted_its_share)
    per_event = await plumbing.effects_per_event(group)
    assert set(per_event.values()) == {1}, "no event applied twice"
    assert await plumbing.inbox_ids(group) == expected
    # Offsets were committed after each database commit, so the new consumer starts
    # right after the last committed batch: it meets no event the first one applied.
    assert second.stats.duplicates == 0
    # Within each reservation the chunks were applied in order, across the restart.
    e = plumbing.effects
    async with plumbing.db.engine.connect() as conn:
        for aggregate_id in aggregate_ids:
            result = await conn.execute(
                select(e.c.chunk_index).where(e.c.aggregate_id == aggregate_id).order_by(e.c.id)
            )
            assert list(result.scalars()) == list(range(500))


def envelopes(aggregate_id: UUID, count: int) -> list[EventEnvelope]:
    return [
        EventEnvelope.wrap(
            chunk(aggregate_id, i), aggregate_id=aggregate_id, user_id="u", correlation_id="c"
        )
        for i in range(count)
    ]


async def test_poison_events_are_dead_lettered_and_do_not_block_the_partition(
    plumbing: Plumbing,
) -> None:
    """Messages that are not envelopes, break the contract, or make the handler fail
    go to dead_letters (with their offset and error) and the events after them in the
    same partition are still applied, once each; the offsets move past them."""
    aggregate_id = uuid4()
    group = f"poison-{uuid4().hex[:8]}"
    good = envelopes(aggregate_id, 8)
    broken_contract = EventEnvelope(
        event_type=ReservationRecipientsAdded.event_type,
        schema_version=1,
        aggregate_id=aggregate_id,
        user_id="u",
        correlation_id="c",
        payload={"reservation_id": str(aggregate_id), "chunk_index": -1},
    )
    unknown_type = broken_contract.model_copy(update={"event_type": "SomethingNew"})
    handler_fails_on = good[1].event_id
    messages: list[bytes | None] = [
        good[0].to_bytes(),  # offset 0
        b"not json",  # 1: not an envelope
        None,  # 2: a tombstone
        orjson.dumps({"hello": "world"}),  # 3: JSON, not an envelope
        broken_contract.to_bytes(),  # 4: a catalogued type with an invalid payload
        unknown_type.to_bytes(),  # 5: a type this group does not handle: skipped
        good[1].to_bytes(),  # 6: its handler raises
        *(e.to_bytes() for e in good[2:]),  # 7..12
    ]
    poison_offsets = [1, 2, 3, 4, 6]
    producer = await plumbing.producer()
    for value in messages:
        await producer.send_and_wait(
            topics.RESERVATION_EVENTS, value=value, key=str(aggregate_id).encode(), partition=0
        )

    record_effect = plumbing.record_effect(group)

    async def buggy_handler(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
        await record_effect(uow, envelope, event)  # rolled back with the failure
        if envelope.event_id == handler_fails_on:
            raise RuntimeError("a bug in the handler")

    consumer = plumbing.consumer(group, buggy_handler)
    plumbing.start(consumer.run(), "consumer")
    partition = TopicPartition(topics.RESERVATION_EVENTS, 0)

    async def offsets_past_the_end() -> bool:
        client = next(iter(consumer._consumers), None)
        return client is not None and await client.committed(partition) == len(messages)

    await eventually(offsets_past_the_end, timeout_s=15)

    applied = await plumbing.applied_chunks(group)
    assert applied == [0, 2, 3, 4, 5, 6, 7], "every good event after the poison, once"
    dead = await plumbing.dead_letters(group)
    assert [row.offset for row in dead] == poison_offsets
    assert {row.partition for row in dead} == {0}
    assert {row.topic for row in dead} == {topics.RESERVATION_EVENTS}
    by_offset = {row.offset: row for row in dead}
    assert by_offset[1].value == b"not json"
    assert by_offset[2].value == b""
    assert by_offset[1].event_id is None and by_offset[3].event_id is None
    assert by_offset[4].event_id == broken_contract.event_id
    assert "validation error" in by_offset[4].error
    assert "ReservationRecipientsAdded" in by_offset[4].error
    assert by_offset[6].event_id == handler_fails_on
    assert "a bug in the handler" in by_offset[6].error
    assert EventEnvelope.from_bytes(by_offset[6].value) == good[1]  # replayable
    inbox = await plumbing.inbox_ids(group)
    assert inbox == {e.event_id for e in good} - {handler_fails_on}
    assert unknown_type.event_id not in inbox
    assert consumer.stats.dead_lettered == len(poison_offsets)
    assert consumer.stats.applied == len(good) - 1


async def test_consumer_cancelled_while_it_cannot_start_is_closed(
    proxied_kafka: BrokerHandle, make_plumbing: MakePlumbing
) -> None:
    """A consumer stopped before it could join its group (the broker unreachable) closes
    its Kafka client instead of leaking it; its replacement starts once the broker is
    back, and consumes."""
    assert proxied_kafka.proxy is not None
    plumbing = await make_plumbing(proxied_kafka)
    group = f"unstarted-{uuid4().hex[:8]}"
    proxied_kafka.proxy.cut()
    consumer = plumbing.consumer(group)
    task = plumbing.start(consumer.run(), "consumer")

    async def trying_to_start() -> bool:
        return bool(consumer._consumers)

    await eventually(trying_to_start)
    await stop(task)
    assert not consumer.started.is_set()
    [client] = consumer._consumers
    assert client._closed, "the Kafka client was left open"

    proxied_kafka.proxy.restore()
    [event] = await plumbing.commit_events(uuid4(), [0])
    await publish_all(plumbing)
    replacement = plumbing.consumer(group)
    plumbing.start(replacement.run(), "replacement")

    async def applied() -> bool:
        return set(await plumbing.effects_per_event(group)) == {event.event_id}

    await eventually(applied, timeout_s=15)
