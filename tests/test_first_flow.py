"""The first real flow, end to end through the gateway: reserve, store, project. Through
the generated client (`msgplat_client`), as a customer's program would."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from unittest.mock import ANY

from msgplat_client import Client
from msgplat_client.api.health import ready
from msgplat_client.api.monitoring import get_monitoring
from msgplat_client.api.reservations import create_msg_req, get_msg_req
from msgplat_client.models import MsgReq, MsgReqCreate, ReservationView
from msgplat_client.types import UNSET
from msgplat_testsupport.client import answer
from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import wait_until


def test_reservation_reaches_the_read_model_within_a_second(stack: Stack) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    with stack.operator_api(timeout=10, funded=True) as client:
        created = create_msg_req.sync_detailed(
            client=client,
            body=MsgReqCreate(
                user_id=user,
                msg_title="hi",
                msg_content="hello",
                dst_num="01012345678,01098765432",
                callback_num="0212345678",
                reserve_dt=datetime.now(UTC) + timedelta(hours=1),
            ),
        )
        posted_at = time.monotonic()
        reservation = answer(created, MsgReq, 201)
        assert reservation.status == "requested"
        assert reservation.recipient_count == 2

        def scheduled() -> ReservationView | None:
            view = get_monitoring.sync_detailed(reservation.id, client=client).parsed
            return (
                view if isinstance(view, ReservationView) and view.status == "scheduled" else None
            )

        view = wait_until(scheduled, timeout_s=5)
        lag = time.monotonic() - posted_at
        assert view.user_id == user
        assert view.scheduled_at not in (None, UNSET)
        assert view.recipient_count == 2
        # The console's promise is "live": well under a second on a quiet machine, with
        # a margin for a busy one (bench/live_lag.py measures it).
        assert lag < 2.0, f"the read model took {lag:.2f} s"

        # The saga moved it on: billing held the credit, so it is scheduled.
        stored = get_msg_req.sync_detailed(reservation.id, client=client)
        assert stored.status_code == 200
        assert answer(stored, MsgReq).to_dict() == {
            **reservation.to_dict(),
            "status": "scheduled",
            "updatedAt": ANY,
        }


def test_gateway_readiness_lists_every_service(stack: Stack) -> None:
    # The document gives the readiness body no schema: the client hands over its bytes.
    with Client(base_url=stack.gateway_url, timeout=10) as client:
        body = json.loads(ready.sync_detailed(client=client).content)
    assert body["status"] == "ready" and body["database"] is True
    assert set(body["services"]) == {"reservation", "send", "billing", "stat", "monitoring"}
    assert all(s["ready"] for s in body["services"].values())
