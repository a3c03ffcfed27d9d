"""The monitoring service's long-lived resource: the live hub of this replica.

One `LiveHub` per replica holds the open streams' subscriptions. The routes subscribe
to it (`api/deps.py`: `LiveDep`); the background worker runs its LISTEN connection and
wakes the dispatcher with it (`app.py`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from msgplat.monitoring.live import LiveHub
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.runtime import ServiceRuntime


@asynccontextmanager
async def open_resources(runtime: ServiceRuntime) -> AsyncIterator[LiveHub]:
    """Entered by `create_service_app`'s lifespan; the hub's own connection is opened
    and closed by the background worker that runs it."""
    settings = cast(MonitoringSettings, runtime.settings)  # create_app() gave it these
    yield LiveHub(settings)
