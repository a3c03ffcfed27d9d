"""The reservation views, projected by the real consumer into the real PostgreSQL.

Each event goes through `IdempotentConsumer.apply` as a Kafka record would, so the
inbox deduplication is exercised with the handlers it protects. A private consumer
group keeps these tests' inbox rows apart from the running monitoring service's.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

import pytest
import pytest_asyncio
from sqlalchemy import select, update

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationFinished,
    ReservationRecipientsAdded,
    ReservationRequested,
    ReservationScheduled,
    ReservationSendingStarted,
)
from msgplat.devstack.testing import as_records
from msgplat.monitoring import handlers
from msgplat.monitoring.consumers import SUBSCRIPTIONS
from msgplat.monitoring.models import reservation_views as views
from msgplat.monitoring.models import tables
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.errors import NotFound


@pytest_asyncio.fixture(scope="module")
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(MonitoringSettings(database_url=database_url), tables)
    yield database
    await database.dispose()


@pytest.fixture
def consumer(db: Database) -> IdempotentConsumer:
    return IdempotentConsumer(
        db,
        group_id=f"monitoring-projection-test-{uuid.uuid4().hex[:8]}",
        handlers=SUBSCRIPTIONS["monitoring-projection"],
    )


ReservationEvent: TypeAlias = (
    ReservationRequested
    | ReservationRecipientsAdded
    | ReservationCancelled
    | ReservationScheduled
    | ReservationSendingStarted
    | ReservationFinished
)


def envelope(event: ReservationEvent, *, user_id: str = "u-projection") -> EventEnvelope:
    return EventEnvelope.wrap(
        event, aggregate_id=event.reservation_id, user_id=user_id, correlation_id="test"
    )


def requested(
    reservation_id: uuid.UUID, *, recipients: int = 3, requested_at: datetime | None = None
) -> ReservationRequested:
    now = requested_at or datetime.now(UTC)
    return ReservationRequested(
        reservation_id=reservation_id,
        title="hello",
        content="hello there",
        msg_type="SMS",
        callback_num="+82212345678",
        reserve_dt=now + timedelta(hours=1),
        recipient_count=recipients,
        chunk_count=1,
        requested_at=now,
    )


def chunk(
    reservation_id: uuid.UUID, index: int, numbers: list[str], *, chunks: int = 2, first: int = 0
) -> ReservationRecipientsAdded:
    return ReservationRecipientsAdded(
        reservation_id=reservation_id,
        chunk_index=index,
        chunk_count=chunks,
        first_seq=first,
        dst_nums=numbers,
    )


def cancelled(reservation_id: uuid.UUID, at: datetime | None = None) -> ReservationCancelled:
    return ReservationCancelled(
        reservation_id=reservation_id,
        previous_status="requested",
        cancelled_at=at or datetime.now(UTC),
    )


async def test_a_requested_reservation_becomes_a_view(
    db: Database, consumer: IdempotentConsumer
) -> None:
    rid = uuid.uuid4()
    event = requested(rid, recipients=3)
    await consumer.apply(as_records([envelope(event, user_id="u-view")]))

    view = await handlers.get_view(db, rid)
    assert view.user_id == "u-view"
    assert view.status == "requested"
    assert view.msg_title == "hello"
    assert view.msg_type == "SMS"
    assert view.recipient_count == 3
    assert view.recipients_received == 0
    assert view.requested_at == event.requested_at
    assert view.reserve_dt == event.reserve_dt
    assert view.cancelled_at is None


async def test_recipient_chunks_are_counted_once_even_when_redelivered(
    db: Database, consumer: IdempotentConsumer
) -> None:
    rid = uuid.uuid4()
    stream = [
        envelope(requested(rid, recipients=3)),
        envelope(chunk(rid, 0, ["+821012345678", "+821098765432"])),
        envelope(chunk(rid, 1, ["+821011112222"], first=2)),
    ]
    await consumer.apply(as_records(stream))
    assert (await handlers.get_view(db, rid)).recipients_received == 3

    # The same events again (a rebalance or a relay retry), one by one and in a batch
    # that also carries one of them twice: none of them changes anything.
    for one in stream:
        await consumer.apply(as_records([one]))
    await consumer.apply(as_records([*stream, stream[1]]))

    view = await handlers.get_view(db, rid)
    assert view.recipients_received == 3
    assert view.recipient_count == 3
    assert consumer.stats.duplicates == 3 + 4


async def test_the_same_event_twice_in_one_batch_is_applied_once(
    db: Database, consumer: IdempotentConsumer
) -> None:
    rid = uuid.uuid4()
    added = envelope(chunk(rid, 0, ["+821012345678"], chunks=1))
    await consumer.apply(as_records([envelope(requested(rid, recipients=1)), added, added]))
    assert (await handlers.get_view(db, rid)).recipients_received == 1


async def test_a_cancel_after_the_request_makes_the_view_cancelled(
    db: Database, consumer: IdempotentConsumer
) -> None:
    rid = uuid.uuid4()
    at = datetime.now(UTC).replace(microsecond=0)
    await consumer.apply(as_records([envelope(requested(rid))]))
    await consumer.apply(as_records([envelope(cancelled(rid, at))]))

    view = await handlers.get_view(db, rid)
    assert view.status == "cancelled"
    assert view.cancelled_at == at
    assert view.updated_at >= view.requested_at


@pytest.mark.parametrize("final", ["completed", "partially_failed", "failed", "cancelled"])
async def test_a_cancel_arriving_for_a_final_view_changes_nothing(
    db: Database, consumer: IdempotentConsumer, final: str
) -> None:
    rid = uuid.uuid4()
    first_cancel = datetime(2026, 1, 1, tzinfo=UTC) if final == "cancelled" else None
    await consumer.apply(as_records([envelope(requested(rid))]))
    async with db.unit_of_work() as uow:  # no event sets these statuses yet
        await uow.conn.execute(
            update(views)
            .where(views.c.reservation_id == rid)
            .values(status=final, cancelled_at=first_cancel)
        )
        await uow.commit()
    before = await handlers.get_view(db, rid)

    await consumer.apply(as_records([envelope(cancelled(rid))]))

    after = await handlers.get_view(db, rid)
    assert after == before
    assert after.status == final
    assert after.cancelled_at == first_cancel


async def test_events_of_an_unknown_reservation_create_nothing(
    db: Database, consumer: IdempotentConsumer
) -> None:
    rid = uuid.uuid4()
    await consumer.apply(
        as_records([envelope(chunk(rid, 0, ["+821012345678"])), envelope(cancelled(rid))])
    )
    with pytest.raises(NotFound):
        await handlers.get_view(db, rid)
    async with db.engine.connect() as conn:
        assert (
            await conn.execute(select(views).where(views.c.reservation_id == rid))
        ).first() is None


async def test_a_user_s_views_are_listed_newest_first_and_paged(
    db: Database, consumer: IdempotentConsumer
) -> None:
    user = f"u-list-{uuid.uuid4().hex[:8]}"
    base = datetime(2026, 3, 1, tzinfo=UTC)
    # Applied out of time order: the list is ordered by requested_at, not by arrival.
    ids = [uuid.uuid4() for _ in range(5)]
    stream = [
        envelope(requested(rid, requested_at=base + timedelta(minutes=m)), user_id=user)
        for rid, m in zip(ids, [3, 0, 4, 1, 2], strict=True)
    ]
    await consumer.apply(as_records(stream))
    await consumer.apply(as_records([envelope(requested(uuid.uuid4()), user_id=user + "-other")]))

    newest_first = [ids[2], ids[0], ids[4], ids[3], ids[1]]
    page1, total = await handlers.list_views(db, user_id=user, page=1, size=2)
    page2, _ = await handlers.list_views(db, user_id=user, page=2, size=2)
    page3, _ = await handlers.list_views(db, user_id=user, page=3, size=2)
    page4, _ = await handlers.list_views(db, user_id=user, page=4, size=2)
    assert total == 5
    assert [v.reservation_id for v in page1 + page2 + page3] == newest_first
    assert [len(page1), len(page2), len(page3), len(page4)] == [2, 2, 1, 0]


async def test_the_view_follows_the_reservation_through_every_stage(
    db: Database, consumer: IdempotentConsumer
) -> None:
    """requested -> scheduled -> sending -> partially_failed, each stage stamped; then a
    redelivery of the whole stream and a late stage event change nothing."""
    rid = uuid.uuid4()
    t0 = datetime.now(UTC)
    stream = [
        envelope(requested(rid, recipients=2)),
        envelope(ReservationScheduled(reservation_id=rid, reserve_dt=t0, scheduled_at=t0)),
        envelope(ReservationSendingStarted(reservation_id=rid, started_at=t0)),
        envelope(
            ReservationFinished(reservation_id=rid, status="partially_failed", finished_at=t0)
        ),
    ]
    for event in stream[:2]:
        await consumer.apply(as_records([event]))
    assert (await handlers.get_view(db, rid)).status == "scheduled"
    await consumer.apply(as_records([stream[2]]))
    assert (await handlers.get_view(db, rid)).status == "sending"
    await consumer.apply(as_records([stream[3]]))
    view = await handlers.get_view(db, rid)
    assert view.status == "partially_failed"
    assert view.scheduled_at == view.started_at == view.finished_at == t0

    await consumer.apply(as_records(stream))  # redelivered: all duplicates
    late = envelope(ReservationSendingStarted(reservation_id=rid, started_at=t0))
    await consumer.apply(as_records([late]))  # a new event, but the view is final
    again = await handlers.get_view(db, rid)
    assert again.status == "partially_failed"
    assert again.updated_at == view.updated_at
