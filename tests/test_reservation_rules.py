"""The reservation rules end to end, through the gateway, with the stack's settings:
advertising (marker, opt-out number, hours), lead time and horizon, the cancel cut-off,
and personalised messages that reach the carrier with each recipient's own text.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from msgplat.plumbing.windows import daily
from msgplat.reservation.settings import ReservationSettings
from msgplat_testsupport.reservations import overridden
from msgplat_testsupport.stack import Stack, received_by_carrier
from msgplat_testsupport.waiting import wait_until

FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}
AD = "(광고) 봄 세일 30% 할인 무료거부 080-123-4567"


def setting(stack: Stack, name: str) -> Any:
    """The stack's value of a reservation setting: its environment, else the default."""
    default = ReservationSettings.model_fields[name].default
    return type(default)(stack.env.get(name.upper(), default))


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[httpx.Client]:
    with stack.operator_client(timeout=60, funded=True) as client:
        yield client


def numbers(count: int) -> list[str]:
    """Distinct 010 numbers ending in 1 (the carrier simulator fails those in 0000)."""
    prefix = uuid.uuid4().int % 4000 + 6000  # 0106..0109: 01059[7-9] is no number
    return [f"010{prefix:04d}{i:03d}1" for i in range(count)]


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "userId": f"u-{uuid.uuid4().hex[:12]}",
        "msgTitle": "안내",
        "msgContent": "안녕하세요",
        "reserveDt": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        "dstNum": numbers(2),
        "callbackNum": "0212345678",
    }
    return overridden(data, overrides)


def errors_at(response: httpx.Response) -> dict[tuple[Any, ...], dict[str, Any]]:
    assert response.status_code == 422, response.text
    return {tuple(e["loc"]): e for e in response.json()["detail"]}


def stored(client: httpx.Client, user: str) -> int:
    total: int = client.get("/msgReqs", params={"userId": user}).json()["total"]
    return total


def in_seoul(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Asia/Seoul")).isoformat()


# --- advertising ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "missing"),
    [
        ("봄 세일 무료거부 080-123-4567", ["must start with (광고)"]),
        ("(광고) 봄 세일, 문의 02-123-4567", ["opt-out number"]),
        ("봄 세일", ["must start with (광고)", "opt-out number"]),
    ],
)
def test_advertising_without_marker_or_opt_out_number_is_refused_naming_each(
    client: httpx.Client, content: str, missing: list[str]
) -> None:
    data = body(purpose="advertising", msgContent=content)
    errors = errors_at(client.post("/msgReqs", json=data))
    message = errors[("body", "msgContent")]["msg"]
    for part in missing:
        assert part in message, message
    assert len(message.split("; ")) == len(missing)
    assert stored(client, data["userId"]) == 0


def test_advertising_due_in_the_closed_hour_is_refused_with_the_earliest_time(
    client: httpx.Client, stack: Stack
) -> None:
    hours = setting(stack, "ad_sending_hours")
    zone = setting(stack, "ad_sending_timezone")
    due = datetime.now(UTC) + timedelta(hours=11, minutes=30)
    window = daily(hours, zone)
    assert not window.is_open(due), "the stack's AD_SENDING_HOURS close 11 h after its start"
    data = body(purpose="advertising", msgContent=AD, reserveDt=due.isoformat())
    errors = errors_at(client.post("/msgReqs", json=data))
    message = errors[("body", "reserveDt")]["msg"]
    earliest = window.next_open(due)
    assert earliest is not None
    assert f"advertising may only be sent {hours} {zone} (AD_SENDING_HOURS)" in message
    assert f"the earliest accepted reserveDt is {in_seoul(earliest)}" in message
    assert errors[("body", "reserveDt")]["type"] == "advertising_hours"
    assert stored(client, data["userId"]) == 0

    # The earliest accepted time it named is accepted.
    accepted = client.post("/msgReqs", json=data | {"reserveDt": earliest.isoformat()})
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["purpose"] == "advertising"


def test_advertising_sent_now_inside_the_hours_is_accepted_and_sent(
    client: httpx.Client, carrier: httpx.Client
) -> None:
    data = body(purpose="advertising", msgContent=AD, reserveDt=...)
    response = client.post("/msgReqs", json=data)
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["purpose"], created["personalised"]) == ("advertising", False)
    assert (created["msgType"], created["msgCounts"]) == ("SMS", {"SMS": 2, "LMS": 0})
    final = wait_until(
        lambda: (r := client.get(f"/msgReqs/{created['id']}").json())["status"] in FINAL and r,
        timeout_s=60,
        interval_s=0.1,
    )
    assert final["status"] == "completed", final
    assert {item["text"] for item in received_by_carrier(carrier, created["id"])} == {AD}


def test_normal_messages_have_no_advertising_rules(client: httpx.Client) -> None:
    due = datetime.now(UTC) + timedelta(hours=11, minutes=30)
    response = client.post("/msgReqs", json=body(msgContent="봄 세일", reserveDt=due.isoformat()))
    assert response.status_code == 201, response.text
    assert response.json()["purpose"] == "normal"


# --- lead time and horizon ----------------------------------------------------------------


def test_a_reserve_dt_sooner_than_the_lead_time_is_refused(
    client: httpx.Client, stack: Stack
) -> None:
    lead = setting(stack, "reserve_min_lead_s")
    assert lead > 0, "the stack must have a lead time to test it"
    now = datetime.now(UTC)
    data = body(reserveDt=now.isoformat())
    errors = errors_at(client.post("/msgReqs", json=data))
    message = errors[("body", "reserveDt")]["msg"]
    assert "RESERVE_MIN_LEAD_S" in message
    earliest = datetime.fromisoformat(message.split("the earliest accepted is ")[1].split(",")[0])
    assert now + timedelta(seconds=lead) <= earliest <= datetime.now(UTC) + timedelta(seconds=lead)
    assert stored(client, data["userId"]) == 0

    later = now + timedelta(seconds=lead + 60)
    response = client.post("/msgReqs", json=data | {"reserveDt": later.isoformat()})
    assert response.status_code == 201, response.text


def test_beyond_the_horizon_is_refused_with_the_latest_accepted(
    client: httpx.Client, stack: Stack
) -> None:
    days = setting(stack, "reserve_horizon_days")
    data = body(reserveDt=(datetime.now(UTC) + timedelta(days=days, hours=1)).isoformat())
    message = errors_at(client.post("/msgReqs", json=data))[("body", "reserveDt")]["msg"]
    assert f"more than {days} days ahead; the latest accepted is " in message
    assert stored(client, data["userId"]) == 0


# --- cancel cut-off -----------------------------------------------------------------------


def test_a_reservation_cannot_be_cancelled_just_before_it_is_due(
    client: httpx.Client, stack: Stack
) -> None:
    lead = setting(stack, "reserve_min_lead_s")
    cutoff = setting(stack, "cancel_cutoff_s")
    assert lead + 30 < cutoff, "the stack's lead time must leave room inside the cut-off"
    due = (datetime.now(UTC) + timedelta(seconds=(lead + cutoff) / 2)).replace(microsecond=0)
    created = client.post("/msgReqs", json=body(reserveDt=due.isoformat()))
    assert created.status_code == 201, created.text
    rid = created.json()["id"]

    refused = client.post(f"/msgReqs/{rid}/cancel")
    assert refused.status_code == 409, refused.text
    answer = refused.json()
    assert answer["code"] == "cancel_cutoff"
    assert "CANCEL_CUTOFF_S" in answer["detail"]
    until = due - timedelta(seconds=cutoff)
    assert datetime.fromisoformat(answer["cancellableUntil"]) == until
    assert f"could be cancelled until {until.isoformat()}" in answer["detail"]
    assert client.get(f"/msgReqs/{rid}").json()["status"] in {"requested", "scheduled"}


def test_a_reservation_due_later_can_be_cancelled(client: httpx.Client, stack: Stack) -> None:
    cutoff = setting(stack, "cancel_cutoff_s")
    due = datetime.now(UTC) + timedelta(seconds=cutoff + 120)
    created = client.post("/msgReqs", json=body(reserveDt=due.isoformat())).json()
    cancelled = client.post(f"/msgReqs/{created['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"


# --- personalised messages ---------------------------------------------------------------


def test_each_recipient_gets_its_own_text_at_the_carrier(
    client: httpx.Client, carrier: httpx.Client
) -> None:
    dst = numbers(4)
    names = ["김철수", "이영희", "박민수", "최지우"]
    long_memo = "가" * 60  # makes that recipient's message an LMS
    recipients = [
        {"dstNum": number, "variables": {"name": name, "memo": long_memo if i == 2 else "확인"}}
        for i, (number, name) in enumerate(zip(dst, names, strict=True))
    ]
    recipients.append({"dstNum": dst[0], "variables": {"name": "dropped", "memo": "x"}})
    data = body(
        msgContent="#{name}님, 주문이 도착했습니다. #{memo}",
        dstNum=...,
        recipients=recipients,
        reserveDt=...,
    )
    response = client.post("/msgReqs", json=data)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["personalised"] is True
    assert created["msgType"] == "LMS"
    assert created["msgCounts"] == {"SMS": 3, "LMS": 1}
    assert (created["recipientCount"], created["duplicatesDropped"]) == (4, 1)
    assert created["msgContent"] == data["msgContent"]

    expected = [
        f"{name}님, 주문이 도착했습니다. {long_memo if i == 2 else '확인'}"
        for i, name in enumerate(names)
    ]
    final = wait_until(
        lambda: (r := client.get(f"/msgReqs/{created['id']}").json())["status"] in FINAL and r,
        timeout_s=60,
        interval_s=0.1,
    )
    assert final["status"] == "completed", final
    got = sorted(received_by_carrier(carrier, created["id"]), key=lambda item: item["ref"])
    assert [item["text"] for item in got] == expected
    assert [item["type"] for item in got] == ["SMS", "SMS", "LMS", "SMS"]
    assert [item["to"] for item in got] == [f"+82{n[1:]}" for n in dst]

    msgs = client.get("/msgs", params={"reservationId": created["id"], "size": 100}).json()
    by_seq = sorted(msgs["items"], key=lambda m: m["seq"])
    assert [m["text"] for m in by_seq] == expected
    assert [m["msgType"] for m in by_seq] == ["SMS", "SMS", "LMS", "SMS"]


def test_a_missing_variable_is_refused_at_its_recipient_and_nothing_is_stored(
    client: httpx.Client,
) -> None:
    dst = numbers(3)
    data = body(
        msgContent="#{name}님, #{day}에 방문 예정입니다.",
        dstNum=...,
        recipients=[
            {"dstNum": dst[0], "variables": {"name": "김", "day": "월요일"}},
            {"dstNum": dst[1], "variables": {"day": "화요일"}},
            {"dstNum": dst[2], "variables": {"name": "이", "day": "수요일"}},
        ],
    )
    errors = errors_at(client.post("/msgReqs", json=data))
    assert set(errors) == {("body", "recipients", 1, "variables", "name")}
    assert "#{name}" in errors[("body", "recipients", 1, "variables", "name")]["msg"]
    assert stored(client, data["userId"]) == 0
