"""One reservation is one trace, across every service, with real processes.

A platform of its own (database, broker, every service) exports its spans by OTLP to
a small collector in this test; the reservation's trace must hold spans of the
gateway, reservation, billing, send, stat and monitoring.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from msgplat.contracts.migrations import SERVICES_WITH_TABLES, upgrade
from msgplat.devstack.broker import free_port
from msgplat.devstack.postgres import drop_database, ensure_database
from msgplat_testsupport.brokers import running_broker
from msgplat_testsupport.databases import fresh_database_url, postgres_server_url
from msgplat_testsupport.senders import approve_callback_numbers
from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import wait_until

pytestmark = pytest.mark.e2e

TRACED = {"gateway", "reservation", "billing", "send", "stat", "monitoring"}


@dataclass(frozen=True)
class ExportedSpan:
    service: str
    trace_id: str
    name: str


@dataclass
class OtlpSink:
    """An OTLP/HTTP trace receiver that keeps what it is sent."""

    port: int = field(default_factory=free_port)
    spans: list[ExportedSpan] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self) -> ThreadingHTTPServer:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                request = ExportTraceServiceRequest.FromString(body)
                for resource_spans in request.resource_spans:
                    attributes = {
                        a.key: a.value.string_value for a in resource_spans.resource.attributes
                    }
                    for scope_spans in resource_spans.scope_spans:
                        sink.spans += [
                            ExportedSpan(
                                attributes.get("service.name", "?"), s.trace_id.hex(), s.name
                            )
                            for s in scope_spans.spans
                        ]
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


@pytest.fixture(scope="module")
def traced() -> Iterator[tuple[Stack, OtlpSink]]:
    """A platform of its own with tracing on (its consumer groups must not be shared
    with the untraced `stack`)."""
    url = fresh_database_url(postgres_server_url())
    asyncio.run(ensure_database(url))
    for service in SERVICES_WITH_TABLES:
        upgrade(service, url)
    sink = OtlpSink()
    server = sink.serve()
    try:
        with running_broker() as broker:
            stack = Stack(
                env={
                    "DATABASE_URL": url,
                    "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
                    "LOG_LEVEL": "WARNING",
                    "OTEL_EXPORTER_OTLP_ENDPOINT": sink.url,
                    "OTEL_BSP_SCHEDULE_DELAY": "200",  # export every 0.2 s, not 5 s
                }
            )
            try:
                stack.start()
                yield stack, sink
            finally:
                stack.stop()
    finally:
        server.shutdown()
        asyncio.run(drop_database(url))


def test_one_reservation_is_one_trace_across_every_service(
    traced: tuple[Stack, OtlpSink],
) -> None:
    stack, sink = traced
    trace_id = uuid.uuid4().hex
    with httpx.Client(
        base_url=stack.gateway_url,
        headers=stack.operator_headers,
        timeout=30,
        event_hooks={
            "request": [approve_callback_numbers(stack.gateway_url, stack.operator_headers)]
        },
    ) as api:
        user = f"trace-{uuid.uuid4().hex[:8]}"
        assert api.post("/billings/topups", json={"userId": user, "amount": 10_000}).is_success
        created = api.post(
            "/msgReqs",
            headers={"traceparent": f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"},
            json={
                "userId": user,
                "msgTitle": "traced",
                "msgContent": "one trace",
                "dstNum": ["01012345671", "01012345681"],
                "callbackNum": "0212345678",
            },
        )
        assert created.status_code == 201, created.text
        rid = created.json()["id"]
        wait_until(
            lambda: api.get(f"/msgReqs/{rid}").json()["status"] == "completed",
            timeout_s=60,
            interval_s=0.1,
        )

    expected = {
        ("gateway", "POST /msgReqs/*"),  # the gateway labels by the public prefix
        ("reservation", "POST /msgReqs"),
        ("send", "send reservation"),
        ("send", "carrier submit"),
        ("send", "record results"),  # the delivery reports joined the trace
    }

    def seen() -> set[tuple[str, str]]:
        return {(s.service, s.name) for s in list(sink.spans) if s.trace_id == trace_id}

    def complete() -> bool:
        names = seen()
        consumed = {s for s, n in names if n.startswith("consume ")}
        return expected <= names and consumed >= {"billing", "stat", "monitoring", "send"}

    try:
        wait_until(complete, timeout_s=30, interval_s=0.2)
    except AssertionError:
        pytest.fail(f"the trace is incomplete; it has {sorted(seen())}")
    assert {service for service, _ in seen()} == TRACED
