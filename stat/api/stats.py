"""HTTP routes of statistics (`/stats`): reads only, from the service's own counters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request, Response

from msgplat.plumbing.caller import CallerDep
from msgplat.plumbing.export import CSV_RESPONSE, wants_csv
from msgplat.plumbing.read_only import refuse_writes
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.stat import domain, queries
from msgplat.stat.schemas import CarrierStats, ReservationStat, UserStats

router = APIRouter(prefix="/stats", tags=["statistics"])
refuse_writes(
    router,
    "",
    "the platform counts statistics from the result of every message it sends: read them "
    "with GET /stats?userId=<id>&from=<day>&to=<day>",
)


UserId = Annotated[str | None, Query(alias="userId", min_length=1, max_length=64)]
# Dates, parsed by `domain.parse_day` (strictly YYYY-MM-DD, years 1970 to 8999).
_DATE = {"format": "date"}
From = Annotated[
    str | None,
    Query(alias="from", max_length=10, description="YYYY-MM-DD (Seoul)", json_schema_extra=_DATE),
]
To = Annotated[
    str | None, Query(max_length=10, description="YYYY-MM-DD (Seoul)", json_schema_extra=_DATE)
]


@router.get("", response_model=UserStats, responses=CSV_RESPONSE)
async def get_stats(
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: UserId = None,
    from_: From = None,
    to: To = None,
) -> UserStats | Response:
    """A customer's counts over a period (default: the last 30 Seoul days), with history.
    With `Accept: text/csv`: one line a day of the period, then the totals."""
    start, end = domain.period(from_, to, now=datetime.now(UTC))
    account = caller.scope_one(user_id, "customer")
    stats = await queries.user_stats(runtime.db, user_id=account, start=start, end=end)
    if wants_csv(request):
        return queries.stats_csv(stats)
    return stats


@router.get("/carriers", response_model=CarrierStats)
async def get_carrier_stats(
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: UserId = None,
    from_: From = None,
    to: To = None,
) -> CarrierStats:
    """A customer's delivered and failed messages per carrier over a period (default: the
    last 30 Seoul days)."""
    start, end = domain.period(from_, to, now=datetime.now(UTC))
    account = caller.scope_one(user_id, "customer")
    return await queries.carrier_stats(runtime.db, user_id=account, start=start, end=end)


@router.get("/reservations/{reservationId}", response_model=ReservationStat)
async def get_reservation_stat(
    reservation_id: Annotated[UUID, Path(alias="reservationId")],
    runtime: RuntimeDep,
    caller: CallerDep,
) -> ReservationStat:
    """One reservation's counts, as reconciliation compares them with send and billing."""
    stat = await queries.reservation_stat(runtime.db, reservation_id)
    caller.check_owner(stat.user_id, f"reservation {reservation_id}")
    return stat
