"""The errors' answers, in-process: a 422 echoes what it refused, even what JSON cannot
hold (a body's `1e400` is read as infinity), and never fails to answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import Field

from msgplat.plumbing.api import ApiDatetime, ApiInput
from msgplat.plumbing.errors import FieldError, RequestInvalid, install_error_handlers


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
