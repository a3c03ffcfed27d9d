"""The codes that prove a sender number (발신번호 인증): a new code for a sender (its hash
stored, the code on its way to the number as `SenderVerificationRequested`: send
delivers it, free of charge), within a budget of codes per number and per customer."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import delete, func, insert, or_, select, update

from msgplat.contracts.events import SenderVerificationRequested
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.errors import TooManyRequests
from msgplat.plumbing.phones import callback_e164
from msgplat.reservation import domain
from msgplat.reservation.models import sender_codes, senders
from msgplat.reservation.settings import ReservationSettings

DAY = timedelta(hours=24)


async def send_code(
    uow: UnitOfWork, settings: ReservationSettings, row: Any, *, now: datetime
) -> Any:
    """A new code for the sender: its hash stored, the code on its way to the number."""
    await spend_code_budget(uow, settings, row.user_id, row.number, now=now)
    code, notice_id = domain.new_code(), uuid4()
    ttl = timedelta(seconds=settings.sender_code_ttl_s)
    updated = (
        await uow.conn.execute(
            update(senders)
            .where(senders.c.id == row.id)
            .values(
                code_hash=domain.code_hash(row.id, code),
                code_expires_at=now + ttl,
                code_attempts_left=settings.sender_code_attempts,
                codes_sent=senders.c.codes_sent + 1,
                code_sent_at=now,
                code_notice_id=notice_id,
                code_delivery="sending",
                updated_at=func.now(),
            )
            .returning(*senders.c)
        )
    ).one()
    uow.emit(
        SenderVerificationRequested(
            sender_id=row.id,
            notice_id=notice_id,
            to_num=callback_e164(row.number, settings.phone_default_region),
            text=domain.code_text(code, ttl),
            requested_at=now,
        ),
        aggregate_id=row.id,
        user_id=row.user_id,
    )
    return updated


async def spend_code_budget(
    uow: UnitOfWork, settings: ReservationSettings, user_id: str, number: str, *, now: datetime
) -> None:
    """429 when the number, or the customer, had their codes of the last 24 hours; else
    one is noted. Per number whoever asks, so that no number is flooded with codes and a
    code cannot be guessed by registering it again and again; per customer, since codes
    are free."""
    since = now - DAY
    c = sender_codes.c
    for column, value, limit, whose in (
        (c.number, number, settings.sender_codes_per_number_day, "this number"),
        (c.user_id, user_id, settings.sender_codes_per_customer_day, "this customer"),
    ):
        sent = (
            await uow.conn.execute(
                select(func.count(), func.min(c.sent_at)).where(column == value, c.sent_at > since)
            )
        ).one()
        if sent[0] >= limit:
            wait_s = max(1, int((sent[1] + DAY - now).total_seconds()) + 1)
            raise TooManyRequests(
                f"{whose} was sent {limit} codes in the last 24 hours; ask again in "
                f"{wait_s} s, or have an operator approve the number",
                retry_after_s=wait_s,
            )
    await uow.conn.execute(
        delete(sender_codes).where(
            c.sent_at <= since, or_(c.number == number, c.user_id == user_id)
        )
    )
    await uow.conn.execute(insert(sender_codes).values(user_id=user_id, number=number, sent_at=now))
