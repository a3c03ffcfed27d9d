"""The reservation service: `uvicorn msgplat.reservation.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.metrics import StateCounts
from msgplat.plumbing.runtime import create_service_app
from msgplat.reservation.billing_check import BillingCheck
from msgplat.reservation.consumers import SUBSCRIPTIONS
from msgplat.reservation.models import reservations, tables
from msgplat.reservation.routes import router
from msgplat.reservation.settings import get_settings
from msgplat.reservation.template_routes import router as template_router


def create_app() -> FastAPI:
    settings = get_settings()
    app = create_service_app(
        settings=settings,
        tables=tables,
        routers=[router, template_router],
        subscriptions=SUBSCRIPTIONS,
        topics=ALL_TOPICS,
        scrape_hooks=lambda runtime: [
            StateCounts(runtime.db, "reservation", reservations.c.status)
        ],
        title="Reservation service",
    )
    app.state.billing_check = BillingCheck(settings)
    return app
