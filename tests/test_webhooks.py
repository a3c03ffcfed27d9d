"""Webhooks end to end: a real local HTTP receiver registered with the running
monitoring service, reservations through the whole stack. (The status alert, which the
send service sends: tests/test_alerts.py.)"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from msgplat.monitoring import signing
from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.reservations import created_reservation
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
    created = created_reservation(
        api, userId=user, msgTitle="hooked", msgContent="hello", dstNum=numbers
    )
    rid: str = created["id"]
    return rid


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


# (url, what the 422 says): the customer's own network's hosts are fine, this service's
# network's are not. The stack allows 127.0.0.1 only (its receivers).
NOT_PUBLIC = [
    ("http://carrier:8090/admin/reset", "carrier is a single-label name"),
    ("http://localhost:8090/admin/reset", "localhost is a single-label name"),
    ("http://monitoring.msgplat.svc:8085/", "a name inside a private network or a cluster"),
    ("http://gateway.msgplat.svc.cluster.local/", "a name inside a private network"),
    ("http://metadata.google.internal/computeMetadata/v1/", "a name inside a private"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://127.0.0.2:8090/", "127.0.0.2 is a loopback address"),
    ("http://2130706434/", "127.0.0.2 is a loopback address"),  # 127.0.0.2 as one number
    ("http://[::1]:8090/", "::1 is a loopback address"),
    ("http://0.0.0.0:8090/", "0.0.0.0 is an unspecified address"),
    ("http://10.0.0.5/hook", "10.0.0.5 is a private (RFC 1918) address"),
    ("http://172.16.0.1/hook", "172.16.0.1 is a private (RFC 1918) address"),
    ("https://192.168.1.1/hook", "192.168.1.1 is a private (RFC 1918) address"),
    ("http://100.64.0.1/hook", "100.64.0.1 is a shared (CGNAT) address"),
    ("http://[fd12:3456::1]/hook", "fd12:3456::1 is a unique local (IPv6 ULA) address"),
    ("http://[fe80::1]/hook", "fe80::1 is a link-local address"),
    ("http://[::ffff:127.0.0.2]/", "::ffff:127.0.0.2 is an IPv4-mapped loopback address"),
    ("http://[::ffff:a9fe:a9fe]/", "is an IPv4-mapped link-local address"),
]


@pytest.mark.parametrize(("url", "reason"), NOT_PUBLIC, ids=[u for u, _ in NOT_PUBLIC])
def test_a_webhook_to_a_host_that_is_not_public_is_422_saying_why(
    stack: Stack, monitoring: httpx.Client, url: str, reason: str
) -> None:
    response = monitoring.post(
        "/monitorings/webhooks",
        json={"url": url, "userId": "u-ssrf"},
        headers=stack.operator_headers,
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "url"]
    assert error["type"] == "url_not_public"
    assert reason in error["msg"], error["msg"]
    assert error["msg"].endswith("webhooks are sent to public addresses only")
    listed = monitoring.get(
        "/monitorings/webhooks", params={"userId": "u-ssrf"}, headers=stack.operator_headers
    )
    assert listed.json() == []
