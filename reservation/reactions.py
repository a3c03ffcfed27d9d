"""Reactions: the reservation's part of the saga, how a reservation moves as the other
contexts report back (one function per event, given the consumer's unit of work); and
whether a sender's verification code reached its number (`on_notice_result`).

    requested --CreditHeld--> scheduled --SendingStarted--> sending
    requested --CreditRefused--> rejected
    sending --SendingFinished--> completed | partially_failed | failed | cancelled

    compensation: a failed or cancelled message's held credit is released by billing
    (it reacts to the send service's results); a reservation cancelled before it was
    scheduled has its whole hold released (billing reacts to ReservationCancelled).

Billing runs its steps on its own (choreography): this module only moves the
reservation.

Each step locks the reservation row, applies the transition through the state
machine (an illegal one is logged and skipped, never applied), and emits the
reservation's own event in the same transaction. Redelivered events are absorbed
by the inbox before they get here.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, func, select, update

from msgplat.contracts.events import (
    CreditHeld,
    CreditRefused,
    NoticeResultReported,
    ReservationFinished,
    ReservationRejected,
    ReservationScheduled,
    ReservationSendingStarted,
    SendingFinished,
    SendingStarted,
)
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.logging import get_logger
from msgplat.reservation import domain
from msgplat.reservation.models import reservations, senders

log = get_logger(__name__)
S = domain.ReservationStatus


async def on_credit_held(uow: UnitOfWork, envelope: EventEnvelope, event: CreditHeld) -> None:
    """Billing held the price: the send service may start at the reserved time."""
    row = await _move(uow, event.reservation_id, S.SCHEDULED, because=envelope.event_type)
    if row is not None:
        _announce(
            uow,
            row,
            ReservationScheduled(
                reservation_id=row.id, reserve_dt=row.reserve_dt, scheduled_at=row.updated_at
            ),
        )


async def on_credit_refused(uow: UnitOfWork, envelope: EventEnvelope, event: CreditRefused) -> None:
    """Not enough credit: nothing will be sent, nothing was held."""
    row = await _move(
        uow, event.reservation_id, S.REJECTED, because=envelope.event_type, reason=event.reason
    )
    if row is not None:
        _announce(
            uow,
            row,
            ReservationRejected(
                reservation_id=row.id, reason=event.reason, rejected_at=row.updated_at
            ),
        )


async def on_sending_started(
    uow: UnitOfWork, envelope: EventEnvelope, event: SendingStarted
) -> None:
    row = await _move(uow, event.reservation_id, S.SENDING, because=envelope.event_type)
    if row is not None:
        _announce(
            uow, row, ReservationSendingStarted(reservation_id=row.id, started_at=event.started_at)
        )


async def on_sending_finished(
    uow: UnitOfWork, envelope: EventEnvelope, event: SendingFinished
) -> None:
    reason = f"{event.delivered} delivered, {event.failed} failed, {event.cancelled} cancelled"
    row = await _move(uow, event.reservation_id, S(event.outcome), because=envelope, reason=reason)
    if row is not None:
        _announce(
            uow,
            row,
            ReservationFinished(
                reservation_id=row.id, status=event.outcome, finished_at=event.finished_at
            ),
        )


def _announce(uow: UnitOfWork, row: Any, event: Event) -> None:
    """What happened to the reservation `row`, keyed by it, for its customer."""
    uow.emit(event, aggregate_id=row.id, user_id=row.user_id)


async def _move(
    uow: UnitOfWork,
    reservation_id: UUID,
    target: domain.ReservationStatus,
    *,
    because: str,
    reason: str | None = None,
) -> Any:
    """Apply one transition; None when the reservation is unknown or already past it."""
    row = (await uow.conn.execute(LOCK, {"b_id": reservation_id})).first()
    if row is None:
        log.warning("saga_unknown_reservation", reservation_id=str(reservation_id))
        return None
    current = S(row.status)
    if current == target:
        return None
    try:
        domain.transition(current, target)
    except domain.IllegalTransition as exc:
        # e.g. SendingFinished(cancelled) for a reservation the customer already cancelled
        log.info(
            "saga_transition_skipped",
            reservation_id=str(reservation_id),
            cause=because,
            reason=str(exc),
        )
        return None
    moved = await uow.conn.execute(
        MOVE, {"b_id": reservation_id, "b_status": target, "b_reason": reason}
    )
    return moved.one()


# Built once (every step of every reservation runs them): building a statement anew cost
# more CPU than running it; the compiled form is cached by statement.
LOCK = select(reservations).where(reservations.c.id == bindparam("b_id")).with_for_update()
MOVE = (
    update(reservations)
    .where(reservations.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"), status_reason=bindparam("b_reason"), updated_at=func.now()
    )
    .returning(reservations)
)


async def on_notice_result(
    uow: UnitOfWork, envelope: EventEnvelope, event: NoticeResultReported
) -> None:
    """Whether a sender's verification code reached its number (`codeDelivery`); the
    result of an older code than the sender's last changes nothing. Other notices are
    not this service's."""
    if event.kind != "sender_verification":
        return
    await uow.conn.execute(
        update(senders)
        .where(senders.c.id == event.subject_id, senders.c.code_notice_id == event.notice_id)
        .values(code_delivery=event.status, updated_at=func.now())
    )
