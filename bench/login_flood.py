"""Benchmark: a flood of bad password logins must not stall the gateway's other requests.

    .venv/bin/python bench/login_flood.py [--clients 20 --logins 10 --samples 300]

Starts its own platform on loopback (as bench/reservations.py), creates one customer, and
times their authenticated `GET /msgReqs` through the gateway, one after the other:
first alone (`--samples` of them), then while `--clients` clients each send `--logins`
bad password logins for random user ids, one after the other, until the last login is
answered. Prints p50 and p99 of both, the ratio of the p99s, and what the logins were
answered (401: hashed and refused; 429: refused before any hashing by a login limit).

Every client here has the same address (127.0.0.1), so the gateway's per-address login
limit is raised (`--per-address`, LOGIN_ATTEMPTS_PER_ADDRESS) for the logins to reach the
password hashing; the per-replica limit (LOGIN_ATTEMPTS_PER_SECOND) and the hashing pool
(LOGIN_HASH_WORKERS) keep their defaults unless given.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections import Counter

import httpx

from msgplat_testsupport.stack import Stack, platform_on_loopback


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def figures(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values) * 1000:6.1f} ms   "
        f"p99 {percentile(values, 99) * 1000:6.1f} ms   (n={len(values)})"
    )


async def timed_get(
    client: httpx.AsyncClient, latencies: list[float], statuses: Counter[int]
) -> None:
    started = time.perf_counter()
    response = await client.get("/msgReqs", params={"size": 1})
    latencies.append(time.perf_counter() - started)
    statuses[response.status_code] += 1


async def run(stack: Stack, clients: int, logins: int, samples: int) -> None:
    # Not held back by its own rate limit (REQUESTS_PER_SECOND): the GETs follow each other.
    customer = await asyncio.to_thread(stack.new_customer, requestsPerSecond=100_000)
    url = stack.gateway_url
    async with httpx.AsyncClient(base_url=url, headers=customer.headers, timeout=30) as reader:
        for _ in range(20):  # warm-up: connections, the key's cache, the service's plans
            await timed_get(reader, [], Counter())
        alone: list[float] = []
        alone_statuses: Counter[int] = Counter()
        for _ in range(samples):
            await timed_get(reader, alone, alone_statuses)

        answers: Counter[int] = Counter()
        login_latencies: list[float] = []

        async def attack() -> None:
            async with httpx.AsyncClient(base_url=url, timeout=60) as client:
                for _ in range(logins):
                    body = {"userId": f"nobody-{uuid.uuid4().hex[:12]}", "password": "guess"}
                    started = time.perf_counter()
                    response = await client.post("/auth/login", json=body)
                    login_latencies.append(time.perf_counter() - started)
                    answers[response.status_code] += 1

        started = time.monotonic()
        flood = asyncio.gather(*(attack() for _ in range(clients)))
        loaded: list[float] = []
        loaded_statuses: Counter[int] = Counter()
        while not flood.done():
            await timed_get(reader, loaded, loaded_statuses)
        await flood
        flood_s = time.monotonic() - started

    print("GET /msgReqs as a customer, through the gateway, one at a time:")
    print(f"  alone                                  {figures(alone)}")
    print(f"  during {clients * logins} bad logins from {clients} clients  {figures(loaded)}")
    ratio = percentile(loaded, 99) / percentile(alone, 99)
    print(f"  p99 during the flood / p99 alone: {ratio:.2f}")
    for name, statuses in (("alone", alone_statuses), ("during the flood", loaded_statuses)):
        if set(statuses) != {200}:
            print(f"  answers {name}: {dict(sorted(statuses.items()))} (not all 200)")
    print(
        f"the flood: {flood_s:.1f} s; answers "
        + ", ".join(f"{status}: {count}" for status, count in sorted(answers.items()))
        + f" (401: hashed; 429: refused before hashing); login {figures(login_latencies)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--logins", type=int, default=10, help="bad logins per client")
    parser.add_argument("--samples", type=int, default=300, help="GETs timed alone")
    parser.add_argument(
        "--per-address", type=int, default=100_000, help="LOGIN_ATTEMPTS_PER_ADDRESS"
    )
    parser.add_argument("--per-second", type=int, default=None, help="LOGIN_ATTEMPTS_PER_SECOND")
    parser.add_argument("--hash-workers", type=int, default=None, help="LOGIN_HASH_WORKERS")
    args = parser.parse_args()
    env = {"LOG_LEVEL": "WARNING", "LOGIN_ATTEMPTS_PER_ADDRESS": str(args.per_address)}
    if args.per_second is not None:
        env["LOGIN_ATTEMPTS_PER_SECOND"] = str(args.per_second)
    if args.hash_workers is not None:
        env["LOGIN_HASH_WORKERS"] = str(args.hash_workers)
    with platform_on_loopback(env) as (stack, _):
        asyncio.run(run(stack, args.clients, args.logins, args.samples))


if __name__ == "__main__":
    main()
