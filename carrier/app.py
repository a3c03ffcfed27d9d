"""The carrier simulator: `uvicorn msgplat.carrier.app:create_app --factory --port 8090`.

The outside world, not part of the platform: no database, no Kafka, everything in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from msgplat.carrier import admin, routes
from msgplat.carrier.settings import CarrierSettings, get_settings
from msgplat.carrier.simulator import Simulator
from msgplat.plumbing.logging import configure_logging, get_logger
from msgplat.plumbing.metrics import HttpMetricsMiddleware, metrics_router
from msgplat.plumbing.middleware import RequestIdMiddleware

log = get_logger(__name__)


def create_app(settings: CarrierSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    sim = Simulator(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        flusher = asyncio.create_task(sim.reporter.run(), name="carrier-report-flusher")
        log.info("carrier simulator started", config=sim.knobs.model_dump())
        try:
            yield
        finally:
            if sim.reporter.pending and sim.settings.drain_reports_on_stop_s:
                log.info("carrier simulator draining reports", pending=sim.reporter.pending)
                await sim.reporter.drain(sim.settings.drain_reports_on_stop_s)
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
            log.info("carrier simulator stopped", reports_pending=sim.reporter.pending)

    app = FastAPI(
        title="Carrier simulator",
        description="A simulated SMS/LMS carrier: batch submit, delivery reports pushed "
        "to a callback URL, and knobs for failures, latency, outages and throttling.",
        lifespan=lifespan,
    )
    app.state.sim = sim
    app.add_middleware(HttpMetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(metrics_router(list))
    app.include_router(routes.router)
    app.include_router(routes.health_router)
    app.include_router(admin.router)
    return app
