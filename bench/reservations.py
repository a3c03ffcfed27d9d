"""Benchmark: reservations created per second, and the lag from POST to the read model.

    .venv/bin/python bench/reservations.py [--requests 2000] [--concurrency 32]

Starts its own platform on loopback (a fresh database on the configured or embedded
PostgreSQL, a new in-memory Tansu broker, every service and the gateway on free ports),
measures, prints, and stops what it started (the database is dropped; an embedded
PostgreSQL server stays up for the next run, as after `make test`). bench/README.md
says what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg
import httpx
from figures import ms, pct

from msgplat_client import AuthenticatedClient, Client
from msgplat_client.api.billing import create_topup
from msgplat_client.api.health import live
from msgplat_client.api.monitoring import get_monitoring
from msgplat_client.api.reservations import create_msg_req, get_msg_req
from msgplat_client.models import MsgReq, MsgReqCreate, TopupCreate
from msgplat_client.types import Response
from msgplat_testsupport.senders import approve_sender
from msgplat_testsupport.stack import Stack, platform_on_loopback

# The machine's raw limits, as measured for this project on the reference machine.
REFERENCE_TRIVIAL_RPS = 9_000  # FastAPI + uvicorn answering a trivial request
REFERENCE_ONE_ROW_TPS = 1_500  # PostgreSQL committing a one-row transaction
PROJECTION_GROUP = "monitoring-projection"
USERS = 100  # the reservations are spread over this many customers
# The generated client (clients/python): with an API key, or none (straight to a service).
Api: TypeAlias = AuthenticatedClient | Client


@dataclass
class Run:
    """One batch of POSTs: what was created, when (wall clock), how long each took."""

    created: dict[str, float] = field(default_factory=dict)  # id -> response received at
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.created) / self.wall_s if self.wall_s else 0.0


def reservation(rng: random.Random, max_recipients: int) -> MsgReqCreate:
    count = rng.randint(1, max_recipients)
    # A day ahead: nothing is due to be sent while the benchmark runs.
    return MsgReqCreate(
        user_id=f"bench-{rng.randrange(USERS)}",
        msg_title="bench",
        msg_content="a benchmark message",
        reserve_dt=datetime.now(UTC) + timedelta(days=1),
        dst_num=[f"0102{rng.randrange(10**7):07d}" for _ in range(count)],
        callback_num="0212345678",
    )


async def post_reservations(
    base_url: str,
    *,
    total: int,
    concurrency: int,
    max_recipients: int,
    cap_s: float,
    token: str | None = None,
) -> Run:
    """`total` POSTs from `concurrency` clients, each sending its next as soon as answered.

    Clients stop taking new POSTs after `cap_s` seconds (the rate stays exact).
    """
    rng = random.Random(total)
    bodies = [reservation(rng, max_recipients) for _ in range(total)]

    def post(client: Api) -> Awaitable[Response[Any]] | None:
        return create_msg_req.asyncio_detailed(client=client, body=bodies.pop()) if bodies else None

    return await answered_in_turn(
        base_url,
        post,
        key=lambda answer, _: str(answer.id),
        concurrency=concurrency,
        seconds=cap_s,
        token=token,
    )


async def get_statuses(
    base_url: str,
    ids: list[str],
    *,
    concurrency: int,
    seconds: float,
    token: str | None = None,
) -> Run:
    """`GET /msgReqs/{id}` of existing reservations, as fast as answered, for `seconds`."""
    turn = itertools.cycle(ids)
    return await answered_in_turn(
        base_url,
        lambda client: get_msg_req.asyncio_detailed(UUID(next(turn)), client=client),
        key=lambda answer, n: f"{answer.id}-{n}",  # each read counts
        concurrency=concurrency,
        seconds=seconds,
        token=token,
    )


async def answered_in_turn(
    base_url: str,
    next_call: Callable[[Api], Awaitable[Response[Any]] | None],
    *,
    key: Callable[[MsgReq, int], str],
    concurrency: int,
    seconds: float,
    token: str | None,
) -> Run:
    """Calls from `concurrency` clients, each making its next (`next_call`) as soon as its
    last was answered, for `seconds` or until `next_call` has none left (None). The run:
    each call's latency, each reservation answered under its `key` (of the reservation
    and the call's number), any other answer as an error."""
    run = Run()
    async with clients_for(base_url, concurrency, token) as clients:

        async def client_loop(client: Api) -> None:
            while time.monotonic() < deadline and (call := next_call(client)) is not None:
                started = time.perf_counter()
                response = await call
                run.latencies.append(time.perf_counter() - started)
                if isinstance(response.parsed, MsgReq):
                    run.created[key(response.parsed, len(run.latencies))] = time.time()
                else:
                    run.errors.append(f"{response.status_code} {response.content[:200]!r}")

        started = time.perf_counter()
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(client_loop(clients[i % len(clients)]) for i in range(concurrency)))
        run.wall_s = time.perf_counter() - started
    return run


def api_client(base_url: str, token: str | None = None, timeout: float = 30) -> Api:
    """The generated client (`msgplat_client`): with an API key for the gateway, without
    one straight to a service (which authenticates no one: the same paths)."""
    if token is None:
        return Client(base_url=base_url, timeout=httpx.Timeout(timeout))
    return AuthenticatedClient(base_url=base_url, token=token, timeout=httpx.Timeout(timeout))


@asynccontextmanager
async def clients_for(
    base_url: str, concurrency: int, token: str | None = None
) -> AsyncIterator[list[Api]]:
    """One client (and so one httpx pool) per 4 concurrent callers: httpx's pool costs CPU
    per request in proportion to the requests and connections it holds, so one client for
    32 callers would measure the load generator rather than the platform."""
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(api_client(base_url, token))
            for _ in range(max(1, concurrency // 4))
        ]


async def rate_of(
    action: Callable[[], Awaitable[object]], *, concurrency: int, seconds: float
) -> float:
    """Completed `action`s per second with `concurrency` of them in flight."""
    done = 0
    stop_at = time.monotonic() + seconds

    async def loop() -> None:
        nonlocal done
        while time.monotonic() < stop_at:
            await action()
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


async def trivial_rate(base_url: str, *, concurrency: int, seconds: float) -> float:
    """`GET /health/live` of one service with the same clients: this machine's HTTP ceiling."""
    async with clients_for(base_url, concurrency) as clients:
        turn = itertools.cycle(clients)

        async def get() -> None:
            assert (await live.asyncio_detailed(client=next(turn))).status_code == 200

        return await rate_of(get, concurrency=concurrency, seconds=seconds)


async def one_row_rate(database_url: str, *, concurrency: int, seconds: float) -> float:
    """One-row INSERT transactions per second (asyncpg): this machine's database ceiling."""
    pool = await asyncpg.create_pool(database_url, min_size=concurrency, max_size=concurrency)
    try:
        await pool.execute("CREATE TABLE bench_one_row (id bigserial PRIMARY KEY, v text)")

        async def insert() -> None:
            await pool.execute("INSERT INTO bench_one_row (v) VALUES ('x')")

        return await rate_of(insert, concurrency=concurrency, seconds=seconds)
    finally:
        await pool.execute("DROP TABLE IF EXISTS bench_one_row")
        await pool.close()


async def wait_until_drained(database_url: str, *, timeout_s: float) -> float:
    """Wait until every reservation so far went through the saga and into the read
    model, so the steady-rate phase measures a steady state, not a backlog."""
    started = time.monotonic()
    conn = await asyncpg.connect(database_url)
    try:
        while time.monotonic() - started < timeout_s:
            waiting = await conn.fetchval(
                """
                SELECT (SELECT count(*) FROM reservation.reservations WHERE status = 'requested')
                     + (SELECT count(*) FROM reservation.reservations)
                     - (SELECT count(*) FROM monitoring.reservation_views
                        WHERE status <> 'requested')
                """
            )
            if waiting == 0:
                break
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    return time.monotonic() - started


async def projected_at(database_url: str, ids: list[str], *, timeout_s: float) -> dict[str, float]:
    """When the projection applied each reservation's `ReservationRequested` (wall clock).

    The monitoring inbox row is written in the transaction that creates the view; the
    reservation outbox row maps the event to its reservation. Both servers' clocks are
    this machine's, so the times compare with the client's.
    """
    conn = await asyncpg.connect(database_url)
    try:
        query = """
            SELECT o.key, i.applied_at
            FROM reservation.outbox o
            JOIN monitoring.inbox i ON i.event_id = o.event_id AND i.consumer_group = $2
            WHERE o.event_type = 'ReservationRequested' AND o.key = ANY($1::text[])
        """
        deadline = time.monotonic() + timeout_s
        while True:
            rows = await conn.fetch(query, ids, PROJECTION_GROUP)
            if len(rows) == len(ids) or time.monotonic() > deadline:
                return {row["key"]: row["applied_at"].timestamp() for row in rows}
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def polled_lags(
    gateway_url: str,
    *,
    rate: float,
    seconds: float,
    poll_s: float,
    max_recipients: int,
    token: str,
) -> tuple[list[float], dict[str, float], int]:
    """POST at a steady `rate`; after each answer poll GET /monitorings/{id} every `poll_s`.

    Returns the polled lags, each reservation's answer time (wall clock), and how many
    were refused or not seen within 5 s. Keep `rate / poll_s` small: the polls are load.
    """
    rng = random.Random(7)
    lags: list[float] = []
    answered_at: dict[str, float] = {}
    missed = 0
    async with api_client(gateway_url, token, timeout=10) as client:

        async def one() -> None:
            nonlocal missed
            body = reservation(rng, max_recipients)
            response = await create_msg_req.asyncio_detailed(client=client, body=body)
            answered = time.perf_counter()
            if not isinstance(response.parsed, MsgReq):
                missed += 1
                return
            rid = response.parsed.id
            answered_at[str(rid)] = time.time()
            while time.perf_counter() - answered < 5:
                if (await get_monitoring.asyncio_detailed(rid, client=client)).status_code == 200:
                    lags.append(time.perf_counter() - answered)
                    return
                await asyncio.sleep(poll_s)
            missed += 1

        tasks = []
        started = time.perf_counter()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
    return lags, answered_at, missed


def lag_summary(lags: list[float]) -> str:
    return f"median {ms(statistics.median(lags))}, p99 {ms(pct(lags, 99))}, max {ms(max(lags))}"


def summary(run: Run) -> str:
    if not run.latencies:
        return "no request completed"
    return (
        f"{run.rate:,.0f} /s  ({len(run.created):,} in {run.wall_s:.1f} s; latency "
        f"p50 {ms(pct(run.latencies, 50))}, p99 {ms(pct(run.latencies, 99))}; "
        f"errors {len(run.errors)})"
    )


async def measure(stack: Stack, database_url: str, args: argparse.Namespace) -> None:
    n, c, r = args.requests, args.concurrency, args.max_recipients
    # The gateway authenticates every request (an operator's API key: operators act for
    # any customer and are not rate-limited); straight to the service there is none.
    auth, key = stack.operator_headers, stack.operator_key
    async with api_client(stack.gateway_url, key) as api:
        for user in range(USERS):  # the balance check refuses an empty account
            topup = TopupCreate(user_id=f"bench-{user}", amount=10_000_000)
            done = await create_topup.asyncio_detailed(client=api, body=topup)
            assert done.status_code in (200, 201), done.content
            # ... and intake, a callback number that is not the customer's verified sender
            await asyncio.to_thread(
                approve_sender, stack.gateway_url, auth, f"bench-{user}", "0212345678"
            )
    print(f"\nreservations created per second ({n:,} POSTs of 1-{r} recipients, {c} clients)")
    # Warm-up: connections, pools, first-use code paths.
    await post_reservations(
        stack.gateway_url, total=100, concurrency=c, max_recipients=r, cap_s=10, token=key
    )
    through = await post_reservations(
        stack.gateway_url, total=n, concurrency=c, max_recipients=r, cap_s=25, token=key
    )
    print(f"  through the gateway      {summary(through)}")
    for error in through.errors[:3]:
        print(f"    e.g. {error}")
    # The projection catches up before the service is loaded again.
    applied = await projected_at(database_url, list(through.created), timeout_s=15)
    direct = await post_reservations(
        stack.url("reservation"), total=n, concurrency=c, max_recipients=r, cap_s=20
    )
    print(f"  straight to reservation  {summary(direct)}")
    if direct.rate:
        print(f"  the gateway keeps        {through.rate / direct.rate:.0%} of the direct rate")

    trivial = await trivial_rate(stack.url("reservation"), concurrency=c, seconds=3)
    one_row = await one_row_rate(database_url, concurrency=min(c, 16), seconds=3)
    print("\nagainst the machine's raw limits")
    print(
        f"  reference: FastAPI ~{REFERENCE_TRIVIAL_RPS:,} trivial requests/s, "
        f"PostgreSQL ~{REFERENCE_ONE_ROW_TPS:,} one-row transactions/s"
    )
    print(
        f"  gateway rate = {through.rate / REFERENCE_TRIVIAL_RPS:.1%} of the trivial-request "
        f"limit, {through.rate / REFERENCE_ONE_ROW_TPS:.1%} of the one-row-transaction limit"
    )
    print(
        f"  measured here under the same conditions: GET /health/live {trivial:,.0f} /s "
        f"(gateway rate = {through.rate / trivial:.0%} of it), one-row INSERT "
        f"{one_row:,.0f} /s (gateway rate = {through.rate / one_row:.0%} of it)"
    )

    print("\nlag from the POST's response to the read model (GET /monitorings/{id})")
    lags = [applied[i] - answered for i, answered in through.created.items() if i in applied]
    if lags:
        late = len(through.created) - len(lags)
        print(
            f"  under full load (the {len(lags):,} gateway POSTs above, at projection commit): "
            f"{lag_summary(lags)}" + (f"; {late} not projected within 15 s" if late else "")
        )
    drained = await wait_until_drained(database_url, timeout_s=90)
    print(f"  (the platform drained the load above in {drained:.1f} s before the steady phase)")
    ids = list(through.created)
    print(
        f"\nstatus reads per second (GET /msgReqs/{{id}}, {c} clients, 5 s each, the platform idle)"
    )
    reads_through = await get_statuses(stack.gateway_url, ids, concurrency=c, seconds=5, token=key)
    print(f"  through the gateway      {summary(reads_through)}")
    reads_direct = await get_statuses(stack.url("reservation"), ids, concurrency=c, seconds=5)
    print(f"  straight to reservation  {summary(reads_direct)}")
    if reads_direct.rate:
        print(
            f"  the gateway keeps        {reads_through.rate / reads_direct.rate:.0%} "
            "of the direct rate"
        )

    polled, answered_at, missed = await polled_lags(
        stack.gateway_url,
        rate=args.lag_rate,
        seconds=6,
        poll_s=0.02,
        max_recipients=r,
        token=key,
    )
    steady_applied = await projected_at(database_url, list(answered_at), timeout_s=5)
    steady = [steady_applied[i] - t for i, t in answered_at.items() if i in steady_applied]
    if steady:
        print(
            f"  at a steady {args.lag_rate:.0f} POSTs/s ({len(steady)} reservations), "
            f"at projection commit: {lag_summary(steady)}"
        )
    if polled:
        print(
            f"  the same, as a client polling GET /monitorings/{{id}} every 20 ms sees it: "
            f"{lag_summary(polled)}" + (f"; {missed} not seen within 5 s" if missed else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="POSTs per measured run")
    parser.add_argument("--concurrency", type=int, default=32, help="clients in flight")
    parser.add_argument("--max-recipients", type=int, default=10, help="1 to this many each")
    parser.add_argument("--lag-rate", type=float, default=10, help="POSTs/s while polling")
    args = parser.parse_args()
    began = time.monotonic()
    with platform_on_loopback({"LOG_LEVEL": "INFO"}) as (stack, database_url):
        print(f"stack ready in {time.monotonic() - began:.0f} s (loopback, free ports)")
        asyncio.run(measure(stack, database_url, args))
    print(f"\ndone in {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
