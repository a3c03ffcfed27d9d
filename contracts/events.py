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


CATALOGUE: dict[str, type[Event]] = {
    cls.event_type: cls
    for cls in (
        ReservationRequested,
        ReservationRecipientsAdded,
        ReservationScheduled,
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
    )
}


def parse_payload(event_type: str, payload: dict[str, object]) -> Event:
    """The typed event for an envelope's payload; KeyError for an unknown type."""
    return CATALOGUE[event_type].model_validate(payload)
