"""The monitoring service: `uvicorn msgplat.monitoring.app:create_app --factory`."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.monitoring import notify_routes, routes
from msgplat.monitoring.consumers import SUBSCRIPTIONS
from msgplat.monitoring.dispatcher import Dispatcher
from msgplat.monitoring.live import LiveHub
from msgplat.monitoring.models import tables
from msgplat.monitoring.settings import get_settings
from msgplat.plumbing.runtime import ServiceRuntime, create_service_app


def create_app() -> FastAPI:
    settings = get_settings()
    hub = LiveHub(settings)

    async def background(runtime: ServiceRuntime, _: None) -> None:
        """The live streams' LISTEN connection, and the notification dispatcher."""
        dispatcher = Dispatcher(runtime.db, settings, wake=hub.deliveries_queued)
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(hub.run(runtime.db), name="live-hub")
            tasks.create_task(dispatcher.run(), name="dispatcher")

    app = create_service_app(
        settings=settings,
        tables=tables,
        # Before the views' router: `/monitorings/{reservationId}` would take these paths.
        routers=[notify_routes.router, routes.router, notify_routes.carrier_router],
        subscriptions=SUBSCRIPTIONS,
        topics=ALL_TOPICS,
        title="Monitoring service",
        background=background,
    )
    app.state.live = hub
    return app
