"""The stat service: `uvicorn msgplat.stat.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.runtime import create_service_app
from msgplat.stat.api import stats
from msgplat.stat.consumers import SUBSCRIPTIONS
from msgplat.stat.models import tables
from msgplat.stat.settings import get_settings


def create_app() -> FastAPI:
    return create_service_app(
        settings=get_settings(),
        tables=tables,
        routers=[stats.router],
        subscriptions=SUBSCRIPTIONS,
        topics=ALL_TOPICS,
        title="Stat service",
    )
