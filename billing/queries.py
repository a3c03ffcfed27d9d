"""Reads of the billing API: balances, quotes, the ledger, monthly usage, a reservation's
charges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.billing.domain import LedgerKind, lines_of, month_bounds
from msgplat.billing.models import accounts, carrier_usage, holds, ledger
from msgplat.billing.schemas import (
    Balance,
    ChargesByType,
    LedgerEntry,
    Quote,
    ReservationCharges,
    Usage,
    UsageByCarrier,
    UsageByType,
)
from msgplat.billing.settings import BillingSettings
from msgplat.plumbing.db import Database, fetch_page
from msgplat.plumbing.errors import NotFound


def account_not_found(user_id: str) -> NotFound:
    return NotFound(f"billing account of userId {user_id!r} (top up at POST /billings/topups)")


async def get_balance(db: Database, user_id: str) -> Balance:
    async with db.engine.connect() as conn:
        return await balance_of(conn, user_id)


async def balance_of(conn: AsyncConnection, user_id: str) -> Balance:
    row = (await conn.execute(select(accounts).where(accounts.c.user_id == user_id))).first()
    if row is None:
        raise account_not_found(user_id)
    return Balance(
        user_id=row.user_id,
        available=row.available,
        held=row.held,
        charged=row.charged,
        topped_up=row.topped_up,
        updated_at=row.updated_at,
    )


async def get_quote(
    db: Database, settings: BillingSettings, user_id: str, counts: Mapping[str, int]
) -> Quote:
    """The price of `counts` messages per type, each at its type's price, and whether the
    account's available balance covers it now (the saga's hold decides for good)."""
    balance = await get_balance(db, user_id)
    quoted_type: Literal["SMS", "LMS"] = "LMS" if counts.get("LMS") else "SMS"
    required = sum(settings.unit_price(t) * n for t, n in counts.items())
    return Quote(
        user_id=user_id,
        msg_type=quoted_type,
        count=sum(counts.values()),
        unit_price=settings.unit_price(quoted_type),
        required=required,
        available=balance.available,
        sufficient=balance.available >= required,
    )


async def list_ledger(
    db: Database, *, user_id: str, page: int, size: int
) -> tuple[list[LedgerEntry], int]:
    """The account's entries, newest first."""
    async with db.engine.connect() as conn:
        await balance_of(conn, user_id)  # 404 for an unknown account
        query = select(ledger).where(ledger.c.user_id == user_id).order_by(ledger.c.id.desc())
        rows, total = await fetch_page(conn, query, page=page, size=size)
        return [LedgerEntry.model_validate(row._asdict()) for row in rows], total


async def get_usage(db: Database, *, user_id: str, month: str) -> Usage:
    """Charges of the month by message type, summed from the capture and release entries,
    and by carrier, from the usage kept per day."""
    start, end = month_bounds(month)
    kind = ledger.c.kind
    query = (
        select(
            ledger.c.msg_type,
            _sum(ledger.c.count, kind == LedgerKind.CAPTURE).label("messages"),
            _sum(ledger.c.amount, kind == LedgerKind.CAPTURE).label("amount"),
            _sum(ledger.c.count, kind == LedgerKind.RELEASE).label("released"),
        )
        .where(
            ledger.c.user_id == user_id,
            kind.in_([LedgerKind.CAPTURE, LedgerKind.RELEASE]),
            ledger.c.at >= start,
            ledger.c.at < end,
        )
        .group_by(ledger.c.msg_type)
        .order_by(ledger.c.msg_type)
    )
    usage = carrier_usage.c
    carriers = (
        select(
            usage.carrier,
            usage.msg_type,
            func.sum(usage.count).label("count"),
            func.sum(usage.amount).label("amount"),
        )
        .where(usage.user_id == user_id, usage.day >= start.date(), usage.day < end.date())
        .group_by(usage.carrier, usage.msg_type)
        .order_by(usage.carrier, usage.msg_type)
    )
    async with db.engine.connect() as conn:
        await balance_of(conn, user_id)
        rows = (await conn.execute(query)).all()
        carrier_rows = (await conn.execute(carriers)).all()
    by_type = [
        UsageByType(
            msg_type=row.msg_type,
            messages=row.messages,
            amount=row.amount,
            released_messages=row.released,
        )
        for row in rows
    ]
    return Usage(
        user_id=user_id,
        month=month,
        messages=sum(t.messages for t in by_type),
        amount=sum(t.amount for t in by_type),
        by_type=by_type,
        by_carrier=[
            UsageByCarrier(
                carrier=row.carrier, msg_type=row.msg_type, count=row.count, amount=row.amount
            )
            for row in carrier_rows
        ],
    )


def _sum(column: Any, condition: Any) -> Any:
    return func.coalesce(func.sum(column).filter(condition), 0)


async def get_reservation_charges(db: Database, reservation_id: UUID) -> ReservationCharges:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(select(holds).where(holds.c.reservation_id == reservation_id))
        ).first()
    if row is None:
        raise NotFound(f"billing of reservation {reservation_id}")
    by_type = [
        ChargesByType(
            msg_type=msg_type,
            unit_price=line.unit_price,
            count=line.count,
            captured_count=line.captured,
            captured_amount=line.captured * line.unit_price,
            released_count=line.released,
            released_amount=line.released * line.unit_price,
        )
        for msg_type, line in sorted(lines_of(row).items())
    ]
    return ReservationCharges.model_validate(row._asdict() | {"by_type": by_type})
