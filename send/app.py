"""The send service: `uvicorn msgplat.send.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.plumbing.metrics import StateCounts
from msgplat.plumbing.runtime import ServiceRuntime, create_service_app
from msgplat.send.carrier import CarrierClient
from msgplat.send.consumers import SUBSCRIPTIONS
from msgplat.send.models import jobs, tables
from msgplat.send.routes import callback_router, router
from msgplat.send.sender import Sender
from msgplat.send.settings import SendSettings, get_settings


def create_app() -> FastAPI:
    settings = get_settings()

    async def run_sender(runtime: ServiceRuntime) -> None:
        carrier = CarrierClient(settings)
        runtime.scrape_hooks.append(carrier.report_circuit)
        try:
            await Sender(runtime.db, settings, carrier, stopping=runtime.stopping).run()
        finally:
            runtime.scrape_hooks.remove(carrier.report_circuit)
            await carrier.close()

    return create_service_app(
        settings=settings,
        tables=tables,
        routers=[router, callback_router],
        subscriptions=SUBSCRIPTIONS,
        title="Send service",
        background=run_sender,
        background_graceful=True,  # the sender ends its batch in hand and returns
        scrape_hooks=lambda runtime: [StateCounts(runtime.db, "send_job", jobs.c.status)],
    )


__all__ = ["SendSettings", "create_app"]
