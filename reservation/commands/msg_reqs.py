"""Reservation commands: create (every rule, the balance check, the daily quota, then
the reservation and its events in one transaction: `intake`), cancel and reschedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRescheduled,
)
from msgplat.plumbing import idempotency
from msgplat.plumbing.caller import INTERNAL, Caller
from msgplat.plumbing.db import Database, UnitOfWork, owned_row
from msgplat.plumbing.errors import Conflict, RequestInvalid
from msgplat.reservation import domain, queries
from msgplat.reservation.billing_check import BillingCheck
from msgplat.reservation.commands import intake
from msgplat.reservation.models import idempotency_keys, reservations
from msgplat.reservation.rules import reserve_time_errors
from msgplat.reservation.schemas import MsgReq, MsgReqCreate, MsgReqReschedule
from msgplat.reservation.settings import ReservationSettings
from msgplat.reservation.validation import validate


async def create_reservation(
    db: Database,
    settings: ReservationSettings,
    cmd: MsgReqCreate,
    *,
    caller: Caller = INTERNAL,
    billing: BillingCheck | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> tuple[MsgReq, bool]:
    """Store a reservation and emit its events; returns (reservation, replayed).

    The customer is the caller (a `userId` naming someone else is refused). Before the
    reservation is stored: every rule (the callbackNum one of the customer's verified
    sender numbers among them), a quick balance check with billing, and the customer's
    daily recipient quota, counted in the same transaction.
    """
    user_id = caller.claim(cmd.user_id, ("body", "userId"))
    cmd = cmd.model_copy(update={"user_id": user_id})
    now = now or datetime.now(UTC)
    body_hash = idempotency.request_hash(cmd)
    if idempotency_key and (found := await _replay(db, user_id, idempotency_key, body_hash)):
        return found, True
    template = None
    if cmd.template_id is not None:
        template = await queries.load_template(db, cmd.template_id, user_id=user_id)
    verified = await queries.verified_numbers(db, user_id)
    validated = validate(settings, cmd, now=now, senders=verified, template=template)
    if billing is not None:
        await billing.ensure_affordable(
            user_id=user_id,
            msg_type=validated.msg_type,
            count=len(validated.recipients.numbers),
            msg_counts=validated.msg_counts if validated.personalised else None,
        )
    try:
        async with db.unit_of_work() as uow:
            if caller.recipients_per_day is not None:
                await intake.count_against_quota(
                    uow,
                    user_id=user_id,
                    recipients=len(validated.recipients.numbers),
                    limit=caller.recipients_per_day,
                    now=now,
                )
            reservation = await intake.store(uow, settings, user_id, validated)
            if idempotency_key:
                await idempotency.remember(
                    uow.conn,
                    idempotency_keys,
                    user_id=user_id,
                    key=idempotency_key,
                    body_hash=body_hash,
                    response=reservation,
                    reservation_id=reservation.id,
                )
            await uow.commit()
        return reservation, False
    except IntegrityError:
        # The same key committed concurrently by another request: answer its result.
        if idempotency_key and (found := await _replay(db, user_id, idempotency_key, body_hash)):
            return found, True
        raise


async def cancel_reservation(
    db: Database,
    caller: Caller,
    reservation_id: UUID,
    *,
    cutoff: timedelta = timedelta(0),
    now: datetime | None = None,
) -> MsgReq:
    """Cancel before the reservation finishes; not during the `cutoff` before its due
    time (409 cancel_cutoff) unless it is already being sent."""
    now = now or datetime.now(UTC)
    async with db.unit_of_work() as uow:
        row = await owned_row(
            uow.conn, caller, reservations, reservation_id, "reservation", lock=True
        )
        current = domain.ReservationStatus(row.status)
        try:
            status = domain.transition(current, domain.ReservationStatus.CANCELLED)
        except domain.IllegalTransition as exc:
            raise Conflict(str(exc), code="illegal_transition", extra={"status": current}) from None
        try:
            domain.check_cancel_cutoff(current, reserve_dt=row.reserve_dt, now=now, cutoff=cutoff)
        except domain.CancelTooLate as exc:
            raise Conflict(
                str(exc),
                code="cancel_cutoff",
                extra={
                    "status": current,
                    "reserveDt": row.reserve_dt.isoformat(),
                    "cancellableUntil": exc.until.isoformat(),
                },
            ) from None
        updated = await _update(uow, reservation_id, status=status)
        uow.emit(
            ReservationCancelled(
                reservation_id=reservation_id,
                previous_status=current,
                cancelled_at=updated.updated_at,
            ),
            aggregate_id=reservation_id,
            user_id=row.user_id,
        )
        await uow.commit()
    return queries.msg_req_of(updated)


async def reschedule_reservation(
    db: Database,
    settings: ReservationSettings,
    caller: Caller,
    reservation_id: UUID,
    cmd: MsgReqReschedule,
    *,
    now: datetime | None = None,
) -> MsgReq:
    """Move a reservation not yet sending to a new due time, before its cut-off (409
    reschedule_cutoff after it, 409 not_reschedulable once sending or over); the new
    time is held to the rules of a new reservation (422 naming reserveDt). The credit
    held stays held; send and monitoring follow ReservationRescheduled."""
    now = now or datetime.now(UTC)
    async with db.unit_of_work() as uow:
        row = await owned_row(
            uow.conn, caller, reservations, reservation_id, "reservation", lock=True
        )
        current = domain.ReservationStatus(row.status)
        if current not in domain.NOT_YET_SENDING:
            raise Conflict(
                f"a {current} reservation cannot be rescheduled: only one not yet sending",
                code="not_reschedulable",
                extra={"status": current},
            )
        cutoff = timedelta(seconds=settings.cancel_cutoff_s)
        try:
            domain.check_cancel_cutoff(current, reserve_dt=row.reserve_dt, now=now, cutoff=cutoff)
        except domain.CancelTooLate as exc:
            raise Conflict(
                f"a reservation cannot be rescheduled in the last {cutoff.seconds // 60} min "
                f"before it is due (CANCEL_CUTOFF_S): it is due at {row.reserve_dt.isoformat()} "
                f"and could be rescheduled until {exc.until.isoformat()}",
                code="reschedule_cutoff",
                extra={
                    "status": current,
                    "reserveDt": row.reserve_dt.isoformat(),
                    "cancellableUntil": exc.until.isoformat(),
                },
            ) from None
        if now >= row.reserve_dt:
            raise Conflict(
                "the reservation is due already: it is being sent",
                code="not_reschedulable",
                extra={"status": current},
            )
        reserve_dt, errors = reserve_time_errors(
            settings, cmd.reserve_dt, row.purpose, now=now, sent_now=False
        )
        if errors or reserve_dt is None:
            raise RequestInvalid(errors)
        updated = await _update(uow, reservation_id, reserve_dt=reserve_dt)
        if reserve_dt != row.reserve_dt:
            uow.emit(
                ReservationRescheduled(
                    reservation_id=reservation_id,
                    previous_reserve_dt=row.reserve_dt,
                    reserve_dt=reserve_dt,
                    rescheduled_at=updated.updated_at,
                ),
                aggregate_id=reservation_id,
                user_id=row.user_id,
            )
        await uow.commit()
    return queries.msg_req_of(updated)


async def _update(uow: UnitOfWork, reservation_id: UUID, **values: Any) -> Any:
    """Change the reservation (and its `updated_at`); the row as it is now."""
    return (
        await uow.conn.execute(
            update(reservations)
            .where(reservations.c.id == reservation_id)
            .values(**values, updated_at=func.now())
            .returning(*reservations.c)
        )
    ).one()


async def _replay(db: Database, user_id: str, key: str, body_hash: str) -> MsgReq | None:
    stored = await idempotency.stored_response(
        db, idempotency_keys, user_id=user_id, key=key, body_hash=body_hash
    )
    return None if stored is None else MsgReq.model_validate(stored)
