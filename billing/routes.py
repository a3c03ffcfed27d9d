"""HTTP routes of the billing service: parse, call a handler, answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response, status

from msgplat.billing import queries, topups
from msgplat.billing.domain import MONTH_PATTERN, current_month
from msgplat.billing.schemas import (
    USER_ID_PATTERN,
    Balance,
    LedgerEntry,
    ReservationCharges,
    Topup,
    TopupCreate,
    Usage,
)
from msgplat.plumbing.api import Page
from msgplat.plumbing.runtime import RuntimeDep

router = APIRouter(prefix="/billings", tags=["billing"])

UserId = Annotated[str, Query(alias="userId", min_length=1, max_length=64, pattern=USER_ID_PATTERN)]


@router.get("", response_model=Balance)
async def get_balance(runtime: RuntimeDep, user_id: UserId) -> Balance:
    """The account's balance in KRW: available, held (for reservations), charged."""
    return await queries.get_balance(runtime.db, user_id)


@router.post("/topups", status_code=status.HTTP_201_CREATED, response_model=Topup)
async def create_topup(
    body: TopupCreate,
    runtime: RuntimeDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> Topup:
    """Add credit (1 to 10,000,000 KRW); the account is created if new. A retry with the
    same Idempotency-Key and body answers the first result and adds nothing."""
    result, replayed = await topups.top_up(runtime.db, body, idempotency_key=idempotency_key)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return result


@router.get("/ledger", response_model=Page[LedgerEntry])
async def list_ledger(
    runtime: RuntimeDep,
    user_id: UserId,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page[LedgerEntry]:
    """The account's append-only entries, newest first."""
    items, total = await queries.list_ledger(runtime.db, user_id=user_id, page=page, size=size)
    return Page[LedgerEntry](items=items, page=page, size=size, total=total)


@router.get("/usage", response_model=Usage)
async def get_usage(
    runtime: RuntimeDep,
    user_id: UserId,
    month: Annotated[
        str | None,
        Query(pattern=MONTH_PATTERN, description="YYYY-MM, Asia/Seoul; default this month"),
    ] = None,
) -> Usage:
    """Messages charged and amounts by message type for one month."""
    chosen = month or current_month(datetime.now(UTC))
    return await queries.get_usage(runtime.db, user_id=user_id, month=chosen)


@router.get("/reservations/{reservation_id}", response_model=ReservationCharges)
async def get_reservation_charges(reservation_id: UUID, runtime: RuntimeDep) -> ReservationCharges:
    """What was held, captured and released for one reservation (for reconciliation)."""
    return await queries.get_reservation_charges(runtime.db, reservation_id)
