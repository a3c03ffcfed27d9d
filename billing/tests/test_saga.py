"""Billing's part of the saga, applied by the real consumer to the real PostgreSQL.

Hold or refuse on a request (each message at its type's price); capture delivered and
release failed, cancelled or opted-out messages one by one; release what is left on a
cancel before scheduling or when sending finished. Redeliveries and contradicting
results never move money twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from msgplat.billing import queries
from msgplat.billing.domain import current_month
from msgplat.billing.reactions.holds import settings_of

SMS, LMS = 20, 50  # the default prices


def kinds(entries: list[Any]) -> list[tuple[str, int, int | None]]:
    return [(e.kind, e.amount, e.count) for e in entries]


async def test_enough_credit_holds_the_price_of_every_message(saga: Any, user: str) -> None:
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    request = saga.requested(rid, user, recipients=10, msg_type="LMS")
    await saga.apply(request)

    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (500, 500, 0)
    hold = await saga.hold(rid)
    assert (hold.status, hold.unit_price, hold.count, hold.amount, hold.held) == (
        "open",
        LMS,
        10,
        500,
        500,
    )
    [(kind, payload)] = await saga.emitted(rid)
    assert kind == "CreditHeld"
    assert payload["unit_price"] == LMS
    assert (payload["count"], payload["amount"], payload["balance_after"]) == (10, 500, 500)
    assert kinds(await saga.entries(user))[-1] == ("hold", 500, 10)
    assert (await saga.entries(user))[-1].event_id == request.event_id


async def test_not_enough_credit_is_refused_with_the_reason(saga: Any, user: str) -> None:
    rid = uuid.uuid4()
    await saga.top_up(user, 1_500)
    await saga.apply(saga.requested(rid, user, recipients=100))  # 100 x 20 = 2,000

    [(kind, payload)] = await saga.emitted(rid)
    assert kind == "CreditRefused"
    assert (payload["required"], payload["available"]) == (2_000, 1_500)
    assert payload["reason"] == (
        "not enough credit: needs 2,000 KRW, 1,500 KRW available; "
        "ask your operator to top up your account"
    )
    account = await saga.account(user)
    assert (account.available, account.held) == (1_500, 0)
    assert (await saga.hold(rid)).status == "refused"
    assert kinds(await saga.entries(user)) == [("topup", 1_500, None)]


async def test_an_unknown_customer_has_nothing_and_is_refused(saga: Any, user: str) -> None:
    rid = uuid.uuid4()
    await saga.apply(saga.requested(rid, user, recipients=1))
    [(kind, payload)] = await saga.emitted(rid)
    assert kind == "CreditRefused"
    assert (payload["required"], payload["available"]) == (SMS, 0)
    assert await saga.account(user) is None  # no account appears from a refusal


async def test_a_request_redelivered_or_re_emitted_holds_once(saga: Any, user: str) -> None:
    rid = uuid.uuid4()
    await saga.top_up(user, 10_000)
    request = saga.requested(rid, user, recipients=5)
    await saga.apply(request, request)
    await saga.apply(request)
    # The same reservation in a new event (a new event id): the natural key holds.
    await saga.apply(saga.requested(rid, user, recipients=5))

    account = await saga.account(user)
    assert (account.available, account.held) == (10_000 - 100, 100)
    assert [kind for kind, _ in await saga.emitted(rid)] == ["CreditHeld"]


async def test_delivered_messages_are_captured_failed_and_cancelled_released(
    saga: Any, user: str
) -> None:
    rid = await saga.held(user, recipients=6)  # 120 held
    results = saga.results(
        rid,
        user,
        [(0, "delivered"), (1, "failed"), (2, "delivered"), (3, "cancelled"), (4, "delivered")],
    )
    await saga.apply(results)

    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (880 + 40, 20, 60)
    hold = await saga.hold(rid)
    assert (hold.captured_count, hold.captured_amount) == (3, 60)
    assert (hold.released_count, hold.released_amount) == (2, 40)
    assert (hold.held, hold.status) == (20, "open")
    entries = await saga.entries(user)
    assert kinds(entries[-2:]) == [("capture", 60, 3), ("release", 40, 2)]
    assert {e.event_id for e in entries[-2:]} == {results.event_id}
    # The balance after each entry, step by step.
    assert [(e.available_after, e.held_after, e.charged_after) for e in entries[-2:]] == [
        (880, 60, 60),
        (920, 20, 60),
    ]
    settled = (await saga.emitted(rid))[-1]
    assert settled[0] == "ChargesSettled"
    assert settled[1] | {"settled_at": None} == {
        "reservation_id": str(rid),
        "captured_count": 3,
        "captured_amount": 60,
        "released_count": 2,
        "released_amount": 40,
        "held_remaining": 20,
        "settled_at": None,
    }

    await saga.apply(saga.results(rid, user, [(5, "delivered")]))
    hold = await saga.hold(rid)
    assert (hold.held, hold.status, hold.closed_at is not None) == (0, "closed", True)
    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (920, 0, 80)


async def test_redelivered_results_change_nothing(saga: Any, user: str) -> None:
    rid = await saga.held(user, recipients=4)
    results = saga.results(rid, user, [(0, "delivered"), (1, "failed")])
    await saga.apply(results)
    before = (await saga.account(user), len(await saga.entries(user)), await saga.emitted(rid))

    await saga.apply(results, results)  # the same event again: the inbox skips it
    # The same results in a new event (e.g. re-emitted by send): the natural key skips them.
    await saga.apply(saga.results(rid, user, [(1, "failed"), (0, "delivered"), (0, "delivered")]))

    after = (await saga.account(user), len(await saga.entries(user)), await saga.emitted(rid))
    assert after == before
    assert saga.consumer.stats.duplicates == 2


async def test_a_failure_after_a_delivery_is_ignored_and_logged(
    saga: Any, user: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    rid = await saga.held(user, recipients=3)
    await saga.apply(saga.results(rid, user, [(0, "delivered")]))
    capsys.readouterr()

    # seq 0 failed after it was delivered (ignored); seq 1 is new and applies.
    await saga.apply(saga.results(rid, user, [(0, "failed"), (1, "failed")]))

    hold = await saga.hold(rid)
    assert (hold.captured_count, hold.released_count, hold.held) == (1, 1, 20)
    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (960, 20, 20)
    logged = capsys.readouterr().out + caplog.text
    assert "contradicting_results_ignored" in logged


async def test_results_of_a_refused_or_unknown_reservation_are_ignored(
    saga: Any, user: str
) -> None:
    refused, unknown = uuid.uuid4(), uuid.uuid4()
    await saga.top_up(user, 10)
    await saga.apply(saga.requested(refused, user, recipients=1000))
    await saga.apply(
        saga.results(refused, user, [(0, "delivered")]),
        saga.results(unknown, user, [(0, "delivered")]),
        saga.finished(refused, user),
        saga.cancelled(unknown, user, "requested"),
    )
    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (10, 0, 0)
    assert [kind for kind, _ in await saga.emitted(refused)] == ["CreditRefused"]
    assert await saga.emitted(unknown) == []


async def test_results_beyond_the_recipient_list_never_take_more_than_the_hold(
    saga: Any, user: str
) -> None:
    rid = await saga.held(user, recipients=2)
    await saga.apply(saga.results(rid, user, [(0, "delivered"), (2, "delivered"), (9, "failed")]))
    hold = await saga.hold(rid)
    assert (hold.captured_count, hold.released_count, hold.held) == (1, 0, 20)


async def test_a_cancel_before_scheduling_releases_the_whole_hold(saga: Any, user: str) -> None:
    rid = await saga.held(user, recipients=7)
    cancel = saga.cancelled(rid, user, "requested")
    await saga.apply(cancel)

    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (1_000, 0, 0)
    hold = await saga.hold(rid)
    assert (hold.status, hold.held, hold.released_count, hold.released_amount) == (
        "closed",
        0,
        7,
        140,
    )
    entries = await saga.entries(user)
    assert kinds(entries[-1:]) == [("release", 140, 7)]
    assert entries[-1].event_id == cancel.event_id
    kind, payload = (await saga.emitted(rid))[-1]
    assert kind == "ChargesSettled"
    assert (payload["released_count"], payload["released_amount"]) == (7, 140)
    assert payload["held_remaining"] == 0

    # The send service then reports every message cancelled: the hold is closed.
    await saga.apply(saga.results(rid, user, [(n, "cancelled") for n in range(7)]))
    await saga.apply(saga.cancelled(rid, user, "requested"))  # a second cancel event
    assert (await saga.account(user)).available == 1_000
    assert len(await saga.entries(user)) == len(entries)


async def test_a_cancel_while_sending_waits_for_the_per_message_results(
    saga: Any, user: str
) -> None:
    rid = await saga.held(user, recipients=4)
    await saga.apply(saga.results(rid, user, [(0, "delivered")]))
    await saga.apply(saga.cancelled(rid, user, "sending"))
    assert (await saga.account(user)).held == 60  # nothing released by the cancel itself

    await saga.apply(
        saga.results(rid, user, [(1, "delivered"), (2, "cancelled"), (3, "cancelled")])
    )
    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (960, 0, 40)
    assert (await saga.hold(rid)).status == "closed"


async def test_sending_finished_releases_what_results_never_settled(saga: Any, user: str) -> None:
    rid = await saga.held(user, recipients=5)
    await saga.apply(saga.results(rid, user, [(0, "delivered"), (1, "failed")]))
    finished = saga.finished(rid, user, delivered=4, failed=1)
    await saga.apply(finished, finished)

    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (980, 0, 20)
    hold = await saga.hold(rid)
    assert (hold.status, hold.released_count, hold.released_amount) == ("closed", 4, 80)
    entries = await saga.entries(user)
    assert kinds(entries[-1:]) == [("release", 60, 3)]
    assert entries[-1].note == "sending_finished"

    # Late results of the lost messages find the hold closed: nothing moves.
    await saga.apply(saga.results(rid, user, [(2, "delivered")]))
    assert (await saga.account(user)).charged == 20


async def test_the_prices_come_from_the_settings(saga: Any, user: str) -> None:
    async with saga.db.unit_of_work() as uow:
        settings = settings_of(uow)
    assert (settings.unit_price("SMS"), settings.unit_price("LMS")) == (SMS, LMS)


def by_type(charges_or_hold: Any) -> dict[str, dict[str, int]]:
    return dict(charges_or_hold.by_type)


async def test_a_mixed_reservation_holds_each_type_at_its_price(saga: Any, user: str) -> None:
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    request = saga.requested(rid, user, 5, "LMS", msg_counts={"SMS": 3, "LMS": 2})
    await saga.apply(request)

    mixed = 3 * SMS + 2 * LMS  # 160, not 5 x 50
    account = await saga.account(user)
    assert (account.available, account.held) == (1_000 - mixed, mixed)
    hold = await saga.hold(rid)
    assert (hold.msg_type, hold.count, hold.amount, hold.held) == ("LMS", 5, mixed, mixed)
    assert by_type(hold) == {
        "LMS": {"unit_price": LMS, "count": 2, "captured": 0, "released": 0},
        "SMS": {"unit_price": SMS, "count": 3, "captured": 0, "released": 0},
    }
    entries = await saga.entries(user)
    assert [(e.kind, e.amount, e.count, e.msg_type) for e in entries[-2:]] == [
        ("hold", 2 * LMS, 2, "LMS"),
        ("hold", 3 * SMS, 3, "SMS"),
    ]
    [(kind, payload)] = await saga.emitted(rid)
    assert kind == "CreditHeld"
    assert (payload["msg_type"], payload["count"], payload["amount"]) == ("LMS", 5, mixed)
    assert payload["balance_after"] == 1_000 - mixed


async def test_a_mixed_reservation_short_of_credit_is_refused_for_the_mixed_price(
    saga: Any, user: str
) -> None:
    rid = uuid.uuid4()
    await saga.top_up(user, 100)
    await saga.apply(saga.requested(rid, user, 4, "LMS", msg_counts={"SMS": 2, "LMS": 2}))
    [(kind, payload)] = await saga.emitted(rid)
    assert kind == "CreditRefused"
    assert (payload["required"], payload["available"]) == (2 * SMS + 2 * LMS, 100)


async def test_each_result_of_a_mixed_reservation_settles_at_its_type_s_price(
    saga: Any, user: str
) -> None:
    rid = await saga.held(user, 5, "LMS", msg_counts={"SMS": 3, "LMS": 2})
    results = saga.results(
        rid,
        user,
        [
            (0, "delivered", "SMS", "sim"),
            (1, "delivered", "LMS", "sim-b"),
            (2, "failed", "SMS", "sim"),
            (3, "opted_out", "LMS", None),
        ],
    )
    await saga.apply(results)

    account = await saga.account(user)
    assert (account.held, account.charged) == (SMS, SMS + LMS)
    assert account.available == 1_000 - SMS - (SMS + LMS)
    entries = await saga.entries(user)
    assert [(e.kind, e.amount, e.count, e.msg_type) for e in entries[-4:]] == [
        ("capture", LMS, 1, "LMS"),
        ("capture", SMS, 1, "SMS"),
        ("release", LMS, 1, "LMS"),
        ("release", SMS, 1, "SMS"),
    ]
    assert {e.event_id for e in entries[-4:]} == {results.event_id}
    kind, payload = (await saga.emitted(rid))[-1]
    assert kind == "ChargesSettled"
    assert (payload["captured_count"], payload["captured_amount"]) == (2, SMS + LMS)
    assert (payload["released_count"], payload["released_amount"]) == (2, SMS + LMS)
    assert payload["held_remaining"] == SMS

    # The last SMS never reported: released when sending finishes.
    await saga.apply(saga.finished(rid, user, delivered=2, failed=1))
    charges = await queries.get_reservation_charges(saga.db, rid)
    assert (charges.status, charges.held, charges.captured_amount) == ("closed", 0, SMS + LMS)
    assert (charges.released_count, charges.released_amount) == (3, 2 * SMS + LMS)
    assert [
        (t.msg_type, t.unit_price, t.count, t.captured_count, t.released_count, t.released_amount)
        for t in charges.by_type
    ] == [("LMS", LMS, 2, 1, 1, LMS), ("SMS", SMS, 3, 1, 2, 2 * SMS)]
    assert (await saga.entries(user))[-1].msg_type == "SMS"


async def test_a_result_without_a_type_is_priced_at_the_hold_s_type(saga: Any, user: str) -> None:
    rid = await saga.held(user, 3, "LMS", msg_counts={"SMS": 1, "LMS": 2})
    await saga.apply(saga.results(rid, user, [(0, "delivered"), (1, "failed")]))
    hold = await saga.hold(rid)
    assert (hold.captured_amount, hold.released_amount, hold.held) == (LMS, LMS, SMS)


async def test_results_of_a_type_not_held_never_take_more_than_the_hold(
    saga: Any, user: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two SMS held; results claiming LMS are priced as SMS, the only type held."""
    rid = await saga.held(user, 2, "SMS")
    capsys.readouterr()
    await saga.apply(
        saga.results(rid, user, [(0, "delivered", "LMS", "sim"), (1, "failed", "LMS", "sim")])
    )
    hold = await saga.hold(rid)
    assert (hold.status, hold.held, hold.captured_amount, hold.released_amount) == (
        "closed",
        0,
        SMS,
        SMS,
    )
    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (1_000 - SMS, 0, SMS)
    assert "results_of_a_type_not_held_repriced" in capsys.readouterr().out


async def test_opted_out_messages_are_released_never_charged(saga: Any, user: str) -> None:
    rid = await saga.held(user, 3)
    await saga.apply(
        saga.results(rid, user, [(0, "opted_out", None, None), (1, "opted_out", None, None)])
    )
    await saga.apply(saga.results(rid, user, [(2, "delivered")]))
    # A contradicting later result of an opted-out message changes nothing.
    await saga.apply(saga.results(rid, user, [(0, "delivered")]))

    hold = await saga.hold(rid)
    assert (hold.status, hold.captured_count, hold.released_count) == ("closed", 1, 2)
    assert hold.released_amount == 2 * SMS
    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (1_000 - SMS, 0, SMS)
    assert ("release", 2 * SMS, 2) in kinds(await saga.entries(user))
    assert await saga.usage_rows(user) == [("sim", "SMS", 1, SMS)]


async def test_captured_messages_are_counted_by_carrier_and_type(saga: Any, user: str) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    await saga.top_up(user, 10_000)
    await saga.apply(
        saga.requested(first, user, 4, "LMS", msg_counts={"SMS": 2, "LMS": 2}),
        saga.requested(second, user, 3, "SMS"),
    )
    await saga.apply(
        saga.results(
            first,
            user,
            [
                (0, "delivered", "SMS", "sim"),
                (1, "delivered", "SMS", "sim-b"),
                (2, "delivered", "LMS", "sim-b"),
                (3, "failed", "LMS", "sim"),  # released: no usage
            ],
        ),
        saga.results(second, user, [(0, "delivered", "SMS", "sim"), (1, "delivered", None, None)]),
    )
    assert await saga.usage_rows(user) == [
        ("sim", "SMS", 2, 2 * SMS),
        ("sim-b", "LMS", 1, LMS),
        ("sim-b", "SMS", 1, SMS),
        ("unknown", "SMS", 1, SMS),
    ]
    usage = await queries.get_usage(saga.db, user_id=user, month=current_month(datetime.now(UTC)))
    assert [(c.carrier, c.msg_type, c.count, c.amount) for c in usage.by_carrier] == (
        await saga.usage_rows(user)
    )
    # The usage by carrier adds up to the usage by type.
    assert sum(c.amount for c in usage.by_carrier) == usage.amount == 4 * SMS + LMS
    assert sum(c.count for c in usage.by_carrier) == usage.messages == 5
    assert (await queries.get_usage(saga.db, user_id=user, month="2020-01")).by_carrier == []


@pytest.mark.parametrize("results_per_event", [10, 5_000])
async def test_settling_an_event_is_a_fixed_handful_of_statements(
    saga: Any, user: str, results_per_event: int
) -> None:
    """However many results an event carries, of both types and several carriers."""
    rid = uuid.uuid4()
    half = results_per_event // 2
    await saga.top_up(user, 1_000_000)
    await saga.apply(
        saga.requested(rid, user, 2 * half, "LMS", msg_counts={"SMS": half, "LMS": half})
    )
    outcomes = [
        (seq, ("delivered", "failed", "opted_out")[seq % 3], ("SMS", "LMS")[seq % 2], f"c{seq % 5}")
        for seq in range(2 * half)
    ]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = saga.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await saga.apply(saga.results(rid, user, outcomes))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # inbox, lock the hold, settled messages, the hold, the account, the ledger entries,
    # the usage by carrier, the outbox
    assert len(statements) == 8, statements
    assert (await saga.hold(rid)).status == "closed"
    delivered = {(carrier, t) for _, status, t, carrier in outcomes if status == "delivered"}
    assert {(carrier, t) for carrier, t, _, _ in await saga.usage_rows(user)} == delivered
