"""The carrier's report callback: on the path of a configured carrier only, with that
carrier's token; bad input is refused clearly and changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import wait_until

# The stack's one carrier, `sim`, reports here with its callback token.
REPORTS = "/carrier/reports/sim"


@pytest.fixture(scope="module")
def send_api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url("send"), timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def token(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.env['CARRIER_CALLBACK_TOKEN']}"}


@pytest.fixture(scope="module")
def scheduled(stack: Stack) -> dict[str, Any]:
    """A reservation far in the future: its two messages are known to send, not sent."""
    with stack.operator_client(timeout=10, funded=True) as api:
        created = api.post(
            "/msgReqs",
            json={
                "userId": f"cb-{uuid.uuid4().hex[:8]}",
                "msgTitle": "later",
                "msgContent": "not yet",
                "dstNum": ["01011112222", "01033334444"],
                "callbackNum": "0212345678",
                "reserveDt": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
            },
        )
    assert created.status_code == 201, created.text
    return created.json()


def report(ref: str, **overrides: Any) -> dict[str, Any]:
    return {
        "messageId": "sim-x",
        "ref": ref,
        "status": "DELIVERED",
        "code": "0000",
        "doneAt": datetime.now(UTC).isoformat(),
        **overrides,
    }


def statuses(send_api: httpx.Client, rid: str) -> list[str]:
    response = send_api.get("/msgs", params={"reservationId": rid})
    if response.status_code == 404:  # the send service has not had the events yet
        return []
    return [m["status"] for m in response.json()["items"]]


def test_without_the_token_the_callback_answers_401(send_api: httpx.Client, stack: Stack) -> None:
    for headers in ({}, {"Authorization": "Bearer sim-callback"}, stack.operator_headers):
        response = send_api.post(REPORTS, json={"reports": [report("x:1")]}, headers=headers)
        assert response.status_code == 401, response.text
        assert "token" in response.json()["detail"]


def test_reports_reach_send_only_on_the_path_of_a_configured_carrier(
    send_api: httpx.Client, token: dict[str, str]
) -> None:
    """Even with the right token: no shared path, no path of a carrier not configured."""
    body = {"reports": [report("x:1")]}
    for path in ("/carrier/reports", "/carrier/reports/nobody", "/carrier/reports/sim-b"):
        response = send_api.post(path, json=body, headers=token)
        assert response.status_code in (404, 405), (path, response.text)
    assert send_api.post(REPORTS, json={"reports": []}, headers=token).status_code == 422


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (b"not json", ["body"]),
        (b'{"reports": []}', ["body", "reports"]),
        (b'{"nothing": 1}', ["body", "reports"]),
        (b'{"reports": [{"ref": "a:1"}]}', ["body", "reports", 0, "messageId"]),
    ],
)
def test_malformed_bodies_are_refused_naming_the_field(
    send_api: httpx.Client, token: dict[str, str], body: bytes, loc: list[Any]
) -> None:
    response = send_api.post(
        REPORTS, content=body, headers={**token, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert any(e["loc"][: len(loc)] == loc for e in response.json()["detail"]), response.text


def test_unknown_messages_refuse_the_whole_batch_and_change_nothing(
    send_api: httpx.Client, token: dict[str, str], scheduled: dict[str, Any]
) -> None:
    rid = scheduled["id"]
    wait_until(lambda: len(statuses(send_api, rid)) == 2)  # the send service has its copy
    body = {
        "reports": [
            report(f"{rid}:0"),  # known
            report(f"{uuid.uuid4()}:0"),  # no such reservation
            report(f"{rid}:7"),  # no such message
        ]
    }
    response = send_api.post(REPORTS, json=body, headers=token)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert sorted(e["input"] for e in errors) == sorted(
        [body["reports"][1]["ref"], body["reports"][2]["ref"]]
    )
    assert all("nothing in this batch was applied" in e["msg"] for e in errors)
    assert statuses(send_api, rid) == ["pending", "pending"]


def test_a_malformed_reference_is_refused_with_its_index(
    send_api: httpx.Client, token: dict[str, str], scheduled: dict[str, Any]
) -> None:
    body = {"reports": [report(f"{scheduled['id']}:0"), report("no-seq-here")]}
    response = send_api.post(REPORTS, json=body, headers=token)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reports", 1, "ref"]
    assert statuses(send_api, scheduled["id"]) == ["pending", "pending"]


@pytest.mark.parametrize("message_id", ["0", "-1", str(2**63), "99999999999999999999999"])
def test_a_message_id_outside_the_databases_range_is_422(
    send_api: httpx.Client, message_id: str
) -> None:
    """Found by the fuzzing run: a number past PostgreSQL's bigint was a 500."""
    response = send_api.get(f"/msgs/{message_id}")
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["path", "message_id"]


def test_the_largest_message_id_is_simply_not_found(send_api: httpx.Client) -> None:
    assert send_api.get(f"/msgs/{2**63 - 1}").status_code == 404
