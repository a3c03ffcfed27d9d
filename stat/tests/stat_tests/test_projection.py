"""The counters, projected by the real consumer into the real PostgreSQL.

Each event goes through `IdempotentConsumer.apply` as a Kafka record would, so the
inbox and the per-message guard are exercised together. A private consumer group per
test keeps its inbox rows apart; a new customer per test keeps its day counters apart.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from msgplat.contracts.events import (
    MessageResult,
    MessageResultsReported,
    ReservationRejected,
)
from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.errors import NotFound
from msgplat.stat import queries
from msgplat_testsupport.events import envelope, requested
from msgplat_testsupport.records import as_records

NOON_UTC = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 12:00 on 10 March in Seoul
MARCH_10 = date(2026, 3, 10)


class Customer:
    """A fresh customer (so day counters start at zero) who sends events about a reservation."""

    def __init__(self) -> None:
        self.user_id = f"u-stat-{uuid.uuid4().hex[:8]}"
        self.rid = uuid.uuid4()

    def wrap(self, event: Event) -> EventEnvelope:
        return envelope(event, user_id=self.user_id)

    def requested(self, recipients: int, at: datetime = NOON_UTC) -> EventEnvelope:
        return self.wrap(requested(self.rid, recipients=recipients, requested_at=at))

    def rejected(self, at: datetime = NOON_UTC) -> EventEnvelope:
        return self.wrap(
            ReservationRejected(reservation_id=self.rid, reason="not enough credit", rejected_at=at)
        )

    def results(self, *results: MessageResult) -> EventEnvelope:
        return self.wrap(MessageResultsReported(reservation_id=self.rid, results=list(results)))


def result(
    seq: int,
    status: str,
    code: str | None = None,
    at: datetime = NOON_UTC,
    carrier: str | None = None,
) -> MessageResult:
    return MessageResult.model_validate(
        {"seq": seq, "status": status, "code": code, "at": at, "carrier": carrier}
    )


def counts_of(stat: object) -> dict[str, object]:
    fields = ("requested", "delivered", "failed", "cancelled", "rejected", "opted_out", "rate")
    counts = {name: getattr(stat, name) for name in fields}
    counts["failures_by_code"] = getattr(stat, "failures_by_code")  # noqa: B009
    return counts


async def day_stats(db: Database, user_id: str, start: date = MARCH_10, end: date = MARCH_10):  # type: ignore[no-untyped-def]
    return await queries.user_stats(db, user_id=user_id, start=start, end=end)


async def test_a_request_counts_its_recipients_on_its_seoul_day(
    db: Database, consumer: IdempotentConsumer
) -> None:
    c = Customer()
    await consumer.apply(as_records([c.requested(5)]))

    stat = await queries.reservation_stat(db, c.rid)
    assert stat.user_id == c.user_id
    assert stat.requested_at == NOON_UTC
    assert counts_of(stat) == {
        "requested": 5,
        "delivered": 0,
        "failed": 0,
        "cancelled": 0,
        "rejected": 0,
        "opted_out": 0,
        "rate": None,
        "failures_by_code": {},
    }
    period = await day_stats(db, c.user_id)
    assert [(d.date, d.requested) for d in period.history] == [(MARCH_10, 5)]
    assert period.stat.requested == 5


async def test_results_are_counted_by_status_with_failures_by_code(
    db: Database, consumer: IdempotentConsumer
) -> None:
    c = Customer()
    await consumer.apply(
        as_records(
            [
                c.requested(7),
                c.results(
                    result(0, "delivered", "OK"),
                    result(1, "delivered", "OK"),
                    result(2, "failed", "E301"),
                    result(3, "failed", "E301"),
                    result(4, "failed", "P001"),
                    result(5, "failed", None),
                ),
                c.results(result(6, "cancelled", "CANCELLED")),
            ]
        )
    )
    expected = {
        "requested": 7,
        "delivered": 2,
        "failed": 4,
        "cancelled": 1,
        "rejected": 0,
        "opted_out": 0,
        "rate": round(2 / 6, 4),
        "failures_by_code": {"E301": 2, "P001": 1, "UNKNOWN": 1},
    }
    assert counts_of(await queries.reservation_stat(db, c.rid)) == expected
    period = await day_stats(db, c.user_id)
    assert counts_of(period.stat) == expected
    assert len(period.history) == 1
    assert counts_of(period.history[0]) == expected


async def test_a_redelivered_event_changes_nothing(
    db: Database, consumer: IdempotentConsumer
) -> None:
    c = Customer()
    stream = [
        c.requested(3),
        c.results(result(0, "delivered"), result(1, "failed", "E1")),
        c.results(result(2, "cancelled")),
    ]
    await consumer.apply(as_records(stream))
    before = counts_of(await queries.reservation_stat(db, c.rid))

    for one in stream:  # one by one, then all again in a batch carrying one of them twice
        await consumer.apply(as_records([one]))
    await consumer.apply(as_records([*stream, stream[1]]))

    assert counts_of(await queries.reservation_stat(db, c.rid)) == before
    assert before["delivered"] == before["failed"] == before["cancelled"] == 1
    assert counts_of((await day_stats(db, c.user_id)).stat) == before
    assert consumer.stats.applied == 3
    assert consumer.stats.duplicates == 3 + 4


async def test_the_same_message_in_two_different_events_is_counted_once(
    db: Database, consumer: IdempotentConsumer
) -> None:
    """Re-emitted results (new event ids): in another batch, the same batch, the same event."""
    c = Customer()
    await consumer.apply(as_records([c.requested(4), c.results(result(0, "delivered"))]))
    await consumer.apply(as_records([c.results(result(0, "delivered"), result(1, "failed", "E1"))]))
    await consumer.apply(
        as_records(
            [
                c.results(result(1, "failed", "E1"), result(2, "delivered")),
                c.results(result(2, "delivered"), result(3, "failed", "E2")),
            ]
        )
    )
    await consumer.apply(
        as_records([c.results(result(3, "failed", "E2"), result(3, "failed", "E2"))])
    )

    stat = await queries.reservation_stat(db, c.rid)
    assert (stat.delivered, stat.failed, stat.cancelled) == (2, 2, 0)
    assert stat.failures_by_code == {"E1": 1, "E2": 1}
    day = (await day_stats(db, c.user_id)).stat
    assert (day.delivered, day.failed, day.failures_by_code) == (2, 2, {"E1": 1, "E2": 1})
    assert consumer.stats.applied == 6  # every event was new: the guard did the work


async def test_a_later_result_for_a_counted_message_is_ignored(
    db: Database, consumer: IdempotentConsumer
) -> None:
    """A message is final once: a failure after its delivery changes no count."""
    c = Customer()
    await consumer.apply(as_records([c.requested(1), c.results(result(0, "delivered"))]))
    await consumer.apply(as_records([c.results(result(0, "failed", "E9"))]))

    stat = await queries.reservation_stat(db, c.rid)
    assert (stat.delivered, stat.failed, stat.rate, stat.failures_by_code) == (1, 0, 1.0, {})


async def test_seoul_days_decide_where_a_count_falls(
    db: Database, consumer: IdempotentConsumer
) -> None:
    """Seoul is UTC+9: 14:59 UTC is still 10 March there, 15:00 and 23:30 UTC are 11 March."""
    c = Customer()
    late_10th = datetime(2026, 3, 10, 14, 59, 59, tzinfo=UTC)
    start_11th = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    late_utc = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    await consumer.apply(
        as_records(
            [
                c.requested(3, at=late_10th),
                c.results(
                    result(0, "delivered", at=late_10th),
                    result(1, "delivered", at=start_11th),
                    result(2, "failed", "E1", at=late_utc),
                ),
            ]
        )
    )
    other = Customer()
    other.user_id = c.user_id
    await consumer.apply(as_records([other.requested(2, at=late_utc)]))

    period = await day_stats(db, c.user_id, MARCH_10 - timedelta(days=1), date(2026, 3, 12))
    days = {d.date: (d.requested, d.delivered, d.failed) for d in period.history}
    assert days == {MARCH_10: (3, 1, 0), date(2026, 3, 11): (2, 1, 1)}
    assert [d.date for d in period.history] == sorted(days)
    only_11th = await day_stats(db, c.user_id, date(2026, 3, 11), date(2026, 3, 11))
    assert (only_11th.stat.requested, only_11th.stat.failures_by_code) == (2, {"E1": 1})


async def test_requests_polled_together_count_once_each_on_their_days(
    db: Database, consumer: IdempotentConsumer
) -> None:
    """One batch: two reservations of a customer on 10 March, one on 11 March, and the
    first one's request again under a new event id (counted once)."""
    c = Customer()
    second, third = Customer(), Customer()
    second.user_id = third.user_id = c.user_id
    march_11 = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)
    again = c.requested(4)
    again = again.model_copy(update={"event_id": uuid.uuid4()})
    await consumer.apply(
        as_records([c.requested(4), second.requested(6), third.requested(1, at=march_11), again])
    )
    period = await day_stats(db, c.user_id, MARCH_10, date(2026, 3, 11))
    assert {d.date: d.requested for d in period.history} == {MARCH_10: 10, date(2026, 3, 11): 1}
    assert (await queries.reservation_stat(db, c.rid)).requested == 4


async def test_the_rate_is_null_until_a_message_is_sent(
    db: Database, consumer: IdempotentConsumer
) -> None:
    """Cancelled messages were never sent: they make no rate."""
    c = Customer()
    await consumer.apply(as_records([c.requested(2), c.results(result(0, "cancelled"))]))
    stat = await queries.reservation_stat(db, c.rid)
    assert (stat.cancelled, stat.rate) == (1, None)
    assert (await day_stats(db, c.user_id)).stat.rate is None

    await consumer.apply(as_records([c.results(result(1, "failed", "E1"))]))
    assert (await queries.reservation_stat(db, c.rid)).rate == 0.0


async def test_a_rejected_reservation_counts_its_recipients_as_rejected_once(
    db: Database, consumer: IdempotentConsumer
) -> None:
    c = Customer()
    next_day = NOON_UTC + timedelta(days=1)
    await consumer.apply(as_records([c.requested(4), c.rejected(at=next_day)]))
    await consumer.apply(as_records([c.rejected(at=next_day)]))  # re-emitted: a new event id

    stat = await queries.reservation_stat(db, c.rid)
    assert (stat.requested, stat.rejected, stat.delivered, stat.rate) == (4, 4, 0, None)
    period = await day_stats(db, c.user_id, MARCH_10, date(2026, 3, 11))
    assert [(d.date, d.requested, d.rejected) for d in period.history] == [
        (MARCH_10, 4, 0),
        (date(2026, 3, 11), 0, 4),
    ]


async def test_a_rejection_of_an_unknown_reservation_counts_nothing(
    db: Database, consumer: IdempotentConsumer
) -> None:
    c = Customer()
    await consumer.apply(as_records([c.rejected()]))
    with pytest.raises(NotFound):
        await queries.reservation_stat(db, c.rid)
    assert (await day_stats(db, c.user_id)).history == []


async def test_results_overtaking_their_request_are_kept_and_the_request_counted_once(
    db: Database, consumer: IdempotentConsumer
) -> None:
    """Requests and results come on different topics: either may be applied first."""
    c = Customer()
    await consumer.apply(as_records([c.results(result(0, "delivered"))]))
    early = await queries.reservation_stat(db, c.rid)
    assert (early.requested, early.delivered, early.requested_at) == (0, 1, None)

    await consumer.apply(as_records([c.requested(2)]))
    await consumer.apply(as_records([c.requested(2)]))  # re-emitted under a new event id

    stat = await queries.reservation_stat(db, c.rid)
    assert (stat.requested, stat.delivered, stat.requested_at) == (2, 1, NOON_UTC)
    assert (await day_stats(db, c.user_id)).stat.requested == 2


async def test_a_period_sums_its_days_and_lists_only_days_with_data(
    db: Database, consumer: IdempotentConsumer
) -> None:
    user = f"u-stat-{uuid.uuid4().hex[:8]}"
    for offset in (0, 2, 5):
        c = Customer()
        c.user_id = user
        at = NOON_UTC + timedelta(days=offset)
        await consumer.apply(
            as_records([c.requested(2, at=at), c.results(result(0, "delivered", at=at))])
        )
    someone_else = Customer()
    await consumer.apply(as_records([someone_else.requested(9)]))

    period = await day_stats(db, user, MARCH_10 + timedelta(days=1), MARCH_10 + timedelta(days=5))
    assert [d.date for d in period.history] == [date(2026, 3, 12), date(2026, 3, 15)]
    assert (period.stat.requested, period.stat.delivered, period.stat.rate) == (4, 2, 1.0)
    assert (period.user_id, period.from_, period.to) == (user, date(2026, 3, 11), date(2026, 3, 15))


async def test_opted_out_messages_are_counted_and_make_no_rate(
    db: Database, consumer: IdempotentConsumer
) -> None:
    """Opted out: never sent, so neither for nor against the rate; counted on their own
    for the day, the period and the reservation, once."""
    c = Customer()
    await consumer.apply(
        as_records(
            [
                c.requested(5),
                c.results(result(0, "opted_out", "OPTED_OUT"), result(1, "opted_out", "OPTED_OUT")),
            ]
        )
    )
    stat = await queries.reservation_stat(db, c.rid)
    assert (stat.opted_out, stat.cancelled, stat.failed, stat.rate) == (2, 0, 0, None)

    await consumer.apply(
        as_records(
            [
                c.results(result(2, "delivered", "OK"), result(3, "failed", "E1")),
                c.results(result(4, "opted_out", "OPTED_OUT"), result(0, "opted_out")),
            ]
        )
    )
    expected = {
        "requested": 5,
        "delivered": 1,
        "failed": 1,
        "cancelled": 0,
        "rejected": 0,
        "opted_out": 3,
        "rate": 0.5,
        "failures_by_code": {"E1": 1},
    }
    assert counts_of(await queries.reservation_stat(db, c.rid)) == expected
    period = await day_stats(db, c.user_id)
    assert counts_of(period.stat) == expected
    assert [counts_of(day) for day in period.history] == [expected]


async def test_delivered_and_failed_messages_are_counted_per_carrier_and_day(
    db: Database, consumer: IdempotentConsumer
) -> None:
    c = Customer()
    next_day = NOON_UTC + timedelta(days=1)
    await consumer.apply(
        as_records(
            [
                c.requested(8),
                c.results(
                    result(0, "delivered", carrier="sim"),
                    result(1, "delivered", carrier="sim"),
                    result(2, "failed", "E1", carrier="sim"),
                    result(3, "delivered", carrier="sim-b"),
                    result(4, "failed", "E2", carrier="sim-b", at=next_day),
                    result(5, "cancelled", carrier="sim-b"),  # never sent: not a carrier's
                    result(6, "opted_out", "OPTED_OUT"),
                    result(7, "failed", "EXPIRED"),  # no carrier took it
                ),
                # Counted once, whatever comes again.
                c.results(result(0, "delivered", carrier="sim"), result(3, "failed", carrier="x")),
            ]
        )
    )
    other = Customer()  # another customer's carriers are not theirs
    await consumer.apply(
        as_records([other.requested(1), other.results(result(0, "delivered", carrier="sim"))])
    )

    both_days = await queries.carrier_stats(
        db, user_id=c.user_id, start=MARCH_10, end=date(2026, 3, 11)
    )
    assert [(i.carrier, i.delivered, i.failed) for i in both_days.items] == [
        ("sim", 2, 1),
        ("sim-b", 1, 1),
    ]
    first_day = await queries.carrier_stats(db, user_id=c.user_id, start=MARCH_10, end=MARCH_10)
    assert [(i.carrier, i.delivered, i.failed) for i in first_day.items] == [
        ("sim", 2, 1),
        ("sim-b", 1, 0),
    ]
    assert (first_day.user_id, first_day.from_, first_day.to) == (c.user_id, MARCH_10, MARCH_10)
    none = await queries.carrier_stats(
        db, user_id=c.user_id, start=date(2026, 3, 12), end=date(2026, 3, 31)
    )
    assert none.items == []


async def test_an_unknown_reservation_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        await queries.reservation_stat(db, uuid.uuid4())


@pytest.mark.parametrize("events_per_batch", [1, 10, 200])
async def test_apply_throughput_of_100k_results(
    db: Database,
    consumer: IdempotentConsumer,
    capsys: pytest.CaptureFixture[str],
    events_per_batch: int,
) -> None:
    """100,000 results in 200 events of 500, `events_per_batch` per transaction (the
    consumer polls up to 500 records at a time). Printed, not asserted: the figure
    depends on the machine; the sending benchmark needs 5,000 results/s."""
    c = Customer()
    events = [
        c.results(
            *(
                result(seq, "failed" if seq % 10 == 0 else "delivered", "E1")
                for seq in range(first, first + 500)
            )
        )
        for first in range(0, 100_000, 500)
    ]
    polled = [
        as_records(events[i : i + events_per_batch])
        for i in range(0, len(events), events_per_batch)
    ]
    await consumer.apply(as_records([c.requested(100_000)]))

    started = time.perf_counter()
    for batch in polled:
        await consumer.apply(batch)
    elapsed = time.perf_counter() - started

    stat = await queries.reservation_stat(db, c.rid)
    assert (stat.delivered, stat.failed) == (90_000, 10_000)
    with capsys.disabled():
        print(
            f"\nstat apply: 100,000 results in 200 events, {len(polled)} transactions of "
            f"{events_per_batch} events: {elapsed:.2f} s = {100_000 / elapsed:,.0f} results/s"
        )
