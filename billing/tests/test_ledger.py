"""The ledger explains every balance; monthly usage; demo accounts; top-ups."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import update

from msgplat.billing import commands, queries
from msgplat.billing.domain import SEOUL
from msgplat.billing.models import ledger
from msgplat.billing.schemas import TopupCreate
from msgplat.plumbing.errors import NotFound, RequestInvalid


def derived_from_ledger(entries: list[Any]) -> tuple[int, int, int, int]:
    """(available, held, charged, topped_up) as the sum of the entries."""
    total = Counter[str]()
    for entry in entries:
        total[entry.kind] += entry.amount
    available = total["topup"] - total["hold"] + total["release"]
    held = total["hold"] - total["capture"] - total["release"]
    return available, held, total["capture"], total["topup"]


async def test_every_balance_is_the_sum_of_its_ledger_after_a_mixed_run(saga: Any) -> None:
    """Top-ups, holds (of one type or mixed), refusals, captures, releases (opted out
    among them), duplicates, contradictions, cancels and finishes for three customers, in
    random order per reservation and redelivered."""
    rng = random.Random(5)
    users = [f"u-mixed-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    rids: list[uuid.UUID] = []
    for user in users:
        await saga.top_up(user, rng.randrange(1_000, 5_000))
    for round_ in range(12):
        user = users[round_ % 3]
        if round_ % 4 == 3:
            await saga.top_up(user, rng.randrange(100, 2_000))
        rid = uuid.uuid4()
        rids.append(rid)
        n = rng.randrange(1, 60)
        if round_ % 3 == 1:  # personalised: some SMS, the rest LMS
            sms = rng.randrange(0, n + 1)
            types = ["SMS"] * sms + ["LMS"] * (n - sms)
            msg_type = "LMS" if sms < n else "SMS"
            stream = [saga.requested(rid, user, n, msg_type, {"SMS": sms, "LMS": n - sms})]
        else:
            msg_type = rng.choice(["SMS", "LMS"])
            types = [msg_type] * n
            stream = [saga.requested(rid, user, n, msg_type)]
        statuses = ["delivered", "failed", "cancelled", "opted_out"]
        outcomes = [
            (seq, rng.choice(statuses), types[seq], rng.choice(["sim", "sim-b"]))
            for seq in range(n)
        ]
        rng.shuffle(outcomes)
        reported = outcomes[: rng.randrange(0, n + 1)]  # some results may never come
        for start in range(0, len(reported), 7):
            stream.append(saga.results(rid, user, reported[start : start + 7]))
        if reported:  # a contradiction and a duplicate of the first result
            seq, status, *rest = reported[0]
            flipped = "failed" if status == "delivered" else "delivered"
            stream.append(saga.results(rid, user, [(seq, flipped, *rest), (seq, status, *rest)]))
        if round_ % 5 == 0:
            stream.insert(1, saga.cancelled(rid, user, "requested"))
        stream.append(saga.finished(rid, user))
        await saga.apply(*stream)
        await saga.apply(*rng.sample(stream, len(stream)))  # all redelivered, any order

    for user in users:
        account = await saga.account(user)
        entries = await saga.entries(user)
        balance = (account.available, account.held, account.charged, account.topped_up)
        assert balance == derived_from_ledger(entries), user
        assert account.available + account.held + account.charged == account.topped_up
        assert account.held == 0  # every reservation finished: nothing stays held
        last = entries[-1]
        assert (last.available_after, last.held_after, last.charged_after) == balance[:3]
        # Each entry's balance after = the previous one's, moved by that entry alone.
        for before, entry in itertools.pairwise(entries):
            after = (entry.available_after, entry.held_after, entry.charged_after)
            moved = derived_from_ledger([entry])[:3]
            previous = (before.available_after, before.held_after, before.charged_after)
            assert after == tuple(p + m for p, m in zip(previous, moved, strict=True))

    captured: Counter[str] = Counter()
    mixed = 0
    for rid in rids:  # each hold adds up, in total and per type
        hold = await saga.hold(rid)
        if hold.status == "refused":
            continue
        captured[hold.user_id] += hold.captured_count
        mixed += len(hold.by_type) == 2
        assert (
            hold.amount
            == hold.captured_amount + hold.released_amount + hold.held
            == sum(line["unit_price"] * line["count"] for line in hold.by_type.values())
        )
        assert hold.count == hold.captured_count + hold.released_count
        assert hold.captured_amount == sum(
            line["unit_price"] * line["captured"] for line in hold.by_type.values()
        )
    assert mixed >= 2
    for user in users:  # every captured message is in the usage by carrier
        assert sum(n for *_, n, _ in await saga.usage_rows(user)) == captured[user]


async def test_usage_sums_charges_by_type_within_seoul_months(saga: Any, user: str) -> None:
    sms, lms = uuid.uuid4(), uuid.uuid4()
    await saga.top_up(user, 10_000)
    await saga.apply(saga.requested(sms, user, 10, "SMS"), saga.requested(lms, user, 4, "LMS"))
    await saga.apply(saga.results(sms, user, [(n, "delivered") for n in range(6)]))
    await saga.apply(saga.results(sms, user, [(6, "failed"), (7, "delivered")]))
    await saga.apply(saga.results(lms, user, [(0, "delivered"), (1, "failed")]))
    # Put the LMS entries at the first instant of March in Seoul (still February in UTC).
    march_seoul = datetime(2026, 3, 1, 0, 0, tzinfo=SEOUL)
    async with saga.db.unit_of_work() as uow:
        await uow.conn.execute(
            update(ledger)
            .where(ledger.c.reservation_id == lms, ledger.c.kind != "hold")
            .values(at=march_seoul)
        )
        await uow.commit()

    this_month = datetime.now(SEOUL).strftime("%Y-%m")
    usage = await queries.get_usage(saga.db, user_id=user, month=this_month)
    assert (usage.messages, usage.amount) == (7, 140)
    assert [(t.msg_type, t.messages, t.amount, t.released_messages) for t in usage.by_type] == [
        ("SMS", 7, 140, 1)
    ]
    march = await queries.get_usage(saga.db, user_id=user, month="2026-03")
    assert [(t.msg_type, t.messages, t.amount, t.released_messages) for t in march.by_type] == [
        ("LMS", 1, 50, 1)
    ]
    assert (await queries.get_usage(saga.db, user_id=user, month="2026-02")).by_type == []
    with pytest.raises(NotFound):
        await queries.get_usage(saga.db, user_id=user + "-none", month="2026-02")


async def test_reservation_charges_for_reconciliation(saga: Any, user: str) -> None:
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    await saga.apply(saga.requested(rid, user, 3))
    await saga.apply(saga.results(rid, user, [(0, "delivered"), (1, "failed")]))
    charges = await queries.get_reservation_charges(saga.db, rid)
    assert (charges.status, charges.count, charges.amount, charges.held) == ("open", 3, 60, 20)
    assert (charges.captured_count, charges.captured_amount) == (1, 20)
    assert (charges.released_count, charges.released_amount) == (1, 20)
    with pytest.raises(NotFound):
        await queries.get_reservation_charges(saga.db, uuid.uuid4())


async def test_demo_accounts_are_created_once_with_a_topup_entry(saga: Any) -> None:
    first, second = (f"u-demo-{uuid.uuid4().hex[:8]}" for _ in range(2))
    demo = {first: 100_000, second: 5}
    assert sorted(await commands.ensure_demo_accounts(saga.db, demo)) == sorted(demo)
    await saga.top_up(first, 1)  # the customer's own activity survives a restart
    assert await commands.ensure_demo_accounts(saga.db, demo) == []
    assert (await saga.account(first)).available == 100_001
    entries = await saga.entries(first)
    assert [(e.kind, e.amount, e.note, e.actor) for e in entries] == [
        ("topup", 100_000, "demo starting balance", "DEMO_ACCOUNTS"),
        ("topup", 1, None, None),
    ]


def _billing_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "msgplat.billing", *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_an_operator_tops_up_from_the_command_line(
    saga: Any, user: str, database_url: str
) -> None:
    """`python -m msgplat.billing topup`: the operator's path from a shell, named in the
    ledger (`cli:<who>`), once per idempotency key."""
    args = ("topup", user, "2500", "--note", "wire 42", "--by", "alice", "--idempotency-key", "w42")
    done = await asyncio.to_thread(_billing_cli, database_url, *args)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["balance"]["available"] == 2_500
    again = await asyncio.to_thread(_billing_cli, database_url, *args)
    assert again.returncode == 0, again.stderr
    assert (await saga.account(user)).available == 2_500
    [entry] = await saga.entries(user)
    assert (entry.kind, entry.amount, entry.note, entry.actor) == (
        "topup",
        2_500,
        "wire 42",
        "cli:alice",
    )
    refused = await asyncio.to_thread(_billing_cli, database_url, "topup", user, "0")
    assert refused.returncode != 0
    assert "amount" in refused.stderr


async def test_a_topup_with_an_idempotency_key_is_applied_once(saga: Any, user: str) -> None:
    cmd = TopupCreate(userId=user, amount=3_000)
    first, replayed = await commands.top_up(saga.db, cmd, actor="ops", idempotency_key="k1")
    assert not replayed
    again, replayed = await commands.top_up(saga.db, cmd, actor="ops", idempotency_key="k1")
    assert replayed
    assert again == first
    assert (await saga.account(user)).available == 3_000
    with pytest.raises(RequestInvalid):
        await commands.top_up(
            saga.db, TopupCreate(userId=user, amount=1), actor="ops", idempotency_key="k1"
        )
    other, replayed = await commands.top_up(saga.db, cmd, actor="ops", idempotency_key="k2")
    assert not replayed
    assert other.balance.available == 6_000
    assert len(await saga.entries(user)) == 2
