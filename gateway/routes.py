"""The gateway's own routes: readiness, the merged OpenAPI document, then everything
else: a public API route is authenticated, rate-limited and proxied; any other GET is
the dashboard."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from msgplat.gateway.auth import Authenticator, RateLimiter
from msgplat.gateway.auth_routes import UNAUTHORIZED, missing_credentials_detail
from msgplat.gateway.dashboard import Dashboard
from msgplat.gateway.openapi import OpenApiMerger
from msgplat.gateway.proxy import Proxy
from msgplat.gateway.routing import OWN_CREDENTIALS, upstream_for

router = APIRouter()

PROXIED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _proxy(request: Request) -> Proxy:
    proxy: Proxy = request.app.state.proxy
    return proxy


@router.get("/health/live", tags=["health"])
async def live() -> dict[str, str]:
    return {"status": "live"}


@router.get("/health/ready", tags=["health"])
async def ready(request: Request) -> JSONResponse:
    """200 when the gateway can serve: its own database answers. The body lists each
    service's state too, but a service that is down does not take the gateway out of
    its load balancer: its routes answer 503 while the others keep working."""
    proxy = _proxy(request)
    names = list(proxy.upstreams)
    own, *results = await asyncio.gather(
        _database_ready(request), *(proxy.ready(name) for name in names)
    )
    services = {
        name: {"ready": ok, "detail": detail}
        for name, (ok, detail) in zip(names, results, strict=True)
    }
    everything = own and all(s["ready"] for s in services.values())
    return JSONResponse(
        status_code=200 if own else 503,
        content={
            "status": "ready" if everything else ("degraded" if own else "not ready"),
            "database": own,
            "services": services,
        },
    )


async def _database_ready(request: Request) -> bool:
    authenticator: Authenticator = request.app.state.authenticator
    try:
        async with asyncio.timeout(2.0), authenticator.engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        return True
    except Exception:
        return False


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> dict[str, Any]:
    merger: OpenApiMerger = request.app.state.openapi
    return await merger.document(_proxy(request)._client())


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Message platform API")


@router.api_route("/{path:path}", methods=PROXIED_METHODS, include_in_schema=False)
async def forward(request: Request, path: str) -> Response:
    service = upstream_for(request.url.path)
    if service is None and request.url.path in OWN_CREDENTIALS:
        own = OWN_CREDENTIALS[request.url.path]
        return await _proxy(request).forward(request, own, [], keep_authorization=True)
    if service is None:
        if request.method == "GET":
            dashboard: Dashboard = request.app.state.dashboard
            return dashboard.serve(request)
        return JSONResponse(status_code=404, content={"detail": f"no route for /{path}"})
    authenticator: Authenticator = request.app.state.authenticator
    identity = await authenticator.identify(request)
    if identity is None:
        return JSONResponse(
            status_code=401,
            headers=UNAUTHORIZED,
            content={"detail": missing_credentials_detail(request)},
        )
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
    limiter: RateLimiter = request.app.state.rate_limiter
    retry_after = limiter.retry_after(identity)
    if retry_after is not None:
        rate = identity.requests_per_second or limiter.settings.requests_per_second
        return JSONResponse(
            status_code=429,
            headers={"Retry-After": str(retry_after)},
            content={
                "detail": f"more than {rate} requests per second; retry after {retry_after} s"
            },
        )
    return await _proxy(request).forward(request, service, authenticator.caller_headers(identity))
