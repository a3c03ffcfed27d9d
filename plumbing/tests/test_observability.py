"""Metrics at `/metrics` and traces that cross Kafka: what an operator sees."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from msgplat.contracts.events import ReservationRecipientsAdded
from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing import tracing
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.runtime import create_service_app
from msgplat_testsupport.waiting import eventually

from .conftest import USER_ID, Plumbing, chunk

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on, into memory, for this test only."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.use_tracer_provider(provider)
    try:
        yield exporter
    finally:
        tracing.use_tracer_provider(None)


def _span_named(exporter: InMemorySpanExporter, prefix: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name.startswith(prefix)]


async def test_an_event_emitted_in_a_traced_request_continues_its_trace_in_the_consumer(
    plumbing: Plumbing, spans: InMemorySpanExporter
) -> None:
    """The request's trace id goes into the outbox row, over Kafka as a header, and the
    consumer's span is a child of the request's span, in the same trace."""
    seen_in_handler: list[str | None] = []

    async def handler(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
        seen_in_handler.append(tracing.current_traceparent())

    app = FastAPI()
    app.add_middleware(tracing.TracingMiddleware)
    aggregate_id = uuid4()

    @app.post("/things/{thing_id}")
    async def emit(thing_id: str) -> dict[str, str]:
        async with plumbing.db.unit_of_work() as uow:
            uow.emit(chunk(aggregate_id, 0), aggregate_id=aggregate_id, user_id=USER_ID)
            await uow.commit()
        return {"ok": thing_id}

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        answer = await client.post(
            "/things/1", headers={"traceparent": f"00-{TRACE_ID}-{CALLER_SPAN}-01"}
        )
    assert answer.status_code == 200
    [server] = _span_named(spans, "POST")
    assert server.name == "POST /things/{thing_id}"  # the route template, not the path
    assert server.kind == SpanKind.SERVER
    assert f"{server.context.trace_id:032x}" == TRACE_ID
    assert server.parent is not None and f"{server.parent.span_id:016x}" == CALLER_SPAN

    outbox = plumbing.tables.outbox
    async with plumbing.db.engine.connect() as conn:
        headers = dict((await conn.execute(select(outbox.c.headers))).scalar_one())
    assert headers["traceparent"] == f"00-{TRACE_ID}-{server.context.span_id:016x}-01"

    relay = await plumbing.relay()
    await relay.publish_batch()
    consumer = plumbing.consumer("traced-group", handler)
    plumbing.start(consumer.run(), name="traced-consumer")
    await eventually(lambda: _async(bool(_span_named(spans, "consume"))), timeout_s=20)

    [consumed] = _span_named(spans, "consume")
    assert consumed.name == f"consume {ReservationRecipientsAdded.event_type}"
    assert consumed.kind == SpanKind.CONSUMER
    assert f"{consumed.context.trace_id:032x}" == TRACE_ID
    assert consumed.parent is not None and consumed.parent.span_id == server.context.span_id
    # What the handler emits carries the consumer's span: the trace goes on downstream.
    assert seen_in_handler == [f"00-{TRACE_ID}-{consumed.context.span_id:016x}-01"]


async def test_without_tracing_no_header_is_added(plumbing: Plumbing) -> None:
    """Tracing off (no OTLP endpoint): the outbox rows carry only the envelope headers."""
    assert not tracing.enabled()
    await plumbing.commit_events(uuid4(), [0])
    outbox = plumbing.tables.outbox
    async with plumbing.db.engine.connect() as conn:
        headers = dict((await conn.execute(select(outbox.c.headers))).scalar_one())
    assert set(headers) == set(EventEnvelope.HEADER_NAMES)


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _value(text: str, name: str, **labels: str) -> float | None:
    return _samples(text).get((name, frozenset(labels.items())))


async def test_metrics_show_the_outbox_backlog_consumers_and_requests(plumbing: Plumbing) -> None:
    """`/metrics` of a service: the outbox backlog goes up with committed events and
    back to zero once the relay has published them; the consumer counts what it
    applied and reports its lag; requests are counted by route template."""
    group = f"metrics-{uuid4().hex[:6]}"

    async def handler(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
        pass

    app = create_service_app(
        settings=plumbing.settings,
        tables=plumbing.tables,
        subscriptions={group: {ReservationRecipientsAdded: handler}},
        topics=ALL_TOPICS,
        title="metrics test",
    )
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    async def scrape() -> str:
        answer = await client.get("/metrics")
        assert answer.status_code == 200
        return answer.text

    # Before the service starts, nothing publishes: the committed events wait.
    await plumbing.commit_events(uuid4(), range(5))
    before = await scrape()
    assert _value(before, "outbox_backlog_events") == 5
    assert (_value(before, "outbox_oldest_unsent_age_seconds") or -1) >= 0
    applied_before = _value(before, "consumer_events_total", group=group, outcome="applied") or 0

    async with app.router.lifespan_context(app):

        async def drained() -> str | None:
            text = await scrape()
            applied = _value(text, "consumer_events_total", group=group, outcome="applied")
            backlog = _value(text, "outbox_backlog_events")
            return text if backlog == 0 and applied == applied_before + 5 else None

        after = await eventually(drained, timeout_s=30, interval_s=0.3)
        assert _value(after, "outbox_oldest_unsent_age_seconds") == 0
        lags = [
            value
            for (name, labels), value in _samples(after).items()
            if name == "consumer_lag_events" and ("group", group) in labels
        ]
        assert lags and all(lag == 0 for lag in lags)
        assert (
            _value(
                after,
                "http_request_duration_seconds_count",
                method="GET",
                route="/metrics",
                status="200",
            )
            or 0
        ) >= 2
        assert _value(after, "outbox_published_total") is not None
        await client.get("/no/such/path")
        assert _value(
            await scrape(),
            "http_request_duration_seconds_count",
            method="GET",
            route="unmatched",
            status="404",
        )
    await client.aclose()


async def _async(value: bool) -> bool:
    return value


async def test_a_service_whose_broker_is_down_stops_at_once(plumbing: Plumbing) -> None:
    """Shutdown does not wait out the grace period for work that never started (the
    broker side still connecting, consumers still joining)."""
    settings = plumbing.settings.model_copy(
        update={"kafka_bootstrap_servers": "127.0.0.1:9", "shutdown_grace_s": 20}
    )
    app = create_service_app(
        settings=settings,
        tables=plumbing.tables,
        subscriptions={"never-joins": {ReservationRecipientsAdded: _ignore}},
        topics=ALL_TOPICS,
        title="no broker",
    )
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0.5)  # it keeps trying to reach the broker
        stopping_at = time.monotonic()
    assert time.monotonic() - stopping_at < 3


async def _ignore(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
    pass
