"""Prometheus metrics: what every service exposes at `/metrics`.

One process per pod, so the default registry is used. Counters are incremented where
the work is done (by batch, not per message); gauges that cost a query (outbox
backlog, saga instances per state) and the consumer lag are refreshed when Prometheus
scrapes, by the hooks `create_service_app` runs before it answers `/metrics`.

Names (each also in the Grafana dashboard and alerts under `k8s/base/observability`):

- `http_request_duration_seconds{method,route,status}`: a histogram; its `_count` is
  the request rate. `route` is the route template (`/msgReqs/{reservation_id}`), never
  the raw path, so the number of series stays bounded.
- `outbox_backlog_events`, `outbox_oldest_unsent_age_seconds`, `outbox_published_total`,
  `outbox_publish_failures_total`.
- `consumer_lag_events{group,topic,partition}`, `consumer_events_total{group,outcome}`
  with outcome `applied`, `duplicate` or `dead_lettered`.
- `send_messages_total{carrier,outcome}`: `submitted`, `rejected`, `delivered`,
  `failed`, `cancelled` (send service).
- `carrier_request_duration_seconds{carrier,result}`: a histogram of the calls to a
  carrier's submit API; `result` is the HTTP status, or `timeout`, `unreachable`,
  `connection_lost` (send service).
- `carrier_message_results_total{carrier,code}`: per message of a submit, `accepted` or
  the carrier's rejection code (send service).
- `saga_instances{saga,state}`: rows per state of a service's long-running processes.
- `circuit_breaker_state{upstream}`: 0 closed, 1 half-open, 2 open.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import ColumnElement, func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msgplat.plumbing.logging import get_logger

if TYPE_CHECKING:
    from msgplat.plumbing.db import Database

log = get_logger(__name__)

HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP requests by method, route template and status, and how long they took",
    ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_BACKLOG = Gauge("outbox_backlog_events", "Outbox rows not yet published")
OUTBOX_AGE = Gauge(
    "outbox_oldest_unsent_age_seconds", "Age of the oldest unpublished outbox row (0: none)"
)
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published to Kafka")
OUTBOX_FAILURES = Counter("outbox_publish_failures_total", "Outbox batches that failed to publish")
OUTBOX_PARKED = Counter(
    "outbox_parked_total",
    "Outbox rows the broker refused for good (too large, topic refused), moved to "
    "outbox_parked: their key waits until an operator retries or discards them",
)
OUTBOX_PARKED_ROWS = Gauge("outbox_parked_rows", "Rows in outbox_parked now")
CONSUMER_LAG = Gauge(
    "consumer_lag_events",
    "Events on the partition not yet consumed by the group (high watermark - position)",
    ["group", "topic", "partition"],
)
CONSUMER_EVENTS = Counter(
    "consumer_events_total",
    "Events a consumer group took: applied, duplicate (already in the inbox), dead_lettered",
    ["group", "outcome"],
)
SEND_MESSAGES = Counter(
    "send_messages_total",
    "Messages per carrier: submitted (accepted at submit), rejected at submit, then "
    "delivered, failed or cancelled",
    ["carrier", "outcome"],
)
CARRIER_REQUESTS = Histogram(
    "carrier_request_duration_seconds",
    "Calls to a carrier's submit API by carrier and result (HTTP status, timeout, "
    "unreachable, connection_lost), and how long they took",
    ["carrier", "result"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CARRIER_REPORTS_REFUSED = Counter(
    "send_carrier_reports_refused_total",
    "Delivery reports refused, by the carrier whose path they came on and why: token "
    "(not its callback token), source (not from its addresses), other_carrier (a message "
    "it does not hold; the message is left as it was)",
    ["carrier", "reason"],
)
CARRIER_RESULTS = Counter(
    "carrier_message_results_total",
    "Messages a carrier answered at submit: accepted, or its rejection code",
    ["carrier", "code"],
)
LISTENING = Gauge(
    "pg_listener_connected",
    "1 while a PostgreSQL LISTEN connection is open (the live view, send's wake-up)",
    ["listener"],
)
SEND_JOBS_RUNNING = Gauge(
    "send_jobs_running",
    "Jobs this replica is sending now, per lane (priority: the PRIORITY_PURPOSES)",
    ["lane"],
)
WORKER_SINCE_ROUND = Gauge(
    "worker_seconds_since_round",
    "Seconds since a background worker last finished a round, done or failed (send's "
    "scheduler, its housekeeping, the notice sender, monitoring's webhook dispatcher): "
    "growing, it is stuck",
    ["worker"],
)
WORKER_ROUND_FAILURES = Counter(
    "worker_round_failures_total", "Rounds of a background worker that failed", ["worker"]
)
RESTARTS = Counter(
    "work_restarts_total",
    "Times supervised work died of an error and was started again: the service's "
    "background work (work=background) or a consumer (work=consumer:<group>)",
    ["work"],
)
SAGA_INSTANCES = Gauge("saga_instances", "Instances of a saga per state", ["saga", "state"])
CIRCUIT_STATE = Gauge(
    "circuit_breaker_state",
    "Circuit breaker per upstream: 0 closed, 1 half-open, 2 open",
    ["upstream"],
)
BREAKER_STATES = {"closed": 0, "half-opened": 1, "opened": 2}

ScrapeHook = Callable[[], Awaitable[None]]
"""Refreshes some gauges just before `/metrics` answers."""


def report_breaker(upstream: str, context: Any) -> None:
    """Set `circuit_breaker_state` from a purgatory breaker's context. An open circuit
    past its open time lets the next call through: it counts as half-open."""
    state = BREAKER_STATES.get(context.state, 2)
    if state == 2 and (context.opened_at or 0) + context.ttl < time.time():
        state = 1
    CIRCUIT_STATE.labels(upstream).set(state)


def route_template(scope: Scope, route_of: Callable[[Scope], str] | None = None) -> str:
    """The matched route's template (once routed); for no route, or a catch-all
    `{...:path}` route, what `route_of` says (default `unmatched`)."""
    template: str | None = getattr(scope.get("route"), "path", None)
    if template is None or (route_of is not None and template.endswith(":path}")):
        return route_of(scope) if route_of is not None else "unmatched"
    return template


class HttpMetricsMiddleware:
    """Times every HTTP request and counts it by method, route template and status.

    Pure ASGI and cheap: the route template is read from the scope after routing
    (FastAPI leaves the matched route there), and the labelled histogram children are
    cached, so a request costs one dict lookup and one observation. Requests that no
    route matched are labelled `unmatched`; `route_of` may name them otherwise (the
    gateway's proxied paths by their public prefix).
    """

    def __init__(self, app: ASGIApp, route_of: Callable[[Scope], str] | None = None) -> None:
        self.app = app
        self.route_of = route_of
        self._children: dict[tuple[str, str, int], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            key = (scope["method"], route_template(scope, self.route_of), status)
            child = self._children.get(key)
            if child is None:
                child = self._children[key] = HTTP_DURATION.labels(*key)
            child.observe(time.perf_counter() - started)


class StateCounts:
    """`saga_instances{saga=..., state=...}` from one grouped COUNT, cached `ttl_s`."""

    def __init__(self, db: Database, saga: str, state: ColumnElement[Any], ttl_s: float = 5.0):
        self.db = db
        self.saga = saga
        self.state = state
        self.ttl_s = ttl_s
        self._at = 0.0
        self._seen: set[str] = set()

    async def __call__(self) -> None:
        if time.monotonic() - self._at < self.ttl_s:
            return
        self._at = time.monotonic()
        async with self.db.engine.connect() as conn:
            counts = dict(
                (await conn.execute(select(self.state, func.count()).group_by(self.state))).all()
            )
        for state in self._seen - counts.keys():
            SAGA_INSTANCES.labels(self.saga, state).set(0)
        for state, count in counts.items():
            SAGA_INSTANCES.labels(self.saga, str(state)).set(count)
        self._seen |= {str(s) for s in counts}


def metrics_router(
    hooks: Callable[[], list[ScrapeHook]], dependencies: Sequence[Any] = ()
) -> APIRouter:
    """`GET /metrics`: runs the scrape hooks (each may fail alone), then the registry.

    `dependencies` guard it where the port is public (the gateway: operators only)."""
    router = APIRouter(dependencies=list(dependencies))

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        for hook in hooks():
            try:
                async with asyncio.timeout(2):
                    await hook()
            except Exception as exc:  # e.g. the database is down: the rest still answers
                log.warning("metrics_refresh_failed", hook=repr(hook), error=repr(exc))
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return router
