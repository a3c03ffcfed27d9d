"""HTTP routes of billing (`/billings`): an account's balance, quotes, top-ups, ledger and
usage, and a reservation's charges. Parse, call one command or query, answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, Response, status
from pydantic import StringConstraints

from msgplat.billing import commands, queries
from msgplat.billing.api.deps import SettingsDep
from msgplat.billing.domain import (
    HOW_TO_GET_CREDIT,
    INTERNAL_ACTOR,
    MONTH_PATTERN,
    current_month,
)
from msgplat.billing.schemas import (
    Balance,
    LedgerEntry,
    Quote,
    ReservationCharges,
    ReservationLedger,
    Topup,
    TopupCreate,
    Usage,
)
from msgplat.plumbing.api import Page, PageSize, PeriodDep
from msgplat.plumbing.caller import USER_ID_PATTERN, Caller, CallerDep, UserIdQuery
from msgplat.plumbing.errors import FieldError, Forbidden, RequestInvalid
from msgplat.plumbing.export import CSV_RESPONSE, wants_csv
from msgplat.plumbing.responses import error_responses
from msgplat.plumbing.runtime import RuntimeDep

router = APIRouter(prefix="/billings", tags=["billing"])


@router.get("", response_model=Balance)
async def get_balance(
    runtime: RuntimeDep, caller: CallerDep, user_id: UserIdQuery = None
) -> Balance:
    """The account's balance in KRW: available, held (for reservations), charged."""
    return await queries.get_balance(runtime.db, caller.scope_one(user_id, "account"))


AccountId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=USER_ID_PATTERN)]


@router.get("/balances", response_model=list[Balance])
async def list_balances(
    runtime: RuntimeDep,
    caller: CallerDep,
    user_ids: Annotated[
        list[AccountId],
        Query(alias="userId", min_length=1, max_length=100, description="The accounts asked for"),
    ],
) -> list[Balance]:
    """The balances of several accounts at once (operators' customer list); accounts
    not found (never topped up) are left out, not a 404. A customer gets only their own."""
    return await queries.list_balances(runtime.db, [u for u in user_ids if caller.owns(u)])


MAX_QUOTED = 1_000_000
Counted = Annotated[int | None, Query(ge=0, le=MAX_QUOTED)]


@router.get("/quote", response_model=Quote)
async def get_quote(
    runtime: RuntimeDep,
    settings: SettingsDep,
    caller: CallerDep,
    msg_type: Annotated[Literal["SMS", "LMS"] | None, Query(alias="msgType")] = None,
    count: Annotated[int | None, Query(ge=1, le=MAX_QUOTED)] = None,
    sms_count: Annotated[Counted, Query(alias="smsCount")] = None,
    lms_count: Annotated[Counted, Query(alias="lmsCount")] = None,
    user_id: UserIdQuery = None,
) -> Quote:
    """The price of `count` messages of `msgType`, or of `smsCount` SMS and `lmsCount` LMS
    (either or both; when given they replace msgType and count), and whether the balance
    covers it."""
    counts = _quoted_counts(msg_type, count, sms_count, lms_count)
    return await queries.get_quote(
        runtime.db, settings, caller.scope_one(user_id, "account"), counts
    )


def _quoted_counts(
    msg_type: str | None, count: int | None, sms_count: int | None, lms_count: int | None
) -> dict[str, int]:
    """Messages per type asked for, or a 422 naming each missing or wrong field."""
    if sms_count is not None or lms_count is not None:
        counts = {"SMS": sms_count or 0, "LMS": lms_count or 0}
        total = sum(counts.values())
        if total == 0:
            field = "smsCount" if sms_count is not None else "lmsCount"
            raise RequestInvalid(
                [FieldError(("query", field), "smsCount + lmsCount must be at least 1", input=0)]
            )
        if total > MAX_QUOTED:
            raise RequestInvalid(
                [
                    FieldError(
                        ("query", "lmsCount" if lms_count else "smsCount"),
                        f"smsCount + lmsCount must be at most {MAX_QUOTED:,}",
                        input=total,
                    )
                ]
            )
        return {t: n for t, n in counts.items() if n}
    missing = [
        FieldError(
            ("query", name),
            "Field required (or give smsCount and/or lmsCount instead of msgType and count)",
            type="missing",
        )
        for name, value in (("msgType", msg_type), ("count", count))
        if value is None
    ]
    if missing:
        raise RequestInvalid(missing)
    assert msg_type is not None and count is not None
    return {msg_type: count}


@router.post(
    "/topups",
    status_code=status.HTTP_201_CREATED,
    response_model=Topup,
    responses=error_responses(403, said={403: "Not an operator: a customer cannot add credit"}),
)
async def create_topup(
    body: TopupCreate,
    runtime: RuntimeDep,
    caller: CallerDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> Topup:
    """An operator adds credit (1 to 10,000,000 KRW) to a customer's account, named in
    `userId`; the account is created if new, and the ledger names the operator. A
    customer's own credentials are refused (403): they ask their operator. A retry with
    the same Idempotency-Key and body answers the first result and adds nothing."""
    actor = _topup_actor(caller)
    body = body.model_copy(update={"user_id": caller.claim(body.user_id, ("body", "userId"))})
    result, replayed = await commands.top_up(
        runtime.db, body, actor=actor, idempotency_key=idempotency_key
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return result


def _topup_actor(caller: Caller) -> str:
    """Who the ledger names for a top-up by `caller`; a customer may not make one."""
    if caller.role == "customer":
        raise Forbidden(f"top-ups are made by an operator: {HOW_TO_GET_CREDIT}")
    if caller.role == "operator" and caller.user_id:
        return caller.user_id
    return INTERNAL_ACTOR  # a request from inside the cluster (no caller headers)


@router.get("/ledger", response_model=Page[LedgerEntry], responses=CSV_RESPONSE)
async def list_ledger(
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    period: PeriodDep,
    user_id: UserIdQuery = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page[LedgerEntry] | Response:
    """The account's append-only entries, newest first (of a period: `from`, `to`, Seoul
    days or ISO times). With `Accept: text/csv`, every entry as a CSV file."""
    account = caller.scope_one(user_id, "account")
    if wants_csv(request):
        return await queries.ledger_csv(runtime.db, user_id=account, period=period)
    items, total = await queries.list_ledger(
        runtime.db, user_id=account, page=page, size=size, period=period
    )
    return Page[LedgerEntry](items=items, page=page, size=size, total=total)


@router.get("/ledger/byReservation", response_model=Page[ReservationLedger])
async def list_ledger_by_reservation(
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: UserIdQuery = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    size: PageSize = 20,
) -> Page[ReservationLedger]:
    """The ledger summed per reservation (held, charged, released), the reservation with
    the latest entry first. Top-ups are in `/billings/ledger`."""
    items, total = await queries.ledger_by_reservation(
        runtime.db, user_id=caller.scope_one(user_id, "account"), page=page, size=size
    )
    return Page[ReservationLedger](items=items, page=page, size=size, total=total)


@router.get("/usage", response_model=Usage)
async def get_usage(
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: UserIdQuery = None,
    month: Annotated[
        str | None,
        Query(pattern=MONTH_PATTERN, description="YYYY-MM, Asia/Seoul; default this month"),
    ] = None,
) -> Usage:
    """Messages charged and amounts by message type and by carrier for one month."""
    chosen = month or current_month(datetime.now(UTC))
    return await queries.get_usage(
        runtime.db, user_id=caller.scope_one(user_id, "account"), month=chosen
    )


@router.get("/reservations/{reservation_id}", response_model=ReservationCharges)
async def get_reservation_charges(
    reservation_id: UUID, runtime: RuntimeDep, caller: CallerDep
) -> ReservationCharges:
    """What was held, captured and released for one reservation (for reconciliation)."""
    charges = await queries.get_reservation_charges(runtime.db, reservation_id)
    caller.check_owner(charges.user_id, f"billing of reservation {reservation_id}")
    return charges
