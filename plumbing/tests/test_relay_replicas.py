"""Two relays on one outbox (two replicas of a service): each row leaves once, in order."""

from __future__ import annotations

import asyncio
from collections import Counter
from uuid import uuid4

from msgplat.contracts import topics
from msgplat.plumbing.envelope import EventEnvelope
from msgplat_testsupport.brokers import BrokerHandle
from msgplat_testsupport.waiting import eventually

from .conftest import MakePlumbing


async def test_two_relays_publish_each_row_once_and_in_order(
    make_plumbing: MakePlumbing, kafka: BrokerHandle
) -> None:
    """Two relays running at once on the same outbox, woken by the same commits, while
    events keep being committed: the advisory lock lets one publish at a time, so the
    broker holds every event exactly once and in outbox order."""
    # Small batches: many rounds in which the two relays compete for the lock.
    plumbing = await make_plumbing(kafka, outbox_batch_size=7)
    relays = [await plumbing.relay(), await plumbing.relay()]
    for n, relay in enumerate(relays):
        plumbing.start(relay.run(), f"relay-{n}")
    aggregate_id = uuid4()  # one key, one partition: the broker's order is checkable

    emitted: list[EventEnvelope] = []
    for start in range(0, 300, 10):
        emitted += await plumbing.commit_events(aggregate_id, range(start, start + 10))
        await asyncio.sleep(0)  # let the relays interleave with the writer

    async def all_published() -> bool:
        return await plumbing.unpublished() == 0

    await eventually(all_published, timeout_s=15)
    records = await plumbing.read_topic(topics.RESERVATION_EVENTS)
    on_broker = [EventEnvelope.from_bytes(r.value).event_id for r in records]
    duplicates = {k: n for k, n in Counter(on_broker).items() if n > 1}
    assert not duplicates, f"{len(duplicates)} events published more than once"
    assert on_broker == [e.event_id for e in emitted], "outbox order"
    assert sum(relay.stats.published for relay in relays) == len(emitted)
    assert all(relay.stats.failures == 0 for relay in relays)
