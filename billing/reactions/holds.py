"""Billing's reactions to a reservation's hold: hold or refuse on a request (each message
at its type's price), release what is left on a cancel before scheduling or when sending
finished. (Per-message settlement of the results is in `settlement`.)

Every reaction runs in the consumer's unit of work: the balance, the ledger, the hold
and the emitted event are committed together, or not at all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast
from uuid import UUID

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert

from msgplat.billing import repository
from msgplat.billing.domain import (
    Entry,
    HoldStatus,
    LedgerKind,
    hold_lines,
    lines_of,
    lines_to_json,
    refusal_reason,
    release_all,
)
from msgplat.billing.models import holds
from msgplat.billing.settings import BillingSettings
from msgplat.contracts.events import (
    ChargesSettled,
    CreditHeld,
    CreditRefused,
    ReservationCancelled,
    ReservationRequested,
    SendingFinished,
)
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)


def settings_of(uow: UnitOfWork) -> BillingSettings:
    """The service's settings (prices), reached through the unit of work's database:
    reactions have no other way to them, and tests give their own. Billing's database is
    always built with its BillingSettings (`create_app`, the tests' fixtures)."""
    return cast(BillingSettings, uow.settings)


# Built once: every reservation runs it (see repository.MOVE).
CLAIM = insert(holds).on_conflict_do_nothing().returning(holds.c.reservation_id)


async def on_reservation_requested(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRequested
) -> None:
    """Hold the price of every message (each at its type's price), or refuse with the
    reason."""
    rid, user_id = event.reservation_id, envelope.user_id
    settings = settings_of(uow)
    lines = hold_lines(
        msg_type=event.msg_type,
        recipient_count=event.recipient_count,
        msg_counts=event.msg_counts,
        unit_price=settings.unit_price,
    )
    unit_price = settings.unit_price(event.msg_type)
    count = sum(line.count for line in lines.values())
    amount = sum(line.held for line in lines.values())
    if count != event.recipient_count:
        log.error(
            "message_counts_disagree_with_recipients",
            reservation_id=str(rid),
            recipient_count=event.recipient_count,
            msg_counts=event.msg_counts,
            held_for=count,
        )
    claimed = await uow.conn.execute(
        CLAIM,
        {
            "reservation_id": rid,
            "user_id": user_id,
            "status": HoldStatus.OPEN,
            "msg_type": event.msg_type,
            "unit_price": unit_price,
            "count": count,
            "amount": amount,
            "held": amount,
            "by_type": lines_to_json(lines),
        },
    )
    if claimed.first() is None:  # the natural key: this reservation was decided before
        log.info("reservation_already_decided", reservation_id=str(rid))
        return
    entries = [
        Entry(
            LedgerKind.HOLD,
            line.held,
            count=line.count,
            msg_type=msg_type,
            reservation_id=rid,
            event_id=envelope.event_id,
        )
        for msg_type, line in lines.items()
    ]
    posted = await repository.post(uow, user_id, entries, needs_available=amount)
    now = datetime.now(UTC)
    if posted is not None:
        uow.emit(
            CreditHeld(
                reservation_id=rid,
                msg_type=event.msg_type,
                unit_price=unit_price,
                count=count,
                amount=amount,
                balance_after=posted[0].available,
                held_at=now,
            ),
            aggregate_id=rid,
            user_id=user_id,
        )
        return
    available = await repository.available_of(uow, user_id)
    reason = refusal_reason(required=amount, available=available)
    await uow.conn.execute(
        update(holds)
        .where(holds.c.reservation_id == rid)
        .values(status=HoldStatus.REFUSED, held=0, reason=reason, closed_at=func.now())
    )
    log.info("credit_refused", reservation_id=str(rid), required=amount, available=available)
    uow.emit(
        CreditRefused(
            reservation_id=rid,
            required=amount,
            available=available,
            reason=reason,
            refused_at=now,
        ),
        aggregate_id=rid,
        user_id=user_id,
    )


async def on_reservation_cancelled(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationCancelled
) -> None:
    """Cancelled before it was scheduled: nothing was sent, so the whole hold goes back.

    Cancels of scheduled or sending reservations are settled message by message by
    the results the send service reports for them.
    """
    if event.previous_status != "requested":
        return
    await release_remaining(uow, envelope, event.reservation_id, why="cancelled_before_scheduling")


async def on_sending_finished(
    uow: UnitOfWork, envelope: EventEnvelope, event: SendingFinished
) -> None:
    """Every message is final: nothing may stay held for the reservation."""
    await release_remaining(uow, envelope, event.reservation_id, why="sending_finished")


async def release_remaining(
    uow: UnitOfWork, envelope: EventEnvelope, reservation_id: UUID, *, why: str
) -> None:
    """Release whatever is still held for the reservation and close its hold."""
    hold = await repository.lock_open_hold(uow, reservation_id)
    if hold is None:
        return
    lines, released = release_all(lines_of(hold))
    remaining_count = sum(released.values())
    amount = hold.held
    await uow.conn.execute(
        update(holds)
        .where(holds.c.reservation_id == reservation_id)
        .values(
            held=0,
            released_count=holds.c.released_count + remaining_count,
            released_amount=holds.c.released_amount + amount,
            status=HoldStatus.CLOSED,
            closed_at=func.now(),
            by_type=lines_to_json(lines),
        )
    )
    if amount == 0:
        return
    if why == "sending_finished":
        log.warning(
            "held_after_sending_finished_released",
            reservation_id=str(reservation_id),
            messages=remaining_count,
            amount=amount,
            meaning="results of these messages never reached billing",
        )
    entries = [
        Entry(
            LedgerKind.RELEASE,
            n * lines[msg_type].unit_price,
            count=n,
            msg_type=msg_type,
            reservation_id=reservation_id,
            event_id=envelope.event_id,
            note=why,
        )
        for msg_type, n in released.items()
    ]
    await repository.post(uow, hold.user_id, entries)
    uow.emit(
        ChargesSettled(
            reservation_id=reservation_id,
            captured_count=0,
            captured_amount=0,
            released_count=remaining_count,
            released_amount=amount,
            held_remaining=0,
            settled_at=datetime.now(UTC),
        ),
        aggregate_id=reservation_id,
        user_id=hold.user_id,
    )
