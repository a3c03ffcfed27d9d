"""The reservation service: `uvicorn msgplat.reservation.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.plumbing.runtime import create_service_app
from msgplat.reservation.consumers import SUBSCRIPTIONS
from msgplat.reservation.models import tables
from msgplat.reservation.routes import router
from msgplat.reservation.settings import get_settings


def create_app() -> FastAPI:
    return create_service_app(
        settings=get_settings(),
        tables=tables,
        routers=[router],
        subscriptions=SUBSCRIPTIONS,
        title="Reservation service",
    )
