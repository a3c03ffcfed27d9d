"""`/health/live` and `/health/ready`: the gateway's own probes."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from msgplat.gateway.api.deps import AuthenticatorDep, ProxyDep
from msgplat.gateway.auth import Authenticator

router = APIRouter(tags=["health"])


@router.get(
    "/health/live",
    responses={200: {"content": {"application/json": {"example": {"status": "live"}}}}},
)
async def live() -> dict[str, str]:
    return {"status": "live"}


@router.get(
    "/health/ready",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "status": "ready",
                        "database": True,
                        "services": {
                            "reservation": {"ready": True, "detail": "ok"},
                            "send": {"ready": True, "detail": "ok"},
                        },
                    }
                }
            }
        },
        503: {
            "description": "Not ready: the gateway's schema is behind its code (the migration "
            "Job has not run) or its own database does not answer"
        },
    },
)
async def ready(request: Request, proxy: ProxyDep, authenticator: AuthenticatorDep) -> JSONResponse:
    """200 when the gateway can serve: its own database answers at the schema revision
    its code needs, and the accounts of the environment are made. The body lists each
    service's state too, but a service that is down does not take the gateway out of
    its load balancer: its routes answer 503 while the others keep working."""
    schema = request.app.state.schema
    if not request.app.state.started.is_set():
        starting = schema.state if schema.state != "ok" else "making the configured accounts"
        return JSONResponse(status_code=503, content={"status": "starting", "schema": starting})
    names = list(proxy.upstreams)
    own, *results = await asyncio.gather(
        _database_ready(authenticator), *(proxy.ready(name) for name in names)
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


async def _database_ready(authenticator: Authenticator) -> bool:
    try:
        async with asyncio.timeout(2.0), authenticator.engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        return True
    except Exception:
        return False
