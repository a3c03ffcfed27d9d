"""HTTP routes of the send service: the messages (`/msgs`) and the carrier's callback."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from msgplat.plumbing.api import Page
from msgplat.plumbing.caller import CallerDep
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.send import handlers
from msgplat.send.reports import apply_reports, reporting_carrier
from msgplat.send.schemas import CarrierReports, Msg, MsgSummary, ReportsApplied
from msgplat.send.settings import SendSettings

# Message ids are PostgreSQL bigints: a larger number is a 422, not a database error.
MAX_BIGINT = 2**63 - 1

router = APIRouter(prefix="/msgs", tags=["messages"])
callback_router = APIRouter(prefix="/carrier", tags=["carrier callback (internal)"])


@router.get("", response_model=Page[Msg])
async def list_msgs(
    runtime: RuntimeDep,
    caller: CallerDep,
    reservation_id: Annotated[UUID, Query(alias="reservationId")],
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Page[Msg]:
    """A reservation's messages in recipient-list order."""
    items, total = await handlers.list_messages(
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
    return await handlers.summarise(runtime.db, caller, reservation_id=reservation_id)


@router.get("/{message_id}", response_model=Msg)
async def get_msg(
    message_id: Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The message's id")],
    runtime: RuntimeDep,
    caller: CallerDep,
) -> Msg:
    return await handlers.get_message(runtime.db, caller, message_id)


@callback_router.post(
    "/reports",
    response_model=ReportsApplied,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CarrierReports.model_json_schema()}},
        }
    },
)
async def carrier_reports(
    request: Request,
    runtime: RuntimeDep,
    authorization: Annotated[str | None, Header()] = None,
) -> ReportsApplied:
    """Delivery reports pushed by a carrier (internal: needs one carrier's callback
    token, which says which carrier reports).

    The body is parsed by pydantic straight from its bytes: the hot path of a send.
    """
    settings = runtime.settings
    assert isinstance(settings, SendSettings)
    carrier = reporting_carrier(settings, authorization)
    if carrier is None:
        raise HTTPException(status_code=401, detail="missing or wrong carrier callback token")
    try:
        body = CarrierReports.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
    return await apply_reports(runtime.db, body.reports, carrier=carrier)
