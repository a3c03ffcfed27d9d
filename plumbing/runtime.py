"""The long-lived parts of a service, built in one place and started by its lifespan.

`ServiceRuntime` owns the database, the Kafka producer, the outbox relay and the
idempotent consumers. `create_service_app` wraps it in a FastAPI app with the
health routes, the request id middleware and the shared error handlers, so each
service's `app.py` only says what is its own: settings, tables, routes, consumers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Annotated, Any

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, Request

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.consumer import Handler, IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import Event
from msgplat.plumbing.errors import install_error_handlers
from msgplat.plumbing.health import health_router
from msgplat.plumbing.kafka import ensure_topics, make_producer
from msgplat.plumbing.logging import configure_logging, get_logger
from msgplat.plumbing.middleware import RequestIdMiddleware
from msgplat.plumbing.outbox import OutboxRelay
from msgplat.plumbing.settings import ServiceSettings
from msgplat.plumbing.tables import PlumbingTables

log = get_logger(__name__)

# consumer group name -> {event class -> handler}
Subscriptions = Mapping[str, Mapping[type[Event], Handler]]


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        tables: PlumbingTables,
        subscriptions: Subscriptions,
    ) -> None:
        self.settings = settings
        self.db = Database(settings, tables)
        self.producer: AIOKafkaProducer = make_producer(settings)
        self.relay = OutboxRelay(self.db, self.producer)
        self.consumers = [
            IdempotentConsumer(self.db, group_id=group, handlers=handlers)
            for group, handlers in subscriptions.items()
        ]
        self.producer_started = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []

    async def start(self) -> None:
        """Start serving at once; the broker side connects in the background.

        A service whose broker is down still takes requests: its events wait in
        the outbox until the relay can publish them.
        """
        self._tasks = [asyncio.create_task(self._connect_then_run(), name="broker-side")]

    async def _connect_then_run(self) -> None:
        """Create the topics, start the producer, then the relay and the consumers.

        Consumers start after the topics exist: a consumer subscribed to a missing
        topic would not see it until its next metadata refresh.
        """
        await self._connect_producer()
        self._tasks += [
            asyncio.create_task(self.relay.run(), name="outbox-relay"),
            *(asyncio.create_task(c.run(), name=f"consumer-{c.group_id}") for c in self.consumers),
        ]

    async def _connect_producer(self) -> None:
        delay = 0.2
        while True:
            try:
                await ensure_topics(self.settings, ALL_TOPICS)
                await self.producer.start()
                break
            except Exception as exc:
                log.warning("broker_unavailable", error=repr(exc), retry_in_s=delay)
                await self.producer.stop()
                self.producer = make_producer(self.settings)
                self.relay.producer = self.producer
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.producer_started.set()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task
        await self.producer.stop()
        await self.db.dispose()


def create_service_app(
    *,
    settings: ServiceSettings,
    tables: PlumbingTables,
    routers: Sequence[APIRouter] = (),
    subscriptions: Subscriptions | None = None,
    title: str,
    background: Callable[[ServiceRuntime], Coroutine[Any, Any, None]] | None = None,
) -> FastAPI:
    """`background`, if given, runs as a task beside the consumers (e.g. a scheduler)
    and is cancelled first on shutdown."""
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    runtime = ServiceRuntime(settings, tables, subscriptions or {})

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        worker = asyncio.create_task(background(runtime)) if background else None
        log.info("service_started")
        yield
        if worker is not None:
            worker.cancel()
            with suppress(asyncio.CancelledError):
                await worker
        await runtime.stop()
        log.info("service_stopped")

    app = FastAPI(title=title, lifespan=lifespan)
    app.state.runtime = runtime
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(health_router)
    for router in routers:
        app.include_router(router)
    return app


def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]
