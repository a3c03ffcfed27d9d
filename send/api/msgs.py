"""`/msgs`: a reservation's messages, one by one and summed up."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request, Response

from msgplat.plumbing.api import Page, PeriodDep
from msgplat.plumbing.caller import CallerDep, UserIdQuery
from msgplat.plumbing.export import CSV_RESPONSE, wants_csv
from msgplat.plumbing.read_only import refuse_writes
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.send import queries
from msgplat.send.domain import MessageState
from msgplat.send.schemas import Msg, MsgSummary

# Message ids are PostgreSQL bigints: a larger number is a 422, not a database error.
MAX_BIGINT = 2**63 - 1

router = APIRouter(prefix="/msgs", tags=["messages"])
refuse_writes(
    router,
    "",
    "the platform creates a reservation's messages when it sends them: reserve a send with "
    "POST /msgReqs, then read its messages here with GET /msgs?reservationId=<id>",
)


@router.get("", response_model=Page[Msg], responses=CSV_RESPONSE, operation_id="listMsgs")
async def list_msgs(
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    period: PeriodDep,
    reservation_id: Annotated[
        UUID | None,
        Query(alias="reservationId", description="One reservation's messages, in list order"),
    ] = None,
    dst_num: Annotated[
        str | None,
        Query(
            alias="dstNum",
            min_length=1,
            max_length=40,
            description="The recipient's number, in any usual form (010-1234-5678, +82...)",
        ),
    ] = None,
    status_: Annotated[
        list[MessageState] | None,
        Query(alias="status", description="One or more statuses (repeat the parameter)"),
    ] = None,
    user_id: UserIdQuery = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Page[Msg] | Response:
    """A reservation's messages in recipient-list order (`reservationId`), or a search
    of the customer's messages across reservations: to a number (`dstNum`), in some
    statuses, of reservations due in a period (`from`, `to`: Seoul days or ISO times),
    newest first. With `Accept: text/csv`, every message matched as a CSV file."""
    search = queries.MessageSearch(
        reservation_id=reservation_id,
        user_id=None if reservation_id else caller.scope(user_id),
        dst_num=None if dst_num is None else queries.search_number(dst_num),
        statuses=tuple(status_ or ()),
        period=period,
    )
    if reservation_id is not None:
        await queries.check_reservation(runtime.db, caller, reservation_id)
    if wants_csv(request):
        return queries.messages_csv(runtime.db, search)
    items, total = await queries.search_messages(runtime.db, search, page=page, size=size)
    return Page[Msg](items=items, page=page, size=size, total=total)


@router.get("/summary", response_model=MsgSummary)
async def msgs_summary(
    runtime: RuntimeDep,
    caller: CallerDep,
    reservation_id: Annotated[UUID, Query(alias="reservationId")],
) -> MsgSummary:
    """How many of a reservation's messages are in each state (for reconciliation)."""
    return await queries.summarise(runtime.db, caller, reservation_id=reservation_id)


@router.get("/{message_id}", response_model=Msg)
async def get_msg(
    message_id: Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The message's id")],
    runtime: RuntimeDep,
    caller: CallerDep,
) -> Msg:
    return await queries.get_message(runtime.db, caller, message_id)
