"""The outbox relay under faults that are not a kill: a broker that stops answering in
the middle of a publish, and a row the broker will never take.

A stuck batch gives up its lock and transaction within `OUTBOX_PUBLISH_TIMEOUT_S`, the
producer is rebuilt, the relay reports itself stalled while its rows wait, and every
event still arrives once the broker is back. An oversized row is parked with its error:
it holds back only the later events of its key; an operator retries or discards it.
"""

from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

from sqlalchemy import func, insert, select

from msgplat.contracts import topics
from msgplat.plumbing import admin
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.metrics import OUTBOX_PARKED
from msgplat_testsupport.brokers import BrokerHandle
from msgplat_testsupport.waiting import eventually

from .conftest import MakePlumbing, Plumbing, chunk
from .test_outbox_faults import all_applied_once


async def test_broker_blackholed_mid_publish_releases_the_lock_rebuilds_and_recovers(
    proxied_kafka: BrokerHandle, make_plumbing: MakePlumbing
) -> None:
    assert proxied_kafka.proxy is not None
    plumbing = await make_plumbing(
        proxied_kafka,
        kafka_request_timeout_ms=30_000,  # the producer alone would wait 30 s and more
        outbox_publish_timeout_s=1.5,
        outbox_stall_s=2,
    )
    relay = await plumbing.relay(rebuilds=True)
    group = f"blackhole-{uuid4().hex[:8]}"
    consumer = plumbing.consumer(group)
    plumbing.start(relay.run(), "relay")
    plumbing.start(consumer.run(), "consumer")
    before = await plumbing.commit_events(uuid4(), range(3))
    await eventually(lambda: all_applied_once(plumbing, group, [e.event_id for e in before]))
    assert relay.stalled() is None

    proxied_kafka.proxy.blackhole()  # requests are taken and never answered
    during = await plumbing.commit_events(uuid4(), range(10, 20))

    async def gave_up_and_rebuilt() -> bool:
        return relay.stats.failures >= 2 and relay.stats.producers_rebuilt >= 2

    await eventually(gave_up_and_rebuilt, timeout_s=20)
    assert "TimeoutError" in (relay.stats.last_error or "")

    # Between attempts the batch's transaction is gone and its lock free: another
    # replica's relay can take it (it fails on the broker too, and gives it back).
    async def lock_is_free() -> bool:
        async with plumbing.db.engine.begin() as conn:
            return bool(await conn.scalar(select(func.pg_try_advisory_xact_lock(relay.lock_key))))

    await eventually(lock_is_free, timeout_s=10)

    async def reports_stalled() -> bool:
        return relay.stalled() is not None

    await eventually(reports_stalled, timeout_s=10)
    assert await plumbing.unpublished() == len(during)

    proxied_kafka.proxy.restore()
    expected = [e.event_id for e in before + during]
    await eventually(lambda: all_applied_once(plumbing, group, expected), timeout_s=40)

    async def all_marked() -> bool:
        return await plumbing.unpublished() == 0 and relay.stalled() is None

    await eventually(all_marked, timeout_s=10)


async def test_an_empty_outbox_is_never_stalled(
    proxied_kafka: BrokerHandle, make_plumbing: MakePlumbing
) -> None:
    """A broker outage with nothing to publish is no stall of the relay."""
    assert proxied_kafka.proxy is not None
    plumbing = await make_plumbing(proxied_kafka, outbox_stall_s=0.5)
    relay = await plumbing.relay()
    plumbing.start(relay.run(), "relay")
    proxied_kafka.proxy.cut()
    await asyncio.sleep(1.5)
    assert relay.stalled() is None
    proxied_kafka.proxy.restore()


async def insert_raw_row(plumbing: Plumbing, key: UUID, value: bytes) -> int:
    """An outbox row as a producer wrote it, with a value of our choosing."""
    t = plumbing.tables.outbox
    async with plumbing.db.engine.begin() as conn:
        row_id = await conn.scalar(
            insert(t)
            .values(
                event_id=uuid4(),
                topic=topics.RESERVATION_EVENTS,
                key=str(key),
                event_type="ReservationRecipientsAdded",
                value=value,
                headers=[],
            )
            .returning(t.c.id)
        )
    assert row_id is not None
    return int(row_id)


async def test_an_oversized_row_is_parked_and_holds_back_only_its_key(
    plumbing: Plumbing,
) -> None:
    blocked, other = uuid4(), uuid4()
    first = await plumbing.commit_events(blocked, [0])
    huge_id = await insert_raw_row(plumbing, blocked, b"x" * 1_200_000)  # over 1 MiB
    behind = await plumbing.commit_events(blocked, [2, 3])
    others = await plumbing.commit_events(other, range(5))
    parked_before = OUTBOX_PARKED._value.get()
    relay = await plumbing.relay()

    while await relay.publish_batch():
        pass

    assert relay.stats.parked == 1
    assert OUTBOX_PARKED._value.get() == parked_before + 1
    parked = await admin.list_parked(plumbing.db.engine, plumbing.tables)
    assert len(parked) == 1 and parked[0].startswith(f"{huge_id}\t")
    assert "MessageSizeTooLargeError" in parked[0]
    # The other key went on; the blocked key's earlier event too; its later ones wait.
    on_broker = {
        EventEnvelope.from_bytes(r.value).event_id
        for r in await plumbing.read_topic(topics.RESERVATION_EVENTS)
    }
    assert on_broker == {e.event_id for e in first + others}
    assert await plumbing.unpublished() == len(behind)

    # Retried, it is refused again and parked again, in its own place.
    retried = await admin.retry_parked(plumbing.db.engine, plumbing.tables, huge_id)
    assert retried.ok
    while await relay.publish_batch():
        pass
    assert relay.stats.parked == 2
    assert len(await admin.list_parked(plumbing.db.engine, plumbing.tables)) == 1

    # Discarded, its key goes on in order.
    assert (await admin.discard_parked(plumbing.db.engine, plumbing.tables, huge_id)).ok
    assert not (await admin.discard_parked(plumbing.db.engine, plumbing.tables, huge_id)).ok
    while await relay.publish_batch():
        pass
    assert await plumbing.unpublished() == 0
    records = await plumbing.read_topic(topics.RESERVATION_EVENTS)
    mine = [
        env.payload["chunk_index"]
        for env in (EventEnvelope.from_bytes(r.value) for r in records)
        if env.aggregate_id == blocked
    ]
    assert mine == [0, 2, 3]


async def test_a_retried_parked_row_goes_out_before_the_events_that_waited_for_it(
    plumbing: Plumbing,
) -> None:
    """Parked for a cause since mended (here: the row itself), `retry` publishes it in
    its place: before the later events of its key."""
    key = uuid4()
    async with plumbing.db.unit_of_work() as uow:
        uow.emit(chunk(key, 0), aggregate_id=key, user_id="u")
        await uow.commit()
    relay = await plumbing.relay()
    t, p = plumbing.tables.outbox, plumbing.tables.outbox_parked
    # Park the row by hand (as the relay does), then queue later events of its key.
    async with plumbing.db.engine.begin() as conn:
        row = (await conn.execute(select(t))).one()
        await relay.park(conn, row, RuntimeError("topic refused"))
    later = await plumbing.commit_events(key, [1, 2])
    assert await relay.publish_batch() == 0, "the later events wait behind the parked one"

    assert (await admin.retry_parked(plumbing.db.engine, plumbing.tables, row.id)).ok
    async with plumbing.db.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(p)) == 0
    while await relay.publish_batch():
        pass
    order = [
        EventEnvelope.from_bytes(r.value).payload["chunk_index"]
        for r in await plumbing.read_topic(topics.RESERVATION_EVENTS)
    ]
    assert order == [0, 1, 2]
    assert len(later) == 2
