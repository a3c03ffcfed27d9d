"""Everything that is not the gateway's own: a public API route is authenticated,
rate-limited and proxied to its service; any other GET is the dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from msgplat.gateway.api.deps import (
    AuthenticatorDep,
    DashboardDep,
    ProxyDep,
    RateLimiterDep,
    missing_credentials_detail,
)
from msgplat.gateway.routing import own_credentials_for, upstream_for
from msgplat.plumbing.caller import CALLER_ADDRESS_HEADER
from msgplat.plumbing.errors import TooManyRequests, Unauthorized

router = APIRouter()

PROXIED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@router.api_route("/{path:path}", methods=PROXIED_METHODS, include_in_schema=False)
async def forward(
    request: Request,
    path: str,
    proxy: ProxyDep,
    authenticator: AuthenticatorDep,
    limiter: RateLimiterDep,
    dashboard: DashboardDep,
) -> Response:
    service = upstream_for(request.url.path)
    own = own_credentials_for(request.url.path) if request.method == "POST" else None
    if service is None and own is not None:
        # A carrier's report: its token is for the service, which also checks the address
        # the report came from (the client's as seen here; any the client sent is dropped).
        address = [(CALLER_ADDRESS_HEADER, request.client.host)] if request.client else []
        return await proxy.forward(request, own, address, keep_authorization=True)
    if service is None:
        if request.method == "GET":
            return dashboard.serve(request)
        return JSONResponse(status_code=404, content={"detail": f"no route for /{path}"})
    identity = await authenticator.identify(request)
    if identity is None:
        raise Unauthorized(missing_credentials_detail(request))
    nul = [k for k, v in request.query_params.multi_items() if "\x00" in k + v]
    if nul:  # PostgreSQL cannot store it: refused here for every service at once
        return JSONResponse(
            status_code=422,
            content={
                "detail": [
                    {"loc": ["query", k], "msg": "must not contain the NUL character (%00)"}
                    for k in nul
                ]
            },
        )
    retry_after = limiter.retry_after(identity)
    if retry_after is not None:
        rate = identity.requests_per_second or limiter.settings.requests_per_second
        raise TooManyRequests(
            f"more than {rate} requests per second; retry after {retry_after} s",
            retry_after_s=retry_after,
        )
    return await proxy.forward(request, service, authenticator.caller_headers(identity))
