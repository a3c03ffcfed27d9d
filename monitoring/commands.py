"""What the API's commands do: a customer's notification settings (their webhooks and
the status alert to their own mobile number), and the carrier's reports of the alerts."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert

from msgplat.monitoring import signing
from msgplat.monitoring.models import alert_settings, webhooks
from msgplat.monitoring.queries import alert_settings_of, webhook_of
from msgplat.monitoring.schemas import (
    AlertSettings,
    AlertSettingsUpdate,
    WebhookCreate,
    WebhookCreated,
)
from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database
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
    return WebhookCreated(**webhook_of(row).model_dump(), secret=secret)


async def delete_webhook(db: Database, caller: Caller, webhook_id: UUID) -> None:
    """Deletes it with its pending deliveries and its log."""
    async with db.unit_of_work() as uow:
        owner = await uow.conn.scalar(
            select(webhooks.c.user_id).where(webhooks.c.id == webhook_id).with_for_update()
        )
        caller.check_owner(owner, f"webhook {webhook_id}")
        await uow.conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id))
        await uow.commit()


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
    return alert_settings_of(row)


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


async def record_alert_reports(db: Database, reports: list[dict[str, Any]]) -> int:
    """The carrier's delivery reports of alerts: `sent` becomes delivered or failed."""
    ours = [r for r in reports if isinstance(r.get("ref"), str)]
    refs = [r["ref"] for r in ours]
    states = ["delivered" if r.get("status") == "DELIVERED" else "failed" for r in ours]
    codes = [str(r.get("code") or "") for r in ours]
    if not refs:
        return 0
    async with db.unit_of_work() as uow:
        result = await uow.conn.execute(
            text(
                """
                UPDATE monitoring.alerts a
                SET state = v.state, result_code = v.code, finished_at = now()
                FROM unnest(CAST(:refs AS text[]), CAST(:states AS text[]),
                            CAST(:codes AS text[])) AS v(ref, state, code)
                WHERE a.ref = v.ref AND a.state IN ('sent', 'pending')
                """
            ),
            {"refs": refs, "states": states, "codes": codes},
        )
        await uow.commit()
    return int(result.rowcount or 0)
