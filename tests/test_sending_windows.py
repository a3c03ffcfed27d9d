"""A customer's sending windows end to end through the gateway: the API, and sends that
pause outside the windows and go on by themselves when one opens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.reservations import created_reservation, final_view
from msgplat_testsupport.stack import Customer, Stack, received_by_carrier
from msgplat_testsupport.waiting import wait_until

SEOUL = ZoneInfo("Asia/Seoul")
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FINAL = {"completed", "partially_failed", "failed", "cancelled"}


@pytest.fixture()
def customer(stack: Stack) -> Customer:
    return stack.new_customer(credit=10_000_000)


def clock(moment: datetime) -> str:
    return f"{moment.astimezone(SEOUL):%H:%M:%S}"


def window(start: datetime, end: datetime) -> dict[str, Any]:
    return {"days": EVERY_DAY, "start": clock(start), "end": clock(end)}


def put(client: httpx.Client, *windows: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = client.put(
        "/sendingWindows", json={"timeZone": "Asia/Seoul", "windows": list(windows), **body}
    )
    assert response.status_code == 200, response.text
    return response.json()


def reserve(client: httpx.Client, dst: list[str]) -> dict[str, Any]:
    return created_reservation(client, msgTitle="notice", msgContent="window test", dstNum=dst)


def summary(client: httpx.Client, rid: str) -> dict[str, Any] | None:
    response = client.get("/msgs/summary", params={"reservationId": rid})
    return response.json() if response.status_code == 200 else None


def wait_final(client: httpx.Client, rid: str, timeout_s: float = 90) -> dict[str, Any]:
    return final_view(client, rid, FINAL, timeout_s=timeout_s)


def assert_none_set(client: httpx.Client) -> None:
    """No windows: 200 with an empty list (not a 404 the console would log as an error)."""
    response = client.get("/sendingWindows")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["windows"] == [] and body["purposes"] == [] and body["createdAt"] is None


def test_windows_are_stored_read_and_removed(client: httpx.Client) -> None:
    assert_none_set(client)
    stored = put(
        client,
        {"days": ["mon", "tue"], "start": "09:00", "end": "18:00"},
        {"days": ["sat"], "start": "22:00:30", "end": "24:00"},
        purposes=["normal"],
    )
    assert stored["timeZone"] == "Asia/Seoul"
    assert stored["purposes"] == ["normal"]
    assert stored["windows"][1] == {"days": ["sat"], "start": "22:00:30", "end": "24:00"}
    assert client.get("/sendingWindows").json() == stored
    replaced = put(client, {"days": ["sun"], "start": "10:00", "end": "11:00"})
    assert replaced["purposes"] == ["normal", "advertising"]
    assert replaced["createdAt"] == stored["createdAt"]
    assert client.delete("/sendingWindows").status_code == 204
    assert_none_set(client)
    assert client.delete("/sendingWindows").status_code == 404


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"timeZone": "Asia/Nowhere"}, ["body", "timeZone"]),
        ({"windows": []}, ["body", "windows"]),
        (
            {"windows": [{"days": ["monday"], "start": "09:00", "end": "18:00"}]},
            ["body", "windows", 0, "days", 0],
        ),
        (
            {"windows": [{"days": ["mon"], "start": "9", "end": "18:00"}]},
            ["body", "windows", 0, "start"],
        ),
        (
            {"windows": [{"days": ["mon"], "start": "09:00", "end": "24:01"}]},
            ["body", "windows", 0, "end"],
        ),
        (
            {"windows": [{"days": ["mon"], "start": "09:00", "end": "09:00"}]},
            ["body", "windows", 0],
        ),
        ({"purposes": ["normal", "authentication"]}, ["body", "purposes"]),
    ],
)
def test_bad_windows_are_refused_naming_the_field(
    client: httpx.Client, body: dict[str, Any], loc: list[Any]
) -> None:
    full = {
        "timeZone": "Asia/Seoul",
        "windows": [{"days": ["mon"], "start": "09:00", "end": "18:00"}],
        **body,
    }
    response = client.put("/sendingWindows", json=full)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc
    assert_none_set(client)  # nothing was stored


def test_a_send_due_before_the_window_opens_pauses_then_completes_by_itself(
    client: httpx.Client, carrier: httpx.Client
) -> None:
    now = datetime.now(SEOUL).replace(microsecond=0)
    opens = now + timedelta(seconds=6)
    put(client, window(opens, now + timedelta(hours=1)))
    reservation = reserve(client, numbers(3))
    paused = wait_until(
        lambda: (s := summary(client, reservation["id"])) and s["pauseRule"] and s,
        timeout_s=30,
    )
    assert paused["pauseRule"] == "sending_windows"
    assert datetime.fromisoformat(paused["pausedUntil"]) == opens
    assert "sending windows" in paused["pauseReason"]
    assert paused["pending"] == 3  # nothing was sent before the window opened

    assert wait_final(client, reservation["id"])["status"] == "completed"
    got = received_by_carrier(carrier, reservation["id"])
    assert len(got) == 3
    msgs = client.get("/msgs", params={"reservationId": reservation["id"]}).json()["items"]
    assert all(datetime.fromisoformat(m["submittedAt"]) >= opens for m in msgs)
    done = summary(client, reservation["id"])
    assert done is not None and done["pauseRule"] is None and done["pausedUntil"] is None


def test_a_window_closing_mid_send_pauses_it_until_the_next_one_and_nothing_goes_twice(
    client: httpx.Client, carrier: httpx.Client
) -> None:
    carrier.put("/admin/config", json={"latency_ms": 1000}).raise_for_status()
    now = datetime.now(SEOUL).replace(microsecond=0)
    put(client, window(now - timedelta(hours=1), now + timedelta(hours=1)))
    dst = numbers(10_000)  # batches of 1,000, a second each at the carrier: 10 s or more
    reservation = reserve(client, dst)
    wait_until(lambda: len(received_by_carrier(carrier, reservation["id"])) >= 1000, timeout_s=30)
    # Sending has begun: the window now closes in a second and reopens five later.
    now = datetime.now(SEOUL).replace(microsecond=0)
    closes, reopens = now + timedelta(seconds=2), now + timedelta(seconds=7)
    put(
        client,
        window(now - timedelta(hours=1), closes),
        window(reopens, now + timedelta(hours=1)),
    )
    paused = wait_until(
        lambda: (s := summary(client, reservation["id"])) and s["pauseRule"] and s,
        timeout_s=30,
        interval_s=0.1,
    )
    handed_before = len(received_by_carrier(carrier, reservation["id"]))
    assert datetime.fromisoformat(paused["pausedUntil"]) == reopens
    assert 1000 <= handed_before < 10_000, "the window was to close mid-send"

    assert wait_final(client, reservation["id"])["status"] == "completed"
    got = received_by_carrier(carrier, reservation["id"])
    assert len(got) == 10_000
    assert all(item["submitCount"] == 1 for item in got)
    msgs: list[dict[str, Any]] = []
    for page in range(1, 11):
        msgs += client.get(
            "/msgs", params={"reservationId": reservation["id"], "page": page, "size": 1000}
        ).json()["items"]
    sent_at = [datetime.fromisoformat(m["submittedAt"]) for m in msgs]
    assert not [at for at in sent_at if closes + timedelta(seconds=1) < at < reopens]
