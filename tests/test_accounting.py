"""Every message accounted for, end to end through the gateway (the saga).

A customer tops up and reserves; billing holds the price, captures each delivered
message and releases each failed or cancelled one; stat counts the same; and the
reconciliation finds no difference. Faults (billing or stat killed mid-send) change
nothing in the final numbers.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from msgplat.devstack.reconcile import check
from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.reservations import all_counted, final_view
from msgplat_testsupport.stack import Stack, arrival_order, received_by_carrier
from msgplat_testsupport.waiting import wait_until

PRICE_SMS = 20


@pytest.fixture(autouse=True)
def _no_duplicates(strict_carrier: httpx.Client) -> None:
    """Every test here runs against a carrier that does not deduplicate (conftest)."""


FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}


def new_customer(api: httpx.Client, credit: int) -> str:
    user = f"acct-{uuid.uuid4().hex[:8]}"
    response = api.post("/billings/topups", json={"userId": user, "amount": credit})
    assert response.status_code == 201, response.text
    return user


def request_body(user: str, dst: list[str]) -> dict[str, Any]:
    return {
        "userId": user,
        "msgTitle": "bill",
        "msgContent": "accounted for",
        "dstNum": dst,
        "callbackNum": "0212345678",
    }


def reserve(api: httpx.Client, user: str, dst: list[str]) -> dict[str, Any]:
    response = api.post("/msgReqs", json=request_body(user, dst))
    assert response.status_code == 201, response.text
    return response.json()


def wait_final(api: httpx.Client, rid: str, timeout_s: float = 90) -> dict[str, Any]:
    return final_view(api, rid, FINAL, timeout_s=timeout_s)


def settled(api: httpx.Client, rid: str) -> dict[str, Any]:
    """Billing's figures once nothing is held any more (accounting trails sending)."""
    return wait_until(
        lambda: (
            (b := api.get(f"/billings/reservations/{rid}").json())["held"] == 0
            and b["status"] == "closed"
            and b
        ),
        timeout_s=30,
    )


def counted(api: httpx.Client, rid: str, total: int) -> dict[str, Any]:
    return wait_until(lambda: all_counted(api, rid, total), timeout_s=30)


async def reconciled(stack: Stack, reservation: dict[str, Any]) -> list[str]:
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=30
    ) as client:
        return await check(client, reservation)


def test_charged_for_delivered_released_for_failed_and_the_numbers_agree(
    api: httpx.Client, carrier: httpx.Client, stack: Stack
) -> None:
    user = new_customer(api, 100_000)
    reservation = reserve(api, user, numbers(50, failing={3, 9, 20, 33, 49}))
    final = wait_final(api, reservation["id"])
    assert final["status"] == "partially_failed"

    bill = settled(api, reservation["id"])
    assert (bill["capturedCount"], bill["capturedAmount"]) == (45, 45 * PRICE_SMS)
    assert (bill["releasedCount"], bill["releasedAmount"]) == (5, 5 * PRICE_SMS)
    balance = api.get("/billings", params={"userId": user}).json()
    assert balance["charged"] == 45 * PRICE_SMS
    assert balance["held"] == 0
    assert balance["available"] == 100_000 - 45 * PRICE_SMS

    stats = counted(api, reservation["id"], 50)
    summary = api.get("/msgs/summary", params={"reservationId": reservation["id"]}).json()
    assert (stats["delivered"], stats["failed"]) == (summary["delivered"], summary["failed"])
    assert (stats["delivered"], stats["failed"]) == (45, 5)
    assert stats["failuresByCode"] == {"3001": 5}

    kinds = [
        e["kind"] for e in api.get("/billings/ledger", params={"userId": user}).json()["items"]
    ]
    assert sorted(set(kinds)) == ["capture", "hold", "release", "topup"]
    final_view = api.get(f"/msgReqs/{reservation['id']}").json()
    assert asyncio.run(reconciled(stack, final_view)) == []


def test_not_enough_credit_is_refused_at_once_and_nothing_is_stored(api: httpx.Client) -> None:
    user = new_customer(api, 100)  # 10 SMS need 200 KRW
    response = api.post("/msgReqs", json=request_body(user, numbers(10)))
    assert response.status_code == 402
    assert "100 KRW" in response.json()["detail"] and "200 KRW" in response.json()["detail"]
    assert "POST /billings/topups" in response.json()["detail"]
    assert api.get("/msgReqs", params={"userId": user}).json()["total"] == 0
    balance = api.get("/billings", params={"userId": user}).json()
    assert (balance["available"], balance["held"], balance["charged"]) == (100, 0, 0)


def test_two_reservations_racing_for_the_same_credit_are_never_both_paid(
    api: httpx.Client, carrier: httpx.Client
) -> None:
    """Both may pass the quick balance check; the saga's hold then refuses the one
    that comes second, which ends rejected with the reason and sends nothing."""
    user = new_customer(api, 300)  # one reservation of 10 SMS (200 KRW), not two
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(lambda _: api.post("/msgReqs", json=request_body(user, numbers(10))), [1, 2])
        )
    assert sorted(a.status_code for a in answers) in ([201, 201], [201, 402])
    finals = [wait_final(api, a.json()["id"]) for a in answers if a.status_code == 201]
    assert sorted(f["status"] for f in finals)[0] == "completed"
    for final in finals:
        if final["status"] == "rejected":
            assert "not enough credit" in final["statusReason"] and "200" in final["statusReason"]
            sent = carrier.get("/admin/received", params={"refPrefix": final["id"]}).json()
            assert sent["total"] == 0
            view = wait_until(
                lambda rid=final["id"]: (
                    (v := api.get(f"/monitorings/{rid}").json())["status"] == "rejected" and v
                )
            )
            assert "not enough credit" in view["statusReason"]
    balance = wait_until(
        lambda: (b := api.get("/billings", params={"userId": user}).json())["held"] == 0 and b
    )
    assert (balance["available"], balance["charged"]) == (100, 200)


def test_cancel_during_sending_releases_the_unsent_part(
    api: httpx.Client, carrier: httpx.Client
) -> None:
    carrier.put("/admin/config", json={"max_per_second": 1000}).raise_for_status()
    user = new_customer(api, 1_000_000)
    reservation = reserve(api, user, numbers(5000))
    wait_until(
        lambda: (
            carrier.get("/admin/received", params={"refPrefix": reservation["id"]}).json()["total"]
            >= 1000
        ),
        timeout_s=30,
    )
    assert api.post(f"/msgReqs/{reservation['id']}/cancel").status_code == 200
    summary = wait_until(
        lambda: (
            (s := api.get("/msgs/summary", params={"reservationId": reservation["id"]}).json())[
                "finished"
            ]
            and s
        ),
        timeout_s=60,
    )
    assert summary["cancelled"] > 0
    bill = settled(api, reservation["id"])
    assert bill["capturedCount"] == summary["delivered"]
    assert bill["releasedCount"] == summary["failed"] + summary["cancelled"]
    balance = api.get("/billings", params={"userId": user}).json()
    assert balance["available"] == 1_000_000 - summary["delivered"] * PRICE_SMS
    assert balance["held"] == 0


@pytest.mark.parametrize("victim", ["billing", "stat"])
def test_accounting_killed_mid_send_ends_exact_with_no_duplicate_entries(
    api: httpx.Client, carrier: httpx.Client, stack: Stack, victim: str
) -> None:
    carrier.put("/admin/config", json={"max_per_second": 2500}).raise_for_status()
    user = new_customer(api, 1_000_000)
    count = 10_000
    reservation = reserve(api, user, numbers(count, failing={1, 2, 3}))
    wait_until(
        lambda: (
            carrier.get("/admin/received", params={"refPrefix": reservation["id"]}).json()["total"]
            >= 3000
        ),
        timeout_s=30,
    )
    stack.restart(victim, kill=True)
    final = wait_final(api, reservation["id"], timeout_s=120)
    arrived = arrival_order(received_by_carrier(carrier, reservation["id"]))
    assert arrived == sorted(arrived), "the batches reached the carrier out of order"
    assert final["status"] == "partially_failed"
    bill = settled(api, reservation["id"])
    assert (bill["capturedCount"], bill["releasedCount"]) == (count - 3, 3)
    stats = counted(api, reservation["id"], count)
    assert (stats["delivered"], stats["failed"]) == (count - 3, 3)
    ledger = api.get("/billings/ledger", params={"userId": user, "size": 100}).json()["items"]
    booked = [(e["eventId"], e["kind"]) for e in ledger if e["eventId"] is not None]
    assert len(booked) == len(set(booked)), "an event was booked twice"
    balance = api.get("/billings", params={"userId": user}).json()
    assert balance["charged"] == (count - 3) * PRICE_SMS
    assert balance["available"] + balance["held"] + balance["charged"] == 1_000_000
