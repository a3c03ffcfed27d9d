"""Admin routes for tests and demos: the knobs, what was received, counts, reset.

No authentication: the simulator is a test tool and listens on loopback.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from pydantic.alias_generators import to_snake

from msgplat.carrier.routes import json_response, validation_errors
from msgplat.carrier.schemas import ReceivedPage, Stats
from msgplat.carrier.settings import Knobs
from msgplat.carrier.simulator import Simulator

router = APIRouter(prefix="/admin", tags=["admin"])


def _sim(request: Request) -> Simulator:
    sim: Simulator = request.app.state.sim
    return sim


@router.get("/config", response_model=Knobs, summary="The knobs in force")
async def get_config(request: Request) -> Response:
    return json_response(_sim(request).knobs.model_dump())


@router.put(
    "/config",
    response_model=Knobs,
    summary="Change some knobs (a partial update; snake_case or camelCase names)",
    description="Answers the whole config. A dict knob (`fail_suffixes`...) is replaced "
    "whole. Setting `seed` (even to the same value) restarts the random streams.",
)
async def put_config(request: Request) -> Response:
    sim = _sim(request)
    try:
        patch = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        return _invalid([{"loc": ["body"], "msg": f"invalid JSON: {exc}", "type": "json_invalid"}])
    if not isinstance(patch, dict):
        return _invalid([{"loc": ["body"], "msg": "expected an object", "type": "dict_type"}])
    known = set(Knobs.model_fields)
    updates: dict[str, Any] = {}
    unknown: list[dict[str, Any]] = []
    for key, value in patch.items():
        name = key if key in known else to_snake(key)
        if name in known:
            updates[name] = value
        else:
            unknown.append({"loc": ["body", key], "msg": "unknown knob", "type": "extra_forbidden"})
    if unknown:
        return _invalid(unknown)
    try:
        knobs = Knobs.model_validate({**sim.knobs.model_dump(), **updates})
    except ValidationError as exc:
        return _invalid(validation_errors(exc, ("body",)))
    sim.configure(knobs, reseed="seed" in updates)
    return json_response(knobs.model_dump())


@router.post("/reset", summary="Forget everything received and restore the start-up knobs")
async def reset(request: Request) -> Response:
    sim = _sim(request)
    sim.reset()
    return json_response({"status": "reset", "config": sim.knobs.model_dump()})


@router.get(
    "/received",
    response_model=ReceivedPage,
    summary="What was received, one item per ref, in arrival order",
)
async def received(
    request: Request,
    ref_prefix: str = Query(default="", alias="refPrefix", max_length=200),
    offset: int = Query(default=0, ge=0),
    limit: int = Query(default=1000, ge=1, le=100_000),
) -> Response:
    total, items = _sim(request).ledger.select(ref_prefix, offset, limit)
    return json_response({"total": total, "items": items})


@router.get("/stats", response_model=Stats, summary="Counts of messages and reports")
async def stats(request: Request) -> Response:
    return json_response(_sim(request).stats())


def _invalid(errors: list[dict[str, Any]]) -> Response:
    return json_response({"detail": errors}, 422)
