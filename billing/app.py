"""The billing service: `uvicorn msgplat.billing.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.billing.consumers import SUBSCRIPTIONS
from msgplat.billing.models import tables
from msgplat.billing.routes import router
from msgplat.billing.settings import get_settings
from msgplat.plumbing.runtime import create_service_app


def create_app() -> FastAPI:
    return create_service_app(
        settings=get_settings(),
        tables=tables,
        routers=[router],
        subscriptions=SUBSCRIPTIONS,
        title="Billing service",
    )
