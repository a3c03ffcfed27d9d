"""HTTP routes of reservations (`/msgReqs`): parse, call one command or query, answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, Response, status

from msgplat.contracts.events import Purpose
from msgplat.plumbing.api import (
    STATUSES,
    Page,
    PageNumber,
    PageSize,
    PeriodDep,
    ReservationOrder,
    TitleWords,
)
from msgplat.plumbing.caller import CallerDep, UserIdFilter
from msgplat.plumbing.export import CSV_RESPONSE, wants_csv
from msgplat.plumbing.read_only import refuse_writes
from msgplat.plumbing.responses import error_responses
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.reservation import queries
from msgplat.reservation.api.deps import ResourcesDep, SettingsDep
from msgplat.reservation.commands import msg_reqs as commands
from msgplat.reservation.domain import ReservationStatus
from msgplat.reservation.schemas import (
    MsgReq,
    MsgReqCreate,
    MsgReqReschedule,
    ReservationRules,
)

router = APIRouter(prefix="/msgReqs", tags=["reservations"])

# What a client does next with a new reservation (OpenAPI links: generated clients and
# schemathesis' stateful phase follow them). The targets name their operationId.
_BY_ID = {"reservation_id": "$response.body#/id"}
CREATED_LINKS = {
    "GetMsgReq": {"operationId": "getMsgReq", "parameters": _BY_ID},
    "CancelMsgReq": {"operationId": "cancelMsgReq", "parameters": _BY_ID},
    "ListMsgs": {"operationId": "listMsgs", "parameters": {"reservationId": "$response.body#/id"}},
    "GetMonitoring": {"operationId": "getMonitoring", "parameters": _BY_ID},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MsgReq,
    responses={201: {"links": CREATED_LINKS}, **error_responses(402, 409)},
)
async def create_msg_req(
    body: MsgReqCreate,
    runtime: RuntimeDep,
    settings: SettingsDep,
    resources: ResourcesDep,
    response: Response,
    caller: CallerDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> MsgReq:
    reservation, replayed = await commands.create_reservation(
        runtime.db,
        settings,
        body,
        caller=caller,
        billing=resources.billing_check,
        idempotency_key=idempotency_key,
    )
    response.headers["Location"] = f"/msgReqs/{reservation.id}"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return reservation


# Before `/{reservation_id}`, whose PATCH would otherwise read "rules" as an id (a 422).
refuse_writes(router, "/rules", "the rules are the platform's settings")


@router.get("/rules", response_model=ReservationRules)
async def get_rules(settings: SettingsDep) -> ReservationRules:
    """The public rules of a reservation: the lead time, the cancel cut-off, the horizon,
    the advertising hours, the sizes. A client shows these instead of its own copy."""
    return queries.rules(settings, now=datetime.now(UTC))


@router.get("/{reservation_id}", response_model=MsgReq, operation_id="getMsgReq")
async def get_msg_req(reservation_id: UUID, runtime: RuntimeDep, caller: CallerDep) -> MsgReq:
    return await queries.get_reservation(runtime.db, caller, reservation_id)


@router.get("", response_model=Page[MsgReq], responses=CSV_RESPONSE)
async def list_msg_reqs(
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    period: PeriodDep,
    user_id: UserIdFilter = None,
    status_: Annotated[list[ReservationStatus] | None, STATUSES] = None,
    purpose: Annotated[Purpose | None, Query()] = None,
    q: TitleWords = None,
    sort: ReservationOrder = "newest",
    page: PageNumber = 1,
    size: PageSize = 20,
) -> Page[MsgReq] | Response:
    """The customer's reservations, filtered: by status, purpose, the period their
    reserveDt falls in (`from`, `to`: Seoul days or ISO times) and title text (`q`).
    With `Accept: text/csv`, every one matched as a CSV file."""
    filters = queries.ReservationFilter(
        user_id=caller.scope(user_id),
        statuses=tuple(status_ or ()),
        purpose=purpose,
        period=period,
        text=q,
        sort=sort,
    )
    if wants_csv(request):
        return queries.reservations_csv(runtime.db, filters)
    items, total = await queries.list_reservations(runtime.db, filters, page=page, size=size)
    return Page[MsgReq](items=items, page=page, size=size, total=total)


@router.patch("/{reservation_id}", response_model=MsgReq, responses=error_responses(409))
async def reschedule_msg_req(
    reservation_id: UUID,
    body: MsgReqReschedule,
    runtime: RuntimeDep,
    settings: SettingsDep,
    caller: CallerDep,
) -> MsgReq:
    """Reschedule: a new `reserveDt` for a reservation not yet sending, until
    CANCEL_CUTOFF_S before it is due (409 `reschedule_cutoff`); the new time is held to
    the rules of a new reservation (lead time, horizon, advertising hours)."""
    return await commands.reschedule_reservation(runtime.db, settings, caller, reservation_id, body)


@router.post(
    "/{reservation_id}/cancel",
    response_model=MsgReq,
    responses=error_responses(409),
    operation_id="cancelMsgReq",
)
async def cancel_msg_req(
    reservation_id: UUID, runtime: RuntimeDep, settings: SettingsDep, caller: CallerDep
) -> MsgReq:
    """Cancel; 409 `cancel_cutoff` in the last CANCEL_CUTOFF_S before a reservation not
    yet sending is due. A reservation being sent stops its messages not yet sent."""
    return await commands.cancel_reservation(
        runtime.db, caller, reservation_id, cutoff=timedelta(seconds=settings.cancel_cutoff_s)
    )
