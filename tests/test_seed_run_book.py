"""The seed's run book, as its users type it, through the gateway: the fields it sends,
the read-only collections it shows, and the methods the API does not declare."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from msgplat_testsupport.senders import approve_callback_numbers
from msgplat_testsupport.stack import Stack, credit_new_customers

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=stack.gateway_url,
        headers=stack.operator_headers,
        timeout=30,
        event_hooks={
            "request": [
                credit_new_customers(stack.gateway_url, stack.operator_headers),
                approve_callback_numbers(stack.gateway_url, stack.operator_headers),
            ]
        },
    ) as client:
        yield client


def seed_body(**extra: Any) -> dict[str, Any]:
    """`http :8088/msgReqs userId=... msgTitle=... ...`: httpie sends every value as text."""
    due = datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(hours=1)
    return {
        "userId": f"seed-{uuid.uuid4().hex[:10]}",
        "msgTitle": "공지",
        "msgContent": "예약 발송",
        "reserveDt": due.replace(tzinfo=None, microsecond=0).isoformat(),
        "dstNum": "01012345678,01098765432,010-1234-5678",
        "callbackNum": "02-1234-5678",
        **extra,
    }


def test_the_seed_fields_are_taken_reserve_qt_checked_id_and_status_ignored(
    client: httpx.Client,
) -> None:
    # Three numbers, one a duplicate: two recipients.
    response = client.post("/msgReqs", json=seed_body(reserveQt="2", id="1", status="SENT"))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["recipientCount"] == 2
    assert created["status"] == "requested" and created["id"] != "1"


def test_a_reserve_qt_other_than_the_recipients_is_a_422_naming_it(client: httpx.Client) -> None:
    response = client.post("/msgReqs", json=seed_body(reserveQt=3))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "request_invalid"
    [error] = body["detail"]
    assert error["loc"] == ["body", "reserveQt"] and error["type"] == "reserve_qt_mismatch"
    assert error["ctx"] == {"recipientCount": 2, "duplicatesDropped": 1}
    assert "2" in error["msg"]


@pytest.mark.parametrize(
    ("path", "how"),
    [("/msgs", "POST /msgReqs"), ("/stats", "GET /stats")],
)
def test_the_read_only_collections_say_how_their_items_come_to_be(
    client: httpx.Client, path: str, how: str
) -> None:
    response = client.post(path, json={"reservationId": str(uuid.uuid4())})
    assert response.status_code == 405, response.text
    assert response.headers["Allow"] == "GET"
    assert response.json()["code"] == "method_not_allowed"
    assert how in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/msgReqs/00000000-0000-0000-0000-000000000000", "GET, PATCH"),
        ("DELETE", "/msgReqs", "GET, POST"),
        ("GET", "/msgReqs/00000000-0000-0000-0000-000000000000/cancel", "POST"),
        ("DELETE", "/auth/login", "POST"),  # the gateway's own
        ("PUT", "/monitorings/stream/tickets", "POST"),  # the gateway's own, under a service
    ],
)
def test_an_undeclared_method_is_a_405_with_allow(
    client: httpx.Client, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405, response.text
    assert response.headers["Allow"] == allow
    assert response.json()["code"] == "method_not_allowed"


def test_every_error_has_a_code(stack: Stack, client: httpx.Client) -> None:
    assert httpx.get(stack.gateway_url + "/msgReqs").json()["code"] == "unauthorized"
    assert client.get(f"/msgReqs/{uuid.uuid4()}").json()["code"] == "not_found"
    assert client.post("/nowhere").json()["code"] == "not_found"
    nul = client.get("/msgReqs", params={"q": "a\x00b"})
    assert nul.status_code == 422
    [error] = nul.json()["detail"]
    assert error["loc"] == ["query", "q"] and error["type"] == "value_error"
