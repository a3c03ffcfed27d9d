"""`/optouts`: each customer's opt-out list, numbers advertising is never sent to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response

from msgplat.plumbing.api import Page
from msgplat.plumbing.caller import CallerDep, UserIdQuery
from msgplat.plumbing.errors import FieldError, RequestInvalid, UnsupportedMediaType
from msgplat.plumbing.phones import normalise_recipient
from msgplat.plumbing.responses import error_responses
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.send import commands, queries
from msgplat.send.schemas import Optout, OptoutNumbers, OptoutsAdded, OptoutsRemoved

router = APIRouter(prefix="/optouts", tags=["opt-out lists"])


def _e164(value: str, loc: tuple[str | int, ...]) -> str:
    try:
        return normalise_recipient(value)
    except ValueError as exc:
        raise RequestInvalid([FieldError(loc, str(exc), input=value)]) from None


@router.post("", response_model=OptoutsAdded)
async def add_optouts(body: OptoutNumbers, runtime: RuntimeDep, caller: CallerDep) -> OptoutsAdded:
    """Put up to 1,000 numbers on the customer's opt-out list."""
    user_id = caller.claim(body.user_id, ("body", "userId"))
    return await commands.add_optouts(runtime.db, user_id=user_id, listed=body.numbers)


@router.post("/remove", response_model=OptoutsRemoved)
async def remove_optouts(
    body: OptoutNumbers, runtime: RuntimeDep, caller: CallerDep
) -> OptoutsRemoved:
    """Take up to 1,000 numbers off the customer's opt-out list."""
    user_id = caller.claim(body.user_id, ("body", "userId"))
    return await commands.remove_optouts(runtime.db, user_id=user_id, listed=body.numbers)


@router.post(
    "/upload",
    response_model=OptoutsAdded,
    responses=error_responses(415),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "number\n010-1234-5678\n01098765432\n",
                }
            },
        }
    },
)
async def upload_optouts(
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: UserIdQuery = None,
    content_type: Annotated[str | None, Header()] = None,
) -> OptoutsAdded:
    """Add the numbers of a CSV file (the body, `text/csv`): the first column of each
    line, after an optional header row. A bad number refuses the whole file (422 naming
    each line); at most 100,000 numbers."""
    user = caller.claim(user_id, ("query", "userId"))
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in ("text/csv", "text/plain", "application/csv"):
        raise UnsupportedMediaType("send the CSV file itself as the body, as text/csv")
    listed = commands.parse_optouts_csv(await request.body())
    return await commands.add_optouts(runtime.db, user_id=user, listed=listed)


@router.delete("/{number}", status_code=204)
async def delete_optout(
    number: Annotated[str, Path(min_length=1, max_length=40)],
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: UserIdQuery = None,
) -> Response:
    """Take one number off the list (404 when it is not on it)."""
    user = caller.claim(user_id, ("query", "userId"))
    number = _e164(number, ("path", "number"))
    await commands.remove_optout(runtime.db, user_id=user, number=number)
    return Response(status_code=204)


@router.get("", response_model=Page[Optout])
async def list_optouts(
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: UserIdQuery = None,
    number: Annotated[
        str | None, Query(min_length=1, max_length=40, description="Is this number listed?")
    ] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Page[Optout]:
    """The customer's opt-out list in number order (E.164)."""
    wanted = None if number is None else _e164(number, ("query", "number"))
    items, total = await queries.list_optouts(
        runtime.db, caller, user_id=user_id, number=wanted, page=page, size=size
    )
    return Page[Optout](items=items, page=page, size=size, total=total)
