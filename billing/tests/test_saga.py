"""Billing's part of the saga, applied by the real consumer to the real PostgreSQL.

Hold or refuse on a request; capture delivered and release failed or cancelled
messages one by one; release what is left on a cancel before scheduling or when
sending finished. Redeliveries and contradicting results never move money twice.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from msgplat.billing.handlers import settings_of

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
        "not enough credit: needs 2,000 KRW, 1,500 KRW available; top up at POST /billings/topups"
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
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    await saga.apply(saga.requested(rid, user, recipients=6))  # 120 held
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
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    await saga.apply(saga.requested(rid, user, recipients=4))
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
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    await saga.apply(saga.requested(rid, user, recipients=3))
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
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    await saga.apply(saga.requested(rid, user, recipients=2))
    await saga.apply(saga.results(rid, user, [(0, "delivered"), (2, "delivered"), (9, "failed")]))
    hold = await saga.hold(rid)
    assert (hold.captured_count, hold.released_count, hold.held) == (1, 0, 20)


async def test_a_cancel_before_scheduling_releases_the_whole_hold(saga: Any, user: str) -> None:
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    await saga.apply(saga.requested(rid, user, recipients=7))
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
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    await saga.apply(saga.requested(rid, user, recipients=4))
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
    rid = uuid.uuid4()
    await saga.top_up(user, 1_000)
    await saga.apply(saga.requested(rid, user, recipients=5))
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
