"""The reservation API through the gateway, against the real stack (PostgreSQL, broker)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from msgplat_testsupport.reservations import overridden
from msgplat_testsupport.senders import approve_callback_numbers_async as approve_async
from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import eventually, wait_until

pytestmark = pytest.mark.e2e

SEOUL = ZoneInfo("Asia/Seoul")
HANGUL = "가"  # 2 bytes in EUC-KR


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[httpx.Client]:
    with stack.operator_client(timeout=30, funded=True) as client:
        yield client


def new_user() -> str:
    return f"u-{uuid.uuid4().hex[:12]}"


def in_seoul(delta: timedelta) -> str:
    """A naive ISO time (no offset: Asia/Seoul) `delta` from now."""
    return (datetime.now(SEOUL) + delta).replace(tzinfo=None, microsecond=0).isoformat()


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "userId": new_user(),
        "msgTitle": "공지",
        "msgContent": "안녕하세요, 예약 발송 테스트입니다.",
        "reserveDt": in_seoul(timedelta(hours=1)),
        "dstNum": "01012345678,01098765432",
        "callbackNum": "02-1234-5678",
    }
    return overridden(data, overrides)


def stored_count(client: httpx.Client, user: str, status: str | None = None) -> int:
    params = {"userId": user} | ({"status": status} if status else {})
    response = client.get("/msgReqs", params=params)
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def create(client: httpx.Client, **overrides: Any) -> dict[str, Any]:
    response = client.post("/msgReqs", json=body(**overrides))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def errors_at(response: httpx.Response) -> dict[tuple[Any, ...], dict[str, Any]]:
    assert response.status_code == 422, response.text
    return {tuple(e["loc"]): e for e in response.json()["detail"]}


# --- creating ---------------------------------------------------------------------------


def test_create_answers_201_with_the_stored_reservation(client: httpx.Client) -> None:
    reserve_at = datetime.now(SEOUL).replace(microsecond=0, tzinfo=None) + timedelta(hours=2)
    data = body(reserveDt=reserve_at.isoformat())
    response = client.post("/msgReqs", json=data)
    assert response.status_code == 201, response.text
    created = response.json()
    uuid.UUID(created["id"])
    assert response.headers["Location"] == f"/msgReqs/{created['id']}"
    assert "Idempotent-Replayed" not in response.headers
    assert created["status"] == "requested"
    assert created["recipientCount"] == 2
    assert created["duplicatesDropped"] == 0
    assert created["msgType"] == "SMS"
    assert created["userId"] == data["userId"]
    assert created["msgTitle"] == data["msgTitle"]
    assert created["msgContent"] == data["msgContent"]
    assert created["callbackNum"] == "0212345678"
    assert created["statusReason"] is None
    # Naive reserveDt is Seoul time; answered as an aware time.
    assert datetime.fromisoformat(created["reserveDt"]) == reserve_at.replace(tzinfo=SEOUL)


def test_json_array_recipients_are_normalised_and_duplicates_counted(
    client: httpx.Client,
) -> None:
    created = create(
        client,
        dstNum=["010-1111-2222", "+82 10 3333 4444", "01011112222", "821033334444", "01055556666"],
    )
    assert created["recipientCount"] == 3
    assert created["duplicatesDropped"] == 2


def test_content_over_90_bytes_is_an_lms(client: httpx.Client) -> None:
    assert create(client, msgContent=HANGUL * 45)["msgType"] == "SMS"
    assert create(client, msgContent=HANGUL * 45 + "a")["msgType"] == "LMS"
    assert create(client, msgContent=HANGUL * 1000)["msgType"] == "LMS"


def test_absent_reserve_dt_means_now(client: httpx.Client) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    created = create(client, reserveDt=...)
    after = datetime.now(UTC) + timedelta(seconds=1)
    assert before <= datetime.fromisoformat(created["reserveDt"]) <= after


def test_reserve_dt_with_an_offset_is_respected(client: httpx.Client) -> None:
    at = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    created = create(client, reserveDt=at.astimezone(ZoneInfo("America/New_York")).isoformat())
    assert datetime.fromisoformat(created["reserveDt"]) == at
    created = create(client, reserveDt=at.isoformat().replace("+00:00", "Z"))
    assert datetime.fromisoformat(created["reserveDt"]) == at


# --- validation: every rule, named field and reason, nothing stored --------------------

_LONG_TITLE = HANGUL * 21  # 42 bytes

INVALID: list[tuple[str, dict[str, Any], tuple[Any, ...], str]] = [
    ("title over 40 bytes", {"msgTitle": _LONG_TITLE}, ("body", "msgTitle"), "over 40 bytes"),
    ("title emoji", {"msgTitle": "hi 😀"}, ("body", "msgTitle"), "at position 3"),
    ("title empty", {"msgTitle": ""}, ("body", "msgTitle"), "at least 1"),
    ("title missing", {"msgTitle": ...}, ("body", "msgTitle"), "required"),
    ("content over 2000", {"msgContent": HANGUL * 1001}, ("body", "msgContent"), "2002 bytes"),
    ("content emoji", {"msgContent": "안녕😀"}, ("body", "msgContent"), "at position 2"),
    ("content empty", {"msgContent": ""}, ("body", "msgContent"), "at least 1"),
    ("content missing", {"msgContent": ...}, ("body", "msgContent"), "required"),
    ("past", {"reserveDt": in_seoul(-timedelta(hours=1))}, ("body", "reserveDt"), "in the past"),
    (
        "beyond horizon",
        {"reserveDt": in_seoul(timedelta(days=91))},
        ("body", "reserveDt"),
        "90 days ahead",
    ),
    ("not a time", {"reserveDt": "next tuesday"}, ("body", "reserveDt"), "datetime"),
    # The far ends of the calendar: once a 500 (no UTC time before year 1 or after 9999).
    ("year 1", {"reserveDt": "0001-01-01T00:00:00"}, ("body", "reserveDt"), "between 1970"),
    (
        "year 9999 at -12:00",
        {"reserveDt": "9999-12-31T23:59:59-12:00"},
        ("body", "reserveDt"),
        "between 1970",
    ),
    ("year 1 at +14:00", {"reserveDt": "0001-01-01T00:00:00+14:00"}, ("body", "reserveDt"), "1970"),
    ("callback garbage", {"callbackNum": "hello"}, ("body", "callbackNum"), "not a phone number"),
    ("callback short", {"callbackNum": "02-123"}, ("body", "callbackNum"), "not a valid"),
    (
        "callback abroad",
        {"callbackNum": "+1 650 253 0000"},
        ("body", "callbackNum"),
        "must be a KR number",
    ),
    ("callback missing", {"callbackNum": ...}, ("body", "callbackNum"), "required"),
    ("no recipients", {"dstNum": []}, ("body", "dstNum"), "at least one recipient"),
    ("dstNum missing", {"dstNum": ...}, ("body", "dstNum"), "required"),
    ("landline", {"dstNum": "0212345678"}, ("body", "dstNum", 0), "not a mobile number"),
    ("letters", {"dstNum": ["01012345678", "010-1234-567a"]}, ("body", "dstNum", 1), "only digits"),
    ("empty part", {"dstNum": "01012345678,"}, ("body", "dstNum", 1), "not a phone number"),
    ("userId pattern", {"userId": "bad user!"}, ("body", "userId"), "pattern"),
    ("userId too long", {"userId": "u" * 65}, ("body", "userId"), "at most 64"),
    ("userId missing", {"userId": ...}, ("body", "userId"), "required"),
    # PostgreSQL cannot store NUL: found by the fuzzing run as a 500.
    ("NUL in content", {"msgContent": "a\x00b"}, ("body", "msgContent"), "NUL character"),
    ("NUL in a number", {"dstNum": ["01012345678", "010\x00"]}, ("body", "dstNum"), "NUL"),
    ("unknown field", {"priority": "high"}, ("body", "priority"), "not permitted"),
    ("snake_case name", {"msg_title": "hi"}, ("body", "msg_title"), "not permitted"),
    ("userId number", {"userId": 12345}, ("body", "userId"), "valid string"),
    ("title number", {"msgTitle": 7}, ("body", "msgTitle"), "valid string"),
    ("content list", {"msgContent": ["hi"]}, ("body", "msgContent"), "valid string"),
    ("dstNum number", {"dstNum": 1012345678}, ("body", "dstNum", "list[str]"), "valid list"),
    ("dstNum of numbers", {"dstNum": [1012345678]}, ("body", "dstNum", "list[str]", 0), "string"),
    ("reserveDt bool", {"reserveDt": True}, ("body", "reserveDt"), "datetime"),
]


@pytest.mark.parametrize(
    ("overrides", "loc", "reason"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_each_rule_is_answered_with_422_naming_the_field(
    client: httpx.Client, overrides: dict[str, Any], loc: tuple[Any, ...], reason: str
) -> None:
    user = new_user()
    data = body(**overrides)
    if "userId" in data and "userId" not in overrides:
        data["userId"] = user
    response = client.post("/msgReqs", json=data)
    errors = errors_at(response)
    assert loc in errors, f"{loc} not in {list(errors)}"
    assert reason in errors[loc]["msg"], errors[loc]
    assert errors[loc]["type"]
    assert stored_count(client, user) == 0


def test_bad_recipients_are_reported_with_index_and_value(client: httpx.Client) -> None:
    user = new_user()
    response = client.post(
        "/msgReqs",
        json=body(userId=user, dstNum="01012345678,abc,0212345678,010-9876-5432,12"),
    )
    errors = errors_at(response)
    assert set(errors) == {("body", "dstNum", 1), ("body", "dstNum", 2), ("body", "dstNum", 4)}
    assert errors[("body", "dstNum", 1)]["input"] == "abc"
    assert errors[("body", "dstNum", 2)]["input"] == "0212345678"
    assert "not a mobile number" in errors[("body", "dstNum", 2)]["msg"]
    assert errors[("body", "dstNum", 4)]["input"] == "12"
    assert "errorCount" not in response.json()
    assert stored_count(client, user) == 0


def test_several_bad_fields_are_reported_together(client: httpx.Client) -> None:
    user = new_user()
    response = client.post(
        "/msgReqs",
        json=body(
            userId=user,
            msgTitle=_LONG_TITLE,
            msgContent="😀",
            reserveDt=in_seoul(-timedelta(days=1)),
            callbackNum="hello",
            dstNum=["01012345678", "nope"],
        ),
    )
    errors = errors_at(response)
    assert set(errors) == {
        ("body", "msgTitle"),
        ("body", "msgContent"),
        ("body", "reserveDt"),
        ("body", "callbackNum"),
        ("body", "dstNum", 1),
    }
    assert stored_count(client, user) == 0


def test_several_schema_errors_are_reported_together(client: httpx.Client) -> None:
    response = client.post(
        "/msgReqs", json={"userId": 1, "msgTitle": "", "dstNum": "01012345678", "x": 1}
    )
    errors = errors_at(response)
    assert {
        ("body", "userId"),
        ("body", "msgTitle"),
        ("body", "msgContent"),
        ("body", "callbackNum"),
        ("body", "x"),
    } <= set(errors)


def test_listed_recipient_errors_are_capped_and_counted(client: httpx.Client) -> None:
    user = new_user()
    numbers = ["01012345678"] + [f"bad-{i}" for i in range(150)]
    response = client.post("/msgReqs", json=body(userId=user, dstNum=numbers, callbackNum="x"))
    assert response.status_code == 422
    answer = response.json()
    recipient_errors = [e for e in answer["detail"] if e["loc"][:2] == ["body", "dstNum"]]
    assert len(recipient_errors) == 100
    assert recipient_errors[0]["loc"] == ["body", "dstNum", 1]
    assert recipient_errors[0]["input"] == "bad-0"
    assert any(e["loc"] == ["body", "callbackNum"] for e in answer["detail"])
    assert answer["errorCount"] == 151  # 150 recipients and the callback number
    assert stored_count(client, user) == 0


def test_more_than_100000_recipients_are_refused(client: httpx.Client) -> None:
    user = new_user()
    numbers = [f"010{i:08d}" for i in range(100_001)]
    response = client.post("/msgReqs", json=body(userId=user, dstNum=numbers))
    errors = errors_at(response)
    assert "at most 100000" in errors[("body", "dstNum")]["msg"]
    assert "100001" in errors[("body", "dstNum")]["msg"]
    assert stored_count(client, user) == 0


@pytest.mark.parametrize(
    ("content", "content_type"),
    [("not json", "application/json"), ('{"userId": ', "application/json"), ("[]", None)],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    client: httpx.Client, content: str, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/msgReqs", content=content, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][0] == "body"


# --- Idempotency-Key ----------------------------------------------------------------------


def test_same_key_and_body_replays_the_first_reservation(client: httpx.Client) -> None:
    data = body()
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = client.post("/msgReqs", json=data, headers=key)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    again = client.post("/msgReqs", json=data, headers=key)
    assert again.status_code == 201, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert stored_count(client, data["userId"]) == 1


def test_same_key_with_another_body_is_refused(client: httpx.Client) -> None:
    data = body()
    key = uuid.uuid4().hex
    first = client.post("/msgReqs", json=data, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    changed = client.post(
        "/msgReqs", json=data | {"msgContent": "changed"}, headers={"Idempotency-Key": key}
    )
    errors = errors_at(changed)
    error = errors[("header", "Idempotency-Key")]
    assert "different request body" in error["msg"]
    assert error["input"] == key
    assert stored_count(client, data["userId"]) == 1


def test_keys_belong_to_their_user(client: httpx.Client) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    one = client.post("/msgReqs", json=body(), headers=key)
    other = client.post("/msgReqs", json=body(), headers=key)
    assert one.status_code == other.status_code == 201
    assert one.json()["id"] != other.json()["id"]
    assert "Idempotent-Replayed" not in other.headers


def test_without_a_key_each_post_creates_a_reservation(client: httpx.Client) -> None:
    data = body()
    assert client.post("/msgReqs", json=data).status_code == 201
    assert client.post("/msgReqs", json=data).status_code == 201
    assert stored_count(client, data["userId"]) == 2


def test_a_rejected_request_does_not_burn_its_key(client: httpx.Client) -> None:
    data = body()
    key = {"Idempotency-Key": uuid.uuid4().hex}
    bad = client.post("/msgReqs", json=data | {"callbackNum": "nope"}, headers=key)
    assert bad.status_code == 422
    good = client.post("/msgReqs", json=data, headers=key)
    assert good.status_code == 201, good.text
    assert "Idempotent-Replayed" not in good.headers


async def test_concurrent_retries_with_one_key_create_one_reservation(stack: Stack) -> None:
    data = body()
    key = {"Idempotency-Key": uuid.uuid4().hex}
    async with httpx.AsyncClient(
        base_url=stack.gateway_url,
        headers=stack.operator_headers,
        timeout=30,
        event_hooks={"request": [approve_async(stack.gateway_url, stack.operator_headers)]},
    ) as client:
        answers = await asyncio.gather(
            *(client.post("/msgReqs", json=data, headers=key) for _ in range(8))
        )
        assert [a.status_code for a in answers] == [201] * 8, [a.text for a in answers]
        assert len({a.json()["id"] for a in answers}) == 1
        assert sum("Idempotent-Replayed" not in a.headers for a in answers) == 1
        listed = await client.get("/msgReqs", params={"userId": data["userId"]})
        assert listed.json()["total"] == 1


# --- reading --------------------------------------------------------------------------


def test_get_by_id(client: httpx.Client) -> None:
    created = create(client)
    response = client.get(f"/msgReqs/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_get_unknown_id_is_404(client: httpx.Client) -> None:
    unknown = uuid.uuid4()
    response = client.get(f"/msgReqs/{unknown}")
    assert response.status_code == 404
    assert str(unknown) in response.json()["detail"]


def test_get_malformed_id_is_422(client: httpx.Client) -> None:
    response = client.get("/msgReqs/not-a-uuid")
    errors = errors_at(response)
    assert ("path", "reservation_id") in errors


def test_list_pages_newest_first_and_filters_by_status(client: httpx.Client) -> None:
    user = new_user()
    ids = [create(client, userId=user)["id"] for _ in range(5)]
    newest_first = list(reversed(ids))

    seen: list[str] = []
    for page in (1, 2, 3):
        response = client.get("/msgReqs", params={"userId": user, "page": page, "size": 2})
        assert response.status_code == 200
        listing = response.json()
        assert listing["total"] == 5
        assert listing["page"] == page
        assert listing["size"] == 2
        assert len(listing["items"]) == (2 if page < 3 else 1)
        assert all(item["userId"] == user for item in listing["items"])
        seen += [item["id"] for item in listing["items"]]
    assert seen == newest_first
    beyond = client.get("/msgReqs", params={"userId": user, "page": 4, "size": 2}).json()
    assert beyond["items"] == []
    assert beyond["total"] == 5

    for reservation_id in (ids[1], ids[3]):
        assert client.post(f"/msgReqs/{reservation_id}/cancel").status_code == 200
    cancelled = client.get("/msgReqs", params={"userId": user, "status": "cancelled"}).json()
    assert cancelled["total"] == 2
    assert [item["id"] for item in cancelled["items"]] == [ids[3], ids[1]]

    # The others move to scheduled as billing holds their credit (the saga, a moment).
    def scheduled() -> list[str]:
        listing = client.get("/msgReqs", params={"userId": user, "status": "scheduled"}).json()
        return [item["id"] for item in listing["items"]]

    wait_until(lambda: len(scheduled()) == 3, timeout_s=20)
    assert scheduled() == [ids[4], ids[2], ids[0]]
    assert stored_count(client, user, "sending") == 0


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"status": "bogus"}, ("query", "status", 0)),  # the first of the statuses given
        ({"page": 0}, ("query", "page")),
        ({"size": 101}, ("query", "size")),
        ({"size": "many"}, ("query", "size")),
        ({"userId": "u" * 65}, ("query", "userId")),
    ],
)
def test_list_refuses_bad_parameters(
    client: httpx.Client, params: dict[str, Any], loc: tuple[str, ...]
) -> None:
    assert loc in errors_at(client.get("/msgReqs", params=params))


# --- cancelling -----------------------------------------------------------------------


def test_cancel_a_requested_reservation(client: httpx.Client) -> None:
    created = create(client)
    response = client.post(f"/msgReqs/{created['id']}/cancel")
    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert cancelled["id"] == created["id"]
    assert cancelled["status"] == "cancelled"
    assert datetime.fromisoformat(cancelled["updatedAt"]) > datetime.fromisoformat(
        created["updatedAt"]
    )
    assert client.get(f"/msgReqs/{created['id']}").json() == cancelled


def test_cancelling_twice_is_a_conflict_with_a_clear_message(client: httpx.Client) -> None:
    created = create(client)
    assert client.post(f"/msgReqs/{created['id']}/cancel").status_code == 200
    again = client.post(f"/msgReqs/{created['id']}/cancel")
    assert again.status_code == 409, again.text
    answer = again.json()
    assert answer["code"] == "illegal_transition"
    assert answer["status"] == "cancelled"
    assert answer["detail"] == "cannot go from cancelled to cancelled (cancelled is final)"


def test_cancel_unknown_is_404_and_malformed_is_422(client: httpx.Client) -> None:
    assert client.post(f"/msgReqs/{uuid.uuid4()}/cancel").status_code == 404
    assert client.post("/msgReqs/nope/cancel").status_code == 422


async def test_concurrent_cancels_succeed_once(stack: Stack) -> None:
    async with httpx.AsyncClient(
        base_url=stack.gateway_url,
        headers=stack.operator_headers,
        timeout=30,
        event_hooks={"request": [approve_async(stack.gateway_url, stack.operator_headers)]},
    ) as client:
        created = (await client.post("/msgReqs", json=body())).json()
        answers = await asyncio.gather(
            *(client.post(f"/msgReqs/{created['id']}/cancel") for _ in range(5))
        )
        assert sorted(a.status_code for a in answers) == [200, 409, 409, 409, 409]


def test_the_read_model_shows_a_cancel(client: httpx.Client) -> None:
    created = create(client)
    wait_until(lambda: client.get(f"/monitorings/{created['id']}").status_code == 200)
    assert client.post(f"/msgReqs/{created['id']}/cancel").status_code == 200

    def cancelled_view() -> dict[str, Any] | None:
        view: dict[str, Any] = client.get(f"/monitorings/{created['id']}").json()
        return view if view["status"] == "cancelled" else None

    view = wait_until(cancelled_view, timeout_s=10)
    assert view["cancelledAt"] is not None
    assert view["recipientCount"] == 2


async def test_the_read_model_shows_a_cancel_sent_right_after_the_post(stack: Stack) -> None:
    """Requested, recipients and cancelled travel in order: the view ends cancelled."""
    async with httpx.AsyncClient(
        base_url=stack.gateway_url,
        headers=stack.operator_headers,
        timeout=30,
        event_hooks={"request": [approve_async(stack.gateway_url, stack.operator_headers)]},
    ) as client:
        created = (await client.post("/msgReqs", json=body())).json()
        cancel = await client.post(f"/msgReqs/{created['id']}/cancel")
        assert cancel.status_code == 200

        async def final_view() -> dict[str, Any] | None:
            response = await client.get(f"/monitorings/{created['id']}")
            if response.status_code != 200:
                return None
            view: dict[str, Any] = response.json()
            done = view["status"] == "cancelled" and view["recipientsReceived"] == 2
            return view if done else None

        await eventually(final_view, timeout_s=10)
