"""The first real flow, end to end through the gateway: reserve, store, project."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from unittest.mock import ANY

import httpx

from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import wait_until


def test_reservation_reaches_the_read_model_within_a_second(stack: Stack) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    with stack.operator_client(timeout=10, funded=True) as client:
        created = client.post(
            "/msgReqs",
            json={
                "userId": user,
                "msgTitle": "hi",
                "msgContent": "hello",
                "dstNum": "01012345678,01098765432",
                "callbackNum": "0212345678",
                "reserveDt": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
            },
        )
        posted_at = time.monotonic()
        assert created.status_code == 201, created.text
        reservation = created.json()
        assert reservation["status"] == "requested"
        assert reservation["recipientCount"] == 2

        view = wait_until(
            lambda: (
                (r := client.get(f"/monitorings/{reservation['id']}")).status_code == 200
                and r.json()["status"] == "scheduled"
                and r.json()
            ),
            timeout_s=5,
        )
        lag = time.monotonic() - posted_at
        assert view["userId"] == user
        assert view["scheduledAt"] is not None
        assert view["recipientCount"] == 2
        # The console's promise is "live": well under a second on a quiet machine, with
        # a margin for a busy one (bench/live_lag.py measures it).
        assert lag < 2.0, f"the read model took {lag:.2f} s"

        # The saga moved it on: billing held the credit, so it is scheduled.
        stored = client.get(f"/msgReqs/{reservation['id']}")
        assert stored.status_code == 200
        assert stored.json() == {**reservation, "status": "scheduled", "updatedAt": ANY}


def test_gateway_readiness_lists_every_service(stack: Stack) -> None:
    body = httpx.get(stack.gateway_url + "/health/ready", timeout=10).json()
    assert body["status"] == "ready" and body["database"] is True
    assert set(body["services"]) == {"reservation", "send", "billing", "stat", "monitoring"}
    assert all(s["ready"] for s in body["services"].values())
