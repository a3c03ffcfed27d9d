"""Graceful shutdown: SIGTERM to the send service in the middle of a large send.

The service stops claiming work, lets the batch at the carrier finish and records
its answer, hands the job's lease back, commits what its consumers applied, publishes
its outbox, and exits by itself with status 0 well within `SHUTDOWN_GRACE_S`. Once
it is started again the job resumes from its cursor: every message reaches the
carrier exactly once, and billing and stat count each exactly once.
"""

from __future__ import annotations

import signal
import time
import uuid

import httpx

from msgplat.plumbing.settings import ServiceSettings
from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.stack import Stack, arrival_order, received_by_carrier
from msgplat_testsupport.waiting import wait_until

PRICE_SMS = 20
FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}
GRACE_S = ServiceSettings.model_fields["shutdown_grace_s"].default


def received_count(carrier: httpx.Client, reservation_id: str) -> int:
    answer = carrier.get("/admin/received", params={"refPrefix": reservation_id, "limit": 1})
    return int(answer.json()["total"])


def test_send_service_stopped_by_sigterm_mid_send_exits_cleanly_and_loses_nothing(
    api: httpx.Client, carrier: httpx.Client, stack: Stack
) -> None:
    carrier.put("/admin/config", json={"max_per_second": 4000}).raise_for_status()
    count = 20_000
    user = f"stop-{uuid.uuid4().hex[:8]}"
    topup = api.post("/billings/topups", json={"userId": user, "amount": 1_000_000})
    assert topup.status_code == 201, topup.text
    created = api.post(
        "/msgReqs",
        json={
            "userId": user,
            "msgTitle": "shutdown",
            "msgContent": "sent once, whatever happens to the sender",
            "dstNum": numbers(count),
            "callbackNum": "0212345678",
        },
    )
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    wait_until(lambda: received_count(carrier, rid) >= 3000, timeout_s=60, interval_s=0.05)

    send = stack.processes["send"]
    assert send.process is not None
    stopped_at = time.monotonic()
    send.process.send_signal(signal.SIGTERM)
    exit_code = send.process.wait(timeout=GRACE_S + 10)
    took_s = time.monotonic() - stopped_at
    assert exit_code == 0, f"send exited with {exit_code}; see {send.log_file}"
    assert took_s < GRACE_S, f"the shutdown took {took_s:.1f} s, over SHUTDOWN_GRACE_S"
    sent_before_restart = received_count(carrier, rid)
    assert sent_before_restart < count, "the send was over before the stop: make it larger"
    log = send.log_file.read_text()
    assert "job_handed_back" in log, "the sender did not stop between two batches"
    assert "shutdown_grace_exceeded" not in log

    send.start()
    send.wait_ready(timeout_s=60)
    final = wait_until(
        lambda: (r := api.get(f"/msgReqs/{rid}").json())["status"] in FINAL and r,
        timeout_s=180,
        interval_s=0.2,
    )
    assert final["status"] == "completed", final

    got = received_by_carrier(carrier, rid)
    assert arrival_order(got) == list(range(count)), "not in list order across the stop"
    # Stopped between batches: nothing was in doubt, so nothing was handed over twice.
    assert all(item["submitCount"] == 1 for item in got)
    summary = api.get("/msgs/summary", params={"reservationId": rid}).json()
    assert (summary["delivered"], summary["recipientCount"]) == (count, count), summary

    bill = wait_until(
        lambda: (
            (b := api.get(f"/billings/reservations/{rid}").json())["status"] == "closed"
            and b["held"] == 0
            and b
        ),
        timeout_s=60,
    )
    assert (bill["capturedCount"], bill["capturedAmount"]) == (count, count * PRICE_SMS)
    assert bill["releasedCount"] == 0
    balance = api.get("/billings", params={"userId": user}).json()
    assert (balance["charged"], balance["held"]) == (count * PRICE_SMS, 0)
    stats = wait_until(
        lambda: (s := api.get(f"/stats/reservations/{rid}").json())["delivered"] == count and s,
        timeout_s=60,
    )
    assert (stats["failed"], stats["cancelled"]) == (0, 0)
