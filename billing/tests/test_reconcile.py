"""The reconciliation's check of one reservation (devstack/reconcile.py), on canned
answers of send, billing and stat: a mixed SMS/LMS reservation with opted-out messages
adds up, and each kind of difference is reported."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest

from msgplat.devstack.reconcile import check

RID = str(uuid.uuid4())
RESERVATION: dict[str, Any] = {"id": RID, "status": "completed", "msgCounts": {"SMS": 3, "LMS": 2}}
SEND: dict[str, Any] = {
    "finished": True,
    "pending": 0,
    "submitted": 0,
    "delivered": 2,
    "failed": 1,
    "cancelled": 0,
    "optedOut": 2,
}
BILLING: dict[str, Any] = {
    "status": "closed",
    "held": 0,
    "capturedCount": 2,
    "capturedAmount": 70,
    "releasedCount": 3,
    "releasedAmount": 90,
    "byType": [
        {
            "msgType": "LMS",
            "unitPrice": 50,
            "count": 2,
            "capturedCount": 1,
            "capturedAmount": 50,
            "releasedCount": 1,
            "releasedAmount": 50,
        },
        {
            "msgType": "SMS",
            "unitPrice": 20,
            "count": 3,
            "capturedCount": 1,
            "capturedAmount": 20,
            "releasedCount": 2,
            "releasedAmount": 40,
        },
    ],
}
STAT: dict[str, Any] = {"delivered": 2, "failed": 1, "cancelled": 0, "optedOut": 2}


async def checked(send: dict[str, Any], billing: dict[str, Any], stat: dict[str, Any]) -> list[str]:
    answers = {
        "/msgs/summary": send,
        f"/billings/reservations/{RID}": billing,
        f"/stats/reservations/{RID}": stat,
    }
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=answers[r.url.path]))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        return await check(client, RESERVATION)


async def test_a_mixed_reservation_with_opted_out_messages_adds_up() -> None:
    assert await checked(SEND, BILLING, STAT) == []


def changed(answer: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    new = copy.deepcopy(answer)
    target = new
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return new


@pytest.mark.parametrize(
    ("send", "billing", "stat", "difference"),
    [
        (SEND, BILLING, {**STAT, "optedOut": 1}, "stat opted out = 1, send says 2"),
        ({**SEND, "optedOut": 1}, BILLING, STAT, "billing released = 3, send says 2"),
        (
            SEND,
            changed(BILLING, ("byType", 1, "capturedAmount"), 50),
            STAT,
            "billing captured KRW of SMS = 50, 1 x 20 = 20",
        ),
        (
            SEND,
            changed(BILLING, ("byType", 0, "count"), 3),
            STAT,
            "billing held for {'LMS': 3, 'SMS': 3} messages, the reservation has "
            "{'SMS': 3, 'LMS': 2}",
        ),
        (
            SEND,
            {**BILLING, "capturedAmount": 40},
            STAT,
            "billing capturedAmount = 40, its types add up to 70",
        ),
    ],
)
async def test_each_difference_is_reported(
    send: dict[str, Any], billing: dict[str, Any], stat: dict[str, Any], difference: str
) -> None:
    assert difference in await checked(send, billing, stat)


async def test_one_type_is_checked_against_send_s_counts_at_its_price() -> None:
    [sms] = [line for line in BILLING["byType"] if line["msgType"] == "SMS"]
    single = {
        **BILLING,
        "capturedCount": 2,
        "capturedAmount": 40,
        "releasedCount": 3,
        "releasedAmount": 60,
        "byType": [
            {**sms, "count": 5, "capturedCount": 2, "capturedAmount": 40, "releasedCount": 3,
             "releasedAmount": 60}
        ],
    }  # fmt: skip
    assert await checked(SEND, single, STAT) == [
        "billing held for {'SMS': 5} messages, the reservation has {'SMS': 3, 'LMS': 2}"
    ]
    overcharged = changed(single, ("byType", 0, "capturedAmount"), 60) | {"capturedAmount": 60}
    assert "billing captured KRW = 60, send says 40" in await checked(SEND, overcharged, STAT)
