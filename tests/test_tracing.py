"""One reservation is one trace, across every service, with real processes.

A platform of its own (database, broker, every service) exports its spans by OTLP to
a small collector in this test; the reservation's trace must hold spans of the
gateway, reservation, billing, send, stat and monitoring.
"""

from __future__ import annotations

import gzip
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from msgplat.devstack.broker import free_port
from msgplat_testsupport.stack import Stack, own_platform
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
    sink = OtlpSink()
    server = sink.serve()
    env = {
        "LOG_LEVEL": "WARNING",
        "OTEL_EXPORTER_OTLP_ENDPOINT": sink.url,
        "OTEL_BSP_SCHEDULE_DELAY": "200",  # export every 0.2 s, not 5 s
    }
    try:
        with own_platform(env) as (stack, _):
            yield stack, sink
    finally:
        server.shutdown()


def test_one_reservation_is_one_trace_across_every_service(
    traced: tuple[Stack, OtlpSink],
) -> None:
    stack, sink = traced
    trace_id = uuid.uuid4().hex
    with stack.operator_client(timeout=30) as api:
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
