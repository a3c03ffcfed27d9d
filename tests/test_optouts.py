"""Opt-out lists end to end through the gateway: the API, and advertising that never
reaches (nor is charged for) a listed number while normal messages still do."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from msgplat_testsupport.reservations import created_reservation, final_view
from msgplat_testsupport.senders import e164
from msgplat_testsupport.stack import Customer, Stack, received_by_carrier
from msgplat_testsupport.waiting import wait_until

FINAL = {"completed", "partially_failed", "failed", "cancelled"}
AD_CONTENT = "(광고) 봄맞이 할인 안내 무료거부 080-123-4567"


def numbers(count: int) -> list[str]:
    """Distinct numbers the carrier simulator delivers (none ends in 0000)."""
    prefix = uuid.uuid4().int % 4000 + 6000  # 0106..0109: 01059[7-9] is no number
    return [f"010-{prefix}-{i:03d}1" for i in range(count)]


@pytest.fixture()
def customer(stack: Stack) -> Customer:
    """A new customer with prepaid credit and their own key."""
    return stack.new_customer(credit=1_000_000)


def listed(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/optouts", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_numbers_are_added_listed_and_removed_in_e164(client: httpx.Client) -> None:
    dst = numbers(3)
    added = client.post("/optouts", json={"numbers": [dst[0], dst[1], dst[1].replace("-", "")]})
    assert added.status_code == 200, added.text
    assert added.json() == {"added": 2, "alreadyListed": 0}
    again = client.post("/optouts", json={"numbers": [dst[1], dst[2]]}).json()
    assert again == {"added": 1, "alreadyListed": 1}

    page = listed(client)
    assert page["total"] == 3
    assert [item["number"] for item in page["items"]] == sorted(e164(n) for n in dst)
    assert all(item["createdAt"] for item in page["items"])
    assert listed(client, number=dst[2])["total"] == 1
    assert listed(client, number="010-0000-0000")["total"] == 0
    assert listed(client, size=1, page=2)["items"][0]["number"] == sorted(map(e164, dst))[1]

    removed = client.post("/optouts/remove", json={"numbers": [dst[0], "010-0000-0000"]})
    assert removed.json() == {"removed": 1, "notListed": 1}
    assert client.delete(f"/optouts/{dst[1]}").status_code == 204
    gone = client.delete(f"/optouts/{e164(dst[1])}")
    assert gone.status_code == 404 and "not found" in gone.json()["detail"]
    assert [item["number"] for item in listed(client)["items"]] == [e164(dst[2])]


def test_a_csv_file_is_added_whole_or_refused_naming_each_bad_line(client: httpx.Client) -> None:
    dst = numbers(3)
    csv = f"number,name\n{dst[0]},Kim\n\n{dst[1]}\n{dst[2]},Lee\n"
    response = client.post(
        "/optouts/upload", content=csv.encode(), headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"added": 3, "alreadyListed": 0}

    other = numbers(1)[0]
    bad = client.post(
        "/optouts/upload",
        content=f"{other}\nnot-a-number\n02-123-4567\n".encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert bad.status_code == 422, bad.text
    errors = bad.json()["detail"]
    assert [(e["loc"], e["input"]) for e in errors] == [
        (["body", 2], "not-a-number"),
        (["body", 3], "02-123-4567"),
    ]
    assert errors[0]["msg"].startswith("line 2: ")
    assert listed(client, number=other)["total"] == 0  # nothing of the file was added

    form = client.post("/optouts/upload", files={"file": ("list.csv", csv.encode())})
    assert form.status_code == 415 and "text/csv" in form.json()["detail"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"numbers": ["010-1234-5678", "hello", "02-123-4567"]}, ["body", "numbers", 1]),
        ({"numbers": []}, ["body", "numbers"]),
        ({"numbers": ["01012345678"] * 1001}, ["body", "numbers"]),
        ({}, ["body", "numbers"]),
    ],
)
def test_bad_numbers_are_refused_naming_each(
    client: httpx.Client, body: dict[str, Any], loc: list[Any]
) -> None:
    response = client.post("/optouts", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc
    if len(body.get("numbers", [])) == 3:
        assert [e["loc"] for e in response.json()["detail"]] == [
            ["body", "numbers", 1],
            ["body", "numbers", 2],
        ]


def test_a_bad_number_in_the_path_or_query_is_422(client: httpx.Client) -> None:
    assert client.delete("/optouts/hello").json()["detail"][0]["loc"] == ["path", "number"]
    assert client.get("/optouts", params={"number": "x1"}).json()["detail"][0]["loc"] == [
        "query",
        "number",
    ]


def test_each_customer_sees_and_changes_only_their_own_list(
    stack: Stack, api: httpx.Client, client: httpx.Client, customer: Customer
) -> None:
    number = numbers(1)[0]
    assert client.post("/optouts", json={"numbers": [number]}).status_code == 200
    other = stack.new_customer()
    with httpx.Client(base_url=stack.gateway_url, headers=other.headers, timeout=30) as them:
        assert them.get("/optouts").json()["total"] == 0
        assert them.get("/optouts", params={"userId": customer.user_id}).status_code == 404
        forged = them.post("/optouts", json={"userId": customer.user_id, "numbers": [number]})
        assert forged.status_code == 403
        assert them.delete(f"/optouts/{number}").status_code == 404
    assert listed(client)["total"] == 1
    # The operator names the customer acted for; without one, a write is refused.
    assert api.post("/optouts", json={"numbers": [number]}).json()["detail"][0]["loc"] == [
        "body",
        "userId",
    ]
    seen = api.get("/optouts", params={"userId": customer.user_id}).json()
    assert [(i["userId"], i["number"]) for i in seen["items"]] == [(customer.user_id, e164(number))]


def reserve(client: httpx.Client, dst: list[str], **body: Any) -> dict[str, Any]:
    return created_reservation(
        client, **{"msgTitle": "sale", "msgContent": AD_CONTENT, "dstNum": dst, **body}
    )


def wait_final(client: httpx.Client, rid: str) -> dict[str, Any]:
    return final_view(client, rid, FINAL, timeout_s=60)


def test_advertising_skips_opted_out_numbers_and_normal_messages_do_not(
    api: httpx.Client, client: httpx.Client, carrier: httpx.Client
) -> None:
    dst = numbers(5)
    assert client.post("/optouts", json={"numbers": [dst[1], dst[3]]}).status_code == 200

    ad = reserve(client, dst, purpose="advertising")
    assert wait_final(client, ad["id"])["status"] == "completed"
    got = received_by_carrier(carrier, ad["id"])
    assert sorted(item["to"] for item in got) == sorted(e164(dst[i]) for i in (0, 2, 4))
    msgs = client.get("/msgs", params={"reservationId": ad["id"]}).json()["items"]
    assert [(m["seq"], m["status"]) for m in msgs] == [
        (0, "delivered"),
        (1, "opted_out"),
        (2, "delivered"),
        (3, "opted_out"),
        (4, "delivered"),
    ]
    opted = [m for m in msgs if m["status"] == "opted_out"]
    assert all(m["resultCode"] == "OPTED_OUT" and m["carrier"] is None for m in opted)
    assert all(m["msgType"] == "SMS" for m in msgs)
    summary = wait_until(
        lambda: (
            (s := client.get("/msgs/summary", params={"reservationId": ad["id"]}).json())[
                "finished"
            ]
            and s
        )
    )
    assert (summary["delivered"], summary["optedOut"], summary["failed"]) == (3, 2, 0)

    normal = reserve(client, dst, msgContent="정기 점검 안내")
    assert wait_final(client, normal["id"])["status"] == "completed"
    assert len(received_by_carrier(carrier, normal["id"])) == 5

    # Billing charges the 3 messages sent and releases the 2 opted out (settled last).
    billed = wait_until(
        lambda: (b := api.get(f"/billings/reservations/{ad['id']}").json()).get("held") == 0 and b,
        timeout_s=30,
    )
    assert (billed["capturedCount"], billed["releasedCount"]) == (3, 2), billed
