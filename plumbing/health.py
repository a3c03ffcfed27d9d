"""`/health/live` (the process answers) and `/health/ready` (database and broker
reachable, the schema at the revision the code needs, the outbox relay making progress,
the consumers in their groups, the background work running and its workers' rounds
coming)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from msgplat.plumbing.kafka import broker_reachable

if TYPE_CHECKING:
    from msgplat.plumbing.runtime import ServiceRuntime

health_router = APIRouter(prefix="/health", tags=["health"])


@health_router.get("/live")
async def live() -> dict[str, str]:
    return {"status": "live"}


@health_router.get("/ready")
async def ready(request: Request) -> JSONResponse:
    runtime: ServiceRuntime = request.app.state.runtime
    checks: dict[str, Any] = {}
    try:
        async with asyncio.timeout(2):
            await runtime.db.ping()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {exc!r}"[:300]
    # "ok", or the revision the code waits for (migrations run before the code).
    if not runtime.schema.current.is_set():
        await runtime.schema.check()
    checks["schema"] = runtime.schema.state
    if runtime.producer_started.is_set() and await broker_reachable(runtime.producer):
        checks["broker"] = "ok"
    else:
        checks["broker"] = "unreachable"
    # Rows to publish and none published for OUTBOX_STALL_S: events are not leaving.
    checks["outbox"] = runtime.relay.stalled() or "ok"
    for consumer in runtime.consumers:
        # "ok" once the group gave it its partitions: ready means events are read now.
        checks[f"consumer:{consumer.group_id}"] = runtime.consumer_state(consumer)
    if (background := runtime.background_state()) is not None:  # "down: ..." meanwhile
        checks["background"] = background
    for worker in runtime.workers.values():  # "failing: ...", "stalled: ..."
        checks[f"worker:{worker.name}"] = worker.state()
    ok = all(v == "ok" for v in checks.values())
    body = {"status": "ready" if ok else "not ready", "service": runtime.settings.service_name}
    return JSONResponse(status_code=200 if ok else 503, content={**body, "checks": checks})
