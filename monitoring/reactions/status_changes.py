"""What a status change owes the customer, queued in the projection's transaction.

One webhook delivery per registered webhook; and once the reservation is final with
every result counted, its alert, when the customer asked for one: a
`StatusAlertRequested` in the service's outbox, which the send service sends like any
message and billing charges (ADR 0013).

The deliveries are an outbox the dispatcher sends; the alert is an event of the outbox.
Both are committed with the view change or not at all. A delivery is unique per
(webhook, reservation, status) and an alert per (reservation, status), so an event seen
again queues nothing more.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

import orjson
from sqlalchemy import text

from msgplat.contracts.events import (
    StatusAlertRequested,
)
from msgplat.monitoring import domain
from msgplat.monitoring.domain import View
from msgplat.monitoring.queries import api_of
from msgplat.plumbing.db import UnitOfWork

DELIVERIES_CHANNEL = "monitoring_deliveries"
STATUS_CHANGED = "reservation.status_changed"

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
