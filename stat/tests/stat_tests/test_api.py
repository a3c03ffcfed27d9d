"""The stat API through the gateway of the shared stack: shape of the answers, bad input."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from msgplat.stat.domain import TIMEZONE
from msgplat_testsupport.reservations import assert_unknown_reservation_is_404
from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import wait_until

COUNT_FIELDS = {
    "requested",
    "delivered",
    "failed",
    "cancelled",
    "rejected",
    "optedOut",
    "rate",
    "failuresByCode",
}


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[httpx.Client]:
    with stack.operator_client(timeout=30) as client:
        yield client


def reserve_and_send(client: httpx.Client, user: str) -> str:
    """Three recipients; the carrier simulator fails the one ending in 0000 (code 3001)."""
    prefix = uuid.uuid4().int % 40 + 60  # 0106..0109: 01059[7-9] is no number
    # Credit for the billing saga when the stack has it; harmless otherwise.
    client.post("/billings/topups", json={"userId": user, "amount": 100_000})
    response = client.post(
        "/msgReqs",
        json={
            "userId": user,
            "msgTitle": "stats",
            "msgContent": "hello",
            "dstNum": [f"010{prefix}000001", f"010{prefix}000011", f"010{prefix}000000"],
            "callbackNum": "0212345678",
        },
    )
    assert response.status_code == 201, response.text
    reservation_id: str = response.json()["id"]
    return reservation_id


def test_a_sent_reservation_is_counted_for_it_and_for_its_customer_s_day(
    client: httpx.Client,
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    rid = reserve_and_send(client, user)

    def counted() -> dict[str, Any] | None:
        response = client.get(f"/stats/reservations/{rid}")
        body: dict[str, Any] = response.json()
        done = response.status_code == 200 and body["delivered"] + body["failed"] == 3
        return body if done else None

    stat = wait_until(counted, timeout_s=30, interval_s=0.2)
    assert set(stat) == COUNT_FIELDS | {"reservationId", "userId", "requestedAt", "updatedAt"}
    assert (stat["reservationId"], stat["userId"]) == (rid, user)
    assert (stat["requested"], stat["delivered"], stat["failed"]) == (3, 2, 1)
    assert (stat["cancelled"], stat["rejected"], stat["optedOut"]) == (0, 0, 0)
    assert stat["rate"] == 0.6667
    assert stat["failuresByCode"] == {"3001": 1}

    today = datetime.now(TIMEZONE).date()
    body = client.get("/stats", params={"userId": user}).json()
    assert set(body) == {"userId", "from", "to", "stat", "history"}
    assert body["userId"] == user
    assert body["to"] == today.isoformat()
    assert body["from"] == (today - timedelta(days=29)).isoformat()
    assert set(body["stat"]) == COUNT_FIELDS
    assert body["stat"]["requested"] == 3
    assert (body["stat"]["delivered"], body["stat"]["failed"]) == (2, 1)
    assert body["stat"]["failuresByCode"] == {"3001": 1}
    # Requested and sent just now: one day of history, today in Seoul (nearly always;
    # a run across Seoul midnight may split it in two).
    assert 1 <= len(body["history"]) <= 2
    assert all(set(day) == COUNT_FIELDS | {"date"} for day in body["history"])
    assert body["history"][-1]["date"] == today.isoformat()


def test_a_customer_without_data_has_zero_counts_and_no_history(client: httpx.Client) -> None:
    response = client.get(
        "/stats", params={"userId": "u-nobody", "from": "2025-01-01", "to": "2025-12-31"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "userId": "u-nobody",
        "from": "2025-01-01",
        "to": "2025-12-31",
        "stat": {
            "requested": 0,
            "delivered": 0,
            "failed": 0,
            "cancelled": 0,
            "rejected": 0,
            "optedOut": 0,
            "rate": None,
            "failuresByCode": {},
        },
        "history": [],
    }


def test_a_full_year_of_366_days_is_allowed(client: httpx.Client) -> None:
    response = client.get(
        "/stats", params={"userId": "u-leap", "from": "2024-01-01", "to": "2024-12-31"}
    )
    assert response.status_code == 200, response.text


def test_an_unknown_reservation_is_404(client: httpx.Client) -> None:
    assert_unknown_reservation_is_404(client, "/stats/reservations/{}")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/stats/reservations/not-a-uuid", {}, "reservationId"),
        ("/stats", {}, "userId"),
        ("/stats", {"userId": ""}, "userId"),
        ("/stats", {"userId": "x" * 65}, "userId"),
        ("/stats", {"userId": "u", "from": "2026-02-30"}, "from"),
        ("/stats", {"userId": "u", "from": "20260101"}, "from"),
        ("/stats", {"userId": "u", "to": "yesterday"}, "to"),
        ("/stats", {"userId": "u", "to": "2026-W01-1"}, "to"),
        ("/stats", {"userId": "u", "from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ("/stats", {"userId": "u", "from": "2025-01-01", "to": "2026-01-02"}, "to"),
        ("/stats", {"userId": "u", "from": "2000-01-01"}, "to"),
        # The far ends of the calendar: once a 500 (a date before year 1).
        ("/stats", {"userId": "u", "to": "0001-01-01"}, "to"),
        ("/stats", {"userId": "u", "from": "0001-01-01"}, "from"),
        ("/stats", {"userId": "u", "to": "9999-12-31"}, "to"),
        ("/stats/carriers", {"userId": "u", "to": "0001-01-01"}, "to"),
        ("/stats/carriers", {}, "userId"),
        ("/stats/carriers", {"userId": "x" * 65}, "userId"),
        ("/stats/carriers", {"userId": "u", "from": "2026-02-30"}, "from"),
        ("/stats/carriers", {"userId": "u", "to": "tomorrow"}, "to"),
        ("/stats/carriers", {"userId": "u", "from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ("/stats/carriers", {"userId": "u", "from": "2025-01-01", "to": "2026-01-02"}, "to"),
    ],
)
def test_malformed_requests_are_422_naming_the_field(
    client: httpx.Client, path: str, params: dict[str, str], field: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert [error["loc"][-1] for error in detail] == [field], detail
    assert all(error["msg"] for error in detail)


def test_now_is_used_for_the_default_period(client: httpx.Client) -> None:
    """Only `from` given: the period runs to today in Seoul."""
    start = (datetime.now(UTC).astimezone(TIMEZONE).date() - timedelta(days=3)).isoformat()
    body = client.get("/stats", params={"userId": "u-x", "from": start}).json()
    assert body["from"] == start
    assert body["to"] == datetime.now(TIMEZONE).date().isoformat()


def test_a_customer_s_messages_are_counted_per_carrier(client: httpx.Client) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    reserve_and_send(client, user)

    def counted() -> list[dict[str, Any]] | None:
        response = client.get("/stats/carriers", params={"userId": user})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        done = sum(i["delivered"] + i["failed"] for i in items) == 3
        return items if done else None

    # The stack's one carrier simulator is `sim`; it fails the number ending in 0000.
    assert wait_until(counted, timeout_s=30, interval_s=0.2) == [
        {"carrier": "sim", "delivered": 2, "failed": 1}
    ]
    today = datetime.now(TIMEZONE).date()
    body = client.get("/stats/carriers", params={"userId": user}).json()
    assert set(body) == {"userId", "from", "to", "items"}
    assert (body["userId"], body["to"]) == (user, today.isoformat())
    last_year = client.get(
        "/stats/carriers", params={"userId": user, "from": "2025-01-01", "to": "2025-12-31"}
    )
    assert last_year.json()["items"] == []


def test_carrier_counts_are_the_customer_s_own(stack: Stack) -> None:
    customer = stack.new_customer()
    with httpx.Client(base_url=stack.gateway_url, headers=customer.headers, timeout=30) as own:
        mine = own.get("/stats/carriers")
        assert mine.status_code == 200, mine.text
        assert (mine.json()["userId"], mine.json()["items"]) == (customer.user_id, [])
        someone_else = own.get("/stats/carriers", params={"userId": "demo"})
        assert someone_else.status_code == 404
