"""The send service: `uvicorn msgplat.send.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.metrics import StateCounts
from msgplat.plumbing.runtime import ServiceRuntime, create_service_app
from msgplat.send.carriers import CarrierRouter
from msgplat.send.consumers import SUBSCRIPTIONS
from msgplat.send.models import jobs, tables
from msgplat.send.optout_routes import router as optout_router
from msgplat.send.routes import callback_router, router
from msgplat.send.sender import Sender
from msgplat.send.settings import SendSettings, get_settings
from msgplat.send.window_routes import router as window_router


def create_app() -> FastAPI:
    settings = get_settings()

    async def run_sender(runtime: ServiceRuntime, _: None) -> None:
        carrier = CarrierRouter(settings)  # one client (and circuit) per carrier
        runtime.scrape_hooks.append(carrier.report_circuit)
        try:
            await Sender(runtime.db, settings, carrier, stopping=runtime.stopping).run()
        finally:
            runtime.scrape_hooks.remove(carrier.report_circuit)
            await carrier.close()

    return create_service_app(
        settings=settings,
        tables=tables,
        routers=[router, optout_router, window_router, callback_router],
        subscriptions=SUBSCRIPTIONS,
        topics=ALL_TOPICS,
        title="Send service",
        background=run_sender,
        background_graceful=True,  # the sender ends its batch in hand and returns
        scrape_hooks=lambda runtime: [StateCounts(runtime.db, "send_job", jobs.c.status)],
    )


__all__ = ["SendSettings", "create_app"]
