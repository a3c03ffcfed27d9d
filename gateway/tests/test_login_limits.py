"""Password logins cost a slow hash (argon2id): they run off the event loop in a bounded
pool, refused with 429 before any hashing when an account, a client address or the
replica as a whole tries too often, and an unknown user costs the same as a known one.

In-process gateway (httpx's ASGI transport, each client from its own address) before a
recording upstream; the measure of `bench/login_flood.py` on real processes.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import httpx

from msgplat_testsupport.gateways import (
    InProcessGateway,
    bearer,
)

# The p99 of an authenticated GET while the flood runs: under 100 ms, or 3 times the p99
# without the flood on a test machine too busy for that (shared cores). One hash on the
# event loop takes 0.1-0.7 s, and the GETs would wait for several.
FLOOD_P99_BOUND_S = 0.1
FLOOD_P99_RATIO = 3
FLOOD_CLIENTS = 20
FLOOD_LOGINS_EACH = 10


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


async def bad_login(client: httpx.AsyncClient, user_id: str | None = None) -> httpx.Response:
    user_id = user_id or f"nobody-{uuid.uuid4().hex[:12]}"
    return await client.post("/auth/login", json={"userId": user_id, "password": "guess"})


async def test_a_flood_of_bad_logins_does_not_stall_other_requests(
    replica: Callable[..., InProcessGateway],
) -> None:
    # A few hashes a second (what two workers do on a busy machine): the flood is over in
    # seconds, and what is hashed would stall every GET for that long on the event loop.
    gateway = replica(login_hash_workers=2, login_attempts_per_second=5)
    _, key = await gateway.new_customer()
    reader = gateway.client("10.1.0.1", headers=bearer(key))

    statuses: list[int] = []

    async def timed_get() -> float:
        started = time.perf_counter()
        statuses.append((await reader.get("/msgReqs")).status_code)
        return time.perf_counter() - started

    unloaded = [await timed_get() for _ in range(50)]

    attackers = [gateway.client(f"10.2.0.{n}") for n in range(FLOOD_CLIENTS)]
    answers: list[int] = []

    async def attack(client: httpx.AsyncClient) -> None:
        for _ in range(FLOOD_LOGINS_EACH):
            answers.append((await bad_login(client)).status_code)

    flood = asyncio.gather(*(attack(client) for client in attackers))
    loaded: list[float] = []
    while not flood.done():
        loaded.append(await timed_get())
    await flood

    hashed = answers.count(401)
    print(
        f"GET /msgReqs p99: {p99(unloaded) * 1000:.1f} ms unloaded, "
        f"{p99(loaded) * 1000:.1f} ms during {len(answers)} bad logins "
        f"({hashed} hashed, {answers.count(429)} refused with 429), {len(loaded)} GETs"
    )
    assert set(statuses) == {200}
    assert set(answers) <= {401, 429}
    assert hashed >= 5, "the flood must really make the gateway hash"
    assert len(loaded) >= 10
    assert p99(loaded) < max(FLOOD_P99_BOUND_S, FLOOD_P99_RATIO * p99(unloaded))


async def test_logins_from_one_address_are_limited_before_hashing(
    replica: Callable[..., InProcessGateway],
) -> None:
    gateway = replica(login_attempts_per_address=3)
    client = gateway.client("10.3.0.1")
    first = [(await bad_login(client)).status_code for _ in range(3)]
    verified = gateway.app.state.passwords.verified
    refused = await bad_login(client)
    assert first == [401] * 3
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "from this address" in refused.json()["detail"]
    assert gateway.app.state.passwords.verified == verified  # refused without hashing
    # Another address is not held back by this one.
    assert (await bad_login(gateway.client("10.3.0.2"))).status_code == 401


async def test_logins_to_one_account_are_limited_whoever_tries(
    replica: Callable[..., InProcessGateway],
) -> None:
    gateway = replica(login_attempts_per_account=2)
    user_id, _ = await gateway.new_customer(password="the real one")
    tries = [
        (await bad_login(gateway.client(f"10.4.0.{n}"), user_id)).status_code for n in range(3)
    ]
    assert tries == [401, 401, 429]


async def test_logins_per_second_of_the_whole_replica_are_limited(
    replica: Callable[..., InProcessGateway],
) -> None:
    gateway = replica(login_attempts_per_second=2)
    # At once: one after the other, a loaded machine's hashes may take a second.
    answers = await asyncio.gather(*(bad_login(gateway.client(f"10.5.0.{n}")) for n in range(3)))
    assert sorted(a.status_code for a in answers) == [401, 401, 429]
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.headers["retry-after"] == "1"
    assert "too many logins" in refused.json()["detail"]


async def test_logins_beyond_what_the_hashing_pool_holds_are_refused_at_once(
    replica: Callable[..., InProcessGateway],
) -> None:
    gateway = replica(login_hash_workers=1)
    held = gateway.app.state.passwords.max_in_flight
    answers = await asyncio.gather(
        *(bad_login(gateway.client(f"10.6.0.{n}")) for n in range(held + 4))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(401) >= held
    assert 429 in statuses
    busy = next(a for a in answers if a.status_code == 429)
    assert "busy" in busy.json()["detail"] and busy.headers["retry-after"] == "1"


async def test_an_unknown_user_or_one_without_a_password_costs_one_hash_like_the_others(
    replica: Callable[..., InProcessGateway],
) -> None:
    gateway = replica()
    client = gateway.client("10.7.0.1")
    with_password, _ = await gateway.new_customer(password="the real one")
    without_password, _ = await gateway.new_customer()
    passwords = gateway.app.state.passwords
    for user_id in (with_password, without_password, f"unknown-{uuid.uuid4().hex[:8]}"):
        before = passwords.verified
        assert (await bad_login(client, user_id)).status_code == 401
        assert passwords.verified == before + 1, user_id
