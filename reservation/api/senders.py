"""HTTP routes of sender numbers (`/senders`, 발신번호 사전등록): parse, call one command or
query, answer."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from msgplat.plumbing.api import Page, PageNumber, PageSize
from msgplat.plumbing.caller import CallerDep, UserIdFilter
from msgplat.plumbing.responses import error_responses
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.reservation import queries
from msgplat.reservation.api.deps import SettingsDep
from msgplat.reservation.commands import senders as commands
from msgplat.reservation.schemas import Sender, SenderApprove, SenderCreate, SenderVerify

CONFLICT = error_responses(409)

router = APIRouter(prefix="/senders", tags=["sender numbers"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Sender, responses=CONFLICT)
async def register_sender(
    body: SenderCreate,
    runtime: RuntimeDep,
    settings: SettingsDep,
    caller: CallerDep,
    response: Response,
) -> Sender:
    """Register a callback number: pending until verified, by the code sent to it (the
    default) or by an operator. 409 `sender_exists` (with its `id`) when registered."""
    sender = await commands.register_sender(runtime.db, settings, caller, body)
    response.headers["Location"] = f"/senders/{sender.id}"
    return sender


@router.get("", response_model=Page[Sender])
async def list_senders(
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: UserIdFilter = None,
    sender_status: Annotated[Literal["pending", "verified"] | None, Query(alias="status")] = None,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> Page[Sender]:
    """The customer's sender numbers, oldest first."""
    items, total = await queries.list_senders(
        runtime.db, user_id=caller.scope(user_id), status=sender_status, page=page, size=size
    )
    return Page[Sender](items=items, page=page, size=size, total=total)


@router.get("/{sender_id}", response_model=Sender)
async def get_sender(sender_id: UUID, runtime: RuntimeDep, caller: CallerDep) -> Sender:
    return await queries.get_sender(runtime.db, caller, sender_id)


@router.post("/{sender_id}/verify", response_model=Sender, responses=CONFLICT)
async def verify_sender(
    sender_id: UUID, body: SenderVerify, runtime: RuntimeDep, caller: CallerDep
) -> Sender:
    """The code the number received: 422 for a wrong one (it spends an attempt), 409 when
    none may be checked (`no_code`, `code_expired`, `too_many_attempts`)."""
    return await commands.verify_sender(runtime.db, caller, sender_id, body.code)


@router.post("/{sender_id}/code", response_model=Sender, responses=CONFLICT)
async def resend_code(
    sender_id: UUID, runtime: RuntimeDep, settings: SettingsDep, caller: CallerDep
) -> Sender:
    """A new code to the number: 429 within `SENDER_CODE_RESEND_S` of the last one, 409
    `too_many_codes` past `SENDER_CODES_MAX` (an operator approves it then)."""
    return await commands.resend_code(runtime.db, settings, caller, sender_id)


@router.post("/{sender_id}/approve", response_model=Sender, responses=CONFLICT)
async def approve_sender(
    sender_id: UUID, body: SenderApprove, runtime: RuntimeDep, caller: CallerDep
) -> Sender:
    """Operators only: verify the number without its code, noting what was checked."""
    return await commands.approve_sender(runtime.db, caller, sender_id, body)


@router.delete("/{sender_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_sender(sender_id: UUID, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """New reservations may no longer name it (those accepted are sent as they were)."""
    await commands.delete_sender(runtime.db, caller, sender_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
