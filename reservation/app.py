"""The reservation service: `uvicorn msgplat.reservation.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.metrics import StateCounts
from msgplat.plumbing.runtime import create_service_app
from msgplat.reservation.api import msg_reqs, templates
from msgplat.reservation.consumers import SUBSCRIPTIONS
from msgplat.reservation.models import reservations, tables
from msgplat.reservation.resources import open_resources
from msgplat.reservation.settings import get_settings


def create_app() -> FastAPI:
    settings = get_settings()
    return create_service_app(
        settings=settings,
        tables=tables,
        routers=[msg_reqs.router, templates.router],
        subscriptions=SUBSCRIPTIONS,
        resources=lambda _runtime: open_resources(settings),
        topics=ALL_TOPICS,
        scrape_hooks=lambda runtime: [
            StateCounts(runtime.db, "reservation", reservations.c.status)
        ],
        title="Reservation service",
    )
