"""What the API's commands do: a customer's notification settings (their webhooks and
the status alert to their own mobile number, one of their verified sender numbers)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from uuid import UUID

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert

from msgplat.monitoring import pinning, signing
from msgplat.monitoring.models import alert_settings, verified_senders, webhook_deliveries, webhooks
from msgplat.monitoring.queries import alert_settings_of, delivery_of, webhook_of
from msgplat.monitoring.reactions.status_changes import DELIVERIES_CHANNEL
from msgplat.monitoring.schemas import (
    AlertSettings,
    AlertSettingsUpdate,
    WebhookCreate,
    WebhookCreated,
    WebhookDelivery,
)
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, owned_row
from msgplat.plumbing.errors import FieldError, RequestInvalid

MAX_WEBHOOKS_PER_CUSTOMER = 10
REGISTRATION_RESOLVE_TIMEOUT_S = 2.0
NOT_A_VERIFIED_SENDER = (
    "is not a verified sender number of this customer: the alert goes only to a number "
    "proven to be theirs; register it at POST /senders and enter the code sent to it"
)


async def register_webhook(
    db: Database,
    caller: Caller,
    body: WebhookCreate,
    *,
    settings: MonitoringSettings,
    resolver: pinning.Resolver = pinning.system_resolver,
) -> WebhookCreated:
    user_id = caller.claim(body.user_id, ("body", "userId"))
    await check_destination(str(body.url), settings=settings, resolver=resolver)
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


async def check_destination(
    url: str, *, settings: MonitoringSettings, resolver: pinning.Resolver
) -> None:
    """A 422 on `url` when it names a host that is not public, or a name that resolves to
    an address that is not. A name that does not resolve (yet) is accepted: every
    delivery resolves and checks it again."""
    try:
        async with asyncio.timeout(REGISTRATION_RESOLVE_TIMEOUT_S):
            await pinning.resolve(url, allowed=settings.webhook_allowed_hosts, resolver=resolver)
    except pinning.Refused as exc:
        raise RequestInvalid(
            [FieldError(("body", "url"), exc.reason, type="url_not_public", input=url)]
        ) from None
    except (pinning.Unresolved, TimeoutError):
        pass


async def delete_webhook(db: Database, caller: Caller, webhook_id: UUID) -> None:
    """Deletes it with its pending deliveries and its log."""
    async with db.unit_of_work() as uow:
        await owned_row(uow.conn, caller, webhooks, webhook_id, "webhook", lock=True)
        await uow.conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id))
        await uow.commit()


PING = "webhook.ping"


async def ping_webhook(db: Database, caller: Caller, webhook_id: UUID) -> WebhookDelivery:
    """Queue a test delivery to the webhook, signed like every other (event
    `webhook.ping`, no reservation): the dispatcher posts it at once, and the log shows
    how the endpoint answered."""
    async with db.unit_of_work() as uow:
        owner = await uow.conn.scalar(select(webhooks.c.user_id).where(webhooks.c.id == webhook_id))
        caller.check_owner(owner, f"webhook {webhook_id}")
        delivery_id = uuid.uuid4()
        payload = {
            "event": PING,
            "webhookId": str(webhook_id),
            "deliveryId": str(delivery_id),
            "occurredAt": datetime.now(UTC).isoformat(),
        }
        row = (
            await uow.conn.execute(
                insert(webhook_deliveries)
                .values(
                    delivery_id=delivery_id,
                    webhook_id=webhook_id,
                    # Deliveries are keyed by reservation: a ping is one of its own.
                    reservation_id=uuid.uuid4(),
                    event=PING,
                    status="ping",
                    payload=payload,
                )
                .returning(webhook_deliveries)
            )
        ).one()
        await uow.conn.execute(
            text("SELECT pg_notify(:channel, 'webhook')"), {"channel": DELIVERIES_CHANNEL}
        )
        await uow.commit()
    return delivery_of(row)


async def put_alert_settings(
    db: Database, caller: Caller, body: AlertSettingsUpdate
) -> AlertSettings:
    """The alert goes only to a number proven to be the customer's: a mobile number among
    their verified sender numbers (as the reservation service reports them, a moment
    after they are verified there)."""
    user_id = caller.claim(body.user_id, ("body", "userId"))
    loc = ("body", "callbackNum")
    number = mobile_e164(body.callback_num, loc)
    values = {"user_id": user_id, "callback_num": number, "enabled": body.enabled}
    async with db.unit_of_work() as uow:
        verified = await uow.conn.scalar(
            select(func.count())
            .select_from(verified_senders)
            .where(verified_senders.c.user_id == user_id, verified_senders.c.e164 == number)
        )
        if body.enabled and not verified:
            raise RequestInvalid(
                [
                    FieldError(
                        loc,
                        NOT_A_VERIFIED_SENDER,
                        type="sender_not_verified",
                        input=body.callback_num,
                    )
                ]
            )
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
