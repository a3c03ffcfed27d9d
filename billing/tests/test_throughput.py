"""Accounting keeps up with sending: 100,000 results in 200 events of 500, applied through
the consumer in batches as Kafka would deliver them. The rate is printed, not asserted
(the machine is shared); the totals are."""

from __future__ import annotations

import time
import uuid
from typing import Any

RECIPIENTS = 100_000
PER_EVENT = 500
EVENTS_PER_BATCH = 50  # records per poll; the consumer's default allows 500


async def test_throughput_of_settling_100000_results(saga: Any, user: str) -> None:
    rid = uuid.uuid4()
    await saga.top_up(user, RECIPIENTS * 20)
    await saga.apply(saga.requested(rid, user, RECIPIENTS))
    events = [
        saga.results(
            rid,
            user,
            [
                (seq, "failed" if seq % 10 == 0 else "delivered")
                for seq in range(start, start + PER_EVENT)
            ],
        )
        for start in range(0, RECIPIENTS, PER_EVENT)
    ]

    began = time.perf_counter()
    for start in range(0, len(events), EVENTS_PER_BATCH):
        await saga.apply(*events[start : start + EVENTS_PER_BATCH])
    elapsed = time.perf_counter() - began
    print(
        f"\nbilling settled {RECIPIENTS:,} results in {len(events)} events of {PER_EVENT} "
        f"in {elapsed:.2f} s: {RECIPIENTS / elapsed:,.0f} results/s"
    )

    account = await saga.account(user)
    assert (account.held, account.charged) == (0, 90_000 * 20)
    assert account.available == 10_000 * 20
    assert (await saga.hold(rid)).status == "closed"
    assert len(await saga.entries(user)) == 1 + 1 + 2 * len(events)
