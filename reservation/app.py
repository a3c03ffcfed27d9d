"""The reservation service: `uvicorn msgplat.reservation.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.metrics import StateCounts
from msgplat.plumbing.runtime import ServiceRuntime, create_service_app
from msgplat.reservation.api import msg_reqs, senders, templates
from msgplat.reservation.commands.demo_senders import ensure_demo_senders_with_retry
from msgplat.reservation.consumers import SUBSCRIPTIONS
from msgplat.reservation.models import reservations, tables
from msgplat.reservation.resources import Resources, open_resources
from msgplat.reservation.settings import get_settings


def create_app() -> FastAPI:
    settings = get_settings()

    async def open_demo_senders(runtime: ServiceRuntime, _: Resources) -> None:
        await ensure_demo_senders_with_retry(runtime.db, settings)

    return create_service_app(
        settings=settings,
        tables=tables,
        routers=[msg_reqs.router, templates.router, senders.router],
        subscriptions=SUBSCRIPTIONS,
        resources=lambda _runtime: open_resources(settings),
        topics=ALL_TOPICS,
        scrape_hooks=lambda runtime: [
            StateCounts(runtime.db, "reservation", reservations.c.status)
        ],
        title="Reservation service",
        background=open_demo_senders,
    )
