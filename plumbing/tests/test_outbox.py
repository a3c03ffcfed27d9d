"""The transactional outbox: events leave only with their transaction, in order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from aiokafka import ConsumerRecord
from sqlalchemy import select, text

from msgplat.contracts import topics
from msgplat.contracts.events import ReservationRecipientsAdded
from msgplat.plumbing.envelope import EventEnvelope, EventTooLarge
from msgplat.plumbing.logging import bind_correlation_id
from msgplat_testsupport.brokers import BrokerHandle
from msgplat_testsupport.waiting import eventually

from .conftest import USER_ID, MakePlumbing, Plumbing, chunk


class Boom(Exception):
    pass


def event_ids(records: list[ConsumerRecord[Any, Any]]) -> list[str]:
    return [str(EventEnvelope.from_bytes(r.value).event_id) for r in records]


async def test_rolled_back_unit_of_work_leaves_nothing_in_the_outbox(plumbing: Plumbing) -> None:
    """Events emitted in a transaction that does not commit are never written."""
    aggregate_id = uuid4()

    with pytest.raises(Boom):
        async with plumbing.db.unit_of_work() as uow:
            uow.emit(chunk(aggregate_id, 0), aggregate_id=aggregate_id, user_id=USER_ID)
            raise Boom

    async with plumbing.db.unit_of_work() as uow:  # left without commit()
        uow.emit(chunk(aggregate_id, 1), aggregate_id=aggregate_id, user_id=USER_ID)

    assert await plumbing.outbox_rows() == []
    assert not plumbing.db.outbox_written.is_set()


async def test_an_event_too_large_fails_inside_the_transaction(plumbing: Plumbing) -> None:
    """emit() refuses an event over 1 MB at once, so its transaction does not commit."""
    aggregate_id = uuid4()
    too_big = ReservationRecipientsAdded(
        reservation_id=aggregate_id,
        chunk_index=0,
        chunk_count=1,
        first_seq=0,
        dst_nums=[f"+8210{i:08d}" for i in range(100_000)],
    )

    with pytest.raises(EventTooLarge):
        async with plumbing.db.unit_of_work() as uow:
            uow.emit(chunk(aggregate_id, 0), aggregate_id=aggregate_id, user_id=USER_ID)
            uow.emit(too_big, aggregate_id=aggregate_id, user_id=USER_ID)
            await uow.commit()

    assert await plumbing.outbox_rows() == []


async def test_committed_events_are_written_with_their_state_change(plumbing: Plumbing) -> None:
    """A committed unit of work writes one outbox row per event, in emit order."""
    aggregate_id = uuid4()

    envelopes = await plumbing.commit_events(aggregate_id, range(5))

    rows = await plumbing.outbox_rows()
    assert [row.event_id for row in rows] == [e.event_id for e in envelopes]
    assert all(row.published_at is None for row in rows)
    assert plumbing.db.outbox_written.is_set()  # wakes the relay at once


async def test_relay_publishes_in_outbox_order_with_key_and_headers(plumbing: Plumbing) -> None:
    """Committed events reach their topic in outbox order, keyed by aggregate id, with
    the envelope's headers; the relay then marks every row published."""
    first, second, third = uuid4(), uuid4(), uuid4()
    bind_correlation_id("corr-outbox-test")
    try:
        emitted = [
            *await plumbing.commit_events(first, range(0, 4)),
            *await plumbing.commit_events(second, range(0, 3)),
            *await plumbing.commit_events(first, range(4, 8)),
            *await plumbing.commit_events(third, range(0, 2)),
            *await plumbing.commit_events(second, range(3, 6)),
        ]
    finally:
        bind_correlation_id(None)
    relay = await plumbing.relay()

    assert await relay.publish_batch() == len(emitted)
    assert await relay.publish_batch() == 0  # nothing left

    assert await plumbing.unpublished() == 0
    records = await plumbing.read_topic(topics.RESERVATION_EVENTS)
    assert sorted(event_ids(records)) == sorted(str(e.event_id) for e in emitted)
    for aggregate_id in (first, second, third):
        key = str(aggregate_id).encode()
        mine = [r for r in records if r.key == key]
        expected = [e for e in emitted if e.aggregate_id == aggregate_id]
        assert event_ids(mine) == [str(e.event_id) for e in expected], "order within a key"
        assert len({r.partition for r in mine}) == 1, "one aggregate, one partition"
    by_id = {str(e.event_id): e for e in emitted}
    for record in records:
        envelope = by_id[str(EventEnvelope.from_bytes(record.value).event_id)]
        assert record.topic == topics.RESERVATION_EVENTS
        assert record.key == str(envelope.aggregate_id).encode()
        assert dict(record.headers) == {
            "event_type": b"ReservationRecipientsAdded",
            "event_id": str(envelope.event_id).encode(),
            "correlation_id": b"corr-outbox-test",
        }
        assert EventEnvelope.from_bytes(record.value) == envelope


async def test_relay_publishes_in_batches_of_the_configured_size(
    make_plumbing: MakePlumbing, kafka: BrokerHandle
) -> None:
    """Each publish_batch() sends at most outbox_batch_size rows, oldest first."""
    plumbing = await make_plumbing(kafka, outbox_batch_size=4)
    aggregate_id = uuid4()
    emitted = await plumbing.commit_events(aggregate_id, range(10))
    relay = await plumbing.relay()

    assert [await relay.publish_batch() for _ in range(4)] == [4, 4, 2, 0]

    records = await plumbing.read_topic(topics.RESERVATION_EVENTS)
    assert event_ids(records) == [str(e.event_id) for e in emitted]
    assert relay.stats.published == 10


async def test_correlation_id_defaults_to_the_aggregate_id(plumbing: Plumbing) -> None:
    """Outside a request, an emitted event is traceable by its reservation id."""
    aggregate_id = uuid4()
    bind_correlation_id(None)

    [envelope] = await plumbing.commit_events(aggregate_id, [0])

    assert envelope.correlation_id == str(aggregate_id)
    t = plumbing.tables.outbox
    async with plumbing.db.engine.connect() as conn:
        row = (await conn.execute(select(t.c.topic, t.c.key, t.c.headers, t.c.value))).one()
    assert row.topic == topics.RESERVATION_EVENTS
    assert row.key == str(aggregate_id)
    assert ["correlation_id", str(aggregate_id)] in row.headers
    assert EventEnvelope.from_bytes(row.value) == envelope


async def test_backlog_reports_waiting_rows(plumbing: Plumbing) -> None:
    """backlog() counts unpublished rows and the age of the oldest (for health)."""
    relay = await plumbing.relay()
    assert await relay.backlog() == (0, 0.0)

    await plumbing.commit_events(uuid4(), range(3))
    count, age = await relay.backlog()
    assert count == 3
    assert age >= 0

    await relay.publish_batch()
    assert (await relay.backlog())[0] == 0


async def test_cleanup_deletes_only_rows_published_before_the_retention(
    make_plumbing: MakePlumbing, kafka: BrokerHandle
) -> None:
    """delete_published() drops published rows past the retention, never unsent ones."""
    plumbing = await make_plumbing(kafka, outbox_retention_s=0)
    relay = await plumbing.relay()
    published = await plumbing.commit_events(uuid4(), range(3))
    await relay.publish_batch()
    waiting = await plumbing.commit_events(uuid4(), range(2))

    await relay.delete_published()

    rows = await plumbing.outbox_rows()
    assert [row.event_id for row in rows] == [e.event_id for e in waiting]
    assert not {e.event_id for e in published} & {row.event_id for row in rows}


async def test_relay_survives_a_failing_cleanup(
    make_plumbing: MakePlumbing, kafka: BrokerHandle
) -> None:
    """A cleanup that fails (here PostgreSQL refuses the DELETE) must not kill the relay:
    events committed afterwards are still published."""
    plumbing = await make_plumbing(kafka, outbox_retention_s=0)
    schema = plumbing.db.tables.outbox.schema
    async with plumbing.db.engine.begin() as conn:
        await conn.execute(
            text(
                f'CREATE FUNCTION "{schema}".refuse() RETURNS trigger LANGUAGE plpgsql '
                "AS $$ BEGIN RAISE EXCEPTION 'cleanup refused'; END $$"
            )
        )
        await conn.execute(
            text(
                f'CREATE TRIGGER refuse_delete BEFORE DELETE ON "{schema}".outbox '
                f'FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".refuse()'
            )
        )
    relay = await plumbing.relay()
    relay.cleanup_every = timedelta(0)  # clean up after every round
    task = plumbing.start(relay.run(), "relay")

    for round_ in range(3):
        await plumbing.commit_events(uuid4(), range(2))

        async def all_published() -> bool:
            return await plumbing.unpublished() == 0

        await eventually(all_published)
        assert not task.done(), f"the relay died in round {round_}"
    assert relay.stats.published == 6
    assert len(await plumbing.outbox_rows()) == 6  # every cleanup was refused
