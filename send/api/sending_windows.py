"""`/sendingWindows`: a customer's sending windows."""

from __future__ import annotations

from fastapi import APIRouter, Response

from msgplat.plumbing.caller import CallerDep, UserIdQuery
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.send import commands, queries
from msgplat.send.schemas import SendingWindowsInput, SendingWindowsView

router = APIRouter(prefix="/sendingWindows", tags=["sending windows"])


@router.put("", response_model=SendingWindowsView)
async def put_windows(
    body: SendingWindowsInput, runtime: RuntimeDep, caller: CallerDep
) -> SendingWindowsView:
    """Set the customer's sending windows (replacing any): messages of the listed
    purposes are sent only inside them, and a send outside pauses until one opens.
    Takes effect from the next batch of every send."""
    user_id = caller.claim(body.user_id, ("body", "userId"))
    return await commands.put_sending_windows(runtime.db, user_id=user_id, body=body)


@router.get("", response_model=SendingWindowsView)
async def get_windows(
    runtime: RuntimeDep, caller: CallerDep, user_id: UserIdQuery = None
) -> SendingWindowsView:
    """The customer's sending windows (none set: 200 with no `windows`, sending is not
    limited)."""
    user = caller.claim(user_id, ("query", "userId"))
    return await queries.get_sending_windows(runtime.db, user_id=user)


@router.delete("", status_code=204)
async def delete_windows(
    runtime: RuntimeDep, caller: CallerDep, user_id: UserIdQuery = None
) -> Response:
    """Remove the customer's sending windows: paused sends go on at once."""
    user = caller.claim(user_id, ("query", "userId"))
    await commands.remove_sending_windows(runtime.db, user_id=user)
    return Response(status_code=204)
