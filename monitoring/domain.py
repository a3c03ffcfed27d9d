"""Projection rules of the read model. No I/O.

Every event of reservation, send and billing updates one reservation's `View`. Events
of different topics arrive in any order relative to each other (the topics are keyed
by reservation id, but each topic is consumed on its own), so every rule here is
commutative: a status only moves forward, counts and amounts are added, a stage's time
is kept once known, the latest pause and the latest resume are kept by their event
times (the view is paused while the latest pause is newer than the latest resume and
the status is not final), and a view whose ReservationRequested has not arrived yet is
a placeholder that the request fills in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from msgplat.contracts.events import (
    ChargesSettled,
    CreditHeld,
    CreditRefused,
    MessageResultsReported,
    MessagesSubmitted,
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
from msgplat.contracts.messages import message_type
from msgplat.plumbing.envelope import Event

# A view never moves back from a final status, and never from one final status to
# another: the first final status that arrives is kept.
FINAL_STATUSES = frozenset({"completed", "partially_failed", "failed", "rejected", "cancelled"})
RANK = {"requested": 0, "scheduled": 1, "sending": 2, **dict.fromkeys(FINAL_STATUSES, 3)}
# A pause with no end (no window ever opens again) sorts after any with one.
FOREVER = datetime.max.replace(tzinfo=UTC)
# Final statuses that send the customer a KakaoTalk-style alert, when they asked for one.
ALERTED_STATUSES = frozenset({"completed", "partially_failed", "failed", "rejected"})


@dataclass(frozen=True)
class View:
    """One reservation as the monitoring views store it (a row of reservation_views)."""

    reservation_id: UUID
    user_id: str
    status: str = "requested"
    title: str | None = None
    msg_type: str | None = None
    purpose: str = "normal"
    status_reason: str | None = None
    recipient_count: int = 0
    recipients_received: int = 0
    accepted_count: int = 0
    reported_after_submit: int = 0
    delivered_count: int = 0
    failed_count: int = 0
    cancelled_count: int = 0
    opted_out_count: int = 0
    amount_held_total: int = 0
    amount_charged: int = 0
    amount_released: int = 0
    reserve_dt: datetime | None = None
    requested_at: datetime | None = None
    scheduled_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cancelled_at: datetime | None = None
    # The latest SendingPaused (by its paused_at) and the latest SendingResumed.
    last_pause_at: datetime | None = None
    last_pause_until: datetime | None = None
    last_pause_reason: str | None = None
    last_resume_at: datetime | None = None
    version: int = 0

    @property
    def is_placeholder(self) -> bool:
        """Events came before the request: not served until the request arrives."""
        return self.requested_at is None

    @property
    def finished(self) -> int:
        return (
            self.delivered_count + self.failed_count + self.cancelled_count + self.opted_out_count
        )

    @property
    def paused(self) -> bool:
        """Sending stopped outside the allowed hours and not gone on yet (never once final)."""
        if self.status in FINAL_STATUSES or self.last_pause_at is None:
            return False
        return self.last_resume_at is None or self.last_resume_at < self.last_pause_at

    @property
    def paused_until(self) -> datetime | None:
        return self.last_pause_until if self.paused else None

    @property
    def pause_reason(self) -> str | None:
        return self.last_pause_reason if self.paused else None

    @property
    def submitted(self) -> int:
        """Messages at the carrier, waiting for their delivery report."""
        if self.status in FINAL_STATUSES:
            return 0
        return max(0, self.accepted_count - self.reported_after_submit)

    @property
    def pending(self) -> int:
        """Messages not handed to the carrier yet."""
        if self.status in FINAL_STATUSES:
            return 0
        return max(0, self.recipient_count - self.submitted - self.finished)

    @property
    def progress(self) -> float:
        """Finished messages / recipients, 0..1 (1 once the reservation is final)."""
        if self.status in FINAL_STATUSES and self.status != "rejected":
            return 1.0
        if self.recipient_count <= 0:
            return 0.0
        return min(1.0, self.finished / self.recipient_count)

    @property
    def amount_held(self) -> int:
        """KRW still held: neither charged nor released yet."""
        return max(0, self.amount_held_total - self.amount_charged - self.amount_released)


def placeholder(reservation_id: UUID, user_id: str) -> View:
    return View(reservation_id=reservation_id, user_id=user_id)


def apply(view: View, event: Event) -> View:
    """The view after `event`; the same view (equal) when the event changes nothing."""
    rule = _RULES.get(type(event))
    if rule is None:
        raise KeyError(f"no projection rule for {type(event).__name__}")
    return rule(view, event)


def _advance(view: View, status: str, **changes: Any) -> View:
    """Move to `status` if it is further on; fill in stage times not yet known."""
    stamps = {k: v for k, v in changes.items() if getattr(view, k) is None and v is not None}
    if RANK[status] > RANK[view.status]:
        return replace(view, status=status, **stamps)
    return replace(view, **stamps) if stamps else view


def _requested(view: View, e: ReservationRequested) -> View:
    if not view.is_placeholder:
        return view
    return replace(
        view,
        title=e.title,
        msg_type=e.msg_type,
        purpose=e.purpose,
        recipient_count=e.recipient_count,
        reserve_dt=e.reserve_dt,
        requested_at=e.requested_at,
    )


def _recipients_added(view: View, e: ReservationRecipientsAdded) -> View:
    return replace(view, recipients_received=view.recipients_received + len(e.dst_nums))


def _scheduled(view: View, e: ReservationScheduled) -> View:
    return _advance(view, "scheduled", scheduled_at=e.scheduled_at)


def _reservation_sending(view: View, e: ReservationSendingStarted) -> View:
    return _advance(view, "sending", started_at=e.started_at)


def _sending_started(view: View, e: SendingStarted) -> View:
    advanced = _advance(view, "sending", started_at=e.started_at)
    if advanced.recipient_count == 0 and e.recipient_count:
        advanced = replace(advanced, recipient_count=e.recipient_count)
    return advanced


def _reservation_finished(view: View, e: ReservationFinished) -> View:
    return _advance(view, e.status, finished_at=e.finished_at)


def _sending_finished(view: View, e: SendingFinished) -> View:
    return _advance(view, e.outcome, finished_at=e.finished_at)


def _rejected(view: View, e: ReservationRejected) -> View:
    """The rejection's reason wins over billing's refusal (whichever came first)."""
    advanced = _advance(view, "rejected", finished_at=e.rejected_at)
    if advanced.status == "rejected" and advanced.status_reason != e.reason:
        advanced = replace(advanced, status_reason=e.reason)
    return advanced


def _cancelled(view: View, e: ReservationCancelled) -> View:
    return _advance(view, "cancelled", cancelled_at=e.cancelled_at)


def _submitted(view: View, e: MessagesSubmitted) -> View:
    return replace(view, accepted_count=view.accepted_count + e.accepted)


def _results(view: View, e: MessageResultsReported) -> View:
    counts = Counter(result.status for result in e.results)
    after_submit = sum(1 for result in e.results if result.carrier_msg_id is not None)
    return replace(
        view,
        delivered_count=view.delivered_count + counts["delivered"],
        failed_count=view.failed_count + counts["failed"],
        cancelled_count=view.cancelled_count + counts["cancelled"],
        opted_out_count=view.opted_out_count + counts["opted_out"],
        reported_after_submit=view.reported_after_submit + after_submit,
    )


def _paused(view: View, e: SendingPaused) -> View:
    """The latest pause wins, whatever the order they arrive in (ties: the larger
    reason, then the later end, so that every order agrees)."""
    if view.last_pause_at is not None and _pause_key(e) <= _stored_pause_key(view):
        return view
    return replace(
        view,
        last_pause_at=e.paused_at,
        last_pause_until=e.paused_until,
        last_pause_reason=e.reason,
    )


def _pause_key(e: SendingPaused) -> tuple[datetime, str, datetime]:
    return e.paused_at, e.reason, e.paused_until or FOREVER


def _stored_pause_key(view: View) -> tuple[datetime, str, datetime]:
    assert view.last_pause_at is not None
    return view.last_pause_at, view.last_pause_reason or "", view.last_pause_until or FOREVER


def _resumed(view: View, e: SendingResumed) -> View:
    if view.last_resume_at is not None and e.resumed_at <= view.last_resume_at:
        return view
    return replace(view, last_resume_at=e.resumed_at)


def _credit_held(view: View, e: CreditHeld) -> View:
    return replace(view, amount_held_total=view.amount_held_total + e.amount)


def _credit_refused(view: View, e: CreditRefused) -> View:
    if view.status_reason is not None or view.status == "rejected":
        return view
    return replace(view, status_reason=e.reason)


def _charges_settled(view: View, e: ChargesSettled) -> View:
    return replace(
        view,
        amount_charged=view.amount_charged + e.captured_amount,
        amount_released=view.amount_released + e.released_amount,
    )


_RULES: dict[type[Event], Any] = {
    ReservationRequested: _requested,
    ReservationRecipientsAdded: _recipients_added,
    ReservationScheduled: _scheduled,
    ReservationSendingStarted: _reservation_sending,
    ReservationFinished: _reservation_finished,
    ReservationRejected: _rejected,
    ReservationCancelled: _cancelled,
    SendingStarted: _sending_started,
    MessagesSubmitted: _submitted,
    MessageResultsReported: _results,
    SendingFinished: _sending_finished,
    SendingPaused: _paused,
    SendingResumed: _resumed,
    CreditHeld: _credit_held,
    CreditRefused: _credit_refused,
    ChargesSettled: _charges_settled,
}

PROJECTED_EVENTS: tuple[type[Event], ...] = tuple(_RULES)


def status_changed(before: View | None, after: View) -> bool:
    """A change the customer is notified of: a new status of a served view (the request
    filling in a placeholder counts, with the status the view then has)."""
    if after.is_placeholder:
        return False
    if before is None or before.is_placeholder:
        return True
    return before.status != after.status


def alert_ready(view: View) -> bool:
    """An alert goes once the view is final with every message's result counted (the
    final status may be consumed before the last results: they come on another topic)."""
    if view.is_placeholder or view.status not in ALERTED_STATUSES:
        return False
    return view.status == "rejected" or view.finished >= view.recipient_count


def alert_due(before: View | None, after: View) -> bool:
    return alert_ready(after) and (before is None or not alert_ready(before))


def alert_text(view: View) -> str:
    """The short text of a status alert (fits one SMS for a short title)."""
    title = (view.title or "")[:20]
    if view.status == "rejected":
        return f"[msgplat] '{title}' rejected: {view.status_reason or 'not sent'}"[:200]
    opted_out = f", {view.opted_out_count} opted out" if view.opted_out_count else ""
    return (
        f"[msgplat] '{title}' {view.status}: {view.delivered_count} delivered, "
        f"{view.failed_count + view.cancelled_count} not{opted_out}, of {view.recipient_count}"
    )


def sms_or_lms(text: str) -> str:
    """SMS up to 90 bytes (EUC-KR, as Korean carriers count), else LMS: the platform's
    one rule (`contracts.messages`); a character carriers cannot take counts as its `?`."""
    return message_type(text, strict=False)


def retry_delay_s(attempts: int, *, base_s: float, max_s: float) -> float:
    """Exponential backoff after `attempts` failed attempts (1 -> base)."""
    return float(min(max_s, base_s * 2 ** max(0, attempts - 1)))
