"""The billing API through the gateway of the shared stack: balances, top-ups, the ledger,
usage, and clear 4xx answers for bad input that change nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from msgplat.billing.domain import SEOUL
from msgplat.devstack.reconcile import check
from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import wait_until


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[httpx.Client]:
    with stack.operator_client(timeout=10) as client:
        yield client


def new_user() -> str:
    return f"u-api-{uuid.uuid4().hex[:8]}"


def top_up(client: httpx.Client, user: str, amount: Any, **headers: str) -> httpx.Response:
    return client.post("/billings/topups", json={"userId": user, "amount": amount}, headers=headers)


def test_a_topup_creates_the_account_and_a_ledger_entry(client: httpx.Client) -> None:
    user = new_user()
    created = top_up(client, user, 5_000)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["userId"], body["amount"]) == (user, 5_000)
    assert body["balance"] | {"updatedAt": None} == {
        "userId": user,
        "currency": "KRW",
        "available": 5_000,
        "held": 0,
        "charged": 0,
        "toppedUp": 5_000,
        "updatedAt": None,
    }
    assert top_up(client, user, 2_500).status_code == 201

    balance = client.get("/billings", params={"userId": user}).json()
    assert (balance["available"], balance["held"], balance["charged"]) == (7_500, 0, 0)
    ledger = client.get("/billings/ledger", params={"userId": user, "size": 1}).json()
    assert (ledger["total"], ledger["page"], ledger["size"]) == (2, 1, 1)
    [newest] = ledger["items"]
    assert (newest["kind"], newest["amount"], newest["availableAfter"]) == ("topup", 2_500, 7_500)
    assert newest["eventId"] is None and newest["reservationId"] is None


def test_a_customer_cannot_top_up_not_even_their_own_account(
    client: httpx.Client, stack: Stack
) -> None:
    """Money enters only through an operator: a customer's own key is refused (403),
    whatever the amount or the body, and nothing changes."""
    customer = stack.new_customer()
    assert top_up(client, customer.user_id, 1_000).status_code == 201  # the operator funds them
    with httpx.Client(base_url=stack.gateway_url, headers=customer.headers, timeout=10) as own:
        for body in (
            {"amount": 10_000_000},
            {"userId": customer.user_id, "amount": 1},
            {"userId": new_user(), "amount": 1},
        ):
            refused = own.post("/billings/topups", json=body)
            assert refused.status_code == 403, refused.text
            assert "operator" in refused.json()["detail"]
        assert own.get("/billings").json()["available"] == 1_000
        assert own.get("/billings/ledger").json()["total"] == 1


def test_every_topup_names_who_made_it_in_the_ledger(client: httpx.Client) -> None:
    user = new_user()
    created = client.post(
        "/billings/topups", json={"userId": user, "amount": 3_000, "note": "invoice 2026-17"}
    )
    assert created.status_code == 201, created.text
    [entry] = client.get("/billings/ledger", params={"userId": user}).json()["items"]
    # The stack's operator account is `operator` (OPERATOR_API_KEY).
    assert (entry["kind"], entry["amount"], entry["actor"], entry["note"]) == (
        "topup",
        3_000,
        "operator",
        "invoice 2026-17",
    )


def test_the_same_idempotency_key_tops_up_once(client: httpx.Client) -> None:
    user, key = new_user(), f"key-{uuid.uuid4().hex}"
    first = top_up(client, user, 1_000, **{"Idempotency-Key": key})
    again = top_up(client, user, 1_000, **{"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = top_up(client, user, 2_000, **{"Idempotency-Key": key})
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert client.get("/billings", params={"userId": user}).json()["available"] == 1_000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"userId": "x", "amount": -100}, "amount"),
        ({"userId": "x", "amount": 0}, "amount"),
        ({"userId": "x", "amount": 10_000_001}, "amount"),
        ({"userId": "x", "amount": 10**30}, "amount"),
        ({"userId": "x", "amount": 100.5}, "amount"),
        ({"userId": "x", "amount": 100.0}, "amount"),
        ({"userId": "x", "amount": "100"}, "amount"),
        ({"userId": "x", "amount": None}, "amount"),
        ({"userId": "x"}, "amount"),
        ({"amount": 100}, "userId"),
        ({"userId": "", "amount": 100}, "userId"),
        ({"userId": "a b", "amount": 100}, "userId"),
        ({"userId": "x" * 65, "amount": 100}, "userId"),
        ({"user_id": "x", "amount": 100}, "user_id"),  # not a spelling of userId
    ],
)
def test_bad_topups_are_422_naming_the_field_and_change_nothing(
    client: httpx.Client, body: dict[str, Any], field: str
) -> None:
    user = new_user()
    body = {k: (user if v == "x" else v) for k, v in body.items()}
    response = client.post("/billings/topups", json=body)
    assert response.status_code == 422, response.text
    assert field in {str(part) for e in response.json()["detail"] for part in e["loc"]}
    assert client.get("/billings", params={"userId": user}).status_code == 404


def test_unknown_accounts_are_404_with_a_clear_message(client: httpx.Client) -> None:
    user = new_user()
    for path in ("/billings", "/billings/ledger", "/billings/usage"):
        response = client.get(path, params={"userId": user})
        assert response.status_code == 404, path
        assert response.json()["detail"] == (
            f"billing account of userId {user!r} "
            "(no credit yet: ask your operator to top up your account) not found"
        )
    unknown = uuid.uuid4()
    response = client.get(f"/billings/reservations/{unknown}")
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"billing of reservation {unknown} not found",
        "code": "not_found",
    }


def test_usage_of_a_month_without_charges_is_empty(client: httpx.Client) -> None:
    user = new_user()
    top_up(client, user, 100)
    this_month = datetime.now(SEOUL).strftime("%Y-%m")
    usage = client.get("/billings/usage", params={"userId": user}).json()
    assert usage == {
        "userId": user,
        "month": this_month,
        "messages": 0,
        "amount": 0,
        "byType": [],
        "byCarrier": [],
    }


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/billings", {}),
        ("/billings", {"userId": "a b"}),
        ("/billings/ledger", {"userId": "demo", "size": 0}),
        ("/billings/ledger", {"userId": "demo", "page": 0}),
        ("/billings/usage", {"userId": "demo", "month": "2026-13"}),
        ("/billings/usage", {"userId": "demo", "month": "March"}),
        ("/billings/reservations/not-a-uuid", {}),
    ],
)
def test_malformed_requests_are_422_naming_the_field(
    client: httpx.Client, path: str, params: dict[str, Any]
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail and all("loc" in e and "msg" in e for e in detail)


def test_a_quote_prices_sms_and_lms_counts_each_at_its_price(client: httpx.Client) -> None:
    user = new_user()
    top_up(client, user, 1_000)

    def quote(**params: Any) -> dict[str, Any]:
        response = client.get("/billings/quote", params={"userId": user, **params})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    assert quote(smsCount=3, lmsCount=2) == {
        "userId": user,
        "msgType": "LMS",
        "count": 5,
        "unitPrice": 50,
        "required": 3 * 20 + 2 * 50,
        "available": 1_000,
        "sufficient": True,
    }
    only_sms = quote(smsCount=10)
    assert (only_sms["msgType"], only_sms["count"], only_sms["required"]) == ("SMS", 10, 200)
    assert quote(smsCount=0, lmsCount=4)["required"] == 200
    short = quote(smsCount=1, lmsCount=20)
    assert (short["required"], short["sufficient"]) == (1_020, False)
    # The counts per type replace msgType and count.
    assert quote(msgType="SMS", count=1, lmsCount=2)["required"] == 100
    assert quote(msgType="LMS", count=3) == quote(lmsCount=3)


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"smsCount": -1}, ["smsCount"]),
        ({"lmsCount": "two"}, ["lmsCount"]),
        ({"smsCount": 1.5}, ["smsCount"]),
        ({"smsCount": 1_000_001}, ["smsCount"]),
        ({"smsCount": 0}, ["smsCount"]),
        ({"smsCount": 0, "lmsCount": 0}, ["smsCount"]),
        ({"smsCount": 600_000, "lmsCount": 600_000}, ["lmsCount"]),
        ({}, ["msgType", "count"]),
        ({"msgType": "SMS"}, ["count"]),
        ({"count": 3}, ["msgType"]),
        ({"msgType": "MMS", "count": 3}, ["msgType"]),
        ({"msgType": "SMS", "count": 0}, ["count"]),
    ],
)
def test_bad_quotes_are_422_naming_the_field(
    client: httpx.Client, params: dict[str, Any], fields: list[str]
) -> None:
    response = client.get("/billings/quote", params={"userId": "demo", **params})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert [e["loc"] for e in detail] == [["query", field] for field in fields], detail
    assert all(e["msg"] for e in detail)


def test_a_personalised_advertising_send_is_charged_per_type_never_for_opted_out(
    client: httpx.Client, stack: Stack
) -> None:
    """Two SMS, two LMS (a long name), one of the SMS numbers opted out: the hold is the
    mixed price, the opted-out message is released, the rest charged at its type's price
    and counted for the carrier that took it; everything reconciles."""
    user = new_user()
    top_up(client, user, 10_000)
    prefix = uuid.uuid4().int % 4000 + 6000  # 0106..0109: 01059[7-9] is no number
    dst = [f"010-{prefix}-{i:03d}1" for i in range(4)]
    assert client.post("/optouts", json={"userId": user, "numbers": [dst[1]]}).status_code == 200
    long_name = "가" * 40  # 80 EUC-KR bytes: the message is an LMS
    created = client.post(
        "/msgReqs",
        json={
            "userId": user,
            "purpose": "advertising",
            "msgTitle": "sale",
            "msgContent": "(광고) #{name}님 할인 무료거부 080-123-4567",
            "recipients": [
                {"dstNum": dst[0], "variables": {"name": "Kim"}},
                {"dstNum": dst[1], "variables": {"name": "Lee"}},
                {"dstNum": dst[2], "variables": {"name": long_name}},
                {"dstNum": dst[3], "variables": {"name": long_name}},
            ],
            "callbackNum": "0212345678",
        },
    )
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    assert created.json()["msgCounts"] == {"SMS": 2, "LMS": 2}

    charges = wait_until(
        lambda: (
            (b := client.get(f"/billings/reservations/{rid}").json()).get("status") == "closed"
            and b
        ),
        timeout_s=60,
        interval_s=0.2,
    )
    assert charges["amount"] == 2 * 20 + 2 * 50
    assert (charges["capturedCount"], charges["capturedAmount"]) == (3, 20 + 2 * 50)
    assert (charges["releasedCount"], charges["releasedAmount"]) == (1, 20)
    assert [(t["msgType"], t["count"], t["capturedCount"]) for t in charges["byType"]] == [
        ("LMS", 2, 2),
        ("SMS", 2, 1),
    ]
    usage = client.get("/billings/usage", params={"userId": user}).json()
    assert usage["byCarrier"] == [
        {"carrier": "sim", "msgType": "LMS", "count": 2, "amount": 100},
        {"carrier": "sim", "msgType": "SMS", "count": 1, "amount": 20},
    ]
    reservation = wait_until(
        lambda: (r := client.get(f"/msgReqs/{rid}").json())["status"] == "completed" and r,
        timeout_s=30,
    )

    async def reconciled() -> list[str]:
        async with httpx.AsyncClient(
            base_url=stack.gateway_url, headers=stack.operator_headers, timeout=30
        ) as http:
            return await check(http, reservation)

    assert wait_until(lambda: asyncio.run(reconciled()) == [], timeout_s=30)
