"""Login tokens are revocable: each names its session (`jti`), stored in the gateway's
tables with the API key it came from, if any. `POST /auth/logout`, or revoking that key,
ends it on every replica within API_KEY_CACHE_S; replicas share only the database.

Creating an API key needs a password login: neither a key nor a token made from a key
can make more keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio

from msgplat_testsupport.gateways import (
    SECRET,
    InProcessGateway,
    bearer,
)
from msgplat_testsupport.waiting import eventually

CACHE_S = 1.0
PASSWORD = "correct horse battery"


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    return {"api_key_cache_s": CACHE_S}


async def password_token(client: httpx.AsyncClient, user_id: str) -> str:
    login = await client.post("/auth/login", json={"userId": user_id, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token: str = login.json()["accessToken"]
    return token


async def key_token(client: httpx.AsyncClient, key: str) -> str:
    login = await client.post("/auth/login", json={"apiKey": key})
    assert login.status_code == 200, login.text
    token: str = login.json()["accessToken"]
    return token


async def status(client: httpx.AsyncClient, credential: str) -> int:
    return (await client.get("/msgReqs", headers=bearer(credential))).status_code


async def refused_within(client: httpx.AsyncClient, credential: str, seconds: float) -> float:
    """How long until `client` refuses `credential`; fails after `seconds` (+ slack for
    a loaded test machine)."""
    started = time.monotonic()

    async def refused() -> bool:
        return await status(client, credential) == 401

    await eventually(refused, timeout_s=seconds + 3, interval_s=0.05)
    return time.monotonic() - started


@dataclass(frozen=True)
class TwoReplicas:
    """A client of each of two replicas, and a customer (password PASSWORD, API key
    `key`) made on the first."""

    a: httpx.AsyncClient
    b: httpx.AsyncClient
    user_id: str
    key: str


@pytest_asyncio.fixture
async def two(replica: Callable[..., InProcessGateway]) -> TwoReplicas:
    first, second = replica(), replica()
    a, b = first.client(), second.client()
    user_id, key = await first.new_customer(password=PASSWORD)
    return TwoReplicas(a, b, user_id, key)


async def test_logout_ends_the_token_on_every_replica(two: TwoReplicas) -> None:
    a, b, user_id = two.a, two.b, two.user_id
    token = await password_token(a, user_id)
    other = await password_token(b, user_id)  # another login: another session
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["jti"] and claims["sub"] == user_id
    assert await status(a, token) == 200 and await status(b, token) == 200  # both cache it

    logout = await a.post("/auth/logout", headers=bearer(token))
    assert logout.status_code == 204
    assert await status(a, token) == 401  # this replica forgets it at once
    waited = await refused_within(b, token, CACHE_S)
    print(f"the other replica refused the token {waited:.2f} s after the logout")
    assert await status(a, other) == 200 and await status(b, other) == 200
    assert (await a.post("/auth/logout", headers=bearer(token))).status_code == 401


async def test_revoking_a_key_ends_the_tokens_made_from_it(two: TwoReplicas) -> None:
    a, b, user_id, key = two.a, two.b, two.user_id, two.key
    from_key = await key_token(a, key)
    from_password = await password_token(a, user_id)
    assert await status(b, from_key) == 200  # cached by the other replica
    listed = await a.get("/auth/keys", headers=bearer(from_password))
    (first_key,) = listed.json()

    revoked = await a.delete(f"/auth/keys/{first_key['id']}", headers=bearer(from_password))
    assert revoked.status_code == 200
    assert await status(a, from_key) == 401 and await status(a, key) == 401
    await refused_within(b, from_key, CACHE_S)
    await refused_within(b, key, CACHE_S)
    assert await status(b, from_password) == 200  # a password login is not the key's


async def test_only_a_password_login_creates_api_keys(
    replica: Callable[..., InProcessGateway],
) -> None:
    gateway = replica()
    client = gateway.client()
    user_id, key = await gateway.new_customer(password=PASSWORD)
    body = {"name": "ci"}

    with_key = await client.post("/auth/keys", json=body, headers=bearer(key))
    assert with_key.status_code == 403
    assert "password" in with_key.json()["detail"]
    made_from_key = await key_token(client, key)
    with_key_token = await client.post("/auth/keys", json=body, headers=bearer(made_from_key))
    assert with_key_token.status_code == 403
    assert "password" in with_key_token.json()["detail"]

    token = await password_token(client, user_id)
    created = await client.post("/auth/keys", json=body, headers=bearer(token))
    assert created.status_code == 201
    assert await status(client, created.json()["apiKey"]) == 200
    # Listing and revoking stay open to any credential of the account.
    assert (await client.get("/auth/keys", headers=bearer(key))).status_code == 200


async def test_a_token_without_a_stored_session_is_refused(
    replica: Callable[..., InProcessGateway],
) -> None:
    """Signed with the right secret but naming no session (as the tokens issued before
    sessions were stored, or a session id that was never issued)."""
    gateway = replica()
    client = gateway.client()
    user_id, _ = await gateway.new_customer(password=PASSWORD)
    now = int(time.time())
    claims = {"sub": user_id, "role": "customer", "iat": now, "exp": now + 600}
    no_session = jwt.encode(claims, SECRET, algorithm="HS256")
    unknown = jwt.encode({**claims, "jti": "0b7c3d4e-0000-4000-8000-000000000000"}, SECRET)
    assert await status(client, no_session) == 401
    assert await status(client, unknown) == 401
    assert await status(client, await password_token(client, user_id)) == 200


async def test_logout_needs_a_login_token(replica: Callable[..., InProcessGateway]) -> None:
    gateway = replica()
    client = gateway.client()
    _, key = await gateway.new_customer()
    refused = await client.post("/auth/logout", headers=bearer(key))
    assert refused.status_code == 403
    assert "DELETE /auth/keys" in refused.json()["detail"]
    assert await status(client, key) == 200
