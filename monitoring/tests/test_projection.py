"""The reservation views, projected by the real consumer into the real PostgreSQL.

Each event goes through `IdempotentConsumer.apply` as a Kafka record would, so the
inbox deduplication is exercised with the handlers it protects. A private consumer
group keeps these tests' inbox rows apart from the running monitoring service's.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy import select, update

from msgplat.contracts.events import ReservationFinished
from msgplat.monitoring import queries
from msgplat.monitoring.models import (
    alert_settings,
    alerts,
    tables,
    verified_senders,
    webhook_deliveries,
    webhooks,
)
from msgplat.monitoring.models import reservation_views as views
from msgplat.monitoring.reactions.projection import VIEWS_CHANNEL, projection_reactions
from msgplat.monitoring.reactions.status_changes import NOT_VERIFIED
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.errors import NotFound
from msgplat_testsupport.events import (
    T0,
    AdvertisingStory,
    Story,
    cancelled,
    envelope,
    paused,
    refused,
    requested,
    results,
    resumed,
)
from msgplat_testsupport.records import as_records, database_fixture, outbox_of, private_consumer

db = database_fixture(MonitoringSettings, tables)


@pytest.fixture
def consumer(db: Database) -> IdempotentConsumer:
    return private_consumer(db, "monitoring-projection-test", projection_reactions())


def wrap(events: list[Event], user: str = "u-projection") -> list[EventEnvelope]:
    return [envelope(e, user_id=user) for e in events]


async def test_every_event_type_is_applied(db: Database, consumer: IdempotentConsumer) -> None:
    story = Story(uuid.uuid4())
    for event in story.in_order():  # one at a time, as separate batches
        await consumer.apply(as_records(wrap([event])))

    view = await queries.get_view(db, story.rid)
    assert view.status == "partially_failed"
    assert (view.msg_title, view.msg_type, view.recipient_count) == ("hello", "SMS", 4)
    assert view.recipients_received == 4
    assert (view.pending_count, view.submitted_count) == (0, 0)
    assert (view.delivered_count, view.failed_count, view.cancelled_count) == (2, 2, 0)
    assert view.progress == 1.0
    assert (view.amount_held, view.amount_charged, view.amount_released) == (0, 20, 20)
    assert view.scheduled_at and view.started_at and view.finished_at
    # Every event changed the view but send's SendingStarted and SendingFinished, which
    # reservation's own stage events had announced already.
    assert view.version == len(story.in_order()) - 2


async def test_an_advertising_reservation_shows_its_pauses_and_opted_out_messages(
    db: Database, consumer: IdempotentConsumer
) -> None:
    story = AdvertisingStory(uuid.uuid4())
    topics = story.by_topic()
    reservation, send = topics["reservation"], topics["send"]
    await consumer.apply(as_records(wrap([*reservation[:4], *send[:2]])))

    view = await queries.get_view(db, story.rid)
    assert (view.purpose, view.status) == ("advertising", "sending")
    assert view.paused_until == T0 + timedelta(hours=2)
    assert view.pause_reason == "advertising is sent 08:00-21:00 Asia/Seoul"
    wire = view.model_dump(mode="json", by_alias=True)
    assert {"purpose", "optedOutCount", "pausedUntil", "pauseReason"} <= set(wire)

    # The resume older than a pause arriving later: the later pause stands.
    second_pause = send[6]
    await consumer.apply(as_records(wrap([second_pause, send[2]])))
    still = await queries.get_view(db, story.rid)
    assert still.pause_reason == "outside the customer's sending windows"
    assert still.paused_until == T0 + timedelta(hours=4)

    await consumer.apply(as_records(wrap([*send[3:6], send[7]])))
    going_on = await queries.get_view(db, story.rid)
    assert (going_on.paused_until, going_on.pause_reason) == (None, None)
    assert (going_on.delivered_count, going_on.opted_out_count) == (2, 1)
    assert (going_on.progress, going_on.pending_count) == (0.6, 2)

    await consumer.apply(as_records(wrap([*send[8:], reservation[4], *topics["billing"]])))
    done = await queries.get_view(db, story.rid)
    assert (done.status, done.delivered_count, done.opted_out_count) == ("completed", 4, 1)
    assert (done.progress, done.amount_charged, done.amount_released) == (1.0, 80, 20)
    assert (done.paused_until, done.pause_reason) == (None, None)

    # A pause re-emitted after the end shows nothing: the status is final.
    late = paused(story.rid, T0 + timedelta(hours=9), until=None)
    await consumer.apply(as_records(wrap([late, resumed(story.rid, T0)])))
    assert (await queries.get_view(db, story.rid)).pause_reason is None


async def test_a_redelivered_stream_is_applied_once(
    db: Database, consumer: IdempotentConsumer
) -> None:
    story = Story(uuid.uuid4())
    stream = wrap(story.in_order())
    await consumer.apply(as_records(stream))
    first = await queries.get_view(db, story.rid)

    # The same events again (a rebalance or a relay retry), one by one and in a batch
    # that also carries one of them twice: none of them changes anything.
    for one in stream:
        await consumer.apply(as_records([one]))
    await consumer.apply(as_records([*stream, stream[3]]))

    assert await queries.get_view(db, story.rid) == first
    assert consumer.stats.duplicates == 2 * len(stream) + 1


async def test_events_arriving_before_the_request_wait_in_a_hidden_placeholder(
    db: Database, consumer: IdempotentConsumer
) -> None:
    """Send and billing events may be consumed before reservation's: the view counts
    them, is not served until its request arrives, then shows everything."""
    story = Story(uuid.uuid4())
    topics = story.by_topic()
    early = [*topics["send"], *topics["billing"]]
    await consumer.apply(as_records(wrap(early, user="u-early")))
    with pytest.raises(NotFound):
        await queries.get_view(db, story.rid)
    listed, _ = await queries.list_views(db, user_id="u-early", page=1, size=10)
    assert story.rid not in {v.reservation_id for v in listed}

    await consumer.apply(as_records(wrap(topics["reservation"], user="u-early")))
    view = await queries.get_view(db, story.rid)
    assert view.status == "partially_failed"
    assert (view.delivered_count, view.failed_count) == (2, 2)
    assert (view.amount_charged, view.amount_released) == (20, 20)
    assert view.msg_title == "hello"


async def test_results_are_counted_by_batch(db: Database, consumer: IdempotentConsumer) -> None:
    rid = uuid.uuid4()
    big = results(rid, [(i, "delivered" if i % 4 else "failed", f"m{i}") for i in range(5000)])
    await consumer.apply(as_records(wrap([requested(rid, recipients=5000), big])))
    view = await queries.get_view(db, rid)
    assert (view.delivered_count, view.failed_count) == (3750, 1250)
    assert view.progress == 1.0
    assert view.version == 2


async def test_a_cancel_after_the_request_makes_the_view_cancelled(
    db: Database, consumer: IdempotentConsumer
) -> None:
    rid = uuid.uuid4()
    at = datetime.now(UTC).replace(microsecond=0)
    await consumer.apply(as_records(wrap([requested(rid)])))
    await consumer.apply(as_records(wrap([cancelled(rid, at)])))

    view = await queries.get_view(db, rid)
    assert view.status == "cancelled"
    assert view.cancelled_at == at
    assert view.updated_at >= view.requested_at


@pytest.mark.parametrize("final", ["completed", "partially_failed", "failed", "cancelled"])
async def test_a_cancel_arriving_for_a_final_view_changes_no_status(
    db: Database, consumer: IdempotentConsumer, final: str
) -> None:
    rid = uuid.uuid4()
    first_cancel = datetime(2026, 1, 1, tzinfo=UTC) if final == "cancelled" else None
    await consumer.apply(as_records(wrap([requested(rid)])))
    async with db.unit_of_work() as uow:
        await uow.conn.execute(
            update(views)
            .where(views.c.reservation_id == rid)
            .values(status=final, cancelled_at=first_cancel)
        )
        await uow.commit()

    await consumer.apply(as_records(wrap([cancelled(rid)])))

    after = await queries.get_view(db, rid)
    assert after.status == final
    if final == "cancelled":
        assert after.cancelled_at == first_cancel


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
    await consumer.apply(as_records(wrap([requested(uuid.uuid4())], user=user + "-other")))

    newest_first = [ids[2], ids[0], ids[4], ids[3], ids[1]]
    pages = [await queries.list_views(db, user_id=user, page=n, size=2) for n in (1, 2, 3, 4)]
    assert {total for _, total in pages} == {5}
    assert [v.reservation_id for page, _ in pages for v in page] == newest_first
    assert [len(page) for page, _ in pages] == [2, 2, 1, 0]


async def test_a_late_stage_event_changes_nothing(
    db: Database, consumer: IdempotentConsumer
) -> None:
    story = Story(uuid.uuid4())
    topics = story.by_topic()
    await consumer.apply(as_records(wrap(story.in_order())))
    before = await queries.get_view(db, story.rid)
    # new events (new ids) of stages already passed
    late = [topics["reservation"][2], topics["reservation"][3], topics["send"][0]]
    await consumer.apply(as_records(wrap(late)))
    assert await queries.get_view(db, story.rid) == before


async def test_each_change_is_notified_after_commit(
    db: Database, consumer: IdempotentConsumer, database_url: str
) -> None:
    received: asyncio.Queue[str] = asyncio.Queue()
    conn = await asyncpg.connect(database_url)
    await conn.add_listener(VIEWS_CHANNEL, lambda *args: received.put_nowait(args[3]))
    try:
        rid = uuid.uuid4()
        await consumer.apply(as_records(wrap([refused(rid)])))  # a placeholder: not served
        await consumer.apply(as_records(wrap([requested(rid), cancelled(rid)])))
        notes = [await asyncio.wait_for(received.get(), 5) for _ in range(2)]
    finally:
        await conn.close()
    assert [f'{{"r":"{rid}","u":"u-projection","v":{v}}}' for v in (2, 3)] == notes


async def test_status_changes_queue_webhook_deliveries_and_alerts_once(
    db: Database, consumer: IdempotentConsumer
) -> None:
    user = f"u-hook-{uuid.uuid4().hex[:8]}"
    hook = uuid.uuid4()
    async with db.unit_of_work() as uow:
        await uow.conn.execute(
            webhooks.insert().values(id=hook, user_id=user, url="http://x/", secret="s" * 16)
        )
        await uow.conn.execute(
            alert_settings.insert().values(user_id=user, callback_num="+821012345678", enabled=True)
        )
        await uow.conn.execute(
            verified_senders.insert().values(
                user_id=user,
                number="01012345678",
                e164="+821012345678",
                sender_id=uuid.uuid4(),
                verified_at=datetime.now(UTC),
            )
        )
        await uow.commit()
    story = Story(uuid.uuid4())
    stream = wrap(story.in_order(), user=user)
    await consumer.apply(as_records(stream))
    # A different event announcing the same final status (new id) queues nothing more.
    again = ReservationFinished(
        reservation_id=story.rid, status="partially_failed", finished_at=datetime.now(UTC)
    )
    await consumer.apply(as_records(wrap([again], user=user)))

    async with db.engine.connect() as conn:
        statuses = (
            await conn.scalars(
                select(webhook_deliveries.c.status)
                .where(webhook_deliveries.c.webhook_id == hook)
                .order_by(webhook_deliveries.c.id)
            )
        ).all()
        sent_alerts = (
            await conn.execute(select(alerts).where(alerts.c.reservation_id == story.rid))
        ).all()
    # CreditHeld came first: the placeholder is no status; the request is.
    assert statuses == ["requested", "scheduled", "sending", "partially_failed"]
    async with db.engine.connect() as conn:
        payload = await conn.scalar(
            select(webhook_deliveries.c.payload).where(
                webhook_deliveries.c.webhook_id == hook,
                webhook_deliveries.c.status == "partially_failed",
            )
        )
    assert payload["reservation"]["purpose"] == "normal"
    assert (payload["reservation"]["optedOutCount"], payload["reservation"]["pauseReason"]) == (
        0,
        None,
    )
    assert [(a.ref, a.to_num, a.state) for a in sent_alerts] == [
        (f"{story.rid}:partially_failed", "+821012345678", "requested")
    ]
    assert "2 delivered" in sent_alerts[0].text
    # Asked of the send service through the outbox, once, under the alert's notice id.
    [asked] = await outbox_events(db, "StatusAlertRequested", sent_alerts[0].notice_id)
    assert (asked["reservation_id"], asked["to_num"], asked["status"]) == (
        str(story.rid),
        "+821012345678",
        "partially_failed",
    )
    assert asked["text"] == sent_alerts[0].text


async def test_an_alert_to_a_number_no_longer_verified_is_skipped(
    db: Database, consumer: IdempotentConsumer
) -> None:
    user = f"u-alert-{uuid.uuid4().hex[:8]}"
    async with db.unit_of_work() as uow:
        await uow.conn.execute(
            alert_settings.insert().values(user_id=user, callback_num="+821012345678", enabled=True)
        )
        await uow.commit()
    story = Story(uuid.uuid4())
    await consumer.apply(as_records(wrap(story.in_order(), user=user)))
    async with db.engine.connect() as conn:
        [alert] = (
            await conn.execute(select(alerts).where(alerts.c.reservation_id == story.rid))
        ).all()
    assert (alert.state, alert.reason) == ("skipped", NOT_VERIFIED)
    assert await outbox_events(db, "StatusAlertRequested", alert.notice_id) == []


async def outbox_events(db: Database, event_type: str, key: object) -> list[dict[str, object]]:
    return [p for t, p in await outbox_of(db, key) if t == event_type]


async def test_a_replay_queues_no_notification(db: Database) -> None:
    user = f"u-replay-{uuid.uuid4().hex[:8]}"
    hook = uuid.uuid4()
    async with db.unit_of_work() as uow:
        await uow.conn.execute(
            webhooks.insert().values(id=hook, user_id=user, url="http://x/", secret="s" * 16)
        )
        await uow.commit()
    replay = private_consumer(db, "replay", projection_reactions(notify=False))
    story = Story(uuid.uuid4())
    await replay.apply(as_records(wrap(story.in_order(), user=user)))
    assert (await queries.get_view(db, story.rid)).status == "partially_failed"
    async with db.engine.connect() as conn:
        count = await conn.scalar(
            select(webhook_deliveries.c.id).where(webhook_deliveries.c.webhook_id == hook)
        )
    assert count is None
