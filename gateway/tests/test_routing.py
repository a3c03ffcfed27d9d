"""The gateway on its own: which service a path goes to, and what it refuses itself.

The app runs in-process (httpx's ASGI transport) with every upstream on a closed
port: whatever it answers here, it answered without any service behind it. Its own
tables (the credentials) are in the test session's real database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from msgplat.devstack.broker import free_port
from msgplat.gateway import accounts
from msgplat.gateway.app import create_app
from msgplat.gateway.routing import own_credentials_for, upstream_for
from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing.api_keys import new_api_key
from msgplat_testsupport.gateways import every_upstream_at
from msgplat_testsupport.waiting import eventually

LIMIT = 4096


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/msgReqs", "reservation"),
        ("/msgReqs/", "reservation"),
        ("/msgReqs/x", "reservation"),
        ("/msgReqs/x/cancel", "reservation"),
        ("/msgs", "send"),
        ("/msgs/1", "send"),
        ("/billings", "billing"),
        ("/stats/u1", "stat"),
        ("/monitorings", "monitoring"),
        ("/monitorings/0b7c", "monitoring"),
    ],
)
def test_a_prefix_routes_to_its_service(path: str, service: str) -> None:
    assert upstream_for(path) == service


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "",
        "/msgsX",
        "/msgReqsX/1",
        "/msgreqs",  # the seed's names are case-sensitive
        "/msg",
        "/api/msgReqs",
        "/health/ready/x",
        "/monitoringsX",
        # dot segments would leave the matched prefix once the upstream URL is normalised
        "/msgReqs/../health/ready",
        "/msgReqs/./x",
        "/monitorings/..",
    ],
)
def test_anything_else_routes_nowhere(path: str) -> None:
    assert upstream_for(path) is None


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/carrier/reports/sim", "send"),
        ("/carrier/reports/sim-b", "send"),
        ("/carrier/reports/carrier.x_1", "send"),
        ("/carrier/reports", None),  # a carrier reports on its own path only
        ("/carrier/reports/", None),
        ("/carrier/reports/sim/", None),
        ("/carrier/reports/sim/x", None),
        ("/carrier/reports/..", None),
        ("/carrier/reports/.", None),
        ("/carrier/reports/a b", None),
        ("/carrier/reports/" + "x" * 33, None),
        ("/carrier", None),
        ("/carrier/reportsX/sim", None),
    ],
)
def test_only_a_carriers_own_report_path_goes_past_the_gateways_authentication(
    path: str, service: str | None
) -> None:
    assert own_credentials_for(path) == service


OPERATOR_KEY = new_api_key()


def gateway_settings(database_url: str, tmp_path: Path, **settings: Any) -> GatewaySettings:
    return GatewaySettings(
        database_url=database_url,
        auth_token_secret="test-secret-" + "x" * 32,
        **{"frontend_dir": str(tmp_path / "no-dashboard-here"), **settings},
    )


async def with_operator(app: FastAPI) -> None:
    """What the lifespan does with OPERATOR_API_KEY (the ASGI transport runs none)."""
    await accounts.ensure_account(
        app.state.authenticator.engine, user_id="operator", role="operator", api_key=OPERATOR_KEY
    )


@pytest_asyncio.fixture
async def gateway(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    closed = f"http://127.0.0.1:{free_port()}"
    settings = gateway_settings(
        database_url,
        tmp_path,
        **every_upstream_at(closed),
        max_body_bytes=LIMIT,
        breaker_threshold=1000,
        log_json=True,
    )
    app = create_app(settings)
    await with_operator(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://gateway",
        headers={"Authorization": f"Bearer {OPERATOR_KEY}"},
    ) as client:
        yield client
    await app.state.proxy.close()
    await app.state.authenticator.engine.dispose()


@pytest.mark.parametrize("path", ["/msgsX", "/nothing/here", "/msgReqs/%2E%2E/health/ready"])
async def test_an_unknown_route_is_a_json_404(gateway: httpx.AsyncClient, path: str) -> None:
    response = await gateway.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"].startswith("no route for /")


async def test_a_known_route_with_no_service_behind_is_503(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/monitorings/x", headers={"X-Request-ID": "req-503"})
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["x-request-id"] == "req-503"
    assert response.json()["service"] == "monitoring"
    assert "unreachable" in response.json()["detail"]


async def test_a_declared_body_over_the_limit_is_413(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/msgReqs", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    body = response.json()
    assert body["limitBytes"] == LIMIT
    assert f"larger than the limit of {LIMIT} bytes" in body["detail"]


async def test_a_chunked_body_for_a_service_that_is_down_is_not_read(
    gateway: httpx.AsyncClient,
) -> None:
    """A body goes on as it comes: with no service to take it, none of it is read (the
    limit on a chunked body is counted as it is read, see test_body_limit.py)."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield b"x" * 1000

    response = await gateway.post("/msgReqs", content=chunks())
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 503


@pytest.mark.parametrize("size", [0, LIMIT])
async def test_a_body_up_to_the_limit_is_forwarded(gateway: httpx.AsyncClient, size: int) -> None:
    # Forwarded: the closed upstream port answers for the service, not the size check.
    response = await gateway.post("/msgReqs", content=b"x" * size)
    assert response.status_code == 503


async def test_a_full_gateway_pool_is_not_counted_against_the_service(
    database_url: str, tmp_path: Path
) -> None:
    """A request that finds no free connection is the gateway's overload, not a failure
    of the service: it answers 503 at once and leaves the service's circuit alone."""
    held: list[asyncio.StreamWriter] = []

    async def never_answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    async def connected() -> bool:
        return bool(held)

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = gateway_settings(
        database_url,
        tmp_path,
        reservation_url=f"http://127.0.0.1:{port}",
        upstream_pool_connections=1,
        # Also the pool's wait. Not shorter: on a loaded machine the first request's
        # connect, accepted by the server, was still timed out before the loop resumed it,
        # and the second found the connection free (a 504 after the read timeout).
        upstream_connect_timeout_s=1.0,
        upstream_read_timeout_s=5,
        breaker_threshold=1,
    )
    app = create_app(settings)
    await with_operator(app)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://gateway",
            headers={"Authorization": f"Bearer {OPERATOR_KEY}"},
        ) as client:
            hanging = asyncio.create_task(client.get("/msgReqs/first"))
            await eventually(connected, timeout_s=2)
            assert not hanging.done(), "the first request was to hold the pool's connection"
            busy = await client.get("/msgReqs/second")
            assert busy.status_code == 503
            assert "no free connection" in busy.json()["detail"]
            breaker = await app.state.proxy.breakers.get_breaker("reservation")
            assert breaker.context.state == "closed"
            assert breaker.context.failure_count == 0
            hanging.cancel()
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
        await app.state.proxy.close()
        await app.state.authenticator.engine.dispose()


async def test_the_dashboard_is_served_with_a_fallback_for_its_own_routes(
    database_url: str, tmp_path: Path
) -> None:
    built = tmp_path / "dist"
    (built / "assets").mkdir(parents=True)
    (built / "index.html").write_text("<div id=app></div>")
    (built / "assets" / "app-1a2b.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("outside the built folder")
    app = create_app(gateway_settings(database_url, tmp_path, frontend_dir=str(built)))
    transport = httpx.ASGITransport(app=app)
    page = {"Accept": "text/html,application/xhtml+xml"}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            index = await client.get("/", headers=page)
            assert index.status_code == 200 and "id=app" in index.text
            asset = await client.get("/assets/app-1a2b.js")
            assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
            # A dashboard route reloaded in the browser gets the app, which routes itself.
            deep = await client.get("/reservations/123", headers=page)
            assert deep.status_code == 200 and "id=app" in deep.text
            # Not a page: the usual JSON 404; never a file outside the built folder.
            assert (await client.get("/reservations/123")).status_code == 404
            assert (await client.get("/assets/missing.js", headers=page)).status_code == 404
            assert (await client.get("/%2E%2E/secret.txt", headers=page)).status_code == 404
            # API routes are never the dashboard, even from a browser.
            assert (await client.get("/msgReqs", headers=page)).status_code == 401
    finally:
        await app.state.proxy.close()
        await app.state.authenticator.engine.dispose()
