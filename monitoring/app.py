"""The monitoring service: `uvicorn msgplat.monitoring.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.monitoring.consumers import SUBSCRIPTIONS
from msgplat.monitoring.models import tables
from msgplat.monitoring.routes import router
from msgplat.monitoring.settings import get_settings
from msgplat.plumbing.runtime import create_service_app


def create_app() -> FastAPI:
    return create_service_app(
        settings=get_settings(),
        tables=tables,
        routers=[router],
        subscriptions=SUBSCRIPTIONS,
        title="Monitoring service",
    )
