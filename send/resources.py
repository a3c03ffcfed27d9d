"""The send service's long-lived clients: the carrier router (one HTTP client and one
circuit breaker per carrier), opened once at start-up and closed after the scheduler
has stopped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from msgplat.plumbing.runtime import ServiceRuntime
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.settings import SendSettings


@dataclass(frozen=True)
class Resources:
    carrier: CarrierRouter


@asynccontextmanager
async def open_resources(
    settings: SendSettings, runtime: ServiceRuntime
) -> AsyncIterator[Resources]:
    """`create_service_app(resources=partial(open_resources, settings))`; the carriers'
    circuits are reported on `/metrics` while it is open."""
    carrier = CarrierRouter(settings)
    runtime.scrape_hooks.append(carrier.report_circuit)
    try:
        yield Resources(carrier=carrier)
    finally:
        runtime.scrape_hooks.remove(carrier.report_circuit)
        await carrier.close()
