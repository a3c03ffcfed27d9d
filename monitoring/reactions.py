"""What an event makes the monitoring service do: the projection, and the
notifications a status change queues.

One reaction for every event type, given a polled batch of them at once (`Batched`):
lock their views (or create their placeholders), apply each event with the rules of
`domain`, write the changed rows back with their versions incremented (once per event
that changed them), and in the same transaction
- `pg_notify` the change (reservation id, user id, version) for the live streams of
  every replica (delivered by PostgreSQL once the transaction commits);
- on a status change, one webhook delivery per registered webhook; and once the
  reservation is final with every result counted, its alert, when the customer asked
  for one: a `StatusAlertRequested` in the service's outbox, which the send service
  sends like any message and billing charges (ADR 0013).

The deliveries are an outbox the dispatcher sends; the alert is an event of the outbox.
Both are committed with the view change or not at all. A delivery is unique per
(webhook, reservation, status) and an alert per (reservation, status), so an event seen
again queues nothing more.

The notifications' group (`notification_reactions`) keeps the customers' verified
sender numbers (a status alert goes only to one of them) and each alert's delivery, as
the send service reports it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import orjson
from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.contracts.events import (
    NoticeResultReported,
    SenderRemoved,
    SenderVerified,
    StatusAlertRequested,
)
from msgplat.monitoring import domain
from msgplat.monitoring.domain import View
from msgplat.monitoring.models import alerts, verified_senders
from msgplat.monitoring.models import reservation_views as views
from msgplat.monitoring.queries import VIEW_FIELDS, api_of, view_of
from msgplat.plumbing import tracing
from msgplat.plumbing.consumer import Batched, Handler, Polled
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.phones import callback_e164

VIEWS_CHANNEL = "monitoring_views"
DELIVERIES_CHANNEL = "monitoring_deliveries"
STATUS_CHANGED = "reservation.status_changed"


def projection_reactions(*, notify: bool = True) -> Mapping[type[Event], Batched]:
    """The reactions of the projection's consumer group. `notify=False` (a rebuild's
    replay) updates the views and the live streams but queues no webhook or alert."""

    async def handle(uow: UnitOfWork, polled: list[Polled]) -> None:
        await project(uow, polled, notify=notify)

    return dict.fromkeys(domain.PROJECTED_EVENTS, Batched(handle))


async def project(uow: UnitOfWork, polled: list[Polled], *, notify: bool = True) -> list[View]:
    """Apply a polled batch of events to their views, in order; the views written.

    A few statements for the whole batch, whatever its size: the views locked (and the
    missing placeholders made) together, each view changed in memory event by event (a
    webhook or alert queued at each status change, as event by event), then the changed
    views written back in one executemany and their changes notified in one statement.
    """
    owners = {_reservation_of(p.event): p.envelope.user_id for p in polled}
    views = await _lock(uow.conn, owners)
    first = dict(views)
    transitions: list[tuple[View, datetime]] = []
    changes: list[str] = []  # for the live streams: every version, in order
    for p in polled:
        before = views[_reservation_of(p.event)]
        after = domain.apply(before, p.event)
        if after == before:
            continue
        after = dataclasses.replace(after, version=before.version + 1)
        views[after.reservation_id] = after
        if not after.is_placeholder:  # placeholders are not served: nobody to tell
            changes.append(_change_of(after))
        if notify and domain.status_changed(before, after):
            transitions.append((after, p.envelope.occurred_at))
        if notify and domain.alert_due(before, after):
            with tracing.span("queue status alert", parent=p.traceparent):
                await queue_alert(uow, after)  # its StatusAlertRequested: in that trace
    changed = [view for rid, view in views.items() if view != first[rid]]
    await _save(uow.conn, changed, changes)
    await queue_webhooks(uow, transitions)
    return changed


def _reservation_of(event: Event) -> UUID:
    reservation_id: UUID = getattr(event, "reservation_id")  # noqa: B009 (every projected event)
    return reservation_id


# Built once: the compiled form of each is cached by statement.
LOCK = (
    select(views)
    .where(views.c.reservation_id == func.any(bindparam("b_rids")))
    .order_by(views.c.reservation_id)  # one order of locks for every replica: no deadlock
    .with_for_update()
)
SAVE = (
    update(views)
    .where(views.c.reservation_id == bindparam("b_rid"))
    .values({**{name: bindparam(f"b_{name}") for name in VIEW_FIELDS}, "updated_at": func.now()})
)
PLACEHOLD = insert(views).on_conflict_do_nothing(index_elements=[views.c.reservation_id])
NOTIFY = text("SELECT pg_notify(:channel, change) FROM unnest(CAST(:changes AS text[])) AS change")


async def _lock(conn: AsyncConnection, owners: Mapping[UUID, str]) -> dict[UUID, View]:
    """The views of these reservations (id -> owner), locked for this transaction; a new
    placeholder for each that has none yet."""
    wanted = sorted(owners)
    found = {
        row.reservation_id: view_of(row) for row in await conn.execute(LOCK, {"b_rids": wanted})
    }
    missing = [rid for rid in wanted if rid not in found]
    if missing:
        # Another replica may create one at the same moment (events of another topic):
        # whoever comes second waits for the first one's row, then locks it. (Made, then
        # locked: an executemany, compiled once, returns nothing.)
        await conn.execute(
            PLACEHOLD, [_columns(domain.placeholder(rid, owners[rid])) for rid in missing]
        )
        rows = await conn.execute(LOCK, {"b_rids": missing})
        found.update((row.reservation_id, view_of(row)) for row in rows)
    return found


async def _save(conn: AsyncConnection, changed: list[View], changes: list[str]) -> None:
    """Write the changed views back; tell the live streams of every replica."""
    if not changed:
        return
    rows = []
    for view in changed:
        params = {f"b_{name}": value for name, value in _columns(view).items()}
        params["b_rid"] = view.reservation_id
        rows.append(params)
    await conn.execute(SAVE, rows)
    if changes:
        await conn.execute(NOTIFY, {"channel": VIEWS_CHANNEL, "changes": changes})


def _change_of(view: View) -> str:
    return orjson.dumps(
        {"r": str(view.reservation_id), "u": view.user_id, "v": view.version}
    ).decode()


def _columns(view: View) -> dict[str, Any]:
    return {name: getattr(view, name) for name in VIEW_FIELDS}


# One delivery per webhook of the customer's for each status change of the batch.
QUEUE_DELIVERIES_SQL = text(
    """
    WITH changes AS (
        SELECT * FROM unnest(
            CAST(:rids AS uuid[]), CAST(:uids AS text[]), CAST(:statuses AS text[]),
            CAST(:payloads AS jsonb[])) WITH ORDINALITY AS c(rid, uid, status, payload, n)),
    queued AS (
        INSERT INTO monitoring.webhook_deliveries
            (delivery_id, webhook_id, reservation_id, event, status, payload)
        SELECT gen_random_uuid(), w.id, c.rid, :event, c.status, c.payload
        FROM changes c JOIN monitoring.webhooks w ON w.user_id = c.uid
        ORDER BY c.n, w.id  -- ids in the order of the changes: the dispatcher's order
        ON CONFLICT (webhook_id, reservation_id, status) DO NOTHING
        RETURNING 1)
    SELECT pg_notify(:channel, 'webhook') FROM (SELECT 1 FROM queued LIMIT 1) AS any_queued
    """
)
HOOKED = text("SELECT DISTINCT user_id FROM monitoring.webhooks WHERE user_id = ANY(:uids)")

# The alert goes only to a number that is still a verified sender of the customer's;
# otherwise it is kept as `skipped`, saying why.
QUEUE_ALERT_SQL = text(
    """
    INSERT INTO monitoring.alerts
        (ref, notice_id, user_id, reservation_id, to_num, text, state, reason)
    SELECT :ref, :notice_id, s.user_id, :rid, s.callback_num, :text,
        CASE WHEN v.user_id IS NULL THEN 'skipped' ELSE 'requested' END,
        CASE WHEN v.user_id IS NULL THEN :not_verified END
    FROM monitoring.alert_settings s
    LEFT JOIN monitoring.verified_senders v
        ON v.user_id = s.user_id AND v.e164 = s.callback_num
    WHERE s.user_id = :uid AND s.enabled
    ON CONFLICT (ref) DO NOTHING
    RETURNING notice_id, to_num, state
    """
)
NOT_VERIFIED = "the alert number is no longer a verified sender number of the customer's"


def webhook_body(view: View, *, occurred_at: datetime) -> dict[str, object]:
    """The JSON POSTed to a webhook (the same for every webhook of the customer)."""
    return {
        "event": STATUS_CHANGED,
        "reservationId": str(view.reservation_id),
        "status": view.status,
        "occurredAt": occurred_at.isoformat(),
        "reservation": api_of(view, updated_at=datetime.now(UTC)).model_dump(
            mode="json", by_alias=True
        ),
    }


async def queue_webhooks(uow: UnitOfWork, transitions: list[tuple[View, datetime]]) -> None:
    """A delivery per webhook for each status change (the view then, and when it
    happened); the bodies are made only for customers who have a webhook."""
    if not transitions:
        return
    owners = sorted({view.user_id for view, _ in transitions})
    hooked = set((await uow.conn.execute(HOOKED, {"uids": owners})).scalars())
    wanted = [(view, at) for view, at in transitions if view.user_id in hooked]
    if not wanted:
        return
    await uow.conn.execute(
        QUEUE_DELIVERIES_SQL,
        {
            "rids": [view.reservation_id for view, _ in wanted],
            "uids": [view.user_id for view, _ in wanted],
            "statuses": [view.status for view, _ in wanted],
            "payloads": [
                orjson.dumps(webhook_body(view, occurred_at=at)).decode() for view, at in wanted
            ],
            "event": STATUS_CHANGED,
            "channel": DELIVERIES_CHANNEL,
        },
    )


async def queue_alert(uow: UnitOfWork, view: View) -> None:
    """The reservation's status alert, when the customer asked for one: kept, and asked of
    the send service (StatusAlertRequested, its id the notice's)."""
    ref = alert_ref(view)
    text_ = domain.alert_text(view)
    queued = (
        await uow.conn.execute(
            QUEUE_ALERT_SQL,
            {
                "ref": ref,
                "notice_id": alert_notice_id(ref),
                "rid": view.reservation_id,
                "uid": view.user_id,
                "text": text_,
                "not_verified": NOT_VERIFIED,
            },
        )
    ).first()
    if queued is None or queued.state != "requested":
        return
    uow.emit(
        StatusAlertRequested(
            notice_id=queued.notice_id,
            reservation_id=view.reservation_id,
            status=view.status,
            to_num=queued.to_num,
            text=text_,
            requested_at=datetime.now(UTC),
        ),
        aggregate_id=queued.notice_id,
        user_id=view.user_id,
    )


def alert_ref(view: View) -> str:
    """One alert per reservation and status."""
    return f"{view.reservation_id}:{view.status}"


def alert_notice_id(ref: str) -> UUID:
    """The notice id of an alert, derived from its ref: the same alert, the same id."""
    return uuid5(NAMESPACE_URL, f"msgplat:status-alert:{ref}")


# -- the notifications' group: verified numbers, and the alerts' delivery ------------------


def notification_reactions() -> Mapping[type[Event], Handler]:
    return {
        SenderVerified: on_sender_verified,
        SenderRemoved: on_sender_removed,
        NoticeResultReported: on_notice_result,
    }


async def on_sender_verified(
    uow: UnitOfWork, envelope: EventEnvelope, event: SenderVerified
) -> None:
    values = {
        "user_id": envelope.user_id,
        "number": event.number,
        "e164": callback_e164(event.number),
        "sender_id": event.sender_id,
        "verified_at": event.verified_at,
    }
    await uow.conn.execute(
        insert(verified_senders)
        .values(values)
        .on_conflict_do_update(
            index_elements=[verified_senders.c.user_id, verified_senders.c.number], set_=values
        )
    )


async def on_sender_removed(uow: UnitOfWork, envelope: EventEnvelope, event: SenderRemoved) -> None:
    """Only that sender: the number registered again since has another id."""
    await uow.conn.execute(
        delete(verified_senders).where(verified_senders.c.sender_id == event.sender_id)
    )


async def on_notice_result(
    uow: UnitOfWork, envelope: EventEnvelope, event: NoticeResultReported
) -> None:
    """A status alert's delivery, as the send service reports it (other notices are not
    this service's)."""
    if event.kind != "status_alert":
        return
    await uow.conn.execute(
        update(alerts)
        .where(alerts.c.notice_id == event.notice_id, alerts.c.state == "requested")
        .values(
            state=event.status,
            result_code=event.code,
            reason=event.reason,
            carrier_msg_id=event.carrier_msg_id,
            finished_at=event.at,
        )
    )
