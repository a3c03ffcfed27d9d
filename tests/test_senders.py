"""Sender numbers (발신번호 사전등록) end to end through the gateway: a customer registers
a callback number, proves it with the code sent to it (or an operator approves it), and
only then may a reservation name it as its `callbackNum`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from msgplat_testsupport.senders import (
    TEST_CALLBACK_NUM,
    code_sent_to,
    e164,
    new_landline,
    new_mobile,
)
from msgplat_testsupport.stack import Customer, Stack
from msgplat_testsupport.waiting import wait_until

FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}


@pytest.fixture()
def customer(stack: Stack) -> Customer:
    """A funded customer with no sender number of their own yet."""
    return stack.new_customer(senders=(), credit=100_000)


def reservation(callback: str, **extra: Any) -> dict[str, Any]:
    return {
        "msgTitle": "from",
        "msgContent": "a registered number",
        "dstNum": "01012345678,01098765432",
        "callbackNum": callback,
        **extra,
    }


def error_at(response: httpx.Response, *loc: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    found: dict[str, Any] = next(e for e in response.json()["detail"] if e["loc"] == list(loc))
    return found


def test_a_callback_number_that_is_not_a_verified_sender_is_refused(
    client: httpx.Client,
) -> None:
    refused = client.post("/msgReqs", json=reservation(new_landline()))
    error = error_at(refused, "body", "callbackNum")
    assert error["type"] == "sender_not_verified"
    assert "POST /senders" in error["msg"]
    assert client.get("/msgReqs").json()["total"] == 0
    # A malformed number is still named for its form, not for its registration.
    assert (
        "registered"
        not in error_at(client.post("/msgReqs", json=reservation("02-123")), "body", "callbackNum")[
            "msg"
        ]
    )


def test_a_sender_verified_with_the_code_sent_to_it_may_be_used_and_the_code_is_free(
    client: httpx.Client, carrier: httpx.Client
) -> None:
    number = new_mobile()
    created = client.post("/senders", json={"number": number[:3] + "-" + number[3:]})
    assert created.status_code == 201, created.text
    sender = created.json()
    assert (sender["number"], sender["status"], sender["attemptsLeft"]) == (number, "pending", 5)
    assert sender["codeExpiresAt"] is not None
    again = client.post("/senders", json={"number": number})
    assert again.status_code == 409 and again.json()["id"] == sender["id"]

    code = code_sent_to(carrier, number)
    [sent] = [
        i
        for i in carrier.get("/admin/received", params={"refPrefix": "notice:"}).json()["items"]
        if i["to"] == e164(number)
    ]
    assert sent["from"] == "15880000"  # the platform's own number, not the one unproven
    wrong = client.post(
        f"/senders/{sender['id']}/verify", json={"code": f"{(int(code) + 1) % 10**6:06d}"}
    )
    assert error_at(wrong, "body", "code")["msg"].startswith("wrong code: 4 attempts left")
    verified = client.post(f"/senders/{sender['id']}/verify", json={"code": code})
    assert verified.status_code == 200, verified.text
    assert (verified.json()["status"], verified.json()["method"]) == ("verified", "code")
    listed = client.get("/senders", params={"status": "verified"}).json()
    assert [s["number"] for s in listed["items"]] == [number]

    made = client.post("/msgReqs", json=reservation(number))
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    wait_until(
        lambda: client.get(f"/msgReqs/{rid}").json()["status"] in FINAL,
        timeout_s=90,
        interval_s=0.2,
    )
    # The two messages are charged; the code sent to the number never is.
    wait_until(
        lambda: client.get(f"/senders/{sender['id']}").json()["codeDelivery"] == "delivered",
        timeout_s=30,
    )
    balance = wait_until(
        lambda: (b := client.get("/billings").json())["held"] == 0 and b, timeout_s=30
    )
    assert (balance["charged"], balance["available"]) == (40, 100_000 - 40)


def test_codes_are_limited_and_an_operator_approves_with_a_note(
    client: httpx.Client, api: httpx.Client, carrier: httpx.Client, stack: Stack
) -> None:
    number = new_landline()
    sender = client.post("/senders", json={"number": number}).json()
    code = code_sent_to(carrier, number)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1, 0):
        answer = client.post(f"/senders/{sender['id']}/verify", json={"code": wrong})
        assert error_at(answer, "body", "code")["msg"].startswith(f"wrong code: {left} attempts")
    spent = client.post(f"/senders/{sender['id']}/verify", json={"code": code})
    assert spent.status_code == 409, spent.text
    assert spent.json()["code"] == "too_many_attempts"
    assert client.post("/msgReqs", json=reservation(number)).status_code == 422

    by_customer = client.post(f"/senders/{sender['id']}/approve", json={"note": "trust me"})
    assert by_customer.status_code == 403, by_customer.text
    approved = api.post(
        f"/senders/{sender['id']}/approve", json={"note": "통신서비스 이용증명원 확인"}
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["method"]) == ("verified", "operator")
    assert approved.json()["note"] == "통신서비스 이용증명원 확인"
    assert client.post("/msgReqs", json=reservation(number)).status_code == 201

    someone_else = stack.new_customer()
    with httpx.Client(base_url=stack.gateway_url, headers=someone_else.headers) as other:
        assert other.get(f"/senders/{sender['id']}").status_code == 404
        assert other.delete(f"/senders/{sender['id']}").status_code == 404
        assert other.get("/senders").json()["total"] == 1  # their own test number only
        assert other.post("/msgReqs", json=reservation(number)).status_code == 422

    assert client.delete(f"/senders/{sender['id']}").status_code == 204
    assert client.get(f"/senders/{sender['id']}").status_code == 404
    assert error_at(client.post("/msgReqs", json=reservation(number)), "body", "callbackNum")


def test_the_demo_customer_s_number_is_verified_at_start(api: httpx.Client) -> None:
    """As `make run` seeds it (DEMO_SENDERS), operator-approved."""
    listed = api.get("/senders", params={"userId": "demo"}).json()
    assert [(s["number"], s["status"], s["method"]) for s in listed["items"]] == [
        (TEST_CALLBACK_NUM, "verified", "operator")
    ]
