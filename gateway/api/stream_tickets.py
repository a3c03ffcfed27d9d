"""`/monitorings/stream/tickets`: the live stream's short-lived, single-use credential.

A browser's EventSource cannot send headers, so its credential goes in the URL, where
it may end up in logs and histories: never a key or a login token there, but a ticket
valid for 30 s and for one stream (`GET /monitorings/stream?ticket=...`). The gateway
answers this itself; the stream is the monitoring service's.
"""

from __future__ import annotations

from fastapi import APIRouter

from msgplat.gateway import sessions
from msgplat.gateway.api.deps import AuthenticatorDep, CurrentIdentity, RateLimiterDep
from msgplat.gateway.schemas import StreamTicket
from msgplat.plumbing.errors import TooManyRequests

router = APIRouter(prefix="/monitorings/stream", tags=["monitoring"])


@router.post("/tickets", status_code=201, response_model=StreamTicket)
async def create_stream_ticket(
    identity: CurrentIdentity, authenticator: AuthenticatorDep, limiter: RateLimiterDep
) -> StreamTicket:
    """A ticket for one `GET /monitorings/stream?ticket=<ticket>` as the caller, within
    30 s, on any gateway replica; get a new one for each connection (and reconnection)."""
    retry_after = limiter.retry_after(identity)
    if retry_after is not None:
        raise TooManyRequests(
            f"too many requests; retry after {retry_after} s", retry_after_s=retry_after
        )
    ticket = await sessions.issue_ticket(authenticator.engine, identity.user_id)
    return StreamTicket(ticket=ticket, expires_in=sessions.TICKET_TTL_S)
