"""Sending end to end through the gateway: due time, list order, reports, faults.

The carrier simulator records what it received, so these tests check exactly what
was sent, in which order and how often, against what the platform reports.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from msgplat_client.api.reservations import cancel_msg_req, create_msg_req, get_msg_req
from msgplat_client.models import MsgReq, MsgReqCreate
from msgplat_testsupport.client import all_messages as client_messages
from msgplat_testsupport.client import answer
from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.reservations import all_messages, created_reservation, final_view
from msgplat_testsupport.stack import Stack, arrival_order, received_by_carrier
from msgplat_testsupport.waiting import wait_until

FINAL = {"completed", "partially_failed", "failed", "cancelled"}
BATCH = 1000  # CARRIER_BATCH_SIZE


def customer(api: httpx.Client, credit: int = 1_000_000) -> str:
    """A new customer with prepaid credit (the saga holds the price before sending)."""
    user = f"u-{uuid.uuid4().hex[:8]}"
    topup = api.post("/billings/topups", json={"userId": user, "amount": credit})
    assert topup.status_code in (200, 201), topup.text
    return user


def reserve(api: httpx.Client, dst: list[str], *, due_in_s: float = 0.0) -> dict[str, Any]:
    body: dict[str, Any] = {
        "userId": customer(api),
        "msgTitle": "notice",
        "msgContent": "hello from the test",
        "dstNum": dst,
    }
    if due_in_s:
        body["reserveDt"] = (datetime.now(UTC) + timedelta(seconds=due_in_s)).isoformat()
    return created_reservation(api, **body)


def wait_final(api: httpx.Client, reservation_id: str, timeout_s: float = 60) -> dict[str, Any]:
    return final_view(api, reservation_id, FINAL, timeout_s=timeout_s)


def test_due_reservation_is_sent_in_list_order_and_reports_decide_each_status(
    api: httpx.Client, carrier: httpx.Client
) -> None:
    dst = numbers(30, failing={3, 17, 29})
    reservation = reserve(api, dst, due_in_s=2)
    due = datetime.fromisoformat(reservation["reserveDt"])
    final = wait_final(api, reservation["id"])
    assert final["status"] == "partially_failed"
    assert final["statusReason"] == "27 delivered, 3 failed, 0 cancelled"
    view = wait_until(
        lambda: (
            (v := api.get(f"/monitorings/{reservation['id']}").json())["status"]
            == "partially_failed"
            and v
        )
    )
    assert view["startedAt"] and view["finishedAt"]

    got = received_by_carrier(carrier, reservation["id"])
    assert [item["ref"] for item in got] == [f"{reservation['id']}:{i}" for i in range(30)]
    assert [item["to"] for item in got] == [f"+82{n[1:]}" for n in dst]
    assert all(item["submitCount"] == 1 for item in got)

    msgs = all_messages(api, reservation["id"])
    assert [m["seq"] for m in msgs] == list(range(30))
    for m in msgs:
        if m["seq"] in {3, 17, 29}:
            assert (m["status"], m["resultCode"]) == ("failed", "3001"), m
        else:
            assert (m["status"], m["resultCode"]) == ("delivered", "0000"), m
        assert m["carrier"] == "sim" and m["carrierMsgId"]
    first_sent = min(datetime.fromisoformat(m["submittedAt"]) for m in msgs if m["submittedAt"])
    assert due <= first_sent + timedelta(milliseconds=100)
    assert first_sent - due < timedelta(seconds=1), "sending must start within 1 s of due"


def test_all_delivered_completes_and_all_failed_fails(
    api: httpx.Client, carrier: httpx.Client
) -> None:
    ok = reserve(api, numbers(5))
    bad = reserve(api, numbers(1, failing={0}))
    assert wait_final(api, ok["id"])["status"] == "completed"
    assert wait_final(api, bad["id"])["status"] == "failed"


def test_carrier_outage_opens_the_circuit_and_the_send_finishes_after(
    api: httpx.Client, carrier: httpx.Client, stack: Stack
) -> None:
    carrier.put("/admin/config", json={"outage": "error"}).raise_for_status()
    reservation = reserve(api, numbers(2500))

    def refused() -> int:
        return int(carrier.get("/admin/stats").json()["unavailable"])

    # Three failed calls (BREAKER_THRESHOLD) open the circuit ...
    wait_until(lambda: refused() >= 3, timeout_s=15)
    before = refused()
    # ... and while it is open (BREAKER_OPEN_S = 5 s) the carrier is left alone: a
    # quiet interval is the thing to observe here, so this waits on the clock.
    time.sleep(2)
    assert refused() - before <= 1, "the send service kept hammering a carrier that is down"
    # Fault isolation: the rest of the platform keeps taking reservations.
    other = reserve(api, numbers(1), due_in_s=600)
    wait_until(lambda: api.get(f"/msgReqs/{other['id']}").json()["status"] == "scheduled")
    assert api.get(f"/msgReqs/{reservation['id']}").json()["status"] == "sending"
    carrier.put("/admin/config", json={"outage": "none"}).raise_for_status()
    final = wait_final(api, reservation["id"], timeout_s=90)
    assert final["status"] == "completed"
    got = received_by_carrier(carrier, reservation["id"])
    assert arrival_order(got) == list(range(2500)), "not in list order across the outage"
    assert all(item["submitCount"] == 1 for item in got)
    api.post(f"/msgReqs/{other['id']}/cancel")


def test_send_service_killed_mid_send_loses_and_doubles_nothing(
    api: httpx.Client, carrier: httpx.Client, stack: Stack
) -> None:
    carrier.put("/admin/config", json={"max_per_second": 4000}).raise_for_status()
    count = 12_000
    reservation = reserve(api, numbers(count))
    wait_until(lambda: len(received_by_carrier(carrier, reservation["id"])) >= 2000, timeout_s=30)
    stack.restart("send", kill=True)
    rid = reservation["id"]

    seen: dict[str, Any] = {"open": None, "since": 0.0}

    def settled() -> list[dict[str, Any]] | None:
        """Every message final, but for the one batch (if any) that was being handed to
        the carrier at the kill and never reached it: it may be there as far as send
        knows, so it is never handed over again (send.lease: `handed_seq`) and waits for
        its report, or REPORT_TIMEOUT_S (72 h). Settled: no change for 5 s."""
        msgs = all_messages(api, rid)
        open_ = tuple(m["seq"] for m in msgs if m["status"] not in ("delivered", "failed"))
        if len(msgs) != count or len(open_) > BATCH:
            return None
        if open_ != seen["open"]:
            seen.update(open=open_, since=time.monotonic())
            return None
        return msgs if not open_ or time.monotonic() - seen["since"] >= 5 else None

    msgs = wait_until(settled, timeout_s=120, interval_s=0.5)
    got = received_by_carrier(carrier, rid)
    assert all(item["submitCount"] == 1 for item in got), "a message was handed over twice"
    in_doubt = [m["seq"] for m in msgs if m["status"] not in ("delivered", "failed")]
    arrived = arrival_order(got)
    if not in_doubt:
        assert wait_final(api, rid)["status"] == "completed"
        assert arrived == list(range(count)), "not in list order across the restart"
    else:  # the kill cut the batch's upload: one run of the list, which never arrived
        assert in_doubt == list(range(in_doubt[0], in_doubt[0] + len(in_doubt))), in_doubt
        assert arrived == [seq for seq in range(count) if seq not in in_doubt]
    assert all(m["status"] == "delivered" for m in msgs if m["seq"] not in in_doubt)


def test_duplicate_and_reordered_reports_change_nothing_after_the_first(
    api: httpx.Client, carrier: httpx.Client
) -> None:
    carrier.put(
        "/admin/config", json={"duplicate_report_rate": 1.0, "reorder_reports": True}
    ).raise_for_status()
    dst = numbers(400, failing={0, 7, 99})
    reservation = reserve(api, dst)
    final = wait_final(api, reservation["id"])
    assert final["status"] == "partially_failed"
    assert final["statusReason"] == "397 delivered, 3 failed, 0 cancelled"
    msgs = all_messages(api, reservation["id"])
    assert sum(m["status"] == "failed" for m in msgs) == 3


def test_cancel_during_sending_stops_the_remaining_messages(
    stack: Stack, carrier: httpx.Client
) -> None:
    """Reserve, watch, cancel, read the messages: through the generated client."""
    carrier.put("/admin/config", json={"max_per_second": 1000}).raise_for_status()
    count = 5000
    with stack.operator_api(timeout=30, funded=True) as client:
        created = create_msg_req.sync_detailed(
            client=client,
            body=MsgReqCreate(
                user_id=f"u-{uuid.uuid4().hex[:8]}",
                msg_title="notice",
                msg_content="hello from the test",
                dst_num=numbers(count),
                callback_num="0212345678",
            ),
        )
        reservation = answer(created, MsgReq, 201)
        rid = str(reservation.id)
        wait_until(lambda: len(received_by_carrier(carrier, rid)) >= 1000, timeout_s=30)
        cancelled = cancel_msg_req.sync_detailed(reservation.id, client=client)
        assert cancelled.status_code == 200, cancelled.content
        wait_until(
            lambda: all(
                m.status in {"delivered", "failed", "cancelled"}
                for m in client_messages(client, reservation.id)
            ),
            timeout_s=60,
        )
        msgs = client_messages(client, reservation.id)
        sent = {item["ref"] for item in received_by_carrier(carrier, rid)}
        never_sent = [m for m in msgs if f"{rid}:{m.seq}" not in sent]
        assert never_sent, "the cancel came after everything was sent: slow the carrier down"
        assert all(m.status == "cancelled" for m in never_sent)
        assert all(m.status != "cancelled" for m in msgs if f"{rid}:{m.seq}" in sent)
        stored = get_msg_req.sync_detailed(reservation.id, client=client)
        assert answer(stored, MsgReq).status == "cancelled"
