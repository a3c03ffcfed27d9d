"""Benchmark: how soon a send-now message reaches the carrier, alone and beside a bulk send.

    .venv/bin/python bench/latency.py [--rate 200] [--seconds 20] [--bulk 100000]

Starts its own platform on loopback (as bench/reservations.py; the carrier simulator
answers at once), funds a customer and verifies its sender number, then:

1. *send-now*: `--rate` POST /msgReqs a second for `--seconds` through the gateway, one
   recipient each, no reserveDt (sent now), `purpose: authentication`;
2. *priority*: the same customer reserves one `--bulk`-recipient list due now, and while
   it is being sent, `--priority-rate` authentication messages a second for as long as
   the bulk runs (at most `--seconds`).

For each message: the time from the POST's 201 (the client's clock) to the moment the
send service recorded it handed to the carrier (`send.messages.submitted_at`, the
start of the transaction that records the carrier's acceptance; same machine, same
clock). Printed as p50 / p90 / p99 / max, with the reservations' POST latency and the
bulk's progress. bench/README.md says what the figures mean.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from typing import Any

import asyncpg
import httpx
from figures import ms, pct
from loadgen import Outcome, paced

from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.senders import approve_sender
from msgplat_testsupport.stack import ZERO_LATENCY_CARRIER, Stack, platform_on_loopback

CUSTOMER = "latency-1"
CALLBACK = "0212345678"


def send_now(purpose: str, seed: int) -> Any:
    rng = random.Random(seed)

    def body(n: int) -> tuple[str, str, Any]:
        number = f"010{rng.randrange(2000, 5000):04d}{rng.randrange(10**4):04d}"
        return (
            "POST",
            "/msgReqs",
            {
                "userId": CUSTOMER,
                "msgTitle": "code",
                "msgContent": f"your code is {n % 1_000_000:06d}",
                "dstNum": [number],
                "callbackNum": CALLBACK,
                "purpose": purpose,
            },
        )

    return body


async def handed_over(
    database_url: str, answered: dict[str, float], timeout_s: float
) -> dict[str, float]:
    """Seconds from each reservation's 201 to its message's `submitted_at`."""
    conn = await asyncpg.connect(database_url)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            rows = await conn.fetch(
                "SELECT reservation_id::text AS rid, extract(epoch FROM submitted_at) AS at "
                "FROM send.messages WHERE reservation_id = ANY($1::uuid[]) "
                "AND submitted_at IS NOT NULL",
                list(answered),
            )
            if len(rows) == len(answered) or time.monotonic() > deadline:
                return {r["rid"]: float(r["at"]) - answered[r["rid"]] for r in rows}
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


# The saga's path of a send-now reservation, stage by stage, from the services' own
# timestamps: outbox rows (created: the writing transaction; published: the relay's
# batch), inbox rows (applied: the consuming transaction), send's job and messages.
STAGES = """
WITH r AS (SELECT unnest($1::uuid[]) AS rid),
req AS (SELECT r.rid, o.event_id, o.created_at, o.published_at FROM r
        JOIN reservation.outbox o ON o.key = r.rid::text AND o.event_type = 'ReservationRequested'),
held AS (SELECT r.rid, o.event_id, o.created_at, o.published_at FROM r
         JOIN billing.outbox o ON o.key = r.rid::text AND o.event_type = 'CreditHeld'),
sch AS (SELECT r.rid, o.event_id, o.created_at, o.published_at FROM r
        JOIN reservation.outbox o ON o.key = r.rid::text AND o.event_type = 'ReservationScheduled')
SELECT
  extract(epoch FROM req.published_at - req.created_at) AS "reservation's relay",
  extract(epoch FROM bi.applied_at - req.published_at) AS "to billing",
  extract(epoch FROM held.created_at - bi.applied_at) AS "billing holds",
  extract(epoch FROM held.published_at - held.created_at) AS "billing's relay",
  extract(epoch FROM ri.applied_at - held.published_at) AS "back to reservation",
  extract(epoch FROM sch.published_at - ri.applied_at) AS "scheduled + relay",
  extract(epoch FROM si.applied_at - sch.published_at) AS "to send",
  extract(epoch FROM j.started_at - si.applied_at) AS "claimed",
  extract(epoch FROM m.submitted_at - j.started_at) AS "handed to the carrier",
  extract(epoch FROM m.submitted_at - req.created_at) AS "all"
FROM req
JOIN billing.inbox bi ON bi.event_id = req.event_id
JOIN held ON held.rid = req.rid
JOIN reservation.inbox ri ON ri.event_id = held.event_id
JOIN sch ON sch.rid = req.rid
JOIN send.inbox si ON si.event_id = sch.event_id
JOIN send.jobs j ON j.reservation_id = req.rid
JOIN send.messages m ON m.reservation_id = req.rid
"""


async def stages(database_url: str, ids: list[str]) -> None:
    """The median and p99 of each stage of the path above, over `ids`."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(STAGES, ids)
    finally:
        await conn.close()
    if not rows:
        return
    print(f"    where the time goes (median / p99 of {len(rows)}, the services' timestamps):")
    for stage in rows[0].keys():  # noqa: SIM118 (a Record iterates over its values)
        values = [float(r[stage]) for r in rows if r[stage] is not None]
        print(f"      {stage:24} {ms(pct(values, 50)):>10} {ms(pct(values, 99)):>10}")


def answered_ids(outcome: Outcome) -> dict[str, float]:
    return {json.loads(body)["id"]: at for at, body in outcome.answered}


def report(label: str, outcome: Outcome, lags: dict[str, float]) -> None:
    values = list(lags.values())
    missing = outcome.ok - len(values)
    print(
        f"  {label}: {outcome.ok:,} created at {outcome.rate:,.0f} /s, POST p50 "
        f"{ms(pct(outcome.latencies, 50))} p99 {ms(pct(outcome.latencies, 99))}; "
        f"statuses {dict(sorted(outcome.statuses.items()))}"
    )
    print(
        f"    201 -> handed to the carrier: p50 {ms(pct(values, 50))}, p90 "
        f"{ms(pct(values, 90))}, p99 {ms(pct(values, 99))}, max {ms(max(values, default=0))}"
        + (f"; {missing} not handed over within the wait" if missing else "")
    )
    for error in outcome.errors[:3]:
        print(f"    e.g. {error}")


async def bulk_progress(database_url: str, rid: str) -> tuple[int, str]:
    conn = await asyncpg.connect(database_url)
    try:
        handed = await conn.fetchval(
            "SELECT count(*) FROM send.messages WHERE reservation_id = $1::uuid "
            "AND submitted_at IS NOT NULL",
            rid,
        )
        status = await conn.fetchval(
            "SELECT status FROM reservation.reservations WHERE id = $1::uuid", rid
        )
        return int(handed), str(status)
    finally:
        await conn.close()


async def measure(stack: Stack, database_url: str, args: argparse.Namespace) -> None:
    auth = stack.operator_headers
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=auth, timeout=60) as api:
        topup = {"userId": CUSTOMER, "amount": 10_000_000}
        (await api.post("/billings/topups", json=topup)).raise_for_status()
        await asyncio.to_thread(approve_sender, stack.gateway_url, auth, CUSTOMER, CALLBACK)
        print("warm-up: 20/s for 5 s")
        await paced(
            stack.gateway_url,
            rate=20,
            seconds=5,
            connections=8,
            request=send_now("authentication", 1),
            headers=auth,
            keep_bodies=False,
        )

        print(
            f"\nsend-now: {args.rate:,.0f} authentication messages/s for {args.seconds:.0f} s, "
            "one recipient each, through the gateway"
        )
        alone = await paced(
            stack.gateway_url,
            rate=args.rate,
            seconds=args.seconds,
            connections=args.connections,
            request=send_now("authentication", 2),
            headers=auth,
        )
        report("alone", alone, await handed_over(database_url, answered_ids(alone), 60))
        await stages(database_url, list(answered_ids(alone)))

        print(
            f"\npriority: one {args.bulk:,}-recipient bulk send due now, and "
            f"{args.priority_rate:,.0f} authentication messages/s while it runs"
        )
        created = await api.post(
            "/msgReqs",
            json={
                "userId": CUSTOMER,
                "msgTitle": "sale",
                "msgContent": "a bulk message",
                "dstNum": numbers(args.bulk),
                "callbackNum": CALLBACK,
            },
        )
        created.raise_for_status()
        bulk = created.json()["id"]
        started = time.monotonic()
        while (await bulk_progress(database_url, bulk))[0] == 0:
            if time.monotonic() - started > 60:
                print("  the bulk did not start within 60 s")
                return
            await asyncio.sleep(0.05)
        print(f"  the bulk's first message left {time.monotonic() - started:.1f} s after its 201")
        beside = asyncio.create_task(
            paced(
                stack.gateway_url,
                rate=args.priority_rate,
                seconds=args.seconds,
                connections=args.connections,
                request=send_now("authentication", 3),
                headers=auth,
            )
        )
        while not beside.done():
            await asyncio.wait({beside}, timeout=5)
            handed, status = await bulk_progress(database_url, bulk)
            print(
                f"    {time.monotonic() - started:5.1f} s  bulk: {handed:,} handed to the "
                f"carrier, reservation {status}"
            )
        outcome = beside.result()
        handed, status = await bulk_progress(database_url, bulk)
        report(
            "beside the bulk", outcome, await handed_over(database_url, answered_ids(outcome), 120)
        )
        await stages(database_url, list(answered_ids(outcome)))
        print(f"  the bulk when they were done: {handed:,} of {args.bulk:,} handed over")
        print(f"  (reservation {status})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200, help="send-now POSTs per second")
    parser.add_argument("--seconds", type=float, default=20, help="how long each phase runs")
    parser.add_argument("--bulk", type=int, default=100_000, help="recipients of the bulk send")
    parser.add_argument("--priority-rate", type=float, default=20, help="beside the bulk, /s")
    parser.add_argument("--connections", type=int, default=32, help="connections in flight")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="a setting, again"
    )
    args = parser.parse_args()
    env = dict(setting.split("=", 1) for setting in args.env)
    began = time.monotonic()
    with platform_on_loopback({**ZERO_LATENCY_CARRIER, **env}) as (stack, database_url):
        print(f"stack ready in {time.monotonic() - began:.0f} s (loopback, free ports)")
        asyncio.run(measure(stack, database_url, args))
    print(f"\ndone in {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
