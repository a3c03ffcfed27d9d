"""Sender-number commands (발신번호 사전등록): register a callback number, send it a code,
check the code, approve it (operators), delete it. The codes themselves are
`sender_codes`; the demo senders `make run` starts with, `demo_senders`.

The reservation service owns the senders because it checks every new reservation's
callbackNum against them, in its own table, without calling anyone (ADR 0013).
Tenant-scoped like reservations: a customer sees and changes only their own (another
customer's sender answers 404); an operator acts for the customer named in userId.
What the other services need travels as events, in the same transaction:
`SenderVerificationRequested` (send delivers the code, free of charge), `SenderVerified`
and `SenderRemoved` (monitoring keeps the numbers a status alert may go to).

A removed sender no longer passes intake; reservations already accepted with it are
sent as they were validated.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from msgplat.contracts.events import SenderRemoved, SenderVerified
from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, UnitOfWork, owned_row
from msgplat.plumbing.errors import (
    Conflict,
    FieldError,
    Forbidden,
    RequestInvalid,
    TooManyRequests,
)
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.phones import NumberInvalid, normalise_callback
from msgplat.reservation import domain
from msgplat.reservation.commands.sender_codes import send_code
from msgplat.reservation.domain import SenderStatus, VerifiedBy
from msgplat.reservation.models import senders
from msgplat.reservation.queries import sender_of
from msgplat.reservation.schemas import Sender, SenderApprove, SenderCreate
from msgplat.reservation.settings import ReservationSettings

log = get_logger(__name__)


async def register_sender(
    db: Database, settings: ReservationSettings, caller: Caller, body: SenderCreate
) -> Sender:
    """Register a number for the customer, pending; with `verifyBy: code` a code goes to
    it at once."""
    user_id = caller.claim(body.user_id, ("body", "userId"))
    number = _number(settings, body.number)
    try:
        async with db.unit_of_work() as uow:
            count = await uow.conn.scalar(
                select(func.count()).select_from(senders).where(senders.c.user_id == user_id)
            )
            if (count or 0) >= settings.senders_per_customer:
                limit = settings.senders_per_customer
                raise RequestInvalid(
                    [FieldError(("body", "number"), f"at most {limit} sender numbers: delete one")]
                )
            row = (
                await uow.conn.execute(
                    insert(senders)
                    .values(id=uuid4(), user_id=user_id, number=number, status=SenderStatus.PENDING)
                    .returning(*senders.c)
                )
            ).one()
            if body.verify_by == "code":
                row = await send_code(uow, settings, row, now=datetime.now(UTC))
            await uow.commit()
    except IntegrityError:
        async with db.engine.connect() as conn:
            existing = await conn.scalar(
                select(senders.c.id).where(senders.c.user_id == user_id, senders.c.number == number)
            )
        raise Conflict(
            f"{number} is registered already (GET /senders/{existing})",
            code="sender_exists",
            extra={"id": str(existing)},
        ) from None
    return sender_of(row)


async def resend_code(
    db: Database, settings: ReservationSettings, caller: Caller, sender_id: UUID
) -> Sender:
    """A new code to the number (the outstanding one no longer counts)."""
    now = datetime.now(UTC)
    async with db.unit_of_work() as uow:
        row = await owned_row(uow.conn, caller, senders, sender_id, "sender", lock=True)
        if row.status == SenderStatus.VERIFIED:
            raise Conflict("the number is verified already", code="already_verified")
        if row.codes_sent >= settings.sender_codes_max:
            raise Conflict(
                f"{row.codes_sent} codes were sent to this number: an operator approves it "
                f"now (POST /senders/{sender_id}/approve)",
                code="too_many_codes",
            )
        if row.code_sent_at is not None:
            next_at = row.code_sent_at + timedelta(seconds=settings.sender_code_resend_s)
            if now < next_at:
                wait_s = int((next_at - now).total_seconds()) + 1
                raise TooManyRequests(
                    f"a code was sent less than {settings.sender_code_resend_s} s ago; "
                    f"ask again in {wait_s} s",
                    retry_after_s=wait_s,
                )
        row = await send_code(uow, settings, row, now=now)
        await uow.commit()
    return sender_of(row)


async def verify_sender(db: Database, caller: Caller, sender_id: UUID, code: str) -> Sender:
    """The number is the customer's when `code` is the one sent to it: each wrong code
    spends an attempt (422), an expired or spent code is 409."""
    now = datetime.now(UTC)
    left: int | None = None
    async with db.unit_of_work() as uow:
        row = await owned_row(uow.conn, caller, senders, sender_id, "sender", lock=True)
        if row.status == SenderStatus.VERIFIED:
            return sender_of(row)
        state = domain.CodeState(row.code_hash, row.code_expires_at, row.code_attempts_left)
        try:
            right = domain.check_code(row.id, state, code, now=now)
        except domain.CodeRefused as exc:
            raise Conflict(str(exc), code=exc.reason) from None
        if right:
            row = await _verify(uow, row, VerifiedBy.CODE, now=now)
        else:
            left = row.code_attempts_left - 1
            await uow.conn.execute(
                update(senders)
                .where(senders.c.id == sender_id)
                .values(code_attempts_left=left, updated_at=func.now())
            )
        await uow.commit()
    if left is not None:
        raise RequestInvalid(
            [FieldError(("body", "code"), f"wrong code: {left} attempts left", type="wrong_code")]
        )
    return sender_of(row)


async def approve_sender(
    db: Database, caller: Caller, sender_id: UUID, body: SenderApprove
) -> Sender:
    """An operator verifies a number without its code (e.g. a landline, on its proof of
    subscription), with a note of what was checked."""
    if not caller.sees_all:
        raise Forbidden("only an operator approves a sender number without its code")
    async with db.unit_of_work() as uow:
        row = await owned_row(uow.conn, caller, senders, sender_id, "sender", lock=True)
        if row.status != SenderStatus.VERIFIED:
            row = await _verify(
                uow,
                row,
                VerifiedBy.OPERATOR,
                now=datetime.now(UTC),
                note=body.note,
                approved_by=caller.user_id or caller.role,
            )
        await uow.commit()
    return sender_of(row)


async def delete_sender(db: Database, caller: Caller, sender_id: UUID) -> None:
    async with db.unit_of_work() as uow:
        row = await owned_row(uow.conn, caller, senders, sender_id, "sender", lock=True)
        await uow.conn.execute(delete(senders).where(senders.c.id == sender_id))
        if row.status == SenderStatus.VERIFIED:
            uow.emit(
                SenderRemoved(sender_id=row.id, number=row.number, removed_at=datetime.now(UTC)),
                aggregate_id=row.id,
                user_id=row.user_id,
            )
        await uow.commit()


# --- steps ----------------------------------------------------------------------------


def _number(settings: ReservationSettings, raw: str) -> str:
    try:
        return normalise_callback(raw, settings.phone_default_region)
    except NumberInvalid as exc:
        raise RequestInvalid([FieldError(("body", "number"), str(exc), input=raw)]) from None


async def _verify(
    uow: UnitOfWork,
    row: Any,
    method: VerifiedBy,
    *,
    now: datetime,
    note: str | None = None,
    approved_by: str | None = None,
) -> Any:
    verified = (
        await uow.conn.execute(
            update(senders)
            .where(senders.c.id == row.id)
            .values(
                status=SenderStatus.VERIFIED,
                method=method,
                note=note,
                approved_by=approved_by,
                verified_at=now,
                code_hash=None,
                code_expires_at=None,
                code_attempts_left=0,
                updated_at=func.now(),
            )
            .returning(*senders.c)
        )
    ).one()
    emit_verified(uow, verified)
    return verified


def emit_verified(uow: UnitOfWork, row: Any) -> None:
    uow.emit(
        SenderVerified(
            sender_id=row.id, number=row.number, method=row.method, verified_at=row.verified_at
        ),
        aggregate_id=row.id,
        user_id=row.user_id,
    )
