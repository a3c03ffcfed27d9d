"""A 100,000-recipient reservation through the gateway: handed on in order, fully projected."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from msgplat_testsupport.senders import approve_sender
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
    approve_sender(stack.gateway_url, stack.operator_headers, user, "1588-1234")
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=60
    ) as client:
        created = await post_timed(client, body, "recipients")
        assert created["recipientCount"] == RECIPIENTS
        assert created["duplicatesDropped"] == 0
        assert created["status"] == "requested"

        started = time.perf_counter()
        view = await every_recipient_received(client, created["id"])
        print(f"the read model had every recipient {time.perf_counter() - started:.2f} s later")
        assert view["recipientCount"] == RECIPIENTS

    # Handed on in list order, normalised to E.164: the chunk events in the outbox are
    # the reservation's only copy of the list (ADR 0011).
    chunks = await recipient_chunks(database_url, created["id"])
    assert [seq for seq, _, _ in in_sequence(chunks)] == list(range(RECIPIENTS))
    assert [number for _, number, _ in in_sequence(chunks)] == ["+82" + n[1:] for n in numbers]


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
    approve_sender(stack.gateway_url, stack.operator_headers, user, "1588-1234")
    async with httpx.AsyncClient(base_url=stack.url("reservation"), timeout=120) as client:
        created = await post_timed(client, body, "personalised recipients")
        assert created["personalised"] is True
        assert created["recipientCount"] == RECIPIENTS
        lms = sum(len(_personal_text(i).encode("cp949")) > 90 for i in range(RECIPIENTS))
        assert created["msgCounts"] == {"SMS": RECIPIENTS - lms, "LMS": lms}

    async with httpx.AsyncClient(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=60
    ) as client:
        await every_recipient_received(client, created["id"])

    chunks = await recipient_chunks(database_url, created["id"])
    recipients = in_sequence(chunks)
    assert [seq for seq, _, _ in recipients] == list(range(RECIPIENTS))
    assert [text for _, _, text in recipients] == [_personal_text(i) for i in range(RECIPIENTS)]
    assert [number for _, number, _ in recipients] == ["+82" + n[1:] for n in numbers]
    assert len(chunks) > RECIPIENTS // 10_000  # cut by bytes before the count
    assert max(size for size, _ in chunks) < 800_000


async def post_timed(client: httpx.AsyncClient, body: dict[str, Any], what: str) -> dict[str, Any]:
    """`POST /msgReqs` of `body` (of RECIPIENTS `what`), within a minute: the reservation."""
    started = time.perf_counter()
    response = await client.post("/msgReqs", json=body)
    elapsed = time.perf_counter() - started
    print(f"\nPOST /msgReqs with {RECIPIENTS:,} {what} took {elapsed:.2f} s")
    assert response.status_code == 201, response.text[:2000]
    assert elapsed < 60, f"{elapsed:.1f} s"
    created: dict[str, Any] = response.json()
    return created


async def every_recipient_received(
    client: httpx.AsyncClient, reservation_id: str
) -> dict[str, Any]:
    """The reservation's view once the read model has all its RECIPIENTS (within a minute)."""

    async def all_received() -> dict[str, Any] | None:
        response = await client.get(f"/monitorings/{reservation_id}")
        if response.status_code != 200:
            return None
        view: dict[str, Any] = response.json()
        return view if view["recipientsReceived"] == RECIPIENTS else None

    return await eventually(all_received, timeout_s=60, interval_s=0.1)


async def recipient_chunks(database_url: str, reservation_id: str) -> list[tuple[int, Any]]:
    """(size in bytes, payload) of the reservation's ReservationRecipientsAdded events, as
    written to its outbox, in the order they are published."""
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        rows = await connection.fetch(
            "SELECT value FROM reservation.outbox "
            "WHERE key = $1 AND event_type = 'ReservationRecipientsAdded' ORDER BY id",
            reservation_id,
        )
    finally:
        await connection.close()
    return [(len(row["value"]), orjson.loads(row["value"])["payload"]) for row in rows]


def in_sequence(chunks: list[tuple[int, Any]]) -> list[tuple[int, str, str | None]]:
    """(seq, number, personalised text) of every recipient, chunk after chunk, after
    checking that the chunks are numbered in order and say how many there are."""
    payloads = [payload for _, payload in chunks]
    assert [p["chunk_index"] for p in payloads] == list(range(len(payloads)))
    assert {p["chunk_count"] for p in payloads} == {len(payloads)}
    return [
        (p["first_seq"] + i, number, None if p["texts"] is None else p["texts"][i])
        for p in payloads
        for i, number in enumerate(p["dst_nums"])
    ]


def _personal_text(i: int) -> str:
    return f"고객{i}님, 주문 {i}번이 출발했습니다. {'가' * (i % 50)}"
