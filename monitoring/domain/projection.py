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
from dataclasses import replace
from datetime import datetime
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
    ReservationRescheduled,
    ReservationScheduled,
    ReservationSendingStarted,
    SendingFinished,
    SendingPaused,
    SendingResumed,
    SendingStarted,
)
from msgplat.monitoring.domain.view import FOREVER, RANK, View
from msgplat.plumbing.envelope import Event


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


def _rescheduled(view: View, e: ReservationRescheduled) -> View:
    """The new due time. Reservation events share one ordered partition: the request
    came first, and a later reschedule comes after an earlier one."""
    if view.is_placeholder or view.reserve_dt == e.reserve_dt:
        return view
    return replace(view, reserve_dt=e.reserve_dt)


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
    ReservationRescheduled: _rescheduled,
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
