"""The gateway: `uvicorn msgplat.gateway.app:create_app --factory --port 8088`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy.ext.asyncio import AsyncEngine
from tenacity import AsyncRetrying, wait_exponential_jitter

from msgplat.gateway import accounts
from msgplat.gateway.api import auth, customers, docs, forward, health, keys, stream_tickets
from msgplat.gateway.api.deps import operator_identity
from msgplat.gateway.auth import Authenticator, RateLimiter
from msgplat.gateway.body_limit import BodyLimitMiddleware
from msgplat.gateway.dashboard import Dashboard
from msgplat.gateway.openapi import OpenApiMerger
from msgplat.gateway.passwords import PasswordVerifier
from msgplat.gateway.proxy import Proxy
from msgplat.gateway.routing import public_route
from msgplat.gateway.settings import GatewaySettings, get_settings
from msgplat.plumbing.api import operation_id
from msgplat.plumbing.db import create_engine
from msgplat.plumbing.errors import install_error_handlers
from msgplat.plumbing.logging import configure_logging, get_logger
from msgplat.plumbing.metrics import HttpMetricsMiddleware, metrics_router
from msgplat.plumbing.middleware import RequestIdMiddleware
from msgplat.plumbing.responses import error_responses
from msgplat.plumbing.schema_gate import SchemaGate
from msgplat.plumbing.tracing import TracingMiddleware, configure_tracing

log = get_logger(__name__)

TITLE = "Message reservation platform"
# What the gateway's own operations may answer (they pass nothing on: no 503 or 504).
OWN_RESPONSES = error_responses(400, 401, 403, 404, 413, 422, 429)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    tracing_on = configure_tracing(settings.service_name)  # OTEL_EXPORTER_OTLP_ENDPOINT set
    proxy = Proxy(settings)
    engine = create_engine(
        settings.database_url,
        application_name=settings.service_name,
        pool_size=settings.db_pool_size,
        pool_pre_ping=True,
    )
    passwords = PasswordVerifier(settings.login_hash_workers)
    schema = SchemaGate(engine, settings.service_name)
    started = asyncio.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # In the background: the process serves its probes (not ready, saying why) while
        # the migration Job has not run yet, instead of crashing in a loop.
        starting = asyncio.create_task(_start(settings, engine, schema, started))
        yield
        starting.cancel()
        await proxy.close()
        passwords.close()
        await engine.dispose()

    # The merged document replaces FastAPI's own (see api/docs.py). The routes reach
    # what is kept in `app.state` through the typed dependencies of api/deps.py.
    app = FastAPI(
        title=TITLE,
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.schema = schema
    app.state.started = started
    app.state.proxy = proxy
    app.state.authenticator = Authenticator(settings, engine)
    app.state.rate_limiter = RateLimiter(settings)
    app.state.passwords = passwords
    app.state.dashboard = Dashboard(settings.frontend_dir)
    # Innermost of the middlewares: a 413 is counted, logged and has a request id.
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    if tracing_on:
        app.add_middleware(TracingMiddleware, route_of=public_route)  # the trace's root span
    app.add_middleware(HttpMetricsMiddleware, route_of=public_route)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    # Before the catch-all; the gateway's port is public, so operators only (Prometheus
    # scrapes it with an operator's key: k8s/base/observability/pod-monitor.yaml).
    app.include_router(
        metrics_router(lambda: [proxy.report_circuits], dependencies=[Depends(operator_identity)])
    )
    for module in (auth, keys, customers, stream_tickets):
        app.include_router(module.router, responses=OWN_RESPONSES)
    for module in (health, docs):
        app.include_router(module.router)
    app.include_router(forward.router)  # the catch-all: last
    own = get_openapi(title=TITLE, version="1.0.0", routes=app.routes)
    app.state.openapi = OpenApiMerger(own, settings.upstreams(), settings.openapi_cache_s)
    return app


async def _start(
    settings: GatewaySettings, engine: AsyncEngine, schema: SchemaGate, started: asyncio.Event
) -> None:
    """Once the database has the gateway's schema, the accounts the environment names;
    retried while the database is unreachable. Ready only after both."""
    await schema.wait()
    async for attempt in AsyncRetrying(wait=wait_exponential_jitter(multiplier=0.2, max=5)):
        with attempt:
            await _bootstrap_accounts(settings, engine)
    started.set()


async def _bootstrap_accounts(settings: GatewaySettings, engine: AsyncEngine) -> None:
    """The accounts named by the environment: the demo customer and the first operator."""
    if settings.demo_api_key is not None:
        password = settings.demo_password.get_secret_value() if settings.demo_password else None
        await accounts.ensure_account(
            engine,
            user_id="demo",
            role="customer",
            api_key=settings.demo_api_key.get_secret_value(),
            password=password,
        )
        log.info("demo_customer_ready", user_id="demo")
    if settings.operator_api_key is not None:
        await accounts.ensure_account(
            engine,
            user_id="operator",
            role="operator",
            api_key=settings.operator_api_key.get_secret_value(),
        )
        log.info("operator_account_ready", user_id="operator")
