"""Bodies of the monitoring API (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, HttpUrl, UrlConstraints

from msgplat.plumbing.api import ApiInput, ApiModel
from msgplat.plumbing.caller import ClaimedUserId


class ReservationView(ApiModel):
    """One reservation as the dashboard shows it; also the `data` of an SSE event and the
    `reservation` of a webhook body."""

    reservation_id: UUID
    user_id: str
    msg_title: str
    msg_type: str
    purpose: str = Field(description="normal, advertising or authentication")
    status: str = Field(
        description="requested, scheduled, sending, completed, partially_failed, failed, "
        "rejected or cancelled"
    )
    status_reason: str | None = None
    recipient_count: int
    recipients_received: int = Field(description="Recipients stored so far (they come in chunks)")
    pending_count: int = Field(description="Messages not handed to the carrier yet")
    submitted_count: int = Field(description="Messages at the carrier, waiting for a report")
    delivered_count: int
    failed_count: int
    cancelled_count: int
    opted_out_count: int = Field(
        description="Advertising messages to numbers on the opt-out list: not sent, not charged"
    )
    progress: float = Field(
        ge=0,
        le=1,
        description="Finished messages (delivered, failed, cancelled or opted out) / "
        "recipientCount",
    )
    paused_until: datetime | None = Field(
        default=None,
        description="While sending is paused outside the allowed hours: when it goes on "
        "(null also when no window ever opens again: see pauseReason)",
    )
    pause_reason: str | None = Field(
        default=None, description="Why sending is paused; null when it is not paused"
    )
    amount_held: int = Field(description="KRW still held (neither charged nor released)")
    amount_charged: int = Field(description="KRW charged for delivered messages")
    amount_released: int = Field(
        description="KRW released for failed, cancelled or opted-out messages"
    )
    reserve_dt: datetime
    requested_at: datetime
    scheduled_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cancelled_at: datetime | None = None
    updated_at: datetime
    version: int = Field(description="Incremented on every change of the view")


WebhookUrl = Annotated[HttpUrl, UrlConstraints(max_length=2000, allowed_schemes=["http", "https"])]


class WebhookCreate(ApiInput):
    url: WebhookUrl
    secret: str | None = Field(
        default=None,
        min_length=16,
        max_length=200,
        description="Signing secret; generated (and answered once) when left out",
    )
    user_id: ClaimedUserId = None


class Webhook(ApiModel):
    id: UUID
    user_id: str
    url: str
    created_at: datetime


class WebhookCreated(Webhook):
    secret: str = Field(description="Shown this once: keep it to verify the signatures")


class WebhookDelivery(ApiModel):
    delivery_id: UUID
    event: str
    reservation_id: UUID
    status: str = Field(description="The reservation's status this delivery announces")
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = Field(default=None, description="While pending")
    created_at: datetime
    finished_at: datetime | None = None


class AlertSettingsUpdate(ApiInput):
    callback_num: str = Field(
        min_length=1,
        max_length=32,
        description="The customer's mobile number for the alerts: one of their verified "
        "sender numbers (POST /senders)",
    )
    enabled: bool = True
    user_id: ClaimedUserId = None


class AlertSettings(ApiModel):
    user_id: str
    callback_num: str | None = None
    enabled: bool = False
    updated_at: datetime | None = None


class AlertDelivery(ApiModel):
    """One status alert: the text sent to the customer's number when a reservation ended,
    and what became of it."""

    notice_id: UUID | None = Field(
        description="Its id at the send service (the carrier's ref is `notice:<id>`)"
    )
    reservation_id: UUID
    status: str = Field(description="The reservation's final status it announces")
    to: str = Field(description="The number, in E.164")
    text: str
    state: str = Field(
        description="requested (with the send service: waiting for a carrier, or for the "
        "customer's sending windows), delivered, failed, or skipped (the number was no "
        "longer a verified sender)"
    )
    result_code: str | None = None
    reason: str | None = None
    created_at: datetime
    finished_at: datetime | None = None
