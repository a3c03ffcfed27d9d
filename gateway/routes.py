"""The gateway's own routes: aggregated readiness, then everything else is proxied."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from msgplat.gateway.proxy import Proxy
from msgplat.gateway.routing import upstream_for

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
    """200 only when every service is ready; the body lists each one's state."""
    proxy = _proxy(request)
    names = list(proxy.upstreams)
    results = await asyncio.gather(*(proxy.ready(name) for name in names))
    services = {
        name: {"ready": ok, "detail": detail}
        for name, (ok, detail) in zip(names, results, strict=True)
    }
    ok = all(s["ready"] for s in services.values())
    return JSONResponse(
        status_code=200 if ok else 503,
        content={"status": "ready" if ok else "not ready", "services": services},
    )


@router.api_route("/{path:path}", methods=PROXIED_METHODS, include_in_schema=False)
async def forward(request: Request, path: str) -> Response:
    service = upstream_for(request.url.path)
    if service is None:
        return JSONResponse(status_code=404, content={"detail": f"no route for /{path}"})
    return await _proxy(request).forward(request, service)
