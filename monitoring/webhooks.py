"""A customer's notification settings: their webhooks (with the delivery log) and the
status alert to their own mobile number."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from msgplat.monitoring import signing
from msgplat.monitoring.models import alert_settings, webhook_deliveries, webhooks
from msgplat.monitoring.schemas import (
    AlertSettings,
    AlertSettingsUpdate,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookDelivery,
)
from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, fetch_page
from msgplat.plumbing.errors import FieldError, RequestInvalid

MAX_WEBHOOKS_PER_CUSTOMER = 10


async def register_webhook(db: Database, caller: Caller, body: WebhookCreate) -> WebhookCreated:
    user_id = caller.claim(body.user_id, ("body", "userId"))
    secret = body.secret or signing.new_secret()
    async with db.unit_of_work() as uow:
        count = await uow.conn.scalar(
            select(func.count()).select_from(webhooks).where(webhooks.c.user_id == user_id)
        )
        if (count or 0) >= MAX_WEBHOOKS_PER_CUSTOMER:
            raise RequestInvalid(
                [FieldError(("body", "url"), f"at most {MAX_WEBHOOKS_PER_CUSTOMER} webhooks")]
            )
        row = (
            await uow.conn.execute(
                insert(webhooks)
                .values(id=uuid.uuid4(), user_id=user_id, url=str(body.url), secret=secret)
                .returning(webhooks)
            )
        ).one()
        await uow.commit()
    return WebhookCreated(**_webhook(row).model_dump(), secret=secret)


async def list_webhooks(db: Database, caller: Caller, user_id: str | None) -> list[Webhook]:
    scope = caller.scope(user_id)
    query = select(webhooks).order_by(webhooks.c.created_at, webhooks.c.id)
    if scope is not None:
        query = query.where(webhooks.c.user_id == scope)
    async with db.engine.connect() as conn:
        return [_webhook(row) for row in await conn.execute(query)]


async def delete_webhook(db: Database, caller: Caller, webhook_id: UUID) -> None:
    """Deletes it with its pending deliveries and its log."""
    async with db.unit_of_work() as uow:
        owner = await uow.conn.scalar(
            select(webhooks.c.user_id).where(webhooks.c.id == webhook_id).with_for_update()
        )
        caller.check_owner(owner, f"webhook {webhook_id}")
        await uow.conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id))
        await uow.commit()


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
        items = [
            WebhookDelivery(
                delivery_id=row.delivery_id,
                event=row.event,
                reservation_id=row.reservation_id,
                status=row.status,
                state=row.state,
                attempts=row.attempts,
                last_status_code=row.last_status_code,
                last_error=row.last_error,
                next_attempt_at=row.next_attempt_at if row.state == "pending" else None,
                created_at=row.created_at,
                finished_at=row.finished_at,
            )
            for row in rows
        ]
    return items, int(total or 0)


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
    return AlertSettings(
        user_id=row.user_id,
        callback_num=row.callback_num,
        enabled=row.enabled,
        updated_at=row.updated_at,
    )


async def put_alert_settings(
    db: Database, caller: Caller, body: AlertSettingsUpdate
) -> AlertSettings:
    user_id = caller.claim(body.user_id, ("body", "userId"))
    number = mobile_e164(body.callback_num, ("body", "callbackNum"))
    values = {"user_id": user_id, "callback_num": number, "enabled": body.enabled}
    async with db.unit_of_work() as uow:
        row = (
            await uow.conn.execute(
                insert(alert_settings)
                .values(values)
                .on_conflict_do_update(
                    index_elements=[alert_settings.c.user_id],
                    set_={**values, "updated_at": func.now()},
                )
                .returning(alert_settings)
            )
        ).one()
        await uow.commit()
    return AlertSettings(
        user_id=row.user_id,
        callback_num=row.callback_num,
        enabled=row.enabled,
        updated_at=row.updated_at,
    )


def mobile_e164(raw: str, loc: tuple[str | int, ...]) -> str:
    """A Korean (or +country) mobile number in E.164, as the carrier wants it."""
    try:
        number = phonenumbers.parse(raw, "KR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or phonenumbers.number_type(number) not in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise RequestInvalid([FieldError(loc, "is not a mobile number", input=raw)])
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _webhook(row: Any) -> Webhook:
    return Webhook(id=row.id, user_id=row.user_id, url=row.url, created_at=row.created_at)
