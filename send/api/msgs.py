"""`/msgs`: a reservation's messages, one by one and summed up."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query

from msgplat.plumbing.api import Page
from msgplat.plumbing.caller import CallerDep
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.send import queries
from msgplat.send.schemas import Msg, MsgSummary

# Message ids are PostgreSQL bigints: a larger number is a 422, not a database error.
MAX_BIGINT = 2**63 - 1

router = APIRouter(prefix="/msgs", tags=["messages"])


@router.get("", response_model=Page[Msg])
async def list_msgs(
    runtime: RuntimeDep,
    caller: CallerDep,
    reservation_id: Annotated[UUID, Query(alias="reservationId")],
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Page[Msg]:
    """A reservation's messages in recipient-list order."""
    items, total = await queries.list_messages(
        runtime.db, caller, reservation_id=reservation_id, page=page, size=size
    )
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
