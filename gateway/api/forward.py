"""Everything that is not the gateway's own: a public API route is authenticated,
rate-limited and proxied to its service; any other GET is the dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.routing import BaseRoute

from msgplat.gateway.api.deps import (
    AuthenticatorDep,
    DashboardDep,
    ProxyDep,
    RateLimiterDep,
    missing_credentials_detail,
)
from msgplat.gateway.routing import own_credentials_for, upstream_for
from msgplat.plumbing.caller import CALLER_ADDRESS_HEADER
from msgplat.plumbing.errors import (
    FieldError,
    MethodNotAllowed,
    RequestInvalid,
    TooManyRequests,
    Unauthorized,
    error_response,
)
from msgplat.plumbing.methods import allowed_methods

router = APIRouter()

# Every method, so that the service itself answers one it does not take (405 with its
# own `Allow`), rather than this catch-all with its list.
PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


@router.api_route("/{path:path}", methods=PROXIED_METHODS, include_in_schema=False)
async def forward(
    request: Request,
    path: str,
    proxy: ProxyDep,
    authenticator: AuthenticatorDep,
    limiter: RateLimiterDep,
    dashboard: DashboardDep,
) -> Response:
    allowed = allowed_methods(own_routes(request), request.scope)
    if allowed:  # a route of the gateway's own (e.g. `/auth/login`), with another method
        raise MethodNotAllowed(allowed)
    service = upstream_for(request.url.path)
    own = own_credentials_for(request.url.path) if request.method == "POST" else None
    if service is None and own is not None:
        # A carrier's report: its token is for the service, which also checks the address
        # the report came from (the client's as seen here; any the client sent is dropped).
        address = [(CALLER_ADDRESS_HEADER, request.client.host)] if request.client else []
        return await proxy.forward(request, own, address, keep_authorization=True)
    if service is None:
        if request.method in ("GET", "HEAD"):
            return dashboard.serve(request)
        return error_response(404, f"no route for /{path}")
    identity = await authenticator.identify(request)
    if identity is None:
        raise Unauthorized(missing_credentials_detail(request))
    nul = [(k, v) for k, v in request.query_params.multi_items() if "\x00" in k + v]
    if nul:  # PostgreSQL cannot store it: refused here for every service at once
        raise RequestInvalid(
            [
                FieldError(("query", k), "must not contain the NUL character (%00)", input=v)
                for k, v in nul
            ]
        )
    retry_after = limiter.retry_after(identity)
    if retry_after is not None:
        rate = identity.requests_per_second or limiter.settings.requests_per_second
        raise TooManyRequests(
            f"more than {rate} requests per second; retry after {retry_after} s",
            retry_after_s=retry_after,
        )
    return await proxy.forward(request, service, authenticator.caller_headers(identity))


def own_routes(request: Request) -> list[BaseRoute]:
    """The gateway's routes but this catch-all (which matches every path)."""
    return [
        route
        for route in request.app.router.routes
        if getattr(route, "original_router", None) is not router  # FastAPI's included router
        and getattr(route, "endpoint", None) is not forward
    ]
