"""Reads of the counters: a customer's period with its daily history, its carriers, one
reservation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from fastapi.responses import StreamingResponse
from sqlalchemy import func, select

from msgplat.plumbing.db import Database
from msgplat.plumbing.errors import NotFound
from msgplat.plumbing.export import csv_response
from msgplat.stat import domain
from msgplat.stat.models import (
    daily_carrier_stats,
    daily_failures,
    daily_stats,
    reservation_failures,
    reservation_stats,
)
from msgplat.stat.schemas import (
    CarrierStat,
    CarrierStats,
    Counts,
    DayStat,
    ReservationStat,
    UserStats,
)

COUNTERS = ("requested", "delivered", "failed", "cancelled", "rejected", "opted_out")


async def user_stats(db: Database, *, user_id: str, start: date, end: date) -> UserStats:
    async with db.engine.connect() as conn:
        days = (
            await conn.execute(
                select(daily_stats)
                .where(daily_stats.c.user_id == user_id, daily_stats.c.day.between(start, end))
                .order_by(daily_stats.c.day)
            )
        ).all()
        failure_rows = await conn.execute(
            select(daily_failures.c.day, daily_failures.c.code, daily_failures.c.count).where(
                daily_failures.c.user_id == user_id, daily_failures.c.day.between(start, end)
            )
        )
        failures: dict[date, dict[str, int]] = defaultdict(dict)
        for row in failure_rows:
            failures[row.day][row.code] = row.count
    history = [
        DayStat(date=row.day, **_counts({c: getattr(row, c) for c in COUNTERS}, failures[row.day]))
        for row in days
    ]
    totals = {c: sum(getattr(row, c) for row in days) for c in COUNTERS}
    by_code: dict[str, int] = defaultdict(int)
    for codes in failures.values():
        for code, n in codes.items():
            by_code[code] += n
    return UserStats(
        user_id=user_id,
        from_=start,
        to=end,
        stat=Counts(**_counts(totals, by_code)),
        history=history,
    )


async def carrier_stats(db: Database, *, user_id: str, start: date, end: date) -> CarrierStats:
    c = daily_carrier_stats.c
    query = (
        select(
            c.carrier,
            func.sum(c.delivered).label("delivered"),
            func.sum(c.failed).label("failed"),
        )
        .where(c.user_id == user_id, c.day.between(start, end))
        .group_by(c.carrier)
        .order_by(c.carrier)
    )
    async with db.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return CarrierStats(
        user_id=user_id,
        from_=start,
        to=end,
        items=[
            CarrierStat(carrier=row.carrier, delivered=row.delivered, failed=row.failed)
            for row in rows
        ],
    )


async def reservation_stat(db: Database, reservation_id: UUID) -> ReservationStat:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                select(reservation_stats).where(
                    reservation_stats.c.reservation_id == reservation_id
                )
            )
        ).first()
        if row is None:
            raise NotFound(f"reservation {reservation_id}")
        codes = await conn.execute(
            select(reservation_failures.c.code, reservation_failures.c.count).where(
                reservation_failures.c.reservation_id == reservation_id
            )
        )
        by_code = {code: n for code, n in codes}
    return ReservationStat(
        reservation_id=row.reservation_id,
        user_id=row.user_id,
        requested_at=row.requested_at,
        updated_at=row.updated_at,
        **_counts({c: getattr(row, c) for c in COUNTERS}, by_code),
    )


def _counts(counters: Mapping[str, int], by_code: Mapping[str, int]) -> dict[str, Any]:
    """The fields of `Counts`, with the rate derived and the codes sorted for reading."""
    return {
        **counters,
        "rate": domain.success_rate(delivered=counters["delivered"], failed=counters["failed"]),
        "failures_by_code": dict(sorted(by_code.items())),
    }


STATS_CSV_HEADER = (
    "date", "requested", "delivered", "failed", "cancelled", "rejected", "optedOut",
    "successRate",
)  # fmt: skip


def stats_csv(stats: UserStats) -> StreamingResponse:
    """One line for every day of the period (days without data are zeros), then the
    totals on a line dated `total`."""
    by_day = {day.date: day for day in stats.history}

    def line(label: str, counts: Counts | None) -> tuple[Any, ...]:
        if counts is None:
            return (label, 0, 0, 0, 0, 0, 0, "")
        rate = "" if counts.rate is None else counts.rate
        return (
            label, counts.requested, counts.delivered, counts.failed, counts.cancelled,
            counts.rejected, counts.opted_out, rate,
        )  # fmt: skip

    async def rows() -> AsyncIterator[Sequence[Any]]:
        day = stats.from_
        while day <= stats.to:
            yield line(day.isoformat(), by_day.get(day))
            day += timedelta(days=1)
        yield line("total", stats.stat)

    name = f"stats-{stats.from_}-{stats.to}.csv"
    return csv_response(STATS_CSV_HEADER, rows(), filename=name)
