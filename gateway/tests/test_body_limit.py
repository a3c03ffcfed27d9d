"""`MAX_BODY_BYTES` on every route of the gateway, its own ones included (login, docs,
health, the dashboard, customers, keys, stream tickets), for a declared length and for a
chunked body: 413 with a body that says the limit. A proxied body goes on to its service
as it comes, never held whole at the gateway.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio

from msgplat.gateway import accounts
from msgplat.plumbing.api_keys import new_api_key
from msgplat_testsupport.gateways import (
    InProcessGateway,
    RecordingUpstream,
    bearer,
)

LIMIT = 4096
OPERATOR_KEY = new_api_key()

# (method, path): the gateway's own routes, authenticated or not, and a proxied one.
ROUTES = [
    ("POST", "/auth/login"),
    ("POST", "/auth/customers"),
    ("POST", "/auth/keys"),
    ("POST", "/auth/logout"),
    ("GET", "/auth/me"),
    ("POST", "/monitorings/stream/tickets"),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("GET", "/docs"),
    ("GET", "/openapi.json"),
    ("GET", "/"),
    ("GET", "/reservations/1"),
    ("POST", "/msgReqs"),
    ("PUT", "/sendingWindows/x"),
]
# Those that read a body: a chunked one over the limit is refused as it is read. The
# gateway's own routes read it before checking credentials; a proxied one is read as it
# goes on to its service, once the caller is known (without credentials: 401, unread).
OWN_READING_A_BODY = [("POST", "/auth/login"), ("POST", "/auth/customers"), ("POST", "/auth/keys")]
PROXIED = [("POST", "/msgReqs"), ("PUT", "/sendingWindows/x")]
CHUNKED = [(*route, True) for route in OWN_READING_A_BODY + PROXIED]
CHUNKED += [(*route, False) for route in OWN_READING_A_BODY]


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    return {"max_body_bytes": LIMIT}


@pytest_asyncio.fixture
async def gateway(replica: Callable[..., InProcessGateway]) -> httpx.AsyncClient:
    """As the operator (the limit is the same with or without credentials)."""
    app = replica()
    await accounts.ensure_account(
        app.app.state.authenticator.engine,
        user_id="operator",
        role="operator",
        api_key=OPERATOR_KEY,
    )
    return app.client(headers=bearer(OPERATOR_KEY))


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["limitBytes"] == LIMIT
    assert f"larger than the limit of {LIMIT} bytes" in body["detail"]


async def chunks(count: int, size: int = 1000) -> AsyncIterator[bytes]:
    for _ in range(count):
        yield b"x" * size


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("credentials", [True, False])
async def test_a_declared_length_over_the_limit_is_413_on_every_route(
    gateway: httpx.AsyncClient,
    upstream: RecordingUpstream,
    method: str,
    path: str,
    credentials: bool,
) -> None:
    headers = None if credentials else {"Authorization": ""}
    response = await gateway.request(method, path, content=b"x" * (LIMIT + 1), headers=headers)
    assert_refused(response)
    assert response.headers["connection"] == "close"  # the rest is not read
    assert response.headers["x-request-id"]
    assert upstream.heads == []


@pytest.mark.parametrize(("method", "path", "credentials"), CHUNKED)
async def test_a_chunked_body_over_the_limit_is_413(
    gateway: httpx.AsyncClient,
    upstream: RecordingUpstream,
    method: str,
    path: str,
    credentials: bool,
) -> None:
    headers = None if credentials else {"Authorization": ""}
    response = await gateway.request(method, path, content=chunks(8), headers=headers)
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert_refused(response)
    assert not [body for body in upstream.bodies if len(body) > LIMIT]


@pytest.mark.parametrize("size", [0, 1, LIMIT])
async def test_a_body_up_to_the_limit_reaches_the_service_whole(
    gateway: httpx.AsyncClient, upstream: RecordingUpstream, size: int
) -> None:
    declared = await gateway.post("/msgReqs", content=b"d" * size)
    assert declared.status_code == 200
    assert upstream.bodies[-1] == b"d" * size
    assert upstream.last_headers()["content-length"] == str(size)

    async def exactly() -> AsyncIterator[bytes]:
        for start in range(0, size, 1000):
            yield b"c" * min(1000, size - start)

    chunked = await gateway.post("/msgReqs", content=exactly())
    assert chunked.status_code == 200
    assert upstream.bodies[-1] == b"c" * size


async def test_a_get_without_a_body_is_passed_on_without_one(
    gateway: httpx.AsyncClient, upstream: RecordingUpstream
) -> None:
    assert (await gateway.get("/msgReqs")).status_code == 200
    headers = upstream.last_headers()
    assert "transfer-encoding" not in headers and headers.get("content-length", "0") == "0"


async def test_a_proxied_body_goes_on_as_it_comes(
    gateway: httpx.AsyncClient, upstream: RecordingUpstream
) -> None:
    """The service has the request before the client has sent all of its body: the
    gateway does not hold a whole upload in memory."""

    async def slow_body() -> AsyncIterator[bytes]:
        yield b"first part, "
        await asyncio.wait_for(upstream.head_received.wait(), timeout=10)
        yield b"and the rest"

    response = await gateway.post("/msgReqs", content=slow_body())
    assert response.status_code == 200
    assert upstream.bodies[-1] == b"first part, and the rest"
