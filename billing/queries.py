"""Reads of the billing API: balances, quotes, the ledger, monthly usage, a reservation's
charges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal
from uuid import UUID

from fastapi.responses import StreamingResponse
from sqlalchemy import Select, String, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.billing.domain import HOW_TO_GET_CREDIT, LedgerKind, lines_of, month_bounds
from msgplat.billing.models import accounts, carrier_usage, holds, ledger
from msgplat.billing.schemas import (
    Balance,
    ChargesByType,
    LedgerEntry,
    Quote,
    ReservationCharges,
    ReservationLedger,
    Usage,
    UsageByCarrier,
    UsageByType,
)
from msgplat.billing.settings import BillingSettings
from msgplat.plumbing.api import Period
from msgplat.plumbing.db import Database, fetch_page
from msgplat.plumbing.errors import NotFound
from msgplat.plumbing.export import copy_response, inert, seoul_time


def account_not_found(user_id: str) -> NotFound:
    return NotFound(f"billing account of userId {user_id!r} (no credit yet: {HOW_TO_GET_CREDIT})")


async def get_balance(db: Database, user_id: str) -> Balance:
    async with db.engine.connect() as conn:
        return await balance_of(conn, user_id)


async def list_balances(db: Database, user_ids: list[str]) -> list[Balance]:
    """The balances of those of `user_ids` that have an account, in the order asked."""
    async with db.engine.connect() as conn:
        rows = (await conn.execute(select(accounts).where(accounts.c.user_id.in_(user_ids)))).all()
    found = {row.user_id: row for row in rows}
    return [_balance(found[user_id]) for user_id in dict.fromkeys(user_ids) if user_id in found]


def _balance(row: Any) -> Balance:
    return Balance.model_validate(row, from_attributes=True)  # its columns, by name


async def balance_of(conn: AsyncConnection, user_id: str) -> Balance:
    row = (await conn.execute(select(accounts).where(accounts.c.user_id == user_id))).first()
    if row is None:
        raise account_not_found(user_id)
    return _balance(row)


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


def _entries(user_id: str, period: Period, columns: Select[Any] | None = None) -> Select[Any]:
    base = select(ledger) if columns is None else columns
    query = base.where(ledger.c.user_id == user_id).order_by(ledger.c.id.desc())
    if period.start is not None:
        query = query.where(ledger.c.at >= period.start)
    if period.end is not None:
        query = query.where(ledger.c.at < period.end)
    return query


async def list_ledger(
    db: Database, *, user_id: str, page: int, size: int, period: Period | None = None
) -> tuple[list[LedgerEntry], int]:
    """The account's entries (in `period`), newest first."""
    async with db.engine.connect() as conn:
        await balance_of(conn, user_id)  # 404 for an unknown account
        query = _entries(user_id, period or Period())
        rows, total = await fetch_page(conn, query, page=page, size=size)
        return [LedgerEntry.model_validate(row._asdict()) for row in rows], total


async def ledger_csv(db: Database, *, user_id: str, period: Period) -> StreamingResponse:
    """Every entry of the account (in `period`) as CSV written by PostgreSQL, newest
    first; `availableChange` is what the entry did to the available balance (+ top-up
    and release, - hold, 0 capture: it charges what was held)."""
    await get_balance(db, user_id)  # 404 for an unknown account
    c = ledger.c
    change = case(
        (c.kind.in_([LedgerKind.TOPUP, LedgerKind.RELEASE]), c.amount),
        (c.kind == LedgerKind.HOLD, -c.amount),
        else_=0,
    )
    columns = select(
        c.id.label("id"),
        seoul_time(c.at).label("at (KST)"),
        c.kind.label("kind"),
        c.amount.label("amount"),
        change.label("availableChange"),
        c.count.label("count"),
        c.msg_type.label("msgType"),
        cast(c.reservation_id, String).label("reservationId"),
        inert(c.note).label("note"),
        c.available_after.label("availableAfter"),
        c.held_after.label("heldAfter"),
        c.charged_after.label("chargedAfter"),
    )
    query = _entries(user_id, period, columns.select_from(ledger))
    return copy_response(db.engine, query, filename="ledger.csv")


async def ledger_by_reservation(
    db: Database, *, user_id: str, page: int, size: int
) -> tuple[list[ReservationLedger], int]:
    """The account's entries summed per reservation (held, charged, released), the
    reservation with the latest entry first."""
    c = ledger.c
    query = (
        select(
            c.reservation_id,
            func.max(c.msg_type).label("msg_type"),
            _sum(c.amount, c.kind == LedgerKind.HOLD).label("held"),
            _sum(c.amount, c.kind == LedgerKind.CAPTURE).label("charged"),
            _sum(c.amount, c.kind == LedgerKind.RELEASE).label("released"),
            _sum(c.count, c.kind == LedgerKind.HOLD).label("held_messages"),
            _sum(c.count, c.kind == LedgerKind.CAPTURE).label("charged_messages"),
            _sum(c.count, c.kind == LedgerKind.RELEASE).label("released_messages"),
            func.min(c.at).label("first_at"),
            func.max(c.at).label("last_at"),
            func.count().label("entries"),
        )
        .where(c.user_id == user_id, c.reservation_id.is_not(None))
        .group_by(c.reservation_id)
        .order_by(func.max(c.id).desc())
    )
    async with db.engine.connect() as conn:
        await balance_of(conn, user_id)  # 404 for an unknown account
        rows, total = await fetch_page(conn, query, page=page, size=size)
    items = [
        ReservationLedger(
            reservation_id=row.reservation_id,
            msg_type=row.msg_type,
            held=row.held,
            charged=row.charged,
            released=row.released,
            still_held=row.held - row.charged - row.released,
            held_messages=row.held_messages,
            charged_messages=row.charged_messages,
            released_messages=row.released_messages,
            first_at=row.first_at,
            last_at=row.last_at,
            entries=row.entries,
        )
        for row in rows
    ]
    return items, total


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
