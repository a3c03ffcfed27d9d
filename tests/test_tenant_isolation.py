"""Who may do what, through the gateway and every service behind it.

The customer comes from the credentials: another customer's data answers 404 on every
route (as if it did not exist), a `userId` naming someone else is refused, and an
operator sees everything. Limits per customer answer 429 with `Retry-After`.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from msgplat_testsupport.stack import Customer, Stack
from msgplat_testsupport.waiting import wait_until

FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}


def body(dst: str = "01012345678,01098765432", **extra: Any) -> dict[str, Any]:
    return {
        "msgTitle": "mine",
        "msgContent": "only for me",
        "dstNum": dst,
        "callbackNum": "0212345678",
        **extra,
    }


def client_for(stack: Stack, customer: Customer) -> httpx.Client:
    return httpx.Client(base_url=stack.gateway_url, headers=customer.headers, timeout=30)


@pytest.fixture(scope="module")
def alice(stack: Stack) -> Iterator[httpx.Client]:
    customer = stack.new_customer()
    stack.top_up(customer.user_id, 100_000)  # money enters through the operator
    with client_for(stack, customer) as client:
        yield client


@pytest.fixture(scope="module")
def mallory(stack: Stack) -> Iterator[httpx.Client]:
    with client_for(stack, stack.new_customer()) as client:
        yield client


@pytest.fixture(scope="module")
def alices_reservation(alice: httpx.Client) -> dict[str, Any]:
    created = alice.post("/msgReqs", json=body())
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    return wait_until(
        lambda: (r := alice.get(f"/msgReqs/{rid}").json())["status"] in FINAL and r,
        timeout_s=60,
    )


def me(client: httpx.Client) -> str:
    user_id: str = client.get("/auth/me").json()["userId"]
    return user_id


def test_a_customer_is_who_their_key_says(alice: httpx.Client, alices_reservation: dict) -> None:
    assert alices_reservation["userId"] == me(alice)
    assert alices_reservation["status"] == "completed"


def test_a_customer_sees_their_own_reservation_everywhere(
    alice: httpx.Client, alices_reservation: dict[str, Any]
) -> None:
    rid = alices_reservation["id"]
    for path, params in own_and_others_routes(rid, me(alice)):
        response = alice.get(path, params=params)
        assert response.status_code == 200, (path, response.text)


def own_and_others_routes(rid: str, owner: str) -> list[tuple[str, dict[str, str]]]:
    return [
        (f"/msgReqs/{rid}", {}),
        ("/msgs", {"reservationId": rid}),
        ("/msgs/summary", {"reservationId": rid}),
        (f"/billings/reservations/{rid}", {}),
        (f"/stats/reservations/{rid}", {}),
        (f"/monitorings/{rid}", {}),
        ("/billings", {"userId": owner}),
        ("/billings/ledger", {"userId": owner}),
        ("/billings/usage", {"userId": owner}),
        ("/stats", {"userId": owner}),
        ("/msgReqs", {"userId": owner}),
        ("/monitorings", {"userId": owner}),
    ]


def test_another_customers_data_is_404_on_every_route(
    alice: httpx.Client, mallory: httpx.Client, alices_reservation: dict[str, Any]
) -> None:
    rid = alices_reservation["id"]
    for path, params in own_and_others_routes(rid, me(alice)):
        response = mallory.get(path, params=params)
        assert response.status_code == 404, (path, params, response.text)
        assert "not found" in response.json()["detail"]
    first_message = alice.get("/msgs", params={"reservationId": rid}).json()["items"][0]
    assert mallory.get(f"/msgs/{first_message['id']}").status_code == 404
    assert alice.get(f"/msgs/{first_message['id']}").status_code == 200


def test_another_customers_live_stream_is_404(
    stack: Stack, alice: httpx.Client, mallory: httpx.Client, alices_reservation: dict
) -> None:
    rid = alices_reservation["id"]
    with mallory.stream("GET", "/monitorings/stream", params={"reservationId": rid}) as response:
        assert response.status_code == 404
    with alice.stream("GET", "/monitorings/stream", params={"reservationId": rid}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")


def test_another_customer_cannot_cancel(mallory: httpx.Client, alice: httpx.Client) -> None:
    later = time.strftime("%Y-%m-%dT%H:%M:%S+09:00", time.gmtime(time.time() + 9 * 3600 + 3600))
    created = alice.post("/msgReqs", json=body(reserveDt=later)).json()
    assert mallory.post(f"/msgReqs/{created['id']}/cancel").status_code == 404
    assert alice.get(f"/msgReqs/{created['id']}").json()["status"] != "cancelled"
    assert alice.post(f"/msgReqs/{created['id']}/cancel").status_code == 200


def test_lists_hold_only_the_callers_own(
    alice: httpx.Client, mallory: httpx.Client, alices_reservation: dict[str, Any]
) -> None:
    assert mallory.get("/msgReqs").json()["total"] == 0
    assert mallory.get("/monitorings").json()["total"] == 0
    mine = alice.get("/msgReqs").json()["items"]
    assert mine and {r["userId"] for r in mine} == {me(alice)}


def test_a_forged_user_id_is_refused_and_nothing_is_stored(
    mallory: httpx.Client, alice: httpx.Client
) -> None:
    victim = me(alice)
    forged = mallory.post("/msgReqs", json=body(userId=victim))
    assert forged.status_code == 403
    assert forged.json()["loc"] == ["body", "userId"]
    assert "is not the authenticated customer" in forged.json()["detail"]
    topup = mallory.post("/billings/topups", json={"userId": victim, "amount": 1})
    assert topup.status_code == 403
    # Not even their own account: top-ups are an operator's act.
    own = mallory.post("/billings/topups", json={"userId": me(mallory), "amount": 1})
    assert own.status_code == 403, own.text


def test_an_operator_sees_every_customer(
    stack: Stack, alice: httpx.Client, alices_reservation: dict[str, Any]
) -> None:
    with httpx.Client(base_url=stack.gateway_url, headers=stack.operator_headers) as operator:
        rid = alices_reservation["id"]
        assert operator.get(f"/msgReqs/{rid}").status_code == 200
        assert operator.get("/stats", params={"userId": me(alice)}).status_code == 200
        listed = operator.get("/msgReqs", params={"userId": me(alice)}).json()
        assert rid in {r["id"] for r in listed["items"]}


def test_the_daily_recipient_quota_is_429_until_the_next_day(stack: Stack) -> None:
    customer = stack.new_customer(recipientsPerDay=5)
    stack.top_up(customer.user_id, 10_000)
    with client_for(stack, customer) as client:
        first = client.post("/msgReqs", json=body("01011110001,01011110002,01011110003"))
        assert first.status_code == 201, first.text
        over = client.post("/msgReqs", json=body("01011110004,01011110005,01011110006"))
        assert over.status_code == 429
        assert 1 <= int(over.headers["retry-after"]) <= 86_401
        assert "daily quota of 5 recipients" in over.json()["detail"]
        assert client.get("/msgReqs").json()["total"] == 1  # nothing half-written
        fits = client.post("/msgReqs", json=body("01011110004,01011110005"))
        assert fits.status_code == 201


def test_requests_over_the_rate_are_429_with_retry_after(stack: Stack) -> None:
    with client_for(stack, stack.new_customer(requestsPerSecond=5)) as client:
        with ThreadPoolExecutor(12) as pool:  # 12 at once: well within one second
            answers = list(pool.map(lambda _: client.get("/msgReqs"), range(12)))
        codes = sorted(a.status_code for a in answers)
        assert codes.count(200) >= 1 and codes.count(429) >= 1 and set(codes) == {200, 429}
        limited = next(a for a in answers if a.status_code == 429)
        assert int(limited.headers["retry-after"]) >= 1
        assert "more than 5 requests per second" in limited.json()["detail"]


def test_no_credentials_is_401_on_every_public_route(stack: Stack) -> None:
    """Every operation of the gateway's OpenAPI that asks for credentials (all but the
    login), called without any: 401, before any body or path is looked at."""
    document = httpx.get(stack.gateway_url + "/openapi.json", timeout=10).json()
    called = []
    for template, operations in document["paths"].items():
        path = re.sub(r"\{[^}]*\}", str(uuid.uuid4()), template)
        for method, operation in operations.items():
            if operation.get("security", document.get("security")) == []:
                continue
            response = httpx.request(method.upper(), stack.gateway_url + path, timeout=10)
            assert response.status_code == 401, (method, template, response.text)
            called.append(f"{method.upper()} {template}")
    assert {"GET /msgReqs", "POST /senders", "GET /monitorings/webhooks"} <= set(called)


def test_the_carrier_callback_needs_the_carriers_own_token(stack: Stack) -> None:
    """A real carrier outside the cluster pushes its reports through the gateway, on its
    own path; a customer's or an operator's credentials are not the carrier's."""
    url = stack.gateway_url + "/carrier/reports/sim"
    report = {"reports": []}
    for headers in ({}, stack.operator_headers, {"Authorization": "Bearer sim-callback"}):
        response = httpx.post(url, json=report, headers=headers, timeout=10)
        assert response.status_code == 401, (headers, response.text)
        assert "callback token" in response.json()["detail"]
    token = {"Authorization": "Bearer " + stack.env["CARRIER_CALLBACK_TOKEN"]}
    answer = httpx.post(url, json=report, headers=token, timeout=10)
    assert answer.status_code == 422, answer.text  # past the token check: an empty batch


@pytest.mark.parametrize(
    "path",
    [
        "/carrier/reports",  # no carrier named: no such route any more
        "/carrier/reports/",
        "/carrier/reports/sim/x",
        "/carrier/reports/%2E%2E",
        "/carrier/reports/..",
        "/carrier",
    ],
)
def test_the_gateway_routes_only_the_carriers_report_paths(stack: Stack, path: str) -> None:
    token = {"Authorization": "Bearer " + stack.env["CARRIER_CALLBACK_TOKEN"]}
    response = httpx.post(stack.gateway_url + path, json={"reports": []}, headers=token, timeout=10)
    assert response.status_code == 404, (path, response.text)


def test_internal_routes_are_not_reachable_through_the_gateway(stack: Stack) -> None:
    """The services' own health, admin and docs routes stay inside."""
    for method, path in [
        ("GET", "/admin/config"),
        ("GET", "/msgReqs/%2E%2E/health/ready"),
    ]:
        response = httpx.request(
            method, stack.gateway_url + path, headers=stack.operator_headers, timeout=10
        )
        assert response.status_code == 404, (method, path, response.text)


def test_a_reservation_is_accepted_when_billing_does_not_answer(stack: Stack) -> None:
    """The balance check is a fast path only: with billing down, the reservation is
    accepted within the check's timeout and the saga settles it once billing is back."""
    customer = stack.new_customer()
    stack.top_up(customer.user_id, 10_000)
    with client_for(stack, customer) as client:
        billing = stack.processes["billing"]
        billing.stop()
        try:
            started = time.monotonic()
            created = client.post("/msgReqs", json=body())
            elapsed = time.monotonic() - started
            assert created.status_code == 201, created.text
            assert elapsed < 2.0, f"the POST waited {elapsed:.2f} s for billing"
            rid = created.json()["id"]
            assert client.get(f"/msgReqs/{rid}").json()["status"] == "requested"
        finally:
            billing.start()
            billing.wait_ready(timeout_s=60)
        final = wait_until(
            lambda: (r := client.get(f"/msgReqs/{rid}").json())["status"] in FINAL and r,
            timeout_s=60,
        )
        assert final["status"] == "completed"
