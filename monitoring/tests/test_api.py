"""The monitoring API through the gateway of the shared stack: reads of the views."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from msgplat_testsupport.reservations import assert_unknown_reservation_is_404
from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import wait_until


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[httpx.Client]:
    with stack.operator_client(timeout=10, funded=True) as client:
        yield client


def reserve(client: httpx.Client, user: str, title: str) -> dict[str, Any]:
    """A reservation due tomorrow: its view stays `scheduled` while the test reads it."""
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    response = client.post(
        "/msgReqs",
        json={
            "userId": user,
            "msgTitle": title,
            "msgContent": "hello",
            "reserveDt": tomorrow.isoformat(),
            "dstNum": ["01012345678", "01098765432"],
            "callbackNum": "0212345678",
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_user_s_reservations_are_listed_newest_first_and_paged(client: httpx.Client) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    created = [reserve(client, user, f"title {n}") for n in range(3)]
    reserve(client, user + "x", "someone else's")

    def listed() -> dict[str, Any] | None:
        body: dict[str, Any] = client.get("/monitorings", params={"userId": user}).json()
        scheduled = all(v["status"] == "scheduled" for v in body["items"])
        return body if body["total"] == 3 and scheduled else None

    # The first test of a fresh stack: the consumers may still be joining their groups.
    wait_until(listed, timeout_s=30)
    page1 = client.get("/monitorings", params={"userId": user, "size": 2}).json()
    page2 = client.get("/monitorings", params={"userId": user, "size": 2, "page": 2}).json()

    assert (page1["page"], page1["size"], page1["total"]) == (1, 2, 3)
    assert (page2["page"], page2["size"], page2["total"]) == (2, 2, 3)
    listed_ids = [v["reservationId"] for v in page1["items"] + page2["items"]]
    assert listed_ids == [r["id"] for r in reversed(created)]
    times = [v["requestedAt"] for v in page1["items"] + page2["items"]]
    assert times == sorted(times, reverse=True)
    first = page1["items"][0]
    assert first["userId"] == user
    assert first["msgTitle"] == "title 2"
    assert first["status"] == "scheduled"
    assert first["scheduledAt"] is not None
    assert first["recipientCount"] == 2


def test_one_view_by_id(client: httpx.Client) -> None:
    created = reserve(client, f"u-{uuid.uuid4().hex[:8]}", "one")
    view = wait_until(
        lambda: (r := client.get(f"/monitorings/{created['id']}")).status_code == 200 and r.json(),
        timeout_s=5,
    )
    assert view["reservationId"] == created["id"]
    assert view["recipientCount"] == 2
    # The recipients follow the request in chunks: the view counts them as they come.
    wait_until(
        lambda: client.get(f"/monitorings/{created['id']}").json()["recipientsReceived"] == 2,
        timeout_s=5,
    )


def test_an_unknown_reservation_is_404(client: httpx.Client) -> None:
    assert_unknown_reservation_is_404(client, "/monitorings/{}")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/monitorings/not-a-uuid", {}),
        ("/monitorings", {"size": 0}),
        ("/monitorings", {"size": 101}),
        ("/monitorings", {"page": 0}),
        ("/monitorings", {"userId": "x" * 65}),
    ],
)
def test_malformed_requests_are_422_naming_the_field(
    client: httpx.Client, path: str, params: dict[str, str | int]
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail, response.text
    assert all("loc" in error and "msg" in error for error in detail)
