"""The catalogue of every event type in the system: the contract between teams.

Events are named in the past tense. Each is versioned (`schema_version`); a
breaking change is a new version, consumed side by side with the old one until
every producer has moved. `docs/events.md` is generated from this module and the
services' subscriptions (`python -m msgplat.devstack.eventdocs`).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from msgplat.contracts import topics
from msgplat.contracts.messages import MsgType  # SMS or LMS, by the rule beside it
from msgplat.plumbing.envelope import Event

# normal: any message; advertising: marked `(광고)`, carries a free opt-out number, never
# sent at night nor to an opted-out number; authentication: codes, never paused.
Purpose = Literal["normal", "advertising", "authentication"]


class ReservationRequested(Event):
    """A customer registered a reserved send; its recipients follow in chunks."""

    event_type = "ReservationRequested"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    title: str
    content: str
    msg_type: MsgType
    callback_num: str
    reserve_dt: AwareDatetime
    recipient_count: int = Field(ge=1)
    chunk_count: int = Field(ge=1)
    requested_at: AwareDatetime
    purpose: Purpose = "normal"
    personalised: bool = Field(
        default=False,
        description="The content has #{variables}: each recipient's own text and type come "
        "with the chunks (`texts`, `msg_types`), and `msg_type` is the largest of them",
    )
    msg_counts: dict[MsgType, int] | None = Field(
        default=None,
        description="Messages per type when they differ per recipient (personalised); "
        "absent, every message is `msg_type`",
    )
    template_id: UUID | None = None


class ReservationRecipientsAdded(Event):
    """One ordered chunk of a reservation's recipients (keeps each event under 1 MB)."""

    event_type = "ReservationRecipientsAdded"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    chunk_index: int = Field(ge=0)
    chunk_count: int = Field(ge=1)
    first_seq: int = Field(ge=0, description="Sequence of dst_nums[0] in the recipient list")
    dst_nums: list[str] = Field(min_length=1, description="E.164 numbers, in list order")
    texts: list[str] | None = Field(
        default=None, description="Personalised: each recipient's rendered content"
    )
    msg_types: list[MsgType] | None = Field(
        default=None, description="Personalised: each recipient's message type"
    )


class ReservationCancelled(Event):
    """The customer cancelled a reservation before it finished."""

    event_type = "ReservationCancelled"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    previous_status: str = Field(description="requested, scheduled or sending")
    cancelled_at: AwareDatetime


class ReservationRescheduled(Event):
    """The customer moved a reservation not yet sending to a new due time (before its
    cut-off, under the rules of a new reservation); the credit held stays held."""

    event_type = "ReservationRescheduled"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    previous_reserve_dt: AwareDatetime
    reserve_dt: AwareDatetime = Field(description="The new due time")
    rescheduled_at: AwareDatetime


class ReservationScheduled(Event):
    """The reservation is accepted for sending at its reserved time."""

    event_type = "ReservationScheduled"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    reserve_dt: AwareDatetime
    scheduled_at: AwareDatetime


class ReservationSendingStarted(Event):
    """The reservation's status moved to sending (its first message went out)."""

    event_type = "ReservationSendingStarted"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    started_at: AwareDatetime


class ReservationFinished(Event):
    """The reservation reached a final status after sending (mirrors SendingFinished)."""

    event_type = "ReservationFinished"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    status: Literal["completed", "partially_failed", "failed", "cancelled"]
    finished_at: AwareDatetime


class SendingStarted(Event):
    """The due time came and the first messages went to the carrier."""

    event_type = "SendingStarted"
    topic = topics.SEND_EVENTS

    reservation_id: UUID
    recipient_count: int = Field(ge=0)
    started_at: AwareDatetime


class MessagesSubmitted(Event):
    """A batch of messages was accepted by the carrier (delivery reports follow)."""

    event_type = "MessagesSubmitted"
    topic = topics.SEND_EVENTS

    reservation_id: UUID
    carrier: str
    accepted: int = Field(ge=0)
    first_seq: int = Field(ge=0)
    last_seq: int = Field(ge=0)
    submitted_at: AwareDatetime


# opted_out: an advertising message to a number on the customer's opt-out list; never
# sent, never charged.
MessageStatus = Literal["delivered", "failed", "cancelled", "opted_out"]


class MessageResult(BaseModel):
    """The final result of one message, identified by (reservation id, seq)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = Field(ge=0)
    status: MessageStatus
    code: str | None = Field(default=None, description="Carrier or platform result code")
    reason: str | None = None
    carrier: str | None = Field(default=None, description="The carrier that took the message")
    carrier_msg_id: str | None = None
    at: AwareDatetime
    msg_type: MsgType | None = Field(
        default=None,
        description="Its type (personalised messages differ); absent = the reservation's",
    )


class MessageResultsReported(Event):
    """Final results of many messages of one reservation (at most 5,000 per event)."""

    event_type = "MessageResultsReported"
    topic = topics.SEND_EVENTS

    reservation_id: UUID
    results: list[MessageResult] = Field(min_length=1, max_length=5000)


class SendingFinished(Event):
    """Every message of the reservation is final: delivered, failed, cancelled or opted
    out."""

    event_type = "SendingFinished"
    topic = topics.SEND_EVENTS

    reservation_id: UUID
    outcome: Literal["completed", "partially_failed", "failed", "cancelled"]
    delivered: int = Field(ge=0)
    failed: int = Field(ge=0)
    cancelled: int = Field(ge=0)
    finished_at: AwareDatetime
    opted_out: int = Field(default=0, ge=0)


class SendingPaused(Event):
    """Sending stopped outside the allowed hours; it resumes by itself at `paused_until`."""

    event_type = "SendingPaused"
    topic = topics.SEND_EVENTS

    reservation_id: UUID
    rule: Literal["advertising_hours", "sending_windows"]
    reason: str
    paused_until: AwareDatetime | None = Field(
        description="When sending may go on; None when no window ever opens again"
    )
    paused_at: AwareDatetime


class SendingResumed(Event):
    """Sending went on after a pause."""

    event_type = "SendingResumed"
    topic = topics.SEND_EVENTS

    reservation_id: UUID
    resumed_at: AwareDatetime


class ReservationRejected(Event):
    """The reservation will not be sent (e.g. not enough credit); nothing was held."""

    event_type = "ReservationRejected"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    reason: str
    rejected_at: AwareDatetime


class CreditHeld(Event):
    """Billing held the price of every message of a reservation (the saga's first step)."""

    event_type = "CreditHeld"
    topic = topics.BILLING_EVENTS

    reservation_id: UUID
    msg_type: MsgType = Field(description="The largest type held for (LMS when any is)")
    unit_price: int = Field(ge=0, description="KRW per message of `msg_type`")
    count: int = Field(ge=1, description="Messages held for")
    amount: int = Field(
        ge=0,
        description="KRW held: unit_price x count, or the sum per type of a personalised "
        "reservation's `msg_counts`",
    )
    balance_after: int = Field(description="Available balance after the hold, KRW")
    held_at: AwareDatetime


class CreditRefused(Event):
    """Billing could not hold the price: the reservation is to be rejected."""

    event_type = "CreditRefused"
    topic = topics.BILLING_EVENTS

    reservation_id: UUID
    required: int = Field(ge=0, description="KRW the reservation needs")
    available: int = Field(description="KRW the customer had available")
    reason: str
    refused_at: AwareDatetime


class ChargesSettled(Event):
    """Held credit settled for final messages: delivered ones captured (charged), failed,
    cancelled and opted-out ones released (the saga's compensation)."""

    event_type = "ChargesSettled"
    topic = topics.BILLING_EVENTS

    reservation_id: UUID
    captured_count: int = Field(ge=0)
    captured_amount: int = Field(ge=0, description="KRW")
    released_count: int = Field(ge=0)
    released_amount: int = Field(ge=0, description="KRW")
    held_remaining: int = Field(ge=0, description="KRW still held for the reservation")
    settled_at: AwareDatetime


# -- sender numbers (발신번호 사전등록) and notices ---------------------------------------
#
# A notice is one message the platform sends on its own account: a customer's status
# alert (charged like any SMS), or the code that verifies a sender number (free). Send
# sends it through its carriers like any message; its id is the idempotency key from
# the request to the charge (and the carrier's ref, `notice:<id>`). Keyed by its own id.


class SenderVerificationRequested(Event):
    """A customer registered a callback number (or asked for a new code): the code goes to
    that number as a notice. The code travels only in `text`; the owner keeps its hash."""

    event_type = "SenderVerificationRequested"
    topic = topics.RESERVATION_EVENTS

    sender_id: UUID
    notice_id: UUID = Field(description="The notice's id: send's idempotency key")
    to_num: str = Field(description="The number to verify, in E.164")
    text: str = Field(description="The message, with the code")
    requested_at: AwareDatetime


class SenderVerified(Event):
    """A callback number is a verified sender of its customer: reservations and status
    alerts may use it."""

    event_type = "SenderVerified"
    topic = topics.RESERVATION_EVENTS

    sender_id: UUID
    number: str = Field(description="National digits, as callbackNum is kept: 0212345678")
    method: Literal["code", "operator"] = Field(
        description="code: the code sent to it was entered; operator: approved with a note"
    )
    verified_at: AwareDatetime


class SenderRemoved(Event):
    """The customer deleted a sender number: it may no longer be used."""

    event_type = "SenderRemoved"
    topic = topics.RESERVATION_EVENTS

    sender_id: UUID
    number: str
    removed_at: AwareDatetime


class StatusAlertRequested(Event):
    """A reservation ended and its customer asked to be told: send sends the text to their
    alert number (one of their verified senders), and billing charges it when delivered."""

    event_type = "StatusAlertRequested"
    topic = topics.MONITORING_EVENTS

    notice_id: UUID = Field(description="One per reservation and final status: the idempotency key")
    reservation_id: UUID
    status: str = Field(description="The reservation's final status the alert announces")
    to_num: str = Field(description="The customer's alert number, in E.164")
    text: str
    requested_at: AwareDatetime


NoticeKind = Literal["status_alert", "sender_verification"]


class NoticeResultReported(Event):
    """The final result of a notice: delivered (its report said so) or failed (rejected,
    no carrier took it in its attempts, or its report said so)."""

    event_type = "NoticeResultReported"
    topic = topics.SEND_EVENTS

    notice_id: UUID
    kind: NoticeKind
    subject_id: UUID = Field(
        description="What it was about: the reservation (status_alert) or the sender "
        "(sender_verification)"
    )
    status: Literal["delivered", "failed"]
    code: str | None = Field(default=None, description="Carrier or platform result code")
    reason: str | None = None
    carrier: str | None = Field(default=None, description="The carrier that took it")
    carrier_msg_id: str | None = None
    msg_type: MsgType
    billable: bool = Field(
        description="Charged when delivered, at its type's price (status alerts); "
        "verification codes are free"
    )
    at: AwareDatetime


CATALOGUE: dict[str, type[Event]] = {
    cls.event_type: cls
    for cls in (
        ReservationRequested,
        ReservationRecipientsAdded,
        ReservationScheduled,
        ReservationRescheduled,
        ReservationRejected,
        ReservationCancelled,
        ReservationSendingStarted,
        ReservationFinished,
        SendingStarted,
        MessagesSubmitted,
        MessageResultsReported,
        SendingFinished,
        SendingPaused,
        SendingResumed,
        CreditHeld,
        CreditRefused,
        ChargesSettled,
        SenderVerificationRequested,
        SenderVerified,
        SenderRemoved,
        StatusAlertRequested,
        NoticeResultReported,
    )
}


def versions(event_type: str) -> list[int]:
    """The versions of an event type a consumer reads: the current one and every older
    one its upcasts (`Event.upcasts`: version -> upcast to the next) lead from."""
    cls = CATALOGUE[event_type]
    return [v for v in range(1, cls.schema_version) if v in cls.upcasts] + [cls.schema_version]


def parse_payload(
    event_type: str, payload: dict[str, object], *, version: int | None = None
) -> Event:
    """The typed event for an envelope's payload, read as a consumer does (tolerant:
    an older `version` upcast, unknown fields ignored); KeyError for an unknown type."""
    return CATALOGUE[event_type].from_payload(payload, version=version)
