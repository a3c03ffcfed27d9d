"""The send service: `uvicorn msgplat.send.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.plumbing.runtime import create_service_app
from msgplat.send.consumers import SUBSCRIPTIONS
from msgplat.send.models import tables
from msgplat.send.routes import router
from msgplat.send.settings import get_settings


def create_app() -> FastAPI:
    return create_service_app(
        settings=get_settings(),
        tables=tables,
        routers=[router],
        subscriptions=SUBSCRIPTIONS,
        title="Send service",
    )
