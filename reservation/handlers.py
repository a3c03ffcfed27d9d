"""Reservation commands and queries. Each command is one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRecipientsAdded,
    ReservationRequested,
)
from msgplat.plumbing import idempotency
from msgplat.plumbing.caller import INTERNAL, Caller
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.errors import Conflict, FieldError, RequestInvalid
from msgplat.reservation import domain
from msgplat.reservation.billing_check import BillingCheck
from msgplat.reservation.models import SCHEMA, idempotency_keys, reservations
from msgplat.reservation.quota import count_against_quota
from msgplat.reservation.recipients import (
    NumberInvalid,
    RecipientList,
    build_recipient_list,
    normalise_callback,
    split_dst_num,
)
from msgplat.reservation.schemas import MsgReq, MsgReqCreate
from msgplat.reservation.settings import ReservationSettings


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
    reservation is stored: every rule, a quick balance check with billing, and the
    customer's daily recipient quota, counted in the same transaction.
    """
    user_id = caller.claim(cmd.user_id, ("body", "userId"))
    cmd = cmd.model_copy(update={"user_id": user_id})
    now = now or datetime.now(UTC)
    body_hash = idempotency.request_hash(cmd)
    if idempotency_key and (found := await _replay(db, user_id, idempotency_key, body_hash)):
        return found, True
    validated = validate(settings, cmd, now=now)
    if billing is not None:
        await billing.ensure_affordable(
            user_id=user_id, msg_type=validated.msg_type, count=len(validated.recipients.numbers)
        )
    try:
        async with db.unit_of_work() as uow:
            if caller.recipients_per_day is not None:
                await count_against_quota(
                    uow,
                    user_id=user_id,
                    recipients=len(validated.recipients.numbers),
                    limit=caller.recipients_per_day,
                    now=now,
                )
            reservation = await _store(uow, settings, user_id, cmd, validated)
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


async def _replay(db: Database, user_id: str, key: str, body_hash: str) -> MsgReq | None:
    stored = await idempotency.stored_response(
        db, idempotency_keys, user_id=user_id, key=key, body_hash=body_hash
    )
    return None if stored is None else MsgReq.model_validate(stored)


@dataclass(frozen=True)
class Validated:
    """A create command that passed every rule, in normalised form."""

    msg_type: str
    reserve_dt: datetime
    callback: str
    recipients: RecipientList


def validate(settings: ReservationSettings, cmd: MsgReqCreate, *, now: datetime) -> Validated:
    """Every rule at once, so the caller sees all bad fields in one answer."""
    errors: list[FieldError] = []
    msg_type = reserve_dt = callback = None
    try:
        if domain.carrier_bytes(cmd.msg_title) > domain.TITLE_MAX_BYTES:
            errors.append(
                FieldError(
                    ("body", "msgTitle"),
                    f"is over {domain.TITLE_MAX_BYTES} bytes in EUC-KR",
                    input=cmd.msg_title,
                )
            )
    except domain.ContentInvalid as exc:
        errors.append(FieldError(("body", "msgTitle"), str(exc), input=cmd.msg_title))
    try:
        msg_type = domain.message_type(cmd.msg_content)
    except domain.ContentInvalid as exc:
        errors.append(FieldError(("body", "msgContent"), str(exc)))
    try:
        reserve_dt = domain.resolve_reserve_dt(
            cmd.reserve_dt,
            now=now,
            zone=settings.default_timezone,
            past_tolerance=timedelta(seconds=settings.reserve_past_tolerance_s),
            horizon=timedelta(days=settings.reserve_horizon_days),
        )
    except domain.ReserveTimeInvalid as exc:
        errors.append(FieldError(("body", "reserveDt"), str(exc), input=str(cmd.reserve_dt)))
    try:
        callback = normalise_callback(cmd.callback_num, settings.phone_default_region)
    except NumberInvalid as exc:
        errors.append(FieldError(("body", "callbackNum"), str(exc), input=cmd.callback_num))

    raw = split_dst_num(cmd.dst_num)
    total = len(errors)
    if len(raw) > settings.max_recipients:
        errors.append(
            FieldError(
                ("body", "dstNum"),
                f"has {len(raw)} recipients; at most {settings.max_recipients} are accepted "
                "in one reservation: split the list",
                type="too_long",
            )
        )
        total += 1
        recipient_list = None
    else:
        recipient_list = build_recipient_list(raw, settings.phone_default_region)
        errors += [
            FieldError(("body", "dstNum", index), reason, input=value)
            for index, value, reason in recipient_list.errors
        ]
        total += recipient_list.error_count
        if recipient_list.error_count == 0 and not recipient_list.numbers:
            errors.append(FieldError(("body", "dstNum"), "needs at least one recipient"))
            total += 1
    if errors:
        raise RequestInvalid(errors, total=total)
    assert recipient_list and msg_type and reserve_dt and callback
    return Validated(
        msg_type=msg_type, reserve_dt=reserve_dt, callback=callback, recipients=recipient_list
    )


async def _store(
    uow: UnitOfWork, settings: ReservationSettings, user_id: str, cmd: MsgReqCreate, v: Validated
) -> MsgReq:
    reservation_id = uuid4()
    numbers: list[str] = v.recipients.numbers
    row = (
        await uow.conn.execute(
            insert(reservations)
            .values(
                id=reservation_id,
                user_id=user_id,
                title=cmd.msg_title,
                content=cmd.msg_content,
                msg_type=v.msg_type,
                callback_num=v.callback,
                reserve_dt=v.reserve_dt,
                status=domain.ReservationStatus.REQUESTED,
                recipient_count=len(numbers),
                duplicates_dropped=v.recipients.duplicates_dropped,
            )
            .returning(*reservations.c)
        )
    ).one()
    await _copy_recipients(uow, reservation_id, numbers)

    size = settings.recipient_chunk_size
    chunks = [numbers[i : i + size] for i in range(0, len(numbers), size)]
    uow.emit(
        ReservationRequested(
            reservation_id=reservation_id,
            title=cmd.msg_title,
            content=cmd.msg_content,
            msg_type=v.msg_type,
            callback_num=v.callback,
            reserve_dt=v.reserve_dt,
            recipient_count=len(numbers),
            chunk_count=len(chunks),
            requested_at=row.created_at,
        ),
        aggregate_id=reservation_id,
        user_id=user_id,
    )
    for index, chunk in enumerate(chunks):
        uow.emit(
            ReservationRecipientsAdded(
                reservation_id=reservation_id,
                chunk_index=index,
                chunk_count=len(chunks),
                first_seq=index * size,
                dst_nums=chunk,
            ),
            aggregate_id=reservation_id,
            user_id=user_id,
        )
    return to_api(row)


async def _copy_recipients(uow: UnitOfWork, reservation_id: UUID, numbers: list[str]) -> None:
    """COPY the list in one round trip: 100,000 rows take a fraction of a second."""
    raw = await uow.conn.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(
        "recipients",
        schema_name=SCHEMA,
        columns=["reservation_id", "seq", "dst_num"],
        records=[(reservation_id, seq, number) for seq, number in enumerate(numbers)],
    )


async def cancel_reservation(db: Database, caller: Caller, reservation_id: UUID) -> MsgReq:
    async with db.unit_of_work() as uow:
        row = (
            await uow.conn.execute(
                select(reservations).where(reservations.c.id == reservation_id).with_for_update()
            )
        ).first()
        caller.check_owner(row and row.user_id, f"reservation {reservation_id}")
        current = domain.ReservationStatus(row.status)
        try:
            status = domain.transition(current, domain.ReservationStatus.CANCELLED)
        except domain.IllegalTransition as exc:
            raise Conflict(str(exc), code="illegal_transition", extra={"status": current}) from None
        updated = (
            await uow.conn.execute(
                update(reservations)
                .where(reservations.c.id == reservation_id)
                .values(status=status, updated_at=func.now())
                .returning(*reservations.c)
            )
        ).one()
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
    return to_api(updated)


async def get_reservation(db: Database, caller: Caller, reservation_id: UUID) -> MsgReq:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(select(reservations).where(reservations.c.id == reservation_id))
        ).first()
    caller.check_owner(row and row.user_id, f"reservation {reservation_id}")
    return to_api(row)


async def list_reservations(
    db: Database, *, user_id: str | None, status: str | None, page: int, size: int
) -> tuple[list[MsgReq], int]:
    conditions = []
    if user_id is not None:
        conditions.append(reservations.c.user_id == user_id)
    if status is not None:
        conditions.append(reservations.c.status == status)
    async with db.engine.connect() as conn:
        total = await conn.scalar(select(func.count()).select_from(reservations).where(*conditions))
        rows = await conn.execute(
            select(reservations)
            .where(*conditions)
            .order_by(reservations.c.created_at.desc(), reservations.c.id)
            .offset((page - 1) * size)
            .limit(size)
        )
    return [to_api(row) for row in rows], int(total or 0)


def to_api(row: Any) -> MsgReq:
    return MsgReq(
        id=row.id,
        user_id=row.user_id,
        msg_title=row.title,
        msg_content=row.content,
        msg_type=row.msg_type,
        callback_num=row.callback_num,
        reserve_dt=row.reserve_dt,
        status=row.status,
        status_reason=row.status_reason,
        recipient_count=row.recipient_count,
        duplicates_dropped=row.duplicates_dropped,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
