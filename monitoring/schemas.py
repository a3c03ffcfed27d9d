"""Bodies of the monitoring API (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, ConfigDict, Field, HttpUrl, StrictBool, UrlConstraints
from pydantic.config import JsonDict

from msgplat.plumbing.api import ApiInput, ApiModel, PhoneText
from msgplat.plumbing.caller import ClaimedUserId


class ReservationView(ApiModel):
    """One reservation as the dashboard shows it; also the `data` of an SSE event and the
    `reservation` of a webhook body."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reservationId": "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c",
                    "userId": "acme",
                    "msgTitle": "Delivery notice",
                    "msgType": "SMS",
                    "purpose": "normal",
                    "status": "sending",
                    "statusReason": None,
                    "recipientCount": 2,
                    "recipientsReceived": 2,
                    "pendingCount": 0,
                    "submittedCount": 1,
                    "deliveredCount": 1,
                    "failedCount": 0,
                    "cancelledCount": 0,
                    "optedOutCount": 0,
                    "progress": 0.5,
                    "pausedUntil": None,
                    "pauseReason": None,
                    "amountHeld": 20,
                    "amountCharged": 20,
                    "amountReleased": 0,
                    "reserveDt": "2027-03-02T00:30:00Z",
                    "requestedAt": "2027-03-01T06:12:45.120Z",
                    "scheduledAt": "2027-03-01T06:12:45.700Z",
                    "startedAt": "2027-03-02T00:30:00.800Z",
                    "finishedAt": None,
                    "cancelledAt": None,
                    "updatedAt": "2027-03-02T00:30:04.950Z",
                    "version": 6,
                }
            ]
        }
    )

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


URL_MAX_LENGTH = 2000  # the column's (webhooks.url)


def _stored_length(url: HttpUrl) -> HttpUrl:
    """The URL as stored (normalised: an IDN host in punycode, a path's escapes) fits
    the column: the limit of the input alone let a longer one through, a 500."""
    if len(str(url)) > URL_MAX_LENGTH:
        raise ValueError(f"is longer than {URL_MAX_LENGTH} characters once normalised")
    return url


WebhookUrl = Annotated[
    HttpUrl,
    UrlConstraints(max_length=URL_MAX_LENGTH, allowed_schemes=["http", "https"]),
    AfterValidator(_stored_length),
]


class WebhookCreate(ApiInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"url": "https://hooks.example.com/msgplat", "secret": "whsec-4f1c9a7e2b8d6035"}
            ]
        }
    )

    url: WebhookUrl
    secret: str | None = Field(
        default=None,
        min_length=16,
        max_length=200,
        description="Signing secret; generated (and answered once) when left out",
    )
    user_id: ClaimedUserId = None


_WEBHOOK_EXAMPLE: JsonDict = {
    "id": "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "userId": "acme",
    "url": "https://hooks.example.com/msgplat",
    "createdAt": "2027-02-20T01:00:00Z",
}


class Webhook(ApiModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_WEBHOOK_EXAMPLE]})

    id: UUID
    user_id: str
    url: str
    created_at: datetime


class WebhookCreated(Webhook):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_WEBHOOK_EXAMPLE, "secret": "whsec-4f1c9a7e2b8d6035"}]}
    )

    secret: str = Field(description="Shown this once: keep it to verify the signatures")


class WebhookDelivery(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "deliveryId": "6f5e4d3c-2b1a-4098-a7b6-c5d4e3f2a1b0",
                    "event": "reservation.completed",
                    "reservationId": "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c",
                    "status": "completed",
                    "state": "delivered",
                    "attempts": 1,
                    "lastStatusCode": 200,
                    "lastError": None,
                    "nextAttemptAt": None,
                    "createdAt": "2027-03-02T00:30:09.400Z",
                    "finishedAt": "2027-03-02T00:30:09.650Z",
                }
            ]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"callbackNum": "010-1234-5678", "enabled": True}]}
    )

    callback_num: PhoneText = Field(
        min_length=1,
        max_length=32,
        description="The customer's mobile number for the alerts: one of their verified "
        "sender numbers (POST /senders)",
    )
    # Strict: `true` or `false`, not 0/1 or "yes" (the document says boolean).
    enabled: StrictBool = True
    user_id: ClaimedUserId = None


class AlertSettings(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "acme",
                    "callbackNum": "01012345678",
                    "enabled": True,
                    "updatedAt": "2027-02-20T01:00:00Z",
                }
            ]
        }
    )

    user_id: str
    callback_num: str | None = None
    enabled: bool = False
    updated_at: datetime | None = None


class AlertDelivery(ApiModel):
    """One status alert: the text sent to the customer's number when a reservation ended,
    and what became of it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "noticeId": "7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9",
                    "reservationId": "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c",
                    "status": "completed",
                    "to": "+821012345678",
                    "text": "[msgplat] Delivery notice: completed (2 of 2 delivered)",
                    "state": "delivered",
                    "resultCode": "0000",
                    "reason": None,
                    "createdAt": "2027-03-02T00:30:09.400Z",
                    "finishedAt": "2027-03-02T00:30:12.100Z",
                }
            ]
        }
    )

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
