"""Builders of the events a reservation's life produces, as the monitoring service
projects them: whole stories (`Story`, `AdvertisingStory`) and single events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from msgplat.contracts.events import (
    ChargesSettled,
    CreditHeld,
    CreditRefused,
    MessageResult,
    MessageResultsReported,
    MessagesSubmitted,
    Purpose,
    ReservationCancelled,
    ReservationFinished,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRequested,
    ReservationScheduled,
    ReservationSendingStarted,
    SendingFinished,
    SendingPaused,
    SendingResumed,
    SendingStarted,
)
from msgplat.plumbing.envelope import Event, EventEnvelope

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def envelope(event: Event, *, user_id: str) -> EventEnvelope:
    rid = event.reservation_id
    return EventEnvelope.wrap(event, aggregate_id=rid, user_id=user_id, correlation_id="test")


@dataclass
class Story:
    """A reservation of 4 recipients: 2 delivered, 1 failed at the carrier, 1 rejected
    at submit; 10 KRW each held, 20 charged, 20 released."""

    rid: uuid.UUID

    def by_topic(self) -> dict[str, list[Event]]:
        rid = self.rid
        return {
            "reservation": [
                requested(rid, recipients=4, requested_at=T0),
                recipients_added(rid, 4),
                ReservationScheduled(reservation_id=rid, reserve_dt=T0, scheduled_at=T0),
                ReservationSendingStarted(reservation_id=rid, started_at=T0 + timedelta(1)),
                ReservationFinished(
                    reservation_id=rid, status="partially_failed", finished_at=T0 + timedelta(2)
                ),
            ],
            "send": [
                SendingStarted(reservation_id=rid, recipient_count=4, started_at=T0 + timedelta(1)),
                MessagesSubmitted(
                    reservation_id=rid,
                    carrier="sim",
                    accepted=3,
                    first_seq=0,
                    last_seq=3,
                    submitted_at=T0,
                ),
                results(rid, [(1, "failed", None)]),  # rejected at submit: no carrier id
                results(rid, [(0, "delivered", "m0"), (2, "delivered", "m2")]),
                results(rid, [(3, "failed", "m3")]),
                SendingFinished(
                    reservation_id=rid,
                    outcome="partially_failed",
                    delivered=2,
                    failed=2,
                    cancelled=0,
                    finished_at=T0 + timedelta(2),
                ),
            ],
            "billing": [
                held(rid, unit_price=10, count=4),
                settled(rid, captured=(2, 20), released=(1, 10), held_remaining=10),
                settled(rid, captured=(0, 0), released=(1, 10), held_remaining=0),
            ],
        }

    def in_order(self) -> list[Event]:
        topics = self.by_topic()
        return [
            *topics["billing"][:1],
            *topics["reservation"],
            *topics["send"],
            *topics["billing"][1:],
        ]


@dataclass
class AdvertisingStory(Story):
    """An advertising reservation of 5 recipients: paused outside the advertising hours
    and resumed, paused outside the customer's windows and resumed; 4 delivered, 1 opted
    out (never sent); 20 KRW each held, 80 charged, 20 released."""

    rid: uuid.UUID

    HOUR = timedelta(hours=1)
    FIRST_PAUSE = T0 + HOUR
    SECOND_PAUSE = T0 + 3 * HOUR

    def by_topic(self) -> dict[str, list[Event]]:
        rid, hour = self.rid, self.HOUR
        return {
            "reservation": [
                requested(rid, recipients=5, requested_at=T0, purpose="advertising"),
                recipients_added(rid, 5),
                ReservationScheduled(reservation_id=rid, reserve_dt=T0, scheduled_at=T0),
                ReservationSendingStarted(reservation_id=rid, started_at=T0),
                ReservationFinished(
                    reservation_id=rid, status="completed", finished_at=T0 + 5 * hour
                ),
            ],
            "send": [
                SendingStarted(reservation_id=rid, recipient_count=5, started_at=T0),
                paused(rid, self.FIRST_PAUSE, until=T0 + 2 * hour, rule="advertising_hours"),
                resumed(rid, T0 + 2 * hour),
                submitted(rid, accepted=2, first_seq=0),
                results(rid, [(0, "delivered", "m0"), (1, "delivered", "m1")]),
                results(rid, [(4, "opted_out", None)]),
                paused(rid, self.SECOND_PAUSE, until=T0 + 4 * hour, rule="sending_windows"),
                resumed(rid, T0 + 4 * hour),
                submitted(rid, accepted=2, first_seq=2),
                results(rid, [(2, "delivered", "m2"), (3, "delivered", "m3")]),
                SendingFinished(
                    reservation_id=rid,
                    outcome="completed",
                    delivered=4,
                    failed=0,
                    cancelled=0,
                    opted_out=1,
                    finished_at=T0 + 5 * hour,
                ),
            ],
            "billing": [
                held(rid, unit_price=20, count=5),
                settled(rid, captured=(2, 40), released=(1, 20), held_remaining=40),
                settled(rid, captured=(2, 40), released=(0, 0), held_remaining=0),
            ],
        }


def requested(
    rid: uuid.UUID,
    *,
    recipients: int = 3,
    requested_at: datetime | None = None,
    purpose: Purpose = "normal",
    chunks: int = 1,
) -> ReservationRequested:
    """Due in an hour; its `recipients` to come in `chunks` ReservationRecipientsAdded."""
    now = requested_at or datetime.now(UTC)
    return ReservationRequested(
        reservation_id=rid,
        title="hello",
        content="hello there",
        msg_type="SMS",
        callback_num="0212345678",
        reserve_dt=now + timedelta(hours=1),
        recipient_count=recipients,
        chunk_count=chunks,
        requested_at=now,
        purpose=purpose,
    )


def recipients_added(rid: uuid.UUID, count: int) -> ReservationRecipientsAdded:
    """The whole list of `count` recipients, in one chunk."""
    return ReservationRecipientsAdded(
        reservation_id=rid,
        chunk_index=0,
        chunk_count=1,
        first_seq=0,
        dst_nums=[f"+82101234567{i}" for i in range(count)],
    )


def held(rid: uuid.UUID, *, unit_price: int, count: int) -> CreditHeld:
    return CreditHeld(
        reservation_id=rid,
        msg_type="SMS",
        unit_price=unit_price,
        count=count,
        amount=unit_price * count,
        balance_after=1000,
        held_at=T0,
    )


def settled(
    rid: uuid.UUID, *, captured: tuple[int, int], released: tuple[int, int], held_remaining: int
) -> ChargesSettled:
    """A settlement: `captured` and `released` as (messages, KRW)."""
    return ChargesSettled(
        reservation_id=rid,
        captured_count=captured[0],
        captured_amount=captured[1],
        released_count=released[0],
        released_amount=released[1],
        held_remaining=held_remaining,
        settled_at=T0,
    )


def submitted(rid: uuid.UUID, *, accepted: int, first_seq: int) -> MessagesSubmitted:
    return MessagesSubmitted(
        reservation_id=rid,
        carrier="sim",
        accepted=accepted,
        first_seq=first_seq,
        last_seq=first_seq + accepted - 1,
        submitted_at=T0,
    )


def paused(
    rid: uuid.UUID,
    at: datetime,
    *,
    until: datetime | None,
    rule: Literal["advertising_hours", "sending_windows"] = "advertising_hours",
) -> SendingPaused:
    reason = {
        "advertising_hours": "advertising is sent 08:00-21:00 Asia/Seoul",
        "sending_windows": "outside the customer's sending windows",
    }[rule]
    return SendingPaused(
        reservation_id=rid, rule=rule, reason=reason, paused_until=until, paused_at=at
    )


def resumed(rid: uuid.UUID, at: datetime) -> SendingResumed:
    return SendingResumed(reservation_id=rid, resumed_at=at)


def results(rid: uuid.UUID, items: list[tuple[int, str, str | None]]) -> MessageResultsReported:
    return MessageResultsReported(
        reservation_id=rid,
        results=[
            MessageResult(seq=seq, status=status, carrier_msg_id=mid, at=T0)
            for seq, status, mid in items
        ],
    )


def cancelled(rid: uuid.UUID, at: datetime | None = None) -> ReservationCancelled:
    return ReservationCancelled(
        reservation_id=rid, previous_status="requested", cancelled_at=at or datetime.now(UTC)
    )


def rejected(rid: uuid.UUID) -> ReservationRejected:
    return ReservationRejected(reservation_id=rid, reason="not enough credit", rejected_at=T0)


def refused(rid: uuid.UUID) -> CreditRefused:
    return CreditRefused(
        reservation_id=rid, required=40, available=0, reason="balance 0 < 40", refused_at=T0
    )
