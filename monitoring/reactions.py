"""What an event makes the monitoring service do: the projection, and the
notifications a status change queues.

One reaction for every event type: lock the view (or create its placeholder), apply the
event with the rules of `domain`, write the row back with its version incremented, and
in the same transaction
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
from sqlalchemy import bindparam, delete, func, literal, select, text, update
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
from msgplat.plumbing.consumer import Handler
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.phones import callback_e164

VIEWS_CHANNEL = "monitoring_views"
DELIVERIES_CHANNEL = "monitoring_deliveries"
STATUS_CHANGED = "reservation.status_changed"


def projection_reactions(*, notify: bool = True) -> Mapping[type[Event], Handler]:
    """The reactions of the projection's consumer group. `notify=False` (a rebuild's
    replay) updates the views and the live streams but queues no webhook or alert."""

    async def handle(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
        await project(uow, envelope, event, notify=notify)

    return dict.fromkeys(domain.PROJECTED_EVENTS, handle)


async def project(
    uow: UnitOfWork, envelope: EventEnvelope, event: Event, *, notify: bool = True
) -> View | None:
    """Apply one event to its view; the view written, or None if nothing changed."""
    reservation_id: UUID = getattr(event, "reservation_id")  # noqa: B009 (every projected event)
    before = await _lock(uow.conn, reservation_id, envelope.user_id)
    after = domain.apply(before, event)
    if after == before:
        return None
    after = dataclasses.replace(after, version=before.version + 1)
    await _save(uow.conn, after)
    if notify and domain.status_changed(before, after):
        await queue_webhooks(uow, after, occurred_at=envelope.occurred_at)
    if notify and domain.alert_due(before, after):
        await queue_alert(uow, after)
    return after


# Built once: each event costs two statements, and building a 25-column UPDATE anew for
# every event cost more CPU than running it (the compiled form is cached by statement).
LOCK = select(views).where(views.c.reservation_id == bindparam("b_rid")).with_for_update()
SAVE = (
    update(views)
    .where(views.c.reservation_id == bindparam("b_rid"))
    .values({**{name: bindparam(f"b_{name}") for name in VIEW_FIELDS}, "updated_at": func.now()})
)
SAVE_AND_NOTIFY = SAVE.returning(func.pg_notify(literal(VIEWS_CHANNEL), bindparam("b_payload")))


async def _lock(conn: AsyncConnection, reservation_id: UUID, user_id: str) -> View:
    """The view, locked for this transaction; a new placeholder if there is none yet."""
    row = (await conn.execute(LOCK, {"b_rid": reservation_id})).first()
    if row is None:
        # Another replica may create it at the same moment (events of another topic):
        # whoever comes second waits for the first one's row, then locks it.
        new = domain.placeholder(reservation_id, user_id)
        row = (
            await conn.execute(
                insert(views)
                .values(_columns(new))
                .on_conflict_do_nothing(index_elements=[views.c.reservation_id])
                .returning(views)
            )
        ).first() or (await conn.execute(LOCK, {"b_rid": reservation_id})).one()
    return view_of(row)


async def _save(conn: AsyncConnection, view: View) -> None:
    params = {f"b_{name}": value for name, value in _columns(view).items()}
    params["b_rid"] = view.reservation_id
    if view.is_placeholder:  # placeholders are not served: nobody to tell
        await conn.execute(SAVE, params)
        return
    params["b_payload"] = orjson.dumps(
        {"r": str(view.reservation_id), "u": view.user_id, "v": view.version}
    ).decode()
    await conn.execute(SAVE_AND_NOTIFY, params)


def _columns(view: View) -> dict[str, Any]:
    return {name: getattr(view, name) for name in VIEW_FIELDS}


QUEUE_DELIVERIES_SQL = text(
    """
    WITH queued AS (
        INSERT INTO monitoring.webhook_deliveries
            (delivery_id, webhook_id, reservation_id, event, status, payload)
        SELECT gen_random_uuid(), w.id, :rid, :event, :status, CAST(:payload AS jsonb)
        FROM monitoring.webhooks w WHERE w.user_id = :uid
        ON CONFLICT (webhook_id, reservation_id, status) DO NOTHING
        RETURNING 1)
    SELECT pg_notify(:channel, 'webhook') FROM (SELECT 1 FROM queued LIMIT 1) AS any_queued
    """
)

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


async def queue_webhooks(uow: UnitOfWork, view: View, *, occurred_at: datetime) -> None:
    common = {"rid": view.reservation_id, "uid": view.user_id, "channel": DELIVERIES_CHANNEL}
    body = webhook_body(view, occurred_at=occurred_at)
    await uow.conn.execute(
        QUEUE_DELIVERIES_SQL,
        {
            **common,
            "event": STATUS_CHANGED,
            "status": view.status,
            "payload": orjson.dumps(body).decode(),
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
