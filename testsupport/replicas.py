"""The proof of issue 19: a send through two replicas of every service while replicas
are killed and restarted in turn (or a sender is frozen past its lease), against two
carriers that do not deduplicate; what each count came to. The test
(`tests/test_replicas.py`) asserts on it, the benchmark (`bench/replicas.py`) prints it."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import asyncpg
import httpx

from msgplat.devstack.reconcile import reconcile
from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.reservations import all_counted
from msgplat_testsupport.senders import TEST_CALLBACK_NUM
from msgplat_testsupport.stack import Stack, received_by_carrier

PRICE_SMS = 20
FINAL = {"completed", "partially_failed", "failed", "cancelled"}
REPLICATED = ("reservation", "send", "billing", "stat", "monitoring")
KILL_ORDER = ("send", "billing", "stat", "reservation", "monitoring")  # send first: mid-send
CARRIERS = ("carrier", "carrier-b")
Fault = Literal["kill", "stop", "rolling", "none"]


@dataclass
class Outcome:
    """What one run came to (`problems` empty: every check held)."""

    count: int
    rid: str = ""  # the reservation sent
    status: str = ""
    seconds: float = 0.0
    duplicates: int = 0  # submits of a ref a carrier had accepted already
    on_two_carriers: int = 0  # refs accepted by both carriers
    delivered: int = 0
    failed: int = 0
    not_final: int = 0
    charged: int = 0
    held: int = 0
    faults: list[str] = field(default_factory=list)
    out_of_order: int = 0  # refs that reached a carrier before a lower seq did
    deadlocks: int = 0  # PostgreSQL's count for the platform's database during the run
    differences: list[str] = field(default_factory=list)  # reconcile: stat, views, billing
    problems: list[str] = field(default_factory=list)


def prepare_carriers(stack: Stack) -> None:
    for name in CARRIERS:
        with httpx.Client(base_url=stack.url(name), timeout=10) as client:
            client.post("/admin/reset").raise_for_status()
            client.put(
                "/admin/config", json={"report_delay_ms": 50, "deduplicate": False}
            ).raise_for_status()


def send_with_faults(
    stack: Stack,
    database_url: str,
    count: int,
    *,
    fault: Fault,
    lease_s: float,
    timeout_s: float = 600,
    log: Callable[[str], None] = lambda line: None,
) -> Outcome:
    """Reserve `count` recipients due now and, while they are sent, apply `fault`:
    `kill`: SIGKILL and restart one replica of each service in turn; `stop`: SIGSTOP the
    sender holding the job for twice its lease, then SIGCONT; `rolling`: a rolling
    upgrade, every replica of every service stopped (SIGTERM) and started again, one at
    a time, each ready before the next. Then wait until every message is final and
    accounted for, and count."""
    prepare_carriers(stack)
    outcome = Outcome(count=count)
    deadlocks_before = asyncio.run(_deadlocks(database_url))
    with httpx.Client(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=60
    ) as api:
        user = stack.new_customer().user_id  # with the callback number below verified
        stack.top_up(user, count * PRICE_SMS * 2)
        started = time.monotonic()
        response = api.post(
            "/msgReqs",
            json={
                "userId": user,
                "msgTitle": "replicas",
                "msgContent": "two of everything",
                "dstNum": numbers(count),
                "callbackNum": TEST_CALLBACK_NUM,
            },
        )
        assert response.status_code == 201, response.text
        rid = outcome.rid = response.json()["id"]
        log(f"reserved {count:,} recipients: {rid}")

        def status() -> str:
            try:
                return str(api.get(f"/msgReqs/{rid}").json()["status"])
            except (httpx.HTTPError, ValueError, KeyError):
                return "unknown"

        wait_for(lambda: _sent(stack, rid) > 0, timeout_s=120)
        if fault == "kill":
            for name in KILL_ORDER:
                victim = stack.replica_names(name)[-1 if name == "send" else 0]
                if name == "send":
                    victim = _lease_holder(stack, database_url, rid) or victim
                log(f"SIGKILL {victim} at {_sent(stack, rid):,} sent")
                outcome.faults.append(f"kill {victim}")
                process = stack.processes[victim]
                process.kill()
                process.start()  # not waited for: its consumer group takes a while
                time.sleep(2)
        elif fault == "rolling":
            for name in KILL_ORDER:
                for replica in stack.replica_names(name):
                    log(f"rolling: restarting {replica} at {_sent(stack, rid):,} sent")
                    outcome.faults.append(f"restart {replica}")
                    # As a Deployment's rollout waits (progressDeadlineSeconds): a consumer
                    # group's rebalance can take a while on a busy broker.
                    stack.restart(replica, kill=False, ready_timeout_s=300)
        elif fault == "stop":
            victim = _lease_holder(stack, database_url, rid) or "send"
            process = stack.processes[victim].process
            assert process is not None
            log(f"SIGSTOP {victim} for {2 * lease_s:.0f} s at {_sent(stack, rid):,} sent")
            outcome.faults.append(f"stop {victim} {2 * lease_s:.0f} s")
            os.kill(process.pid, signal.SIGSTOP)
            try:
                time.sleep(2 * lease_s)
            finally:
                os.kill(process.pid, signal.SIGCONT)
        outcome.status = wait_for(
            lambda: (s := status()) in FINAL and s, timeout_s=timeout_s, interval_s=0.5
        )
        outcome.seconds = time.monotonic() - started
        log(f"{outcome.status} after {outcome.seconds:.1f} s")
        for process in stack.processes.values():
            process.wait_ready(timeout_s=180)  # the restarted ones, before the next run
        bill = wait_for(
            lambda: (
                (b := api.get(f"/billings/reservations/{rid}").json())["status"] == "closed" and b
            ),
            timeout_s=120,
        )
        stat = wait_for(lambda: all_counted(api, rid, count), timeout_s=120)
        messages = asyncio.run(_message_statuses(database_url, rid))
        outcome.not_final = sum(1 for s in messages if s not in ("delivered", "failed"))
        outcome.delivered = messages.count("delivered")
        outcome.failed = messages.count("failed")
        outcome.charged = int(api.get("/billings", params={"userId": user}).json()["charged"])
        outcome.held = int(bill["held"])
        _count_carriers(stack, rid, outcome)
        report = asyncio.run(reconcile(stack.gateway_url, headers=stack.operator_headers))
        outcome.differences = list(report.differences)
    outcome.deadlocks = asyncio.run(_deadlocks(database_url)) - deadlocks_before
    _judge(outcome, stat, bill)
    return outcome


def _judge(outcome: Outcome, stat: dict[str, Any], bill: dict[str, Any]) -> None:
    p = outcome.problems
    if outcome.duplicates or outcome.on_two_carriers:
        p.append(f"{outcome.duplicates} duplicates, {outcome.on_two_carriers} on two carriers")
    if outcome.not_final:
        p.append(f"{outcome.not_final} messages not final")
    if outcome.charged != outcome.delivered * PRICE_SMS:
        p.append(f"charged {outcome.charged} != {outcome.delivered} delivered x {PRICE_SMS}")
    if outcome.held:
        p.append(f"{outcome.held} still held")
    if (stat["delivered"], stat["failed"]) != (outcome.delivered, outcome.failed):
        p.append(f"stat {stat['delivered']}/{stat['failed']} != send's")
    if bill["capturedCount"] != outcome.delivered:
        p.append(f"billing captured {bill['capturedCount']} != {outcome.delivered} delivered")
    if outcome.out_of_order:
        p.append(f"{outcome.out_of_order} refs reached a carrier out of seq order")
    if outcome.deadlocks:
        p.append(f"{outcome.deadlocks} deadlocks in the database")
    if outcome.differences:
        p.append("reconcile: " + "; ".join(outcome.differences[:5]))


def _count_carriers(stack: Stack, rid: str, outcome: Outcome) -> None:
    accepted: list[set[str]] = []
    for name in CARRIERS:
        with httpx.Client(base_url=stack.url(name), timeout=30) as client:
            outcome.duplicates += int(client.get("/admin/stats").json()["duplicates"])
            items = received_by_carrier(client, rid)
        accepted.append({i["ref"] for i in items if i["status"] != "REJECTED"})
        seqs = [int(i["ref"].rsplit(":", 1)[1]) for i in items]
        outcome.out_of_order += sum(1 for a, b in itertools.pairwise(seqs) if b < a)
    outcome.on_two_carriers = len(accepted[0] & accepted[1])


def _sent(stack: Stack, rid: str) -> int:
    total = 0
    for name in CARRIERS:
        with httpx.Client(base_url=stack.url(name), timeout=10) as client:
            page = client.get("/admin/received", params={"refPrefix": rid, "limit": 1}).json()
            total += int(page["total"])
    return total


def _lease_holder(stack: Stack, database_url: str, rid: str) -> str | None:
    """The send replica holding the job's lease (its owner names its process id)."""
    owner = asyncio.run(_fetch(database_url, rid))
    if owner is None:
        return None
    for name in stack.replica_names("send"):
        process = stack.processes[name].process
        if process is not None and f"-{process.pid}-" in owner:
            return name
    return None


async def _fetch(database_url: str, rid: str) -> str | None:
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        owner: str | None = await conn.fetchval(
            "SELECT lease_owner FROM send.jobs WHERE reservation_id = $1", uuid.UUID(rid)
        )
        return owner
    finally:
        await conn.close()


async def _deadlocks(database_url: str) -> int:
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        count: int = await conn.fetchval(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
        )
        return count
    finally:
        await conn.close()


async def _message_statuses(database_url: str, rid: str) -> list[str]:
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch(
            "SELECT status FROM send.messages WHERE reservation_id = $1", uuid.UUID(rid)
        )
        return [row["status"] for row in rows]
    finally:
        await conn.close()


def wait_for(condition: Callable[[], Any], *, timeout_s: float, interval_s: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            value = condition()
        except (httpx.HTTPError, ValueError, KeyError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout_s} s")
        time.sleep(interval_s)
