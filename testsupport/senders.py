"""Sender numbers for the tests (발신번호 사전등록): every callback number must be a verified
sender of its customer before a reservation may use it (`POST /senders`).

The test stack verifies its customers' callback numbers the way `make run` verifies the
demo customer's: an operator approves them. `Stack.new_customer` approves
`TEST_CALLBACK_NUM` for each customer it makes; a client that reserves for customers
named in `userId` (as the operator) adds `approve_callback_numbers` to its request hooks.
The codes the platform sends (`POST /senders` without `verifyBy`) are read back from
the carrier simulator (`code_sent_to`).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson

from msgplat_testsupport.waiting import wait_until

# The callback number the tests reserve with (also the demo customer's, DEMO_SENDERS).
TEST_CALLBACK_NUM = "0212345678"
NOTE = "approved by the test stack"
CODE = re.compile(r"\b(\d{6})\b")


def approve_sender(
    gateway_url: str, operator_headers: dict[str, str], user_id: str, number: str
) -> dict[str, Any]:
    """Register `number` for `user_id` and approve it, as an operator; the sender. An
    already registered number is approved (when it is not verified yet)."""
    with httpx.Client(base_url=gateway_url, headers=operator_headers, timeout=10) as client:
        created = client.post(
            "/senders", json={"userId": user_id, "number": number, "verifyBy": "operator"}
        )
        if created.status_code == 409 and "id" in created.json():
            sender: dict[str, Any] = client.get(f"/senders/{created.json()['id']}").json()
            if sender["status"] == "verified":
                return sender
        else:
            assert created.status_code == 201, created.text
            sender = created.json()
        approved = client.post(f"/senders/{sender['id']}/approve", json={"note": NOTE})
        assert approved.status_code == 200, approved.text
        result: dict[str, Any] = approved.json()
        return result


def _to_approve(request: httpx.Request) -> tuple[str, str] | None:
    """(userId, callbackNum) of a `POST /msgReqs` that names both."""
    if request.method != "POST" or request.url.path != "/msgReqs":
        return None
    try:
        body = orjson.loads(request.content)
        user, number = body.get("userId"), body.get("callbackNum")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    if isinstance(user, str) and isinstance(number, str):
        return user, number
    return None


def approve_callback_numbers(
    gateway_url: str, operator_headers: dict[str, str]
) -> Callable[[httpx.Request], None]:
    """An httpx request hook: before a `POST /msgReqs` naming a `userId` and a
    `callbackNum` not seen before, an operator approves that number as the customer's
    sender. Concurrent requests wait until it is approved. A number that cannot be
    registered (malformed) is left alone: the request's own answer says why."""
    done: set[tuple[str, str]] = set()
    lock = threading.Lock()

    def hook(request: httpx.Request) -> None:
        wanted = _to_approve(request)
        if wanted is None:
            return
        with lock:
            if wanted not in done:
                with contextlib.suppress(AssertionError):
                    approve_sender(gateway_url, operator_headers, *wanted)
                done.add(wanted)

    return hook


def approve_callback_numbers_async(
    gateway_url: str, operator_headers: dict[str, str]
) -> Callable[[httpx.Request], Awaitable[None]]:
    """`approve_callback_numbers` for an `httpx.AsyncClient`."""
    done: set[tuple[str, str]] = set()
    lock = asyncio.Lock()

    async def hook(request: httpx.Request) -> None:
        wanted = _to_approve(request)
        if wanted is None:
            return
        async with lock:
            if wanted not in done:
                with contextlib.suppress(AssertionError):
                    await asyncio.to_thread(approve_sender, gateway_url, operator_headers, *wanted)
                done.add(wanted)

    return hook


def new_mobile() -> str:
    """A Korean mobile number no other test uses (010-2000-0000 to 010-5969-9999)."""
    return f"010{random.randint(2000, 5969)}{random.randint(0, 9999):04d}"


def new_landline() -> str:
    """A Seoul number no other test uses (02-2000-0000 to 02-9999-9999)."""
    return f"02{random.randint(2000, 9999)}{random.randint(0, 9999):04d}"


def e164(national: str) -> str:
    return "+82" + national.replace("-", "")[1:]


def code_sent_to(carrier: httpx.Client, number: str, *, timeout_s: float = 30) -> str:
    """The verification code the carrier simulator received for `number` (national or
    E.164): the last one sent to it."""
    to = number if number.startswith("+") else e164(number)

    def found() -> str | None:
        items = carrier.get(
            "/admin/received", params={"refPrefix": "notice:", "limit": 100_000}
        ).json()["items"]
        codes = [CODE.search(i["text"]) for i in items if i["to"] == to]
        matched = [m.group(1) for m in codes if m]
        return matched[-1] if matched else None

    return wait_until(found, timeout_s=timeout_s, interval_s=0.1)
