"""Every log line written inside a trace carries its trace id (and span id)."""

from __future__ import annotations

import logging

import structlog
from opentelemetry.sdk.trace import TracerProvider

from msgplat.plumbing import tracing
from msgplat.plumbing.logging import add_trace_context, configure_logging


def test_log_lines_carry_the_trace_id_of_the_current_span() -> None:
    configure_logging("trace-test", json=True)
    # Both pipelines have it: structlog's and the standard library's (aiokafka, uvicorn).
    assert add_trace_context in structlog.get_config()["processors"]
    (handler,) = logging.getLogger().handlers
    assert add_trace_context in handler.formatter.foreign_pre_chain  # type: ignore[union-attr]

    tracing.use_tracer_provider(TracerProvider())
    try:
        with tracing.span("work") as current:
            inside = add_trace_context(None, "info", {"event": "inside"})
        context = current.get_span_context()
        outside = add_trace_context(None, "info", {"event": "outside"})
    finally:
        tracing.use_tracer_provider(None)
    assert inside["trace_id"] == f"{context.trace_id:032x}"
    assert inside["span_id"] == f"{context.span_id:016x}"
    assert "trace_id" not in outside
