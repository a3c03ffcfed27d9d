"""Message templates through the gateway: CRUD, tenant scope, rules, and reserving with
one (each recipient's variables filled in)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from msgplat_testsupport.stack import Stack

AD = "(광고) #{name}님, 봄 세일! 무료거부 080-123-4567"


def client_for(stack: Stack, credit: int = 0) -> httpx.Client:
    customer = stack.new_customer()
    if credit:
        stack.top_up(customer.user_id, credit)  # money enters through the operator
    return httpx.Client(base_url=stack.gateway_url, headers=customer.headers, timeout=30)


@pytest.fixture(scope="module")
def alice(stack: Stack) -> Iterator[httpx.Client]:
    with client_for(stack, credit=100_000) as client:
        yield client


@pytest.fixture(scope="module")
def mallory(stack: Stack) -> Iterator[httpx.Client]:
    with client_for(stack) as client:
        yield client


def me(client: httpx.Client) -> str:
    user: str = client.get("/auth/me").json()["userId"]
    return user


def template(**overrides: Any) -> dict[str, Any]:
    return {
        "name": f"t-{uuid.uuid4().hex[:8]}",
        "msgTitle": "주문 안내",
        "msgContent": "#{name}님, 주문 #{order_no}이 도착했습니다.",
        "purpose": "normal",
        **overrides,
    }


def errors_at(response: httpx.Response) -> dict[tuple[Any, ...], dict[str, Any]]:
    assert response.status_code == 422, response.text
    return {tuple(e["loc"]): e for e in response.json()["detail"]}


def test_create_read_list_update_and_delete(alice: httpx.Client) -> None:
    data = template()
    response = alice.post("/templates", json=data)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"/templates/{created['id']}"
    assert created["userId"] == me(alice)
    assert (created["name"], created["msgTitle"], created["msgContent"]) == (
        data["name"],
        data["msgTitle"],
        data["msgContent"],
    )
    assert created["purpose"] == "normal"
    assert created["variables"] == ["name", "order_no"]

    assert alice.get(f"/templates/{created['id']}").json() == created
    listing = alice.get("/templates", params={"size": 100}).json()
    assert created["id"] in [item["id"] for item in listing["items"]]
    assert listing["total"] >= 1 and listing["page"] == 1

    changed = alice.put(
        f"/templates/{created['id']}",
        json=template(name=data["name"] + "-v2", msgContent="#{고객명}님 감사합니다"),
    )
    assert changed.status_code == 200, changed.text
    updated = changed.json()
    assert updated["id"] == created["id"]
    assert updated["variables"] == ["고객명"]
    assert updated["name"] == data["name"] + "-v2"
    assert datetime.fromisoformat(updated["updatedAt"]) > datetime.fromisoformat(
        created["updatedAt"]
    )
    assert alice.get(f"/templates/{created['id']}").json() == updated

    assert alice.delete(f"/templates/{created['id']}").status_code == 204
    assert alice.get(f"/templates/{created['id']}").status_code == 404
    assert alice.delete(f"/templates/{created['id']}").status_code == 404


def test_another_customers_template_is_not_found(
    alice: httpx.Client, mallory: httpx.Client
) -> None:
    created = alice.post("/templates", json=template()).json()
    path = f"/templates/{created['id']}"
    assert mallory.get(path).status_code == 404
    assert mallory.put(path, json=template()).status_code == 404
    assert mallory.delete(path).status_code == 404
    assert created["id"] not in [i["id"] for i in mallory.get("/templates").json()["items"]]
    assert mallory.get("/templates", params={"userId": me(alice)}).status_code == 404
    assert alice.get(path).json() == created  # untouched

    # Nor can it be used in a reservation.
    used = mallory.post(
        "/msgReqs",
        json={
            "templateId": created["id"],
            "recipients": [{"dstNum": "01012345678", "variables": {"name": "a", "order_no": "1"}}],
            "callbackNum": "0212345678",
        },
    )
    assert "no such template" in errors_at(used)[("body", "templateId")]["msg"]


def test_an_operator_acts_for_the_customer_named(api: httpx.Client, alice: httpx.Client) -> None:
    owner = me(alice)
    created = api.post("/templates", json=template(userId=owner))
    assert created.status_code == 201, created.text
    assert created.json()["userId"] == owner
    assert alice.get(f"/templates/{created.json()['id']}").status_code == 200
    assert ("body", "userId") in errors_at(api.post("/templates", json=template()))
    listed = api.get("/templates", params={"userId": owner, "size": 100}).json()
    assert created.json()["id"] in [item["id"] for item in listed["items"]]
    moved = api.put(f"/templates/{created.json()['id']}", json=template(userId="someone-else"))
    assert "cannot change customer" in errors_at(moved)[("body", "userId")]["msg"]


def test_a_customer_cannot_name_another(alice: httpx.Client) -> None:
    assert alice.post("/templates", json=template(userId="someone-else")).status_code == 403


def test_template_rules(alice: httpx.Client) -> None:
    errors = errors_at(
        alice.post("/templates", json=template(purpose="advertising", msgContent="봄 세일"))
    )
    message = errors[("body", "msgContent")]["msg"]
    assert "must start with (광고)" in message and "opt-out number" in message
    errors = errors_at(alice.post("/templates", json=template(msgTitle="#{name}님 안내")))
    assert "cannot hold variables" in errors[("body", "msgTitle")]["msg"]
    errors = errors_at(alice.post("/templates", json=template(msgContent="#{고객 명}님")))
    assert "is not a variable" in errors[("body", "msgContent")]["msg"]
    assert ("body", "name") in errors_at(alice.post("/templates", json=template(name="")))
    assert ("body", "purpose") in errors_at(alice.post("/templates", json=template(purpose="x")))


def test_names_are_unique_per_customer(alice: httpx.Client, mallory: httpx.Client) -> None:
    data = template()
    assert alice.post("/templates", json=data).status_code == 201
    again = alice.post("/templates", json=data)
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "template_name_taken"
    assert mallory.post("/templates", json=data).status_code == 201  # another customer's


def test_reserving_with_a_template_fills_in_each_recipient(alice: httpx.Client) -> None:
    created = alice.post("/templates", json=template(purpose="advertising", msgContent=AD))
    assert created.status_code == 201, created.text
    tid = created.json()["id"]
    due = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    reserved = alice.post(
        "/msgReqs",
        json={
            "templateId": tid,
            "recipients": [
                {"dstNum": "010-2000-0001", "variables": {"name": "김"}},
                {"dstNum": "010-2000-0002", "variables": {"name": "이"}},
            ],
            "callbackNum": "0212345678",
            "reserveDt": due,
        },
    )
    assert reserved.status_code == 201, reserved.text
    msg_req = reserved.json()
    assert msg_req["templateId"] == tid
    assert msg_req["purpose"] == "advertising"
    assert msg_req["personalised"] is True
    assert (msg_req["msgTitle"], msg_req["msgContent"]) == ("주문 안내", AD)
    assert msg_req["msgCounts"] == {"SMS": 2, "LMS": 0}

    both = alice.post(
        "/msgReqs",
        json={
            "templateId": tid,
            "msgContent": "mine",
            "dstNum": "01020000001",
            "callbackNum": "0212345678",
        },
    )
    message = errors_at(both)[("body", "msgContent")]["msg"]
    assert "give either templateId or msgContent" in message
    assert alice.post(f"/msgReqs/{msg_req['id']}/cancel").status_code == 200
