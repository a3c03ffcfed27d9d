"""The long-lived parts of a service, built in one place and started by its lifespan.

`ServiceRuntime` owns the database, the Kafka producer, the outbox relay and the
idempotent consumers. `create_service_app` wraps it in a FastAPI app with the
health routes, `/metrics`, the request id, metrics and tracing middleware and the
shared error handlers, so each service's `app.py` only says what is its own:
settings, tables, routes, consumers.

Graceful shutdown (SIGTERM: uvicorn stops taking connections, lets the requests in
hand finish, then runs the lifespan's shutdown): the background worker (e.g. the
sender) and the consumers are asked to stop after the work in hand, which they
commit; then the relay publishes what was committed and stops; then the producer
and the database pool close. Whatever is still running after `SHUTDOWN_GRACE_S` is
cancelled: its transaction rolls back and it is redone after the restart (every
step is idempotent), so a stop at any moment loses and doubles nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Coroutine,
    Mapping,
    Sequence,
)
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager, suppress
from functools import partial
from typing import Annotated, Any, TypeVar

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, Request

from msgplat.plumbing.api import operation_id
from msgplat.plumbing.consumer import Batched, DeadLetterReaction, Handler, IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import Event
from msgplat.plumbing.errors import install_error_handlers
from msgplat.plumbing.health import health_router
from msgplat.plumbing.kafka import ensure_topics, make_producer
from msgplat.plumbing.logging import configure_logging, get_logger
from msgplat.plumbing.metrics import (
    RESTARTS,
    HttpMetricsMiddleware,
    ScrapeHook,
    metrics_router,
)
from msgplat.plumbing.middleware import RequestIdMiddleware
from msgplat.plumbing.outbox import OutboxRelay
from msgplat.plumbing.responses import PUBLIC_RESPONSES
from msgplat.plumbing.schema_gate import SchemaGate
from msgplat.plumbing.settings import ServiceSettings
from msgplat.plumbing.tables import PlumbingTables
from msgplat.plumbing.tracing import TracingMiddleware, configure_tracing
from msgplat.plumbing.workers import WorkerHealth

log = get_logger(__name__)

BACKGROUND = "background"  # the name of the background work in `down` and the metrics

# consumer group name -> {event class -> handler}
Subscriptions = Mapping[str, Mapping[type[Event], Handler | Batched]]
# event class -> what the service does when one is dead-lettered (in every group)
DeadLetterReactions = Mapping[type[Event], DeadLetterReaction]


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        tables: PlumbingTables,
        subscriptions: Subscriptions,
        topics: Sequence[str],
        on_dead_letter: DeadLetterReactions | None = None,
        loop_per_topic: Collection[str] = (),
    ) -> None:
        self.settings = settings
        # Every topic of the platform (the app's `contracts.topics.ALL_TOPICS`): created at
        # start, so that no consumer waits for a topic its producer has not made yet.
        self.topics = tuple(topics)
        self.db = Database(settings, tables)
        # Not ready, and no consumer or relay, while the schema is behind the code.
        self.schema = SchemaGate(self.db.engine, settings.service_name)
        # The relay owns the producer: it rebuilds it after a failed publish.
        self.relay = OutboxRelay(
            self.db, make_producer(settings), producer_factory=lambda: make_producer(settings)
        )
        self.consumers = [
            IdempotentConsumer(
                self.db,
                group_id=group,
                handlers=handlers,
                on_dead_letter=on_dead_letter,
                loop_per_topic=group in loop_per_topic,
            )
            for group, handlers in subscriptions.items()
        ]
        self.producer_started = asyncio.Event()
        # Set when the service is shutting down: background workers end their work in
        # hand and return.
        self.stopping = asyncio.Event()
        # Run before `/metrics` answers, to refresh the gauges that cost a query.
        self.scrape_hooks: list[ScrapeHook] = [
            self.relay.report_backlog,
            *(c.report_lag for c in self.consumers),
        ]
        self._tasks: list[asyncio.Task[Any]] = []
        self._connect_task: asyncio.Task[None] | None = None
        self._relay_task: asyncio.Task[None] | None = None
        self._consumer_tasks: dict[IdempotentConsumer, asyncio.Task[None]] = {}
        # Supervised work (a consumer, the background work) -> why it is down, while it
        # waits to be started again (`_run_restarting`).
        self.down: dict[str, str] = {}
        self.has_background = False
        # The workers that report their rounds (`watch`), by name.
        self.workers: dict[str, WorkerHealth] = {}
        self.scrape_hooks.append(self._report_workers)

    @property
    def producer(self) -> AIOKafkaProducer:
        """The producer the relay publishes with now (it may have been rebuilt)."""
        return self.relay.producer

    async def start(self) -> None:
        """Start serving at once; the broker side connects in the background.

        A service whose broker is down still takes requests: its events wait in
        the outbox until the relay can publish them.
        """
        self._connect_task = asyncio.create_task(self._connect_then_run(), name="broker-side")
        self._tasks = [self._connect_task]

    async def _connect_then_run(self) -> None:
        """Create the topics, start the producer, then the relay and the consumers.

        Consumers start after the topics exist: a consumer subscribed to a missing
        topic would not see it until its next metadata refresh. Nothing starts before
        the database has the schema revision the code needs (plumbing/schema_gate.py).
        """
        await self.schema.wait()
        await self._connect_producer()
        self._relay_task = asyncio.create_task(self.relay.run(), name="outbox-relay")
        self._consumer_tasks = {
            c: asyncio.create_task(self._supervise(c), name=f"consumer-{c.group_id}")
            for c in self.consumers
        }
        self._tasks += [self._relay_task, *self._consumer_tasks.values()]

    async def _supervise(self, consumer: IdempotentConsumer) -> None:
        """Run a consumer, started again if it dies (`consumer_state` says it is down)."""
        await self._run_restarting(
            f"consumer:{consumer.group_id}",
            consumer.run,  # returns once asked to stop
            stopped=lambda: self.stopping.is_set() or consumer.stopping.is_set(),
        )

    async def supervise_background(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run the service's background work (`create_service_app(background=...)`),
        started again if it dies (`background_state` says it is down). One that returns
        has done its work (e.g. the demo accounts opened) and is not run again."""
        self.has_background = True
        await self._run_restarting(BACKGROUND, work, stopped=self.stopping.is_set)

    async def _run_restarting(
        self, name: str, work: Callable[[], Awaitable[None]], *, stopped: Callable[[], bool]
    ) -> None:
        """Run `work` until it returns; if it dies of an error, it is `down[name]` (for
        readiness) and counted, and runs again after 0.5 s doubling to 30 s."""
        delay = 0.5
        while not stopped():
            try:
                await work()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.down[name] = f"down: {exc!r}"[:300]
                RESTARTS.labels(name).inc()
                log.error("work_died", work=name, error=repr(exc), restart_in_s=delay)
            with suppress(TimeoutError):  # a service stopping meanwhile waits no longer
                await asyncio.wait_for(self.stopping.wait(), timeout=delay)
            delay = min(delay * 2, 30.0)
            self.down.pop(name, None)

    def background_state(self) -> str | None:
        """For readiness: "ok", or why the background work is down; None: there is none."""
        return self.down.get(BACKGROUND, "ok") if self.has_background else None

    def watch(self, *workers: WorkerHealth) -> None:
        """List these workers in readiness and `/metrics` (one of the same name that ran
        before a restart is replaced)."""
        self.workers.update((w.name, w) for w in workers)

    async def _report_workers(self) -> None:
        for worker in self.workers.values():
            worker.report()

    def consumer_state(self, consumer: IdempotentConsumer) -> str:
        """For readiness: "ok" once it holds its partitions, else what it waits for."""
        if (down := self.down.get(f"consumer:{consumer.group_id}")) is not None:
            return down
        if consumer.assigned.is_set():
            return "ok"
        if consumer.started.is_set():
            return f"waiting for partitions of {consumer.group_id}"
        return "joining"

    async def _connect_producer(self) -> None:
        delay = 0.2
        while True:
            try:
                await ensure_topics(self.settings, self.topics)
                await self.producer.start()
                break
            except Exception as exc:
                log.warning("broker_unavailable", error=repr(exc), retry_in_s=delay)
                await self.producer.stop()
                self.relay.producer = make_producer(self.settings)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.producer_started.set()

    async def stop(self, *, workers: Sequence[asyncio.Task[Any]] = ()) -> None:
        """Stop gracefully within `shutdown_grace_s` (see the module's docstring).

        `workers` (background tasks that watch `stopping`) end first, with the
        consumers; the relay last, so that it publishes what they committed.
        """
        deadline = asyncio.get_running_loop().time() + self.settings.shutdown_grace_s
        self.stopping.set()
        if self._connect_task is not None:  # still connecting to the broker: nothing in hand
            self._connect_task.cancel()
        for consumer, task in self._consumer_tasks.items():
            consumer.stop()
            if not consumer.assigned.is_set():
                task.cancel()  # joining its group or restarting: nothing in hand
        await _finish_or_cancel([*workers, *self._consumer_tasks.values()], deadline)
        if self._relay_task is not None and not self._relay_task.done():
            self.relay.stop()
            await _finish_or_cancel([self._relay_task], deadline)
        await _finish_or_cancel(self._tasks, deadline)  # e.g. still connecting to the broker
        with suppress(Exception):
            async with asyncio.timeout(max(1.0, deadline - asyncio.get_running_loop().time())):
                await self.producer.stop()
        await self.db.dispose()


async def _finish_or_cancel(tasks: Sequence[asyncio.Task[Any]], deadline: float) -> None:
    """Wait for `tasks` until `deadline` (loop time), then cancel what still runs."""
    pending = [t for t in tasks if not t.done()]
    if pending:
        timeout = max(0.0, deadline - asyncio.get_running_loop().time())
        _, late = await asyncio.wait(pending, timeout=timeout)
        for task in late:
            log.warning("shutdown_grace_exceeded", task=task.get_name())
            task.cancel()
    for task in tasks:
        with suppress(asyncio.CancelledError, Exception):
            await task


R = TypeVar("R")

# Opens a service's long-lived clients (e.g. send's carrier router) once the runtime
# exists, and closes them after the workers and consumers have stopped.
ResourcesFactory = Callable[[ServiceRuntime], AbstractAsyncContextManager[R]]
Background = Callable[[ServiceRuntime, R], Coroutine[Any, Any, None]]


@asynccontextmanager
async def no_resources(runtime: ServiceRuntime) -> AsyncIterator[None]:
    yield None


def create_service_app(
    *,
    settings: ServiceSettings,
    tables: PlumbingTables,
    routers: Sequence[APIRouter] = (),
    subscriptions: Subscriptions | None = None,
    on_dead_letter: DeadLetterReactions | None = None,
    loop_per_topic: Collection[str] = (),
    topics: Sequence[str],
    title: str,
    resources: ResourcesFactory[R] = no_resources,  # type: ignore[assignment]
    background: Background[R] | None = None,
    background_graceful: bool = False,
    scrape_hooks: Callable[[ServiceRuntime], list[ScrapeHook]] | None = None,
) -> FastAPI:
    """`topics` are every topic of the platform (`contracts.topics.ALL_TOPICS`), created
    at start; plumbing names none itself. `on_dead_letter` says what the service does
    when an event of a class is dead-lettered (see `plumbing.consumer`); the groups in
    `loop_per_topic` poll and apply each topic in a loop of its own.

    `resources(runtime)` opens the service's long-lived clients at start-up; what it
    yields is `app.state.resources` (reached by routes through a typed dependency, see
    each service's `api/deps.py`) and is handed to `background`. It is closed last.

    `background`, if given, runs as a task beside the consumers (e.g. a scheduler),
    started again if it dies of an error (`supervise_background`).
    On shutdown it is cancelled first, unless `background_graceful`: then it returns
    by itself once `runtime.stopping` is set, finishing its work in hand (it is still
    cancelled if it overruns `shutdown_grace_s`). `scrape_hooks` refresh gauges before
    `/metrics` answers (e.g. `StateCounts`)."""
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    tracing_on = configure_tracing(
        settings.service_name,
        settings.otel_exporter_otlp_endpoint,
        settings.otel_traces_sampler_arg,
    )
    runtime = ServiceRuntime(
        settings, tables, subscriptions or {}, topics, on_dead_letter, loop_per_topic
    )
    runtime.scrape_hooks += scrape_hooks(runtime) if scrape_hooks else []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            opened = await stack.enter_async_context(resources(runtime))
            app.state.resources = opened
            await runtime.start()
            worker = (
                asyncio.create_task(
                    runtime.supervise_background(partial(background, runtime, opened)),
                    name="background",
                )
                if background
                else None
            )
            log.info("service_started")
            yield
            log.info("service_stopping", grace_s=settings.shutdown_grace_s)
            if worker is not None and not background_graceful:
                worker.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await worker
            await runtime.stop(workers=[worker] if worker is not None else [])
        log.info("service_stopped")

    app = FastAPI(title=title, lifespan=lifespan, generate_unique_id_function=operation_id)
    app.state.runtime = runtime
    app.state.settings = settings
    if tracing_on:  # off: not even a pass-through layer
        app.add_middleware(TracingMiddleware)
    app.add_middleware(HttpMetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(metrics_router(lambda: runtime.scrape_hooks))
    for router in routers:  # public behind the gateway: each documents what it may answer
        app.include_router(router, responses=PUBLIC_RESPONSES)
    return app


async def get_runtime(request: Request) -> ServiceRuntime:  # async: no worker thread
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]
