"""The errors' answers, in-process: a 422 echoes what it refused, even what JSON cannot
hold (a body's `1e400` is read as infinity), and never fails to answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import Field

from msgplat.plumbing.api import ApiDatetime, ApiInput
from msgplat.plumbing.errors import (
    Conflict,
    FieldError,
    NotFound,
    RequestInvalid,
    TooManyRequests,
    install_error_handlers,
)
from msgplat.plumbing.read_only import refuse_writes
from msgplat.plumbing.responses import ErrorBody, ValidationErrorBody


class Body(ApiInput):
    when: ApiDatetime | None = None
    count: int = Field(default=1, ge=1, le=10)


def app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/validated")
    async def validated(body: Body) -> dict[str, Any]:
        return {}

    @app.post("/refused")
    async def refused() -> dict[str, Any]:
        raise RequestInvalid([FieldError(("body", "count"), "no", input=float("nan"))])

    @app.get("/missing")
    async def missing() -> dict[str, Any]:
        raise NotFound("reservation 1")

    @app.get("/busy")
    async def busy() -> dict[str, Any]:
        raise TooManyRequests("slow down", retry_after_s=3)

    @app.post("/late")
    async def late() -> dict[str, Any]:
        raise Conflict("too late to cancel", code="cancel_cutoff")

    return app


@pytest.mark.parametrize(
    ("body", "field", "echoed"),
    [
        ('{"when": 1e400}', "when", "inf"),
        ('{"when": -1e400}', "when", "-inf"),
        ('{"when": NaN}', "when", "nan"),
        ('{"when": "0001-01-01T00:00:00"}', "when", "0001-01-01T00:00:00"),
        ('{"when": "9999-12-31T23:59:59-12:00"}', "when", "9999-12-31T23:59:59-12:00"),
        ('{"count": 1e400}', "count", "inf"),
        ('{"count": -Infinity}', "count", "-inf"),
    ],
)
async def test_an_input_json_cannot_hold_is_echoed_as_text_in_a_422(
    body: str, field: str, echoed: str
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app()), base_url="http://test"
    ) as client:
        response = await client.post(
            "/validated", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["loc"], error["input"]) == (["body", field], echoed)


async def test_our_own_422_too() -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app()), base_url="http://test"
    ) as client:
        response = await client.post("/refused")
    assert response.status_code == 422
    assert response.json()["detail"][0]["input"] == "nan"


def test_a_date_time_between_1970_and_8999_is_kept() -> None:
    body = Body.model_validate({"when": "8999-12-31T23:59:59-12:00"})
    assert body.when is not None and body.when.year == 8999
    assert Body.model_validate({"when": "1970-01-01T00:00:00"}).when is not None


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/missing", 404, "not_found"),
        ("GET", "/busy", 429, "rate_limited"),
        ("POST", "/late", 409, "cancel_cutoff"),
        ("GET", "/no-such-route", 404, "not_found"),
        ("DELETE", "/missing", 405, "method_not_allowed"),
    ],
)
async def test_every_error_has_the_one_shape_with_a_stable_code(
    method: str, path: str, status: int, code: str
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app()), base_url="http://test"
    ) as client:
        response = await client.request(method, path)
    assert (response.status_code, response.json()["code"]) == (status, code)
    ErrorBody.model_validate(response.json())
    if status == 405:
        assert response.headers["Allow"] == "GET"


async def test_a_422_has_its_code_and_the_framework_shape() -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app()), base_url="http://test"
    ) as client:
        response = await client.post("/validated", json={"count": 0})
    assert response.json()["code"] == "request_invalid"
    body = ValidationErrorBody.model_validate(response.json())
    assert [(e.loc, e.type) for e in body.detail] == [(["body", "count"], "greater_than_equal")]


async def test_allow_lists_the_methods_of_the_path_not_a_refusing_route() -> None:
    """`Allow` names what the path takes: `/items/special` (GET) does not list the
    `DELETE` of `/items/{name}`, nor the writes its read-only route refuses."""
    router = APIRouter(prefix="/items")
    refuse_writes(router, "/special", "it is the platform's")

    @router.get("/special")
    async def special() -> dict[str, Any]:
        return {}

    @router.delete("/{name}")
    async def remove(name: str) -> dict[str, Any]:
        return {}

    service = FastAPI()
    install_error_handlers(service)
    service.include_router(router)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service), base_url="http://test"
    ) as client:
        options = await client.options("/items/special")
        put = await client.put("/items/special")
    assert (options.status_code, options.headers["Allow"]) == (405, "GET")
    assert (put.status_code, put.headers["Allow"]) == (405, "GET")
    assert "it is the platform's" in put.json()["detail"]
