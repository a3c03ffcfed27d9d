"""Who may call the gateway: credentials, tokens, rate limits, and what is passed on.

In-process gateway (httpx's ASGI transport) with its tables in the session's real
database; the upstream is a small recording HTTP server on loopback, so the test sees
exactly what a service would receive.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from msgplat.gateway import accounts
from msgplat.gateway.app import create_app
from msgplat.gateway.credentials import Identity, TokenClaims, issue_token, read_token
from msgplat.plumbing.api_keys import new_api_key
from msgplat_testsupport.gateways import SECRET, RecordingUpstream, gateway_settings


@pytest_asyncio.fixture
async def app(
    database_url: str, tmp_path: Path, upstream: RecordingUpstream
) -> AsyncIterator[FastAPI]:
    url = f"http://127.0.0.1:{upstream.port}"
    settings = gateway_settings(
        database_url,
        tmp_path,
        url,
        api_key_cache_s=0,  # a revoked key is refused at once
    )
    app = create_app(settings)
    yield app
    await app.state.proxy.close()
    app.state.passwords.close()
    await app.state.authenticator.engine.dispose()


@pytest_asyncio.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client


async def new_customer(app: FastAPI, **account: object) -> tuple[str, str]:
    user_id = f"c-{new_api_key()[3:13]}"
    key = await accounts.create_customer(
        app.state.authenticator.engine,
        user_id=user_id,
        **account,  # type: ignore[arg-type]
    )
    return user_id, key


def bearer(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}"}


async def test_no_credentials_is_401_saying_how_to_authenticate(
    client: httpx.AsyncClient, upstream: RecordingUpstream
) -> None:
    response = await client.get("/msgReqs")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["detail"]
    assert upstream.heads == []


@pytest.mark.parametrize(
    "credential", ["mp_not-a-key", "not-a-token", "Basic dXNlcjpwYXNz", "Bearer "]
)
async def test_a_wrong_credential_is_401(client: httpx.AsyncClient, credential: str) -> None:
    response = await client.get("/msgReqs", headers={"Authorization": f"Bearer {credential}"})
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


async def test_a_customer_is_passed_on_as_caller_headers_and_the_credentials_are_not(
    app: FastAPI, client: httpx.AsyncClient, upstream: RecordingUpstream
) -> None:
    user_id, key = await new_customer(app, recipients_per_day=77)
    response = await client.get(
        "/msgReqs?status=sending",
        headers={
            **bearer(key),
            # A client posing as someone else, or as an operator:
            "X-Caller-Id": "somebody-else",
            "X-Caller-Role": "operator",
            "Cookie": "session=abc",
        },
    )
    assert response.status_code == 200
    seen = upstream.last_headers()
    assert seen["x-caller-id"] == user_id
    assert seen["x-caller-role"] == "customer"
    assert seen["x-caller-recipients-per-day"] == "77"
    assert "authorization" not in seen and "cookie" not in seen
    assert upstream.last_target() == "/msgReqs?status=sending"


async def test_login_gives_a_token_that_works_like_the_key(
    app: FastAPI, client: httpx.AsyncClient, upstream: RecordingUpstream
) -> None:
    user_id, _ = await new_customer(app, password="correct horse")
    wrong = await client.post("/auth/login", json={"userId": user_id, "password": "wrong one"})
    assert wrong.status_code == 401
    login = await client.post("/auth/login", json={"userId": user_id, "password": "correct horse"})
    assert login.status_code == 200
    token = login.json()
    assert (token["userId"], token["role"], token["tokenType"]) == (user_id, "customer", "bearer")
    me = await client.get("/auth/me", headers=bearer(token["accessToken"]))
    assert me.json()["userId"] == user_id
    assert (await client.get("/stats", headers=bearer(token["accessToken"]))).status_code == 200
    assert upstream.last_headers()["x-caller-id"] == user_id


async def test_login_needs_a_password_or_a_key(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/login", json={"userId": "someone"})
    assert response.status_code == 422
    assert "userId and password, or apiKey" in str(response.json())


async def test_an_api_key_can_be_exchanged_for_a_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user_id, key = await new_customer(app)
    login = await client.post("/auth/login", json={"apiKey": key})
    assert login.status_code == 200 and login.json()["userId"] == user_id


async def test_password_guessing_is_limited_per_account(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user_id, _ = await new_customer(app, password="the real one")
    answers = [
        (await client.post("/auth/login", json={"userId": user_id, "password": f"guess {i}"}))
        for i in range(12)
    ]
    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert answers[10].status_code == 429
    assert int(answers[10].headers["retry-after"]) >= 1


async def test_a_revoked_key_is_refused(app: FastAPI, client: httpx.AsyncClient) -> None:
    user_id, key = await new_customer(app, password="correct horse")
    login = await client.post("/auth/login", json={"userId": user_id, "password": "correct horse"})
    token = login.json()["accessToken"]  # a key is made from a password login
    second = await client.post("/auth/keys", json={"name": "ci"}, headers=bearer(token))
    assert second.status_code == 201
    created = second.json()
    assert created["apiKey"].startswith(created["prefix"])
    listed = await client.get("/auth/keys", headers=bearer(key))
    assert [k["name"] for k in listed.json()] == ["first key", "ci"]
    assert "apiKey" not in listed.json()[1]
    revoked = await client.delete(f"/auth/keys/{created['id']}", headers=bearer(key))
    assert revoked.status_code == 200 and revoked.json()["revokedAt"] is not None
    assert (await client.get("/msgReqs", headers=bearer(created["apiKey"]))).status_code == 401
    assert (await client.get("/msgReqs", headers=bearer(key))).status_code == 200


async def test_requests_over_the_customers_rate_are_429_with_retry_after(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    _, key = await new_customer(app, requests_per_second=3)
    answers = [await client.get("/msgReqs", headers=bearer(key)) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert answers[3].headers["retry-after"] == "1"
    assert "more than 3 requests per second" in answers[3].json()["detail"]


async def test_only_an_operator_creates_customers(app: FastAPI, client: httpx.AsyncClient) -> None:
    _, customer_key = await new_customer(app)
    _, operator_key = await new_customer(app, role="operator")
    body = {"userId": f"new-{new_api_key()[3:11]}", "password": "long enough"}
    refused = await client.post("/auth/customers", json=body, headers=bearer(customer_key))
    assert refused.status_code == 403
    created = await client.post("/auth/customers", json=body, headers=bearer(operator_key))
    assert created.status_code == 201
    assert (await client.get("/auth/me", headers=bearer(created.json()["apiKey"]))).json()[
        "userId"
    ] == body["userId"]
    again = await client.post("/auth/customers", json=body, headers=bearer(operator_key))
    assert again.status_code == 409


def test_a_token_expires_and_a_forged_one_is_refused() -> None:
    identity = Identity(user_id="u1", role="customer")
    session = uuid.uuid4()
    token = issue_token(identity, session_id=session, secret=SECRET, ttl_s=60)
    assert read_token(token, secret=SECRET) == TokenClaims("u1", "customer", session)
    assert read_token(token, secret="another secret " + "x" * 32) is None
    old = issue_token(identity, session_id=session, secret=SECRET, ttl_s=60, now=time.time() - 120)
    assert read_token(old, secret=SECRET) is None


async def test_the_gateways_metrics_are_for_operators_only(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """The gateway's port is public: its /metrics answers operators (Prometheus scrapes
    with an operator's key), nobody else."""
    _, customer_key = await new_customer(app)
    _, operator_key = await new_customer(app, role="operator")
    assert (await client.get("/metrics")).status_code == 401
    assert (await client.get("/metrics", headers=bearer(customer_key))).status_code == 403
    scraped = await client.get("/metrics", headers=bearer(operator_key))
    assert scraped.status_code == 200
    assert "http_request_duration_seconds" in scraped.text


async def test_a_nul_character_in_the_query_is_422_naming_the_parameter(
    app: FastAPI, client: httpx.AsyncClient, upstream: RecordingUpstream
) -> None:
    _, key = await new_customer(app)
    response = await client.get("/stats?userId=a%00b&from=2026-01-01", headers=bearer(key))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "userId"]
    assert upstream.heads == []
