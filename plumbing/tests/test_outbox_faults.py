"""The outbox under faults: a broker outage, a relay killed between publish and mark.

In both cases the guarantee is the same: no event is lost, and every consumer
applies each event exactly once (duplicates on the broker are absorbed by the inbox).
"""

from __future__ import annotations

from collections import Counter
from uuid import UUID, uuid4

from msgplat.contracts import topics
from msgplat.plumbing.envelope import EventEnvelope
from msgplat_testsupport.brokers import BrokerHandle
from msgplat_testsupport.waiting import eventually

from .conftest import MakePlumbing, Plumbing


async def all_applied_once(plumbing: Plumbing, group: str, expected: list[UUID]) -> bool:
    """True once `group` applied every expected event (and fail at once on a double)."""
    applied = await plumbing.effects_per_event(group)
    doubles = {event_id: n for event_id, n in applied.items() if n > 1}
    assert not doubles, f"applied more than once: {doubles}"
    return set(applied) == set(expected)


async def test_broker_outage_loses_nothing_and_applies_each_event_once(
    proxied_kafka: BrokerHandle, make_plumbing: MakePlumbing
) -> None:
    """With the broker unreachable, committed events wait in the outbox while the relay
    retries; when it comes back every event arrives and is applied exactly once."""
    assert proxied_kafka.proxy is not None
    # Short timeouts, so a send to the unreachable broker fails (and is retried) quickly.
    plumbing = await make_plumbing(proxied_kafka, kafka_request_timeout_ms=1_500)
    group = f"outage-{uuid4().hex[:8]}"
    relay = await plumbing.relay()
    consumer = plumbing.consumer(group)
    plumbing.start(relay.run(), "relay")
    plumbing.start(consumer.run(), "consumer")
    aggregate_ids = [uuid4() for _ in range(5)]

    # The pipeline works before the outage.
    before = await plumbing.commit_events(aggregate_ids[0], range(3))
    await eventually(lambda: all_applied_once(plumbing, group, [e.event_id for e in before]))

    proxied_kafka.proxy.cut()
    during: list[EventEnvelope] = []
    for n, aggregate_id in enumerate(aggregate_ids):  # one unit of work per reservation
        during += await plumbing.commit_events(aggregate_id, range(3 + 10 * n, 13 + 10 * n))

    async def relay_failed() -> bool:
        return relay.stats.failures >= 2

    await eventually(relay_failed, timeout_s=15)
    assert await plumbing.unpublished() == len(during), "the events wait in the outbox"
    assert set(await plumbing.effects_per_event(group)) == {e.event_id for e in before}

    proxied_kafka.proxy.restore()
    expected = [e.event_id for e in before + during]
    await eventually(lambda: all_applied_once(plumbing, group, expected), timeout_s=20)
    assert await plumbing.unpublished() == 0
    assert await plumbing.inbox_ids(group) == set(expected)
    # Per reservation, the consumer applied the chunks in the order they were emitted.
    applied = await plumbing.applied_chunks(group)
    assert applied[:3] == [0, 1, 2]
    for n in range(len(aggregate_ids)):
        mine = [i for i in applied if 3 + 10 * n <= i < 13 + 10 * n]
        assert mine == list(range(3 + 10 * n, 13 + 10 * n))


async def test_relay_killed_between_publish_and_mark_duplicates_are_absorbed(
    plumbing: Plumbing,
) -> None:
    """A relay that dies after publishing and before marking leaves the rows unmarked:
    they are published again, the broker holds each event twice, and an idempotent
    consumer still applies each one exactly once."""
    aggregate_id = uuid4()
    emitted = await plumbing.commit_events(aggregate_id, range(20))
    expected = [e.event_id for e in emitted]
    crashed = await plumbing.relay()

    # What a crash leaves behind: published, then the transaction is lost before marking.
    async with plumbing.db.engine.connect() as conn:
        transaction = await conn.begin()
        rows = await crashed.fetch_unpublished(conn)
        assert len(rows) == 20
        await crashed.publish(rows)
        await transaction.rollback()
    assert await plumbing.unpublished() == 20

    restarted = await plumbing.relay()
    assert await restarted.publish_batch() == 20
    assert await plumbing.unpublished() == 0

    records = await plumbing.read_topic(topics.RESERVATION_EVENTS)
    on_broker = Counter(EventEnvelope.from_bytes(r.value).event_id for r in records)
    assert on_broker == Counter({event_id: 2 for event_id in expected})

    group = f"dedup-{uuid4().hex[:8]}"
    consumer = plumbing.consumer(group)
    plumbing.start(consumer.run(), "consumer")
    await eventually(lambda: all_applied_once(plumbing, group, expected))

    async def saw_every_copy() -> bool:
        return consumer.stats.applied + consumer.stats.duplicates == 40

    await eventually(saw_every_copy)
    assert consumer.stats.applied == 20
    assert consumer.stats.duplicates == 20
    assert await plumbing.applied_chunks(group) == list(range(20)), "in order, once each"
    assert await plumbing.inbox_ids(group) == set(expected)
