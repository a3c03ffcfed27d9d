"""The live view end to end: a real HTTP client reads the SSE stream through the
gateway, as a customer, while reservations go through the whole stack."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.sse import SseEvent, read_sse
from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import eventually

FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}
ORDER = ["requested", "scheduled", "sending", "completed"]


@pytest_asyncio.fixture
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """Top-ups and reservations through the gateway, as the operator acting for each
    customer (who may do what is tests/test_tenant_isolation.py's subject)."""
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=30
    ) as client:
        yield client


@pytest_asyncio.fixture
async def monitoring(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway, as a customer's client sees it: each request carries their key."""
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        yield client


# Each customer's credentials, by user id.
KEYS: dict[str, dict[str, str]] = {}


async def new_customer(api: httpx.AsyncClient, stack: Stack) -> str:
    customer = await asyncio.to_thread(stack.new_customer)
    KEYS[customer.user_id] = customer.headers
    topup = await api.post(
        "/billings/topups", json={"userId": customer.user_id, "amount": 1_000_000}
    )
    assert topup.status_code in (200, 201), topup.text
    return customer.user_id


async def reserve(api: httpx.AsyncClient, user: str, recipients: int = 2) -> dict[str, Any]:
    response = await api.post(
        "/msgReqs",
        json={
            "userId": user,
            "msgTitle": "live",
            "msgContent": "hello",
            "dstNum": numbers(recipients),
            "callbackNum": "0212345678",
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def caller(user: str) -> dict[str, str]:
    return KEYS[user]


async def collect(
    client: httpx.AsyncClient,
    params: dict[str, str],
    headers: dict[str, str],
    until: Any,
    *,
    timeout_s: float = 60,
    path: str = "/monitorings/stream",
) -> list[SseEvent]:
    """Read the stream until `until(events)` is true."""
    events: list[SseEvent] = []
    async with asyncio.timeout(timeout_s):
        async with client.stream("GET", path, params=params, headers=headers) as response:
            assert response.status_code == 200, await response.aread()
            assert response.headers["content-type"].startswith("text/event-stream")
            async for event in read_sse(response):
                events.append(event)
                if until(events):
                    return events
    raise AssertionError("the stream ended")


async def test_one_reservation_s_stream_pushes_every_change_to_the_end(
    api: httpx.AsyncClient, monitoring: httpx.AsyncClient, stack: Stack
) -> None:
    user = await new_customer(api, stack)
    created = await reserve(api, user)
    rid = created["id"]
    await eventually(
        lambda: _ok(monitoring.get(f"/monitorings/{rid}", headers=caller(user))), timeout_s=10
    )

    events = await collect(
        monitoring,
        {"reservationId": rid},
        caller(user),
        # final, and billing has settled (its events may come after the final status)
        lambda evs: evs[-1].data["status"] in FINAL and evs[-1].data["amountCharged"] > 0,
    )

    assert all(e.event == "reservation" for e in events)
    assert all(e.data["reservationId"] == rid for e in events)
    versions = [e.data["version"] for e in events]
    assert versions == sorted(set(versions)), "each state once, in order"
    assert [e.id for e in events] == [f"{rid}:{v}" for v in versions]
    statuses = [e.data["status"] for e in events]
    assert statuses == sorted(statuses, key=ORDER.index), statuses
    final = events[-1].data
    assert final["status"] == "completed"
    assert (final["deliveredCount"], final["failedCount"], final["pendingCount"]) == (2, 0, 0)
    assert final["amountCharged"] > 0 and final["amountHeld"] == 0
    # The view pushed is the view served.
    served = (await monitoring.get(f"/monitorings/{rid}", headers=caller(user))).json()
    assert served["version"] >= final["version"]


async def test_a_customer_s_stream_shows_a_new_reservation_within_a_second(
    api: httpx.AsyncClient, monitoring: httpx.AsyncClient, stack: Stack
) -> None:
    user = await new_customer(api, stack)
    older = await reserve(api, user, recipients=1)
    await eventually(
        lambda: _ok(monitoring.get(f"/monitorings/{older['id']}", headers=caller(user))),
        timeout_s=10,
    )
    someone_else = await new_customer(api, stack)
    seen: dict[str, float] = {}
    posted: dict[str, float] = {}

    async def post_later() -> None:
        await asyncio.sleep(0.5)  # the stream is open and has sent its snapshot
        await reserve(api, someone_else, recipients=1)  # not this customer's: never shown
        created = await reserve(api, user, recipients=1)
        posted[created["id"]] = time.monotonic()

    poster = asyncio.create_task(post_later())

    def until(events: list[SseEvent]) -> bool:
        for e in events:
            seen.setdefault(e.data["reservationId"], e.at)
        return bool(posted) and next(iter(posted)) in seen

    # As a browser's EventSource does it: a stream ticket in the query, no header.
    ticket = await monitoring.post("/monitorings/stream/tickets", headers=caller(user))
    assert ticket.status_code == 201, ticket.text
    params = {"ticket": ticket.json()["ticket"]}
    events = await collect(monitoring, params, {}, until, timeout_s=30)
    await poster
    assert events[0].data["reservationId"] == older["id"]  # the snapshot first
    assert {e.data["userId"] for e in events} == {user}
    new_id = next(iter(posted))
    lag = seen[new_id] - posted[new_id]
    print(f"201 -> SSE event: {lag * 1000:.0f} ms")
    assert lag < 2.0  # a second on a quiet machine; the test machine is shared


async def test_another_customer_s_reservation_is_not_found(
    api: httpx.AsyncClient, monitoring: httpx.AsyncClient, stack: Stack
) -> None:
    owner, other = await new_customer(api, stack), await new_customer(api, stack)
    rid = (await reserve(api, owner))["id"]
    await eventually(
        lambda: _ok(monitoring.get(f"/monitorings/{rid}", headers=caller(owner))), timeout_s=10
    )
    assert (await monitoring.get(f"/monitorings/{rid}", headers=caller(other))).status_code == 404
    stream = await monitoring.get(
        "/monitorings/stream", params={"reservationId": rid}, headers=caller(other)
    )
    assert stream.status_code == 404
    listed = await monitoring.get("/monitorings", params={"userId": owner}, headers=caller(other))
    assert listed.status_code == 404
    own = await monitoring.get("/monitorings", headers=caller(owner))
    assert [v["reservationId"] for v in own.json()["items"]] == [rid]


@pytest.mark.parametrize("params", [{"reservationId": "nope"}, {"userId": ""}])
async def test_a_malformed_stream_request_is_422(
    stack: Stack, monitoring: httpx.AsyncClient, params: dict[str, str]
) -> None:
    headers = stack.operator_headers
    response = await monitoring.get("/monitorings/stream", params=params, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


async def _ok(request: Any) -> bool:
    response = await request
    return bool(response.status_code == 200)
