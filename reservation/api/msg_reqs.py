"""HTTP routes of reservations (`/msgReqs`): parse, call one command or query, answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response, status

from msgplat.plumbing.api import Page
from msgplat.plumbing.caller import CallerDep
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.reservation import queries
from msgplat.reservation.api.deps import ResourcesDep, SettingsDep
from msgplat.reservation.commands import msg_reqs as commands
from msgplat.reservation.domain import ReservationStatus
from msgplat.reservation.schemas import MsgReq, MsgReqCreate

router = APIRouter(prefix="/msgReqs", tags=["reservations"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=MsgReq)
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


@router.get("/{reservation_id}", response_model=MsgReq)
async def get_msg_req(reservation_id: UUID, runtime: RuntimeDep, caller: CallerDep) -> MsgReq:
    return await queries.get_reservation(runtime.db, caller, reservation_id)


@router.get("", response_model=Page[MsgReq])
async def list_msg_reqs(
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: Annotated[str | None, Query(alias="userId", max_length=64)] = None,
    status_: Annotated[ReservationStatus | None, Query(alias="status")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[MsgReq]:
    items, total = await queries.list_reservations(
        runtime.db, user_id=caller.scope(user_id), status=status_, page=page, size=size
    )
    return Page[MsgReq](items=items, page=page, size=size, total=total)


@router.post("/{reservation_id}/cancel", response_model=MsgReq)
async def cancel_msg_req(
    reservation_id: UUID, runtime: RuntimeDep, settings: SettingsDep, caller: CallerDep
) -> MsgReq:
    """Cancel; 409 `cancel_cutoff` in the last CANCEL_CUTOFF_S before a reservation not
    yet sending is due. A reservation being sent stops its messages not yet sent."""
    return await commands.cancel_reservation(
        runtime.db, caller, reservation_id, cutoff=timedelta(seconds=settings.cancel_cutoff_s)
    )
