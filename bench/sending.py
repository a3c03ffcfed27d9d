"""Benchmark: one reservation of N recipients, from due time to the last report applied.

Starts its own stack (PostgreSQL database, Tansu broker, every service, the carrier
simulator at zero latency), reserves N recipients due a few seconds ahead, and
reports messages per second and each process's peak memory (VmHWM). Runs a small
reservation first, so the growth of peak memory with the list size shows.

    .venv/bin/python bench/sending.py [--sizes 10000,100000] [--advertising]

`--customer-view` measures what a customer sees instead: the carrier simulator with
`make run`'s defaults (a delivery report 200 ms after each submit), the reservation sent
now (no reserveDt), from the start of the POST to the moment `GET /msgReqs/{id}` shows
its final status (polled every 50 ms), warmed up by a first small run.

`--advertising` sends what issue 9 added to the hot path instead: a personalised
advertising reservation (each recipient's own text, rendered at intake) to a list of
which every tenth number is on the customer's opt-out list (filtered per batch at send
time).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from figures import cpu_seconds, peak_rss_mib

from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.senders import approve_sender
from msgplat_testsupport.stack import ZERO_LATENCY_CARRIER, Stack, platform_on_loopback


def plain_body(dst: list[str]) -> dict[str, object]:
    return {"msgContent": "benchmark message", "dstNum": dst}


def advertising_body(dst: list[str]) -> dict[str, object]:
    return {
        "purpose": "advertising",
        "msgContent": "(광고) #{name}님, 가을 세일 #{code} 무료거부 080-123-4567",
        "recipients": [
            {"dstNum": number, "variables": {"name": f"고객{i}", "code": f"A{i:06d}"}}
            for i, number in enumerate(dst)
        ],
    }


async def opt_out(api: httpx.AsyncClient, numbers: list[str]) -> None:
    for start in range(0, len(numbers), 1000):
        added = await api.post(
            "/optouts", json={"userId": "bench", "numbers": numbers[start : start + 1000]}
        )
        added.raise_for_status()


async def one_run(
    stack: Stack, database_url: str, size: int, *, advertising: bool, customer_view: bool
) -> dict[str, float]:
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=120
    ) as api:
        topup = await api.post("/billings/topups", json={"userId": "bench", "amount": size * 50})
        topup.raise_for_status()
        await asyncio.to_thread(
            approve_sender, stack.gateway_url, stack.operator_headers, "bench", "0212345678"
        )
        dst = numbers(size)
        if advertising:
            await opt_out(api, dst[::10])
        due = datetime.now(UTC) + timedelta(seconds=8 + size / 25_000)
        # Sent now in the customer's view (no reserveDt): the clock starts with the POST.
        when = {} if customer_view else {"reserveDt": due.isoformat()}
        t0 = time.monotonic()
        response = await api.post(
            "/msgReqs",
            json={
                "userId": "bench",
                "msgTitle": "bench",
                "callbackNum": "0212345678",
                **when,
                **(advertising_body(dst) if advertising else plain_body(dst)),
            },
        )
        response.raise_for_status()
        post_s = time.monotonic() - t0
        rid = response.json()["id"]
        print(
            f"  POST of {size:,} recipients: {post_s:.2f} s; "
            + ("sent now" if customer_view else f"due at {due.time()}"),
            flush=True,
        )
        while True:
            status = (await api.get(f"/msgReqs/{rid}")).json()["status"]
            if status in ("completed", "partially_failed", "failed", "cancelled"):
                break
            await asyncio.sleep(0.05 if customer_view else 0.2)
        final_s = time.monotonic() - t0
    conn = await asyncpg.connect(database_url)
    try:
        job = await conn.fetchrow(
            "SELECT due_at, started_at, finished_at, delivered, failed, opted_out "
            "FROM send.jobs JOIN send.tallies USING (reservation_id) WHERE reservation_id = $1",
            uuid.UUID(rid),
        )
        handed_over = await conn.fetchval(
            "SELECT max(submitted_at) FROM send.messages WHERE reservation_id = $1",
            uuid.UUID(rid),
        )
        # Accounting trails sending: wait until billing has settled every message and
        # stat has counted every one, then take the times they did.
        charged_at = counted_at = None
        while charged_at is None or counted_at is None:
            charged_at = await conn.fetchval(
                "SELECT closed_at FROM billing.holds WHERE reservation_id = $1 AND held = 0",
                uuid.UUID(rid),
            )
            counted_at = await conn.fetchval(
                "SELECT updated_at FROM stat.reservation_stats WHERE reservation_id = $1 "
                "AND delivered + failed + cancelled + opted_out = $2",
                uuid.UUID(rid),
                size,
            )
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    total = (job["finished_at"] - job["due_at"]).total_seconds()
    sending = (job["finished_at"] - job["started_at"]).total_seconds()
    return {
        "size": size,
        "status": status,  # type: ignore[dict-item]
        "delivered": job["delivered"],
        "opted_out": job["opted_out"],
        "start_delay_s": (job["started_at"] - job["due_at"]).total_seconds(),
        "handed_over_s": (handed_over - job["due_at"]).total_seconds(),
        "due_to_last_report_s": total,
        "msgs_per_s": size / total,
        "msgs_per_s_from_start": size / sending,
        "billing_lag_s": (charged_at - job["finished_at"]).total_seconds(),
        "stat_lag_s": (counted_at - job["finished_at"]).total_seconds(),
        "post_to_final_s": final_s,
    }


async def measure(
    stack: Stack, database_url: str, sizes: list[int], *, advertising: bool, customer_view: bool
) -> None:
    for size in sizes:
        print(f"run: {size:,} recipients", flush=True)
        pids = {n: p.process.pid for n, p in stack.processes.items() if p.process}
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        result = await one_run(
            stack, database_url, size, advertising=advertising, customer_view=customer_view
        )
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        memory = {
            name: peak_rss_mib(p.process.pid)
            for name, p in stack.processes.items()
            if p.process is not None
        }
        print(
            f"  {result['status']}: {result['delivered']:,} delivered, "
            f"{result['opted_out']:,} opted out; "
            f"sending started {result['start_delay_s']:.2f} s after due; "
            f"all handed to the carrier {result['handed_over_s']:.2f} s after due; "
            f"due -> last report applied {result['due_to_last_report_s']:.2f} s = "
            f"{result['msgs_per_s']:,.0f} msg/s "
            f"({result['msgs_per_s_from_start']:,.0f} msg/s from the first send)",
            flush=True,
        )
        if customer_view:
            print(
                f"  as the customer sees it: POST started -> final status "
                f"{result['post_to_final_s']:.2f} s = "
                f"{size / result['post_to_final_s']:,.0f} msg/s",
                flush=True,
            )
        print(
            f"  accounting after the last report applied: billing settled "
            f"{result['billing_lag_s']:+.2f} s, stat counted {result['stat_lag_s']:+.2f} s",
            flush=True,
        )
        print(
            "  CPU seconds during the run: "
            + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items()),
            flush=True,
        )
        print(
            "  peak memory (VmHWM, MiB): "
            + ", ".join(f"{name} {mib:.0f}" for name, mib in memory.items()),
            flush=True,
        )


def main(sizes: list[int], *, advertising: bool, customer_view: bool) -> None:
    print("starting the stack ...", flush=True)
    # Advertising may be sent at any hour here: the benchmark must not depend on the clock.
    env = {
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "AD_SENDING_HOURS": "00:00-24:00",
        **({} if customer_view else ZERO_LATENCY_CARRIER),
    }
    with platform_on_loopback(env) as (stack, database_url):
        asyncio.run(
            measure(
                stack, database_url, sizes, advertising=advertising, customer_view=customer_view
            )
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument(
        "--advertising",
        action="store_true",
        help="a personalised advertising reservation, every tenth number opted out",
    )
    parser.add_argument(
        "--customer-view",
        action="store_true",
        help="sent now, make run's carrier delays, timed from the POST to the final status",
    )
    args = parser.parse_args()
    main(
        [int(s) for s in args.sizes.split(",")],
        advertising=args.advertising,
        customer_view=args.customer_view,
    )
