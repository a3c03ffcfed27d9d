"""The gateway: `uvicorn msgplat.gateway.app:create_app --factory --port 8088`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from msgplat.gateway.proxy import Proxy
from msgplat.gateway.routes import router
from msgplat.gateway.settings import GatewaySettings, get_settings
from msgplat.plumbing.logging import configure_logging
from msgplat.plumbing.middleware import RequestIdMiddleware


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    proxy = Proxy(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await proxy.close()

    app = FastAPI(title="Message reservation platform", lifespan=lifespan)
    app.state.proxy = proxy
    app.add_middleware(RequestIdMiddleware)
    app.include_router(router)
    return app
