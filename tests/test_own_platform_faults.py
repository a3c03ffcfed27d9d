"""A platform of this module's own, configured unlike the shared one: prices other than
the defaults (so a price that is only right by default shows), and its broker behind a
proxy the test cuts (so intake is seen to need the database only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from msgplat_testsupport.reservations import created_reservation
from msgplat_testsupport.senders import approve_callback_numbers
from msgplat_testsupport.stack import Stack, platform_on_loopback, received_by_carrier
from msgplat_testsupport.waiting import wait_until

pytestmark = pytest.mark.e2e

PRICE_SMS, PRICE_LMS = 13, 37
FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}
LONG = "길어서 장문이 되는 안내 " * 10  # past 90 EUC-KR bytes: LMS


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    env = {"PRICE_SMS": str(PRICE_SMS), "PRICE_LMS": str(PRICE_LMS)}
    with platform_on_loopback(env, broker_proxy=True) as (stack, _):
        yield stack


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    hooks = {"request": [approve_callback_numbers(stack.gateway_url, stack.operator_headers)]}
    with httpx.Client(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=30, event_hooks=hooks
    ) as client:
        yield client


def customer(stack: Stack, credit: int) -> str:
    user = f"own-{uuid.uuid4().hex[:8]}"
    stack.top_up(user, credit)
    return user


def reserve(api: httpx.Client, user: str, content: str, dst: list[str]) -> dict[str, Any]:
    return created_reservation(api, userId=user, msgTitle="t", msgContent=content, dstNum=dst)


def final(api: httpx.Client, rid: str) -> dict[str, Any]:
    return wait_until(
        lambda: (r := api.get(f"/msgReqs/{rid}").json())["status"] in FINAL and r,
        timeout_s=90,
        interval_s=0.1,
    )


def settled(api: httpx.Client, rid: str) -> dict[str, Any]:
    return wait_until(
        lambda: (
            (b := api.get(f"/billings/reservations/{rid}").json())["status"] == "closed"
            and b["held"] == 0
            and b
        ),
        timeout_s=30,
    )


def numbers(count: int) -> list[str]:
    prefix = uuid.uuid4().int % 4000 + 6000  # 0106..0109: 01059[7-9] is no number
    return [f"010{prefix}{i:03d}1" for i in range(count)]


def test_other_prices_are_held_and_charged_by_type(api: httpx.Client, stack: Stack) -> None:
    user = customer(stack, 10_000)
    short = reserve(api, user, "짧은 안내", numbers(3))
    long = reserve(api, user, LONG, numbers(2))
    for made, count, price in ((short, 3, PRICE_SMS), (long, 2, PRICE_LMS)):
        assert final(api, made["id"])["status"] == "completed"
        bill = settled(api, made["id"])
        assert (bill["capturedCount"], bill["capturedAmount"]) == (count, count * price)
    balance = api.get("/billings", params={"userId": user}).json()
    charged = 3 * PRICE_SMS + 2 * PRICE_LMS
    assert (balance["charged"], balance["available"]) == (charged, 10_000 - charged)


def test_reservations_are_accepted_while_the_broker_is_cut_and_sent_once_it_is_back(
    api: httpx.Client, stack: Stack
) -> None:
    """Intake writes the reservation and its event to the database (the outbox): with the
    broker unreachable it still answers 201 and shows the reservation; once the broker
    is back, every one is sent, in list order, and charged once."""
    assert stack.broker_proxy is not None
    user = customer(stack, 10_000)
    stack.broker_proxy.cut()
    try:
        lists = [numbers(4) for _ in range(5)]
        made = [reserve(api, user, f"cut {i}", dst) for i, dst in enumerate(lists)]
        for one in made:
            shown = api.get(f"/msgReqs/{one['id']}")
            assert shown.status_code == 200 and shown.json()["status"] not in FINAL
    finally:
        stack.broker_proxy.restore()
    with httpx.Client(base_url=stack.url("carrier"), timeout=10) as carrier:
        for one, dst in zip(made, lists, strict=True):
            assert final(api, one["id"])["status"] == "completed"
            received = received_by_carrier(carrier, one["id"])
            assert [m["to"][-8:] for m in received] == [n[-8:] for n in dst]
            assert settled(api, one["id"])["capturedAmount"] == 4 * PRICE_SMS
    balance = api.get("/billings", params={"userId": user}).json()
    assert balance["charged"] == 5 * 4 * PRICE_SMS
