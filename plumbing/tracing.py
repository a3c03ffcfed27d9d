"""OpenTelemetry tracing: one reservation is one trace, across HTTP and Kafka.

The W3C `traceparent` travels in HTTP headers between the gateway and the services,
and in a Kafka header of every event: `UnitOfWork.emit` stores the current one with
the outbox row, the relay sends it as a header, and the consumer runs each handler in
a span that is a child of it. So the events a handler emits continue the same trace.

Spans are exported by OTLP (HTTP) only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
Otherwise tracing is off: every helper here returns at once (one `is None` check),
and no span, context or header is made.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer, TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.metrics import route_template

log = get_logger(__name__)

TRACEPARENT = "traceparent"
_propagator = TraceContextTextMapPropagator()
_tracer: Tracer | None = None
_OFF = nullcontext()


def configure_tracing(
    service_name: str, endpoint: str | None = None, sample_ratio: float | None = None
) -> bool:
    """Export spans by OTLP when an endpoint is configured; True when tracing is on.

    `endpoint` is the collector's base URL (e.g. `http://otel-collector:4318`); without
    it, `OTEL_EXPORTER_OTLP_ENDPOINT` from the environment. Neither: tracing stays off.
    `sample_ratio` (else `OTEL_TRACES_SAMPLER_ARG`, else 1) is the share of new traces
    recorded; a request or event that arrives in a trace follows its parent's choice,
    so a reservation is traced across the services or not at all.
    """
    endpoint = endpoint or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if _tracer is not None or not endpoint:
        return _tracer is not None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    if sample_ratio is None:
        sample_ratio = float(os.environ.get("OTEL_TRACES_SAMPLER_ARG", "1"))
    provider = SdkTracerProvider(
        resource=Resource.create({"service.name": service_name}),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio)),
    )
    exporter = OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    use_tracer_provider(provider)
    log.info("tracing_enabled", otlp_endpoint=endpoint, sample_ratio=sample_ratio)
    return True


def use_tracer_provider(provider: TracerProvider | None) -> None:
    """Trace with `provider` (None: tracing off). Tests pass an in-memory one."""
    global _tracer
    _tracer = provider.get_tracer("msgplat") if provider is not None else None


def enabled() -> bool:
    return _tracer is not None


def current_traceparent() -> str | None:
    """The `traceparent` of the current span, to store with an event (None when off)."""
    if _tracer is None:
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def _parent(traceparent: str | None) -> Context | None:
    return _propagator.extract({TRACEPARENT: traceparent}) if traceparent else None


def span(
    name: str,
    *,
    parent: str | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: dict[str, Any] | None = None,
) -> Any:
    """A context manager: a span made current, child of `parent` (a `traceparent`)
    when given, else of the current span. Does nothing when tracing is off."""
    if _tracer is None:
        return _OFF
    return _tracer.start_as_current_span(
        name, context=_parent(parent), kind=kind, attributes=attributes
    )


def continue_trace(traceparent: str | None, name: str) -> Any:
    """A span in the trace of `traceparent` unless the current span is already in it
    (e.g. delivery reports, which reach the send service in the carrier's request)."""
    if _tracer is None or not traceparent:
        return _OFF
    current = trace.get_current_span().get_span_context()
    if current.is_valid and traceparent[3:35] == f"{current.trace_id:032x}":
        return _OFF
    return span(name, parent=traceparent)


def consumer_span(headers: Iterable[tuple[str, bytes]] | None, name: str, group: str) -> Any:
    """The span of one consumed event: a child of the `traceparent` it carries."""
    if _tracer is None:
        return _OFF
    return span(
        f"consume {name}",
        parent=traceparent_of(headers),
        kind=SpanKind.CONSUMER,
        attributes={"messaging.consumer.group.name": group, "messaging.system": "kafka"},
    )


@contextmanager
def batch_consumer_spans(events: list[tuple[str | None, str]], group: str) -> Iterator[None]:
    """One `consume <event>` span per event (its record's `traceparent`, its event type)
    of a batch applied at once: each a child of its own producer's span, so each stays in
    its reservation's trace, and each covering the batch's apply. None is made current:
    the batch's statements belong to no single trace (an event emitted there starts
    its own unless the handler continues one)."""
    if _tracer is None:
        yield
        return
    attributes: dict[str, Any] = {
        "messaging.consumer.group.name": group,
        "messaging.system": "kafka",
        "messaging.batch.message_count": len(events),
    }
    spans = [
        _tracer.start_span(
            f"consume {name}", context=_parent(tp), kind=SpanKind.CONSUMER, attributes=attributes
        )
        for tp, name in events
    ]
    try:
        yield
    except BaseException as exc:
        for each in spans:
            each.record_exception(exc)
            each.set_status(Status(StatusCode.ERROR, repr(exc)))
        raise
    finally:
        for each in spans:
            each.end()


def traceparent_of(headers: Iterable[tuple[str, bytes]] | None) -> str | None:
    """The `traceparent` a consumed record carries, if any."""
    for key, value in headers or ():
        if key == TRACEPARENT:
            return bytes(value).decode(errors="replace")
    return None


def outgoing_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`headers` for an outgoing HTTP call, with the current `traceparent` in place of
    any the caller had (when tracing is off, they go as they are)."""
    traceparent = current_traceparent()
    if traceparent is None:
        return headers
    kept = [(k, v) for k, v in headers if k.lower() not in (TRACEPARENT, "tracestate")]
    kept.append((TRACEPARENT, traceparent))
    return kept


class TracingMiddleware:
    """A server span per HTTP request, a child of the caller's `traceparent` if any
    (the gateway's span starts the trace). Named by the route template once routed."""

    def __init__(self, app: ASGIApp, route_of: Callable[[Scope], str] | None = None) -> None:
        self.app = app
        self.route_of = route_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _tracer is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        traceparent = None
        for key, value in scope.get("headers", ()):
            if key == b"traceparent":
                traceparent = value.decode("latin-1")
                break
        method = scope.get("method", "GET")
        with _tracer.start_as_current_span(
            method, context=_parent(traceparent), kind=SpanKind.SERVER
        ) as current:

            async def send_traced(message: Message) -> None:
                if message["type"] == "http.response.start":
                    current.set_attribute("http.response.status_code", message["status"])
                await send(message)

            try:
                await self.app(scope, receive, send_traced)
            finally:
                route = route_template(scope, self.route_of)
                current.update_name(f"{method} {route}")
                current.set_attribute("http.route", route)
                current.set_attribute("http.request.method", method)
