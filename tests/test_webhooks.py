"""Webhooks and alerts end to end: a real local HTTP receiver registered with the
running monitoring service, reservations through the whole stack."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from msgplat.monitoring import signing
from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import wait_until
from msgplat_testsupport.webhooks import WebhookReceiver

ORDER = ["requested", "scheduled", "sending", "completed"]


@pytest.fixture
def api(stack: Stack) -> Iterator[httpx.Client]:
    """Top-ups and reservations through the gateway, as the operator acting for each
    customer (who may do what is tests/test_tenant_isolation.py's subject)."""
    with httpx.Client(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=30
    ) as client:
        yield client


@pytest.fixture
def monitoring(stack: Stack) -> Iterator[httpx.Client]:
    """The gateway, as a customer's client sees it: each request carries their key."""
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        yield client


# Each customer's credentials, by user id.
KEYS: dict[str, dict[str, str]] = {}


def caller(user: str) -> dict[str, str]:
    return KEYS[user]


def new_customer(api: httpx.Client, stack: Stack) -> str:
    customer = stack.new_customer()
    KEYS[customer.user_id] = customer.headers
    topup = api.post("/billings/topups", json={"userId": customer.user_id, "amount": 1_000_000})
    assert topup.status_code in (200, 201), topup.text
    return customer.user_id


def reserve(api: httpx.Client, user: str, numbers: list[str]) -> str:
    response = api.post(
        "/msgReqs",
        json={
            "userId": user,
            "msgTitle": "hooked",
            "msgContent": "hello",
            "dstNum": numbers,
            "callbackNum": "0212345678",
        },
    )
    assert response.status_code == 201, response.text
    rid: str = response.json()["id"]
    return rid


def numbers(count: int) -> list[str]:
    prefix = uuid.uuid4().int % 90 + 10
    return [f"010{prefix:02d}{i:05d}1" for i in range(count)]


def test_status_changes_are_posted_signed_in_order_once_after_a_failure(
    stack: Stack, api: httpx.Client, monitoring: httpx.Client
) -> None:
    user = new_customer(api, stack)
    with WebhookReceiver() as receiver:
        receiver.answer_next([500])  # the first POST fails: it is retried after a backoff
        created = monitoring.post(
            "/monitorings/webhooks", json={"url": receiver.url}, headers=caller(user)
        )
        assert created.status_code == 201, created.text
        hook = created.json()
        assert hook["secret"].startswith("whsec_")
        assert hook["userId"] == user
        rid = reserve(api, user, numbers(2))

        wait_until(
            lambda: any(p.json()["status"] == "completed" for p in receiver.accepted()),
            timeout_s=60,
        )
        posts = list(receiver.posts)

    accepted = [p for p in posts if p.answered == 200]
    assert [p.json()["status"] for p in accepted] == ORDER
    assert len({p.headers["x-msgplat-delivery"] for p in accepted}) == len(ORDER)
    assert posts[0].answered == 500
    assert posts[1].headers["x-msgplat-delivery"] == posts[0].headers["x-msgplat-delivery"]
    for post in posts:
        assert signing.verify(hook["secret"], post.body, post.headers["x-msgplat-signature"])
        assert post.json()["reservationId"] == rid
        assert post.json()["reservation"]["userId"] == user

    log = monitoring.get(f"/monitorings/webhooks/{hook['id']}/deliveries", headers=caller(user))
    assert log.status_code == 200
    items = log.json()["items"]
    assert [d["status"] for d in reversed(items)] == ORDER  # newest first
    first = items[-1]
    assert (first["state"], first["attempts"], first["lastStatusCode"]) == ("delivered", 2, 200)
    assert first["deliveryId"] == posts[0].headers["x-msgplat-delivery"]


def test_webhooks_are_the_customer_s_own(
    stack: Stack, api: httpx.Client, monitoring: httpx.Client
) -> None:
    owner, other = new_customer(api, stack), new_customer(api, stack)
    created = monitoring.post(
        "/monitorings/webhooks",
        json={"url": "https://example.com/hook", "secret": "s" * 20},
        headers=caller(owner),
    ).json()
    assert created["secret"] == "s" * 20
    listed = monitoring.get("/monitorings/webhooks", headers=caller(owner)).json()
    assert [w["id"] for w in listed] == [created["id"]]
    assert "secret" not in listed[0]  # shown once only
    assert monitoring.get("/monitorings/webhooks", headers=caller(other)).json() == []
    path = f"/monitorings/webhooks/{created['id']}"
    assert monitoring.delete(path, headers=caller(other)).status_code == 404
    assert monitoring.get(path + "/deliveries", headers=caller(other)).status_code == 404
    forged = monitoring.post(
        "/monitorings/webhooks",
        json={"url": "https://example.com/x", "userId": owner},
        headers=caller(other),
    )
    assert forged.status_code == 403
    assert monitoring.delete(path, headers=caller(owner)).status_code == 204
    assert monitoring.get("/monitorings/webhooks", headers=caller(owner)).json() == []


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.com/hook"},
        {"url": "not a url"},
        {"url": "javascript:alert(1)"},
        {"url": "https://example.com/" + "x" * 2000},
        {},
    ],
)
def test_a_bad_webhook_url_is_422_naming_the_field(
    stack: Stack, monitoring: httpx.Client, body: dict[str, str]
) -> None:
    headers = stack.operator_headers
    response = monitoring.post(
        "/monitorings/webhooks", json={**body, "userId": "u-bad"}, headers=headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "url"]


def test_the_alert_goes_to_the_customer_s_number_once(
    api: httpx.Client, monitoring: httpx.Client, stack: Stack
) -> None:
    user = new_customer(api, stack)
    bad = monitoring.put("/monitorings/alerts", json={"callbackNum": "12"}, headers=caller(user))
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "callbackNum"]
    setting = monitoring.put(
        "/monitorings/alerts",
        json={"callbackNum": "010-5555-0001", "enabled": True},
        headers=caller(user),
    )
    assert setting.status_code == 200, setting.text
    assert setting.json()["callbackNum"] == "+821055550001"
    got = monitoring.get("/monitorings/alerts", headers=caller(user)).json()
    assert (got["enabled"], got["callbackNum"]) == (True, "+821055550001")

    rid = reserve(api, user, numbers(2))
    with httpx.Client(base_url=stack.url("carrier"), timeout=10) as carrier:

        def alert() -> dict[str, Any] | None:
            items = carrier.get("/admin/received", params={"refPrefix": rid}).json()["items"]
            alerts = [i for i in items if i["ref"] == f"{rid}:completed"]  # not its messages
            return alerts[0] if alerts else None

        received = wait_until(alert, timeout_s=60, interval_s=0.1)
        assert received["to"] == "+821055550001"
        assert "completed: 2 delivered" in received["text"]
        assert received["submitCount"] == 1
        assert received["type"] == "SMS"
        assert received["status"] == "DELIVERED"
