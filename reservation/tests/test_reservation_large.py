"""A 100,000-recipient reservation through the gateway: stored in order, fully projected."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import eventually

pytestmark = pytest.mark.e2e

RECIPIENTS = 100_000


async def test_a_hundred_thousand_recipients(stack: Stack, database_url: str) -> None:
    user = f"u-{uuid.uuid4().hex[:12]}"
    # Distinct numbers in a shuffled-looking order, in the seed's several spellings.
    numbers = [f"010{(i * 7919) % 50_000_000:08d}" for i in range(RECIPIENTS)]
    spelled = [
        n if i % 3 == 0 else f"{n[:3]}-{n[3:7]}-{n[7:]}" if i % 3 == 1 else f"+82 {n[1:]}"
        for i, n in enumerate(numbers)
    ]
    body = {
        "userId": user,
        "msgTitle": "대량 발송",
        "msgContent": "十萬 recipients, 안녕하세요",
        "dstNum": spelled,
        "callbackNum": "1588-1234",
        # Due later: this test is about storing and projecting, not sending.
        "reserveDt": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=60
    ) as client:
        started = time.perf_counter()
        response = await client.post("/msgReqs", json=body)
        elapsed = time.perf_counter() - started
        print(f"\nPOST /msgReqs with {RECIPIENTS:,} recipients took {elapsed:.2f} s")
        assert response.status_code == 201, response.text[:2000]
        created = response.json()
        assert created["recipientCount"] == RECIPIENTS
        assert created["duplicatesDropped"] == 0
        assert created["status"] == "requested"
        assert elapsed < 60, f"{elapsed:.1f} s"

        started = time.perf_counter()

        async def all_received() -> dict[str, Any] | None:
            response = await client.get(f"/monitorings/{created['id']}")
            if response.status_code != 200:
                return None
            view: dict[str, Any] = response.json()
            return view if view["recipientsReceived"] == RECIPIENTS else None

        view = await eventually(all_received, timeout_s=60, interval_s=0.1)
        print(f"the read model had every recipient {time.perf_counter() - started:.2f} s later")
        assert view["recipientCount"] == RECIPIENTS

    # Stored in list order, normalised to E.164.
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        rows = await connection.fetch(
            "SELECT seq, dst_num FROM reservation.recipients WHERE reservation_id = $1 "
            "ORDER BY seq",
            uuid.UUID(created["id"]),
        )
    finally:
        await connection.close()
    assert [row["seq"] for row in rows] == list(range(RECIPIENTS))
    assert [row["dst_num"] for row in rows] == ["+82" + n[1:] for n in numbers]


async def test_a_hundred_thousand_personalised_recipients(stack: Stack, database_url: str) -> None:
    """Each recipient's text rendered, stored and sent on in chunks under 1 MB.

    Posted to the reservation service itself: 100,000 recipients with their variables
    are about 6 MB of JSON, over the gateway's default MAX_BODY_BYTES (4 MiB).
    """
    user = f"u-{uuid.uuid4().hex[:12]}"
    numbers = [f"010{(i * 7919) % 50_000_000:08d}" for i in range(RECIPIENTS)]
    body = {
        "userId": user,
        "msgTitle": "개인화 발송",
        "msgContent": "#{name}님, 주문 #{order}번이 출발했습니다. #{memo}",
        "recipients": [
            {
                "dstNum": number,
                "variables": {"name": f"고객{i}", "order": i, "memo": "가" * (i % 50)},
            }
            for i, number in enumerate(numbers)
        ],
        "callbackNum": "1588-1234",
        "reserveDt": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }
    async with httpx.AsyncClient(base_url=stack.url("reservation"), timeout=120) as client:
        started = time.perf_counter()
        response = await client.post("/msgReqs", json=body)
        elapsed = time.perf_counter() - started
        print(f"\nPOST /msgReqs with {RECIPIENTS:,} personalised recipients took {elapsed:.2f} s")
        assert response.status_code == 201, response.text[:2000]
        created = response.json()
        assert created["personalised"] is True
        assert created["recipientCount"] == RECIPIENTS
        lms = sum(len(_personal_text(i).encode("cp949")) > 90 for i in range(RECIPIENTS))
        assert created["msgCounts"] == {"SMS": RECIPIENTS - lms, "LMS": lms}
        assert elapsed < 60, f"{elapsed:.1f} s"

    async with httpx.AsyncClient(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=60
    ) as client:

        async def all_received() -> dict[str, Any] | None:
            response = await client.get(f"/monitorings/{created['id']}")
            if response.status_code != 200:
                return None
            view: dict[str, Any] = response.json()
            return view if view["recipientsReceived"] == RECIPIENTS else None

        await eventually(all_received, timeout_s=60, interval_s=0.1)

    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        rows = await connection.fetch(
            "SELECT seq, dst_num, text FROM reservation.recipients WHERE reservation_id = $1 "
            "ORDER BY seq",
            uuid.UUID(created["id"]),
        )
        chunks = await connection.fetch(
            "SELECT length(value) AS size FROM reservation.outbox "
            "WHERE key = $1 AND event_type = 'ReservationRecipientsAdded'",
            created["id"],
        )
    finally:
        await connection.close()
    assert [row["text"] for row in rows] == [_personal_text(i) for i in range(RECIPIENTS)]
    assert [row["dst_num"] for row in rows] == ["+82" + n[1:] for n in numbers]
    assert len(chunks) > RECIPIENTS // 10_000  # cut by bytes before the count
    assert max(chunk["size"] for chunk in chunks) < 800_000


def _personal_text(i: int) -> str:
    return f"고객{i}님, 주문 {i}번이 출발했습니다. {'가' * (i % 50)}"
