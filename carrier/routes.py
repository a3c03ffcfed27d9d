"""The public carrier API: `POST /v1/messages` (batch submit) and the health probes.

The submit path is kept cheap for throughput: the body is parsed with orjson, validated
once by pydantic, judged and recorded without a single await, and answered with orjson.
"""

from __future__ import annotations

import asyncio
import math
import secrets
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from msgplat.carrier.schemas import MAX_MESSAGES_PER_REQUEST, SubmitRequest, SubmitResponse
from msgplat.carrier.simulator import Simulator
from msgplat.plumbing.health import live

router = APIRouter()
health_router = APIRouter(prefix="/health", tags=["health"])

HANG_POLL_S = 0.1


def json_response(
    content: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        content=orjson.dumps(content),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


def _detail(status_code: int, detail: Any, headers: dict[str, str] | None = None) -> Response:
    return json_response({"detail": detail}, status_code, headers)


def _invalid(errors: list[dict[str, Any]]) -> Response:
    return _detail(422, errors)


def validation_errors(exc: ValidationError, prefix: tuple[str | int, ...]) -> list[dict[str, Any]]:
    """FastAPI's 422 shape: `[{loc, msg, type}]`, the location naming the field."""
    return [
        {"loc": [*prefix, *error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False, include_context=False, include_input=False)
    ]


@router.post(
    "/v1/messages",
    tags=["carrier"],
    response_model=SubmitResponse,
    summary="Submit 1 to 1,000 messages; answers one result per message, in order",
    responses={
        401: {"description": "Missing or wrong `Authorization: Bearer <key>`"},
        413: {"description": "More than 1,000 messages, or a body too large"},
        422: {"description": "Malformed body; `detail[].loc` names the field"},
        429: {"description": "Over `max_per_second`; see `Retry-After`"},
        503: {"description": "Simulated outage; see `Retry-After`"},
    },
)
async def submit(request: Request) -> Response:
    sim: Simulator = request.app.state.sim
    knobs = sim.knobs
    if knobs.outage == "hang":
        sim.unavailable += 1
        await _hang(request, sim)
        return _detail(503, "carrier unavailable (simulated outage)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > sim.settings.max_body_bytes:
        return _detail(413, f"body larger than {sim.settings.max_body_bytes} bytes")
    body = await request.body()
    if knobs.outage == "error":
        sim.unavailable += 1
        return _detail(
            503,
            "carrier unavailable (simulated outage)",
            {"Retry-After": str(knobs.outage_retry_after_s)},
        )
    authorization = request.headers.get("authorization", "")
    if not secrets.compare_digest(
        authorization.encode(), f"Bearer {sim.settings.api_key}".encode()
    ):
        return _detail(
            401, "missing or wrong API key", {"WWW-Authenticate": 'Bearer realm="carrier"'}
        )
    if len(body) > sim.settings.max_body_bytes:
        return _detail(413, f"body larger than {sim.settings.max_body_bytes} bytes")
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return _invalid([{"loc": ["body"], "msg": f"invalid JSON: {exc}", "type": "json_invalid"}])
    if isinstance(raw, dict):
        listed = raw.get("messages")
        if isinstance(listed, list) and len(listed) > MAX_MESSAGES_PER_REQUEST:
            return _detail(
                413,
                f"at most {MAX_MESSAGES_PER_REQUEST} messages per request, got {len(listed)}",
            )
    try:
        parsed = SubmitRequest.model_validate(raw)
    except ValidationError as exc:
        return _invalid(validation_errors(exc, ("body",)))
    count = len(parsed.messages)
    if sim.queue_full(count):
        sim.throttled += 1
        return _detail(429, "report queue full, retry later", {"Retry-After": "1"})
    wait_s = sim.throttle.take(count)
    if wait_s:
        sim.throttled += 1
        return _detail(
            429,
            f"over the cap of {knobs.max_per_second:g} messages per second",
            {"Retry-After": str(max(1, math.ceil(wait_s)))},
        )
    results = sim.submit(parsed.report_url, parsed.messages)
    if knobs.latency_ms:
        await asyncio.sleep(knobs.latency_ms / 1000)
    return json_response({"results": results})


async def _hang(request: Request, sim: Simulator) -> None:
    """No answer: until the client gives up (disconnects) or the outage is lifted."""
    while sim.knobs.outage == "hang":
        if await request.is_disconnected():
            return
        await asyncio.sleep(HANG_POLL_S)


# The process answers: the liveness probe of every service (plumbing/health.py).
health_router.add_api_route("/live", live, methods=["GET"])


@health_router.get("/ready")
async def ready(request: Request) -> Response:
    sim: Simulator = request.app.state.sim
    ok = sim.reporter.running
    return json_response(
        {
            "status": "ready" if ok else "not ready",
            "service": sim.settings.service_name,
            "checks": {"reportFlusher": "ok" if ok else "stopped"},
        },
        200 if ok else 503,
    )
