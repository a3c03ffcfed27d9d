"""The monitoring service: `uvicorn msgplat.monitoring.app:create_app --factory`."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.monitoring.api import alerts, monitorings, webhooks
from msgplat.monitoring.consumers import SUBSCRIPTIONS
from msgplat.monitoring.dispatcher import Dispatcher
from msgplat.monitoring.live import LiveHub
from msgplat.monitoring.models import tables
from msgplat.monitoring.resources import open_resources
from msgplat.monitoring.settings import get_settings
from msgplat.plumbing.runtime import ServiceRuntime, create_service_app


def create_app() -> FastAPI:
    settings = get_settings()

    async def background(runtime: ServiceRuntime, live: LiveHub) -> None:
        """The live streams' LISTEN connection, and the notification dispatcher."""
        dispatcher = Dispatcher(runtime.db, settings, wake=live.deliveries_queued)
        runtime.watch(dispatcher.health)
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(live.run(runtime.db), name="live-hub")
            tasks.create_task(dispatcher.run(), name="dispatcher")

    return create_service_app(
        settings=settings,
        tables=tables,
        # Before the views' router: `/monitorings/{reservationId}` would take these paths.
        routers=[webhooks.router, alerts.router, monitorings.router],
        subscriptions=SUBSCRIPTIONS,
        topics=ALL_TOPICS,
        title="Monitoring service",
        resources=open_resources,
        background=background,
    )
