"""The reads behind the API: the reservations' views (never another service's tables),
a customer's webhooks with their delivery log, and their alert setting with its log."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select

from msgplat.monitoring.domain import View
from msgplat.monitoring.models import alert_settings, alerts, webhook_deliveries, webhooks
from msgplat.monitoring.models import reservation_views as views
from msgplat.monitoring.schemas import (
    AlertDelivery,
    AlertSettings,
    ReservationView,
    Webhook,
    WebhookDelivery,
)
from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, fetch_page
from msgplat.plumbing.errors import FieldError, NotFound, RequestInvalid
from msgplat.plumbing.listing import ReservationListFilter

SERVED = views.c.requested_at.is_not(None)  # placeholders are not served


async def get_view(db: Database, reservation_id: UUID) -> ReservationView:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                select(views).where(views.c.reservation_id == reservation_id, SERVED)
            )
        ).first()
    if row is None:
        raise NotFound(f"reservation {reservation_id}")
    return to_api(row)


async def list_views(
    db: Database,
    *,
    user_id: str | None,
    page: int,
    size: int,
    narrowed: ReservationListFilter | None = None,
) -> tuple[list[ReservationView], int]:
    f = narrowed or ReservationListFilter()
    v = views.c
    conditions = [SERVED] if user_id is None else [SERVED, v.user_id == user_id]
    conditions += f.conditions(v)
    order = f.order(v, newest=v.requested_at, key=v.reservation_id)
    query = select(views).where(*conditions).order_by(*order)
    async with db.engine.connect() as conn:
        rows, total = await fetch_page(conn, query, page=page, size=size)
    return [to_api(row) for row in rows], total


async def views_by_id(db: Database, ids: Sequence[UUID]) -> list[ReservationView]:
    """The current state of these views (those served), oldest change first."""
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(views)
            .where(views.c.reservation_id.in_(ids), SERVED)
            .order_by(views.c.updated_at)
        )
    return [to_api(row) for row in rows]


VIEW_FIELDS = tuple(f.name for f in dataclasses.fields(View))


def view_of(row: Any) -> View:
    mapping = row._mapping
    return View(**{name: mapping[name] for name in VIEW_FIELDS})


def to_api(row: Any) -> ReservationView:
    return api_of(view_of(row), updated_at=row.updated_at)


def api_of(view: View, *, updated_at: datetime) -> ReservationView:
    assert view.requested_at is not None and view.reserve_dt is not None
    return ReservationView(
        reservation_id=view.reservation_id,
        user_id=view.user_id,
        msg_title=view.title or "",
        msg_type=view.msg_type or "",
        purpose=view.purpose,
        status=view.status,
        status_reason=view.status_reason,
        recipient_count=view.recipient_count,
        recipients_received=view.recipients_received,
        pending_count=view.pending,
        submitted_count=view.submitted,
        delivered_count=view.delivered_count,
        failed_count=view.failed_count,
        cancelled_count=view.cancelled_count,
        opted_out_count=view.opted_out_count,
        progress=view.progress,
        paused_until=view.paused_until,
        pause_reason=view.pause_reason,
        amount_held=view.amount_held,
        amount_charged=view.amount_charged,
        amount_released=view.amount_released,
        reserve_dt=view.reserve_dt,
        requested_at=view.requested_at,
        scheduled_at=view.scheduled_at,
        started_at=view.started_at,
        finished_at=view.finished_at,
        cancelled_at=view.cancelled_at,
        updated_at=updated_at,
        version=view.version,
    )


async def list_webhooks(db: Database, caller: Caller, user_id: str | None) -> list[Webhook]:
    scope = caller.scope(user_id)
    query = select(webhooks).order_by(webhooks.c.created_at, webhooks.c.id)
    if scope is not None:
        query = query.where(webhooks.c.user_id == scope)
    async with db.engine.connect() as conn:
        return [webhook_of(row) for row in await conn.execute(query)]


async def list_deliveries(
    db: Database, caller: Caller, webhook_id: UUID, *, page: int, size: int
) -> tuple[list[WebhookDelivery], int]:
    """A webhook's delivery log, newest first."""
    d = webhook_deliveries
    async with db.engine.connect() as conn:
        owner = await conn.scalar(select(webhooks.c.user_id).where(webhooks.c.id == webhook_id))
        caller.check_owner(owner, f"webhook {webhook_id}")
        query = select(d).where(d.c.webhook_id == webhook_id).order_by(d.c.id.desc())
        rows, total = await fetch_page(conn, query, page=page, size=size)
        items = [delivery_of(row) for row in rows]
    return items, int(total or 0)


def delivery_of(row: Any) -> WebhookDelivery:
    """The delivery's columns, by name; a next attempt only while it is pending."""
    delivery = WebhookDelivery.model_validate(row, from_attributes=True)
    if row.state != "pending":
        return delivery.model_copy(update={"next_attempt_at": None})
    return delivery


async def get_alert_settings(db: Database, caller: Caller, user_id: str | None) -> AlertSettings:
    owner = caller.scope(user_id)
    if owner is None:
        raise RequestInvalid([FieldError(("query", "userId"), "name the customer")])
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(select(alert_settings).where(alert_settings.c.user_id == owner))
        ).first()
    if row is None:
        return AlertSettings(user_id=owner)
    return alert_settings_of(row)


async def list_alert_deliveries(
    db: Database, *, user_id: str | None, page: int, size: int
) -> tuple[list[AlertDelivery], int]:
    """The customer's status alerts, newest first."""
    query = select(alerts).order_by(alerts.c.id.desc())
    if user_id is not None:
        query = query.where(alerts.c.user_id == user_id)
    async with db.engine.connect() as conn:
        rows, total = await fetch_page(conn, query, page=page, size=size)
    items = [
        AlertDelivery(
            notice_id=row.notice_id,
            reservation_id=row.reservation_id,
            status=row.ref.rpartition(":")[2],
            to=row.to_num,
            text=row.text,
            state=row.state,
            result_code=row.result_code,
            reason=row.reason or row.last_error,
            created_at=row.created_at,
            finished_at=row.finished_at,
        )
        for row in rows
    ]
    return items, int(total or 0)


# The schemas below are their rows' columns, by name (the secret is no field of Webhook).
def webhook_of(row: Any) -> Webhook:
    return Webhook.model_validate(row, from_attributes=True)


def alert_settings_of(row: Any) -> AlertSettings:
    return AlertSettings.model_validate(row, from_attributes=True)
