"""The status alert end to end through the gateway: a text to one of the customer's own
verified numbers when a reservation ends, sent by the send service like any message
(its carriers, retries, sending windows) and charged like any SMS."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from msgplat_testsupport.reservations import created_reservation
from msgplat_testsupport.senders import approve_sender, e164, new_mobile
from msgplat_testsupport.stack import Customer, Stack
from msgplat_testsupport.waiting import wait_until

SEOUL = ZoneInfo("Asia/Seoul")
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}
PRICE_SMS = 20


@pytest.fixture()
def customer(stack: Stack) -> Customer:
    return stack.new_customer(credit=100_000)


def alerts_to(stack: Stack, client: httpx.Client, customer: Customer) -> str:
    """A mobile number of the customer's, verified (an operator approves it), set as their
    alert number once monitoring knows it is verified; the number."""
    number = new_mobile()
    approve_sender(stack.gateway_url, stack.operator_headers, customer.user_id, number)
    put = wait_until(
        lambda: (
            (
                r := client.put(
                    "/monitorings/alerts", json={"callbackNum": number, "enabled": True}
                )
            ).status_code
            == 200
            and r
        ),
        timeout_s=30,
        interval_s=0.1,
    )
    assert put.json()["callbackNum"] == e164(number)
    return number


def reserve(client: httpx.Client, **extra: Any) -> str:
    body = {"msgTitle": "alerted", "msgContent": "hello", "dstNum": ["01023450001", "01023450002"]}
    created = created_reservation(client, **{**body, **extra})
    rid: str = created["id"]
    return rid


def alerts_received(carrier: httpx.Client, number: str) -> list[dict[str, Any]]:
    items = carrier.get("/admin/received", params={"refPrefix": "notice:"}).json()["items"]
    return [i for i in items if i["to"] == e164(number)]


def alert_log(client: httpx.Client, rid: str) -> dict[str, Any] | None:
    items = client.get("/monitorings/alerts/deliveries").json()["items"]
    return next((i for i in items if i["reservationId"] == rid), None)


def test_the_alert_goes_only_to_a_verified_number_of_the_customer(
    client: httpx.Client,
) -> None:
    refused = client.put("/monitorings/alerts", json={"callbackNum": new_mobile(), "enabled": True})
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["detail"]
    assert error["loc"] == ["body", "callbackNum"]
    assert "POST /senders" in error["msg"]
    assert client.get("/monitorings/alerts").json()["enabled"] is False


@pytest.mark.parametrize("enabled", [0, 1, "true", "yes", None])
def test_enabled_is_a_json_boolean(
    stack: Stack, customer: Customer, client: httpx.Client, enabled: object
) -> None:
    """The document says boolean: 0, 1 or a string is a 422 naming `enabled`, even with a
    verified alert number (it was read loosely, the contract test saw 0 accepted)."""
    number = alerts_to(stack, client, customer)
    refused = client.put("/monitorings/alerts", json={"callbackNum": number, "enabled": enabled})
    assert refused.status_code == 422, refused.text
    assert [e["loc"] for e in refused.json()["detail"]] == [["body", "enabled"]]


def test_the_alert_is_sent_by_send_and_charged_like_an_sms(
    stack: Stack, customer: Customer, client: httpx.Client, carrier: httpx.Client
) -> None:
    number = alerts_to(stack, client, customer)
    rid = reserve(client)

    [received] = wait_until(lambda: alerts_received(carrier, number), timeout_s=90)
    assert "completed: 2 delivered" in received["text"]
    assert (received["type"], received["from"], received["submitCount"]) == (
        "SMS",
        "15880000",
        1,
    )
    logged = wait_until(
        lambda: (a := alert_log(client, rid)) and a["state"] == "delivered" and a, timeout_s=30
    )
    assert received["ref"] == f"notice:{logged['noticeId']}"
    assert (logged["status"], logged["to"]) == ("completed", e164(number))

    # The two messages and the alert: three SMS.
    balance = wait_until(
        lambda: (b := client.get("/billings").json())["charged"] == 3 * PRICE_SMS and b,
        timeout_s=30,
    )
    assert balance["available"] == 100_000 - 3 * PRICE_SMS
    notes = [e["note"] for e in client.get("/billings/ledger").json()["items"]]
    assert f"status alert {logged['noticeId']}" in notes


def test_the_alert_waits_for_the_customer_s_sending_windows(
    stack: Stack, customer: Customer, client: httpx.Client, carrier: httpx.Client
) -> None:
    number = alerts_to(stack, client, customer)
    now = datetime.now(SEOUL)

    def windows(start: datetime, end: datetime) -> None:
        window = {"days": EVERY_DAY, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
        body = {"timeZone": "Asia/Seoul", "windows": [window], "purposes": ["normal"]}
        assert client.put("/sendingWindows", json=body).status_code == 200

    windows(now + timedelta(hours=2), now + timedelta(hours=3))  # closed now
    # Authentication messages are never held by windows: the reservation is sent now.
    rid = reserve(client, purpose="authentication")
    wait_until(
        lambda: client.get(f"/msgReqs/{rid}").json()["status"] in FINAL,
        timeout_s=90,
        interval_s=0.2,
    )
    waiting = wait_until(lambda: alert_log(client, rid), timeout_s=30)
    assert waiting["state"] == "requested"
    with pytest.raises(AssertionError):  # not sent while the windows are closed
        wait_until(lambda: alerts_received(carrier, number), timeout_s=3)

    windows(now - timedelta(hours=1), now + timedelta(hours=1))  # open now
    [received] = wait_until(lambda: alerts_received(carrier, number), timeout_s=30)
    assert "completed: 2 delivered" in received["text"]
    wait_until(lambda: (a := alert_log(client, rid)) and a["state"] == "delivered", timeout_s=30)
