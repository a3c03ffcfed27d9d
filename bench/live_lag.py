"""Benchmark: the lag from a status change to an SSE client of the live view.

Starts its own stack (a fresh PostgreSQL database, a new Tansu broker, every service and
the carrier simulator at zero latency as real processes), opens one SSE stream of the
stream through the gateway as a customer (authenticated as a browser's EventSource is:
a stream ticket in the query), then creates that customer's reservations through the
gateway at a steady rate (each sent at once: requested, scheduled, sending, completed)
and times every event the stream receives: the lag a dashboard user sees.

    .venv/bin/python bench/live_lag.py [--rate 5 --seconds 10 --recipients 2]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import datetime
from typing import Any

import httpx

from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.sse import read_sse
from msgplat_testsupport.stack import ZERO_LATENCY_CARRIER, Stack, platform_on_loopback

STAGE_TIME = {
    "requested": "requestedAt",
    "scheduled": "scheduledAt",
    "sending": "startedAt",
    "completed": "finishedAt",
}
USER = "bench-live"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def stamp(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


async def listen(
    url: str, ticket: str, ready: asyncio.Event, received: list[tuple[float, dict[str, Any]]]
) -> None:
    params = {"ticket": ticket}
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=None)) as client,
        client.stream("GET", url + "/monitorings/stream", params=params) as response,
    ):
        response.raise_for_status()
        ready.set()
        async for event in read_sse(response):
            received.append((time.time(), event.data))


async def run(stack: Stack, rate: float, seconds: float, recipients: int) -> None:
    received: list[tuple[float, dict[str, Any]]] = []
    ready = asyncio.Event()
    customer = await asyncio.to_thread(stack.new_customer, USER)
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        answer = await client.post("/monitorings/stream/tickets", headers=customer.headers)
        ticket = answer.raise_for_status().json()["ticket"]
    listener = asyncio.create_task(listen(stack.gateway_url, ticket, ready, received))
    try:
        await asyncio.wait_for(ready.wait(), 30)
        ids = await create(stack, customer.headers, rate, seconds, recipients)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = {d["reservationId"] for _, d in received if d["status"] == "completed"}
            if done >= set(ids):
                break
            await asyncio.sleep(0.2)
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
    report(ids, recipients, rate, received)


async def create(
    stack: Stack, headers: dict[str, str], rate: float, seconds: float, recipients: int
) -> list[str]:
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers, timeout=30) as api:
        # Only an operator tops a customer up (issue 15).
        topup = await api.post(
            "/billings/topups",
            json={"userId": USER, "amount": 10_000_000},
            headers=stack.operator_headers,
        )
        topup.raise_for_status()
        ids: list[str] = []
        count = int(rate * seconds)
        started = time.monotonic()
        for n in range(count):
            await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
            response = await api.post(
                "/msgReqs",
                json={
                    "msgTitle": "lag",
                    "msgContent": "benchmark",
                    "dstNum": numbers(recipients),
                    "callbackNum": "0212345678",
                },
            )
            response.raise_for_status()
            ids.append(response.json()["id"])
    return ids


def report(
    ids: list[str], recipients: int, rate: float, received: list[tuple[float, dict[str, Any]]]
) -> None:
    mine = set(ids)
    from_commit: list[float] = []
    from_event: dict[str, list[float]] = {stage: [] for stage in STAGE_TIME}
    seen: set[tuple[str, str]] = set()
    for at, view in received:
        if view["reservationId"] not in mine:
            continue
        from_commit.append(at - stamp(view["updatedAt"]))
        status = view["status"]
        key = (view["reservationId"], status)
        if status in STAGE_TIME and key not in seen and view.get(STAGE_TIME[status]):
            seen.add(key)  # the first event that shows this status
            from_event[status].append(at - stamp(view[STAGE_TIME[status]]))

    print(
        f"{len(ids)} reservations of {recipients} recipients at {rate}/s; "
        f"{sum(1 for _, v in received if v['reservationId'] in mine)} SSE events received; "
        f"{len({v for v, s in seen if s == 'completed'})} seen completed"
    )

    def line(name: str, values: list[float]) -> None:
        if values:
            print(
                f"  {name:<44} median {statistics.median(values) * 1000:7.1f} ms   "
                f"p99 {percentile(values, 99) * 1000:7.1f} ms   (n={len(values)})"
            )

    line("projection transaction -> SSE client", from_commit)
    every: list[float] = []
    for stage, values in from_event.items():
        line(f"{stage} ({STAGE_TIME[stage]}) -> SSE client", values)
        every += values
    line("any status change's event time -> SSE client", every)


def main(rate: float, seconds: float, recipients: int) -> None:
    print("starting the stack ...", flush=True)
    env = {"LOG_LEVEL": "WARNING", **ZERO_LATENCY_CARRIER}
    with platform_on_loopback(env) as (stack, _):
        asyncio.run(run(stack, rate, seconds, recipients))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=5, help="reservations per second")
    parser.add_argument("--seconds", type=float, default=10, help="how long to create them")
    parser.add_argument("--recipients", type=int, default=2, help="recipients of each")
    args = parser.parse_args()
    main(args.rate, args.seconds, args.recipients)
