"""Benchmark: reservations per second through the gateway, sustained, with the pipeline
keeping up; beside the raw one-row FastAPI + PostgreSQL POST rate of the same machine.

    .venv/bin/python bench/intake.py [--rate 1000] [--seconds 60] [--connections 64]

Starts its own platform on loopback (as bench/reservations.py), funds `--customers`
customers and verifies their sender number, warms up, then POSTs `/msgReqs` (one
recipient each, reserved a day ahead so nothing is sent) at a steady `--rate` for
`--seconds` through the gateway with an operator's key. Every 5 s it prints the rate so
far, the outbox backlog and the consumer lag summed over the services (from their
`/metrics`). Then it waits for the pipeline to drain and reconciles: every 201 is a
reservation scheduled by the saga, a billing hold of the right amount, a monitoring view
and a send job, and nothing more. It prints each service's CPU per reservation (from
/proc), which says where the time goes. Last, the raw limits of the same machine: one
FastAPI + PostgreSQL app alone, then behind the thinnest gateway (one_hop_proxy.py).
bench/README.md says what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from figures import cpu_by_name, ms, pct, platform_pids
from loadgen import Outcome, paced

from msgplat_testsupport.senders import approve_sender
from msgplat_testsupport.stack import Stack, platform_on_loopback

CALLBACK = "0212345678"
SMS_PRICE = 20


def reservation_body(customers: int) -> Any:
    rng = random.Random(1)
    reserve_dt = (datetime.now(UTC) + timedelta(days=1)).isoformat()

    def body(n: int) -> tuple[str, str, Any]:
        return (
            "POST",
            "/msgReqs",
            {
                "userId": f"intake-{n % customers}",
                "msgTitle": "order",
                "msgContent": "your order has shipped",
                "reserveDt": reserve_dt,
                "dstNum": [f"010{rng.randrange(2000, 5000):04d}{rng.randrange(10**4):04d}"],
                "callbackNum": CALLBACK,
            },
        )

    return body


METRIC = re.compile(r"^(outbox_backlog_events|consumer_lag_events)(\{[^}]*\})? ([0-9.e+]+)$")


async def pipeline(stack: Stack, client: httpx.AsyncClient) -> tuple[float, float]:
    """(outbox rows not yet published, consumer lag in events), summed over services."""
    backlog = lag = 0.0
    for name, proc in stack.processes.items():
        if name in ("gateway", "carrier") or name.startswith("carrier"):
            continue
        try:
            text = (await client.get(proc.url + "/metrics")).text
        except httpx.HTTPError:
            continue
        for line in text.splitlines():
            if m := METRIC.match(line):
                if m.group(1) == "outbox_backlog_events":
                    backlog += float(m.group(3))
                else:
                    lag += float(m.group(3))
    return backlog, lag


def free_local_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def serve(module: str, port: int, env: dict[str, str]) -> asyncio.subprocess.Process:
    """One of the bench's own apps under uvicorn (uvloop, httptools), once it answers."""
    app = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).parent),
        f"{module}:app", "--port", str(port), "--no-access-log", "--log-level", "warning",
        env={**os.environ, **env},
    )  # fmt: skip
    async with httpx.AsyncClient() as client:
        for _ in range(100):
            try:
                await client.get(f"http://127.0.0.1:{port}/docs")
                return app
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    app.terminate()
    raise RuntimeError(f"bench/{module}.py did not answer on port {port} within 10 s")


async def raw_limit(
    database_url: str, connections: int, seconds: float, *, via_proxy: bool = False
) -> Outcome:
    """The one-row FastAPI + PostgreSQL POST rate, with the same load generator; with
    `via_proxy`, through the thinnest gateway (one_hop_proxy.py) in front of it."""
    port = free_local_port()
    apps = [await serve("one_row_app", port, {"DATABASE_URL": database_url})]
    if via_proxy:
        upstream, port = f"http://127.0.0.1:{port}", free_local_port()
        apps.append(await serve("one_hop_proxy", port, {"UPSTREAM_URL": upstream}))
    try:

        def row(n: int) -> tuple[str, str, Any]:
            return "POST", "/rows", {"title": "order", "number": f"010{n:08d}"}

        return await paced(
            f"http://127.0.0.1:{port}",
            rate=100_000,
            seconds=seconds,
            connections=connections,
            request=row,
            keep_bodies=False,
        )
    finally:
        for app in reversed(apps):
            app.terminate()
            await asyncio.wait_for(app.wait(), timeout=10)


async def prepare(stack: Stack, customers: int) -> None:
    headers = stack.operator_headers
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers, timeout=30) as api:
        for n in range(customers):
            topup = {"userId": f"intake-{n}", "amount": 10_000_000}
            (await api.post("/billings/topups", json=topup)).raise_for_status()
            await asyncio.to_thread(
                approve_sender, stack.gateway_url, headers, f"intake-{n}", CALLBACK
            )


async def drained(database_url: str, ids: list[str], timeout_s: float) -> dict[str, int]:
    """Wait until every reservation went through the saga; what each service holds."""
    query = """
        SELECT
          (SELECT count(*) FROM reservation.reservations WHERE id = ANY($1::uuid[]))
            AS reservations,
          (SELECT count(*) FROM reservation.reservations
            WHERE id = ANY($1::uuid[]) AND status = 'scheduled') AS scheduled,
          (SELECT count(*) FROM billing.holds WHERE reservation_id = ANY($1::uuid[])
            AND amount = $2) AS holds,
          (SELECT count(*) FROM monitoring.reservation_views
            WHERE reservation_id = ANY($1::uuid[]) AND status = 'scheduled') AS views,
          (SELECT count(*) FROM send.jobs WHERE reservation_id = ANY($1::uuid[])) AS jobs,
          (SELECT count(*) FROM reservation.reservations) AS all_reservations,
          (SELECT count(*) FROM billing.holds) AS all_holds
    """
    conn = await asyncpg.connect(database_url)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            row = dict(await conn.fetchrow(query, ids, SMS_PRICE))
            done = all(row[k] == len(ids) for k in ("scheduled", "holds", "views", "jobs"))
            if done or time.monotonic() > deadline:
                return row
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


async def measure(stack: Stack, database_url: str, args: argparse.Namespace) -> None:
    await prepare(stack, args.customers)
    body = reservation_body(args.customers)
    auth = stack.operator_headers
    print(f"warm-up: {args.rate / 4:,.0f}/s for 5 s")
    await paced(
        stack.gateway_url,
        rate=args.rate / 4,
        seconds=5,
        connections=args.connections,
        request=body,
        headers=auth,
        keep_bodies=False,
    )
    pids = platform_pids(stack, database_url)
    before = cpu_by_name(pids)
    print(
        f"\nintake: {args.rate:,.0f} POST /msgReqs per second for {args.seconds:.0f} s "
        f"(one recipient, a day ahead, {args.connections} connections, operator's key)"
    )
    backlog_max = lag_max = 0.0
    running = asyncio.create_task(
        paced(
            stack.gateway_url,
            rate=args.rate,
            seconds=args.seconds,
            connections=args.connections,
            request=body,
            headers=auth,
        )
    )
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=5) as client:
        while not running.done():
            await asyncio.wait({running}, timeout=5)
            backlog, lag = await pipeline(stack, client)
            backlog_max, lag_max = max(backlog_max, backlog), max(lag_max, lag)
            print(
                f"  {time.perf_counter() - started:5.1f} s  outbox backlog {backlog:,.0f}  "
                f"consumer lag {lag:,.0f}"
            )
    outcome = running.result()
    after = cpu_by_name(pids)
    ids = [json.loads(answer)["id"] for _, answer in outcome.answered]
    print(
        f"  answered: {dict(sorted(outcome.statuses.items()))}, transport errors "
        f"{len([e for e in outcome.errors if not e[:3].isdigit()])}"
    )
    for error in outcome.errors[:3]:
        print(f"    e.g. {error}")
    print(
        f"  created {outcome.ok:,} in {outcome.wall_s:.1f} s = {outcome.rate:,.0f} /s "
        f"(target {args.rate:,.0f}); latency p50 {ms(pct(outcome.latencies, 50))}, "
        f"p99 {ms(pct(outcome.latencies, 99))}; sent late by p99 "
        f"{ms(pct(outcome.late, 99))}"
    )
    print(
        f"  during the run: outbox backlog at most {backlog_max:,.0f}, "
        f"consumer lag at most {lag_max:,.0f}"
    )
    print("\nCPU per reservation (ms, every process of the service, during the run)")
    spent = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
    total = sum(spent.values())
    for name, used in sorted(spent.items(), key=lambda kv: -kv[1]):
        if used > 0:
            print(f"  {name:12} {used / max(1, outcome.ok) * 1000:6.2f}   ({used:5.1f} s)")
    print(
        f"  {'all':12} {total / max(1, outcome.ok) * 1000:6.2f}   ({total:5.1f} s of "
        f"{outcome.wall_s * os.cpu_count():.0f} core-seconds)"
    )

    began = time.monotonic()
    held = await drained(database_url, ids, timeout_s=120)
    print(f"\nthe pipeline drained {time.monotonic() - began:.1f} s after the last POST")
    n = len(ids)
    differences = [
        f"{k} {held[k]:,} of {n:,}" for k in ("scheduled", "holds", "views", "jobs") if held[k] != n
    ]
    print(
        f"reconciliation over the {n:,} created: reservations scheduled {held['scheduled']:,}, "
        f"billing holds of {SMS_PRICE} {held['holds']:,}, monitoring views "
        f"{held['views']:,}, send jobs {held['jobs']:,}: "
        f"{len(differences)} differences {differences or ''}"
    )

    raw = await raw_limit(database_url, args.connections, seconds=10)
    print(
        "\nthe raw limit, measured now with the same load generator: FastAPI + one pydantic "
        f"body + one asyncpg INSERT\n  {raw.rate:,.0f} /s (p50 {ms(pct(raw.latencies, 50))}); "
        f"intake = {outcome.rate / raw.rate:.0%} of it"
    )
    hop = await raw_limit(database_url, args.connections, seconds=10, via_proxy=True)
    print(
        "the same behind the thinnest gateway (one_hop_proxy.py: FastAPI + one aiohttp "
        f"session, nothing else)\n  {hop.rate:,.0f} /s (p50 {ms(pct(hop.latencies, 50))}); "
        f"intake = {outcome.rate / hop.rate:.0%} of it: the most any design with a gateway "
        "hop could take here, before a single event"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000, help="POSTs per second")
    parser.add_argument("--seconds", type=float, default=60, help="how long")
    parser.add_argument("--connections", type=int, default=64, help="connections in flight")
    parser.add_argument("--customers", type=int, default=20, help="customers the POSTs name")
    args = parser.parse_args()
    began = time.monotonic()
    with platform_on_loopback() as (stack, database_url):
        print(f"stack ready in {time.monotonic() - began:.0f} s (loopback, free ports)")
        asyncio.run(measure(stack, database_url, args))
    print(f"\ndone in {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
