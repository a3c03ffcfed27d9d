"""What a status change queues for the customer, in the projection's transaction: one
webhook delivery per registered webhook; and, once the reservation is final, the alert
when they asked for one.

Both are outboxes: the rows are committed with the view change or not at all, and the
dispatcher sends them. A delivery is unique per (webhook, reservation, status) and an
alert per (reservation, status), so an event seen again queues nothing more.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from sqlalchemy import text

from msgplat.monitoring import domain
from msgplat.monitoring.domain import View
from msgplat.monitoring.queries import api_of
from msgplat.plumbing.db import UnitOfWork

DELIVERIES_CHANNEL = "monitoring_deliveries"
STATUS_CHANGED = "reservation.status_changed"

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

QUEUE_ALERT_SQL = text(
    """
    WITH queued AS (
        INSERT INTO monitoring.alerts (ref, user_id, reservation_id, to_num, text)
        SELECT :ref, s.user_id, :rid, s.callback_num, :text
        FROM monitoring.alert_settings s WHERE s.user_id = :uid AND s.enabled
        ON CONFLICT (ref) DO NOTHING
        RETURNING 1)
    SELECT pg_notify(:channel, 'alert') FROM queued
    """
)


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
    await uow.conn.execute(
        QUEUE_ALERT_SQL,
        {
            "rid": view.reservation_id,
            "uid": view.user_id,
            "channel": DELIVERIES_CHANNEL,
            "ref": alert_ref(view),
            "text": domain.alert_text(view),
        },
    )


def alert_ref(view: View) -> str:
    """The carrier's idempotency key of an alert: one per reservation and status."""
    return f"{view.reservation_id}:{view.status}"
