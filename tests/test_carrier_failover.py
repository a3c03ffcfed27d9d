"""Carrier failover end to end: two carrier simulators, the first one failing.

This module runs its own stack with two carriers (`sim`, then `sim-b`). Both simulators
record what they received, so the tests check that every message was handed to exactly
one carrier (a carrier that took a message before it went down reports it), that each
message records the carrier that took it, and that billing and stat count each once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from msgplat.devstack.reconcile import reconcile
from msgplat_testsupport.numbers import numbers
from msgplat_testsupport.reservations import all_messages, created_reservation, final_view
from msgplat_testsupport.stack import (
    Stack,
    arrival_order,
    platform_on_loopback,
    received_by_carrier,
)
from msgplat_testsupport.waiting import wait_until

PRICE_SMS = 20
FINAL = {"completed", "partially_failed", "failed", "cancelled"}
PRIMARY, SECONDARY = "sim", "sim-b"


@pytest.fixture(scope="module")
def stack(service_env: dict[str, str]) -> Iterator[Stack]:
    """The platform with two carrier simulators (`carrier`, `carrier-b`), sending at
    2,000 messages per second so that a test can act in the middle of a send. It has
    its own database and broker: on the shared ones, the shared stack's send service
    would take its jobs."""
    env = {
        "LOG_LEVEL": service_env.get("LOG_LEVEL", "INFO"),
        "AD_SENDING_HOURS": service_env["AD_SENDING_HOURS"],
        "SEND_RATE_PER_S": "2000",
        "BREAKER_OPEN_S": "1",
        # A stopped simulator still reports what it took (as a real carrier would).
        "CARRIER_DRAIN_REPORTS_ON_STOP_S": "10",
    }
    with platform_on_loopback(env, carriers=2) as (stack, _):
        yield stack
        report = asyncio.run(reconcile(stack.gateway_url, headers=stack.operator_headers))
        assert not report.differences, "\n".join(report.differences[:50])


def simulator(stack: Stack, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url(name), timeout=10) as client:
        client.post("/admin/reset").raise_for_status()
        # As a real carrier: a ref submitted again is sent again, and counted.
        client.put(
            "/admin/config", json={"report_delay_ms": 50, "deduplicate": False}
        ).raise_for_status()
        yield client
        if stack.processes[name].alive():
            stats = client.get("/admin/stats").json()
            assert stats["duplicates"] == 0, f"submitted twice: {stats['duplicateRefs'][:20]}"
            client.post("/admin/reset").raise_for_status()


@pytest.fixture()
def primary(stack: Stack) -> Iterator[httpx.Client]:
    """The first carrier's admin API (`sim`), reset before and after each test."""
    yield from simulator(stack, "carrier")


@pytest.fixture()
def secondary(stack: Stack) -> Iterator[httpx.Client]:
    """The second carrier's admin API (`sim-b`), reset before and after each test."""
    yield from simulator(stack, "carrier-b")


def metric(text: str, name: str, **labels: str) -> float:
    """The value of `name{labels...}` in a Prometheus text page (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def customer(api: httpx.Client) -> str:
    user = f"fo-{uuid.uuid4().hex[:8]}"
    topup = api.post("/billings/topups", json={"userId": user, "amount": 1_000_000})
    assert topup.status_code == 201, topup.text
    return user


def reserve(api: httpx.Client, user: str, dst: list[str]) -> dict[str, Any]:
    return created_reservation(
        api, userId=user, msgTitle="failover", msgContent="one carrier or the other", dstNum=dst
    )


def wait_final(api: httpx.Client, rid: str, timeout_s: float = 120) -> dict[str, Any]:
    return final_view(api, rid, FINAL, timeout_s=timeout_s, interval_s=0.2)


def refs(rid: str, seqs: Any) -> set[str]:
    return {f"{rid}:{seq}" for seq in seqs}


def received(carrier: httpx.Client, rid: str) -> dict[str, dict[str, Any]]:
    """What one simulator received for a reservation, by ref; each received once, and
    in the list's order (a batch failed over keeps its place)."""
    items = received_by_carrier(carrier, rid)
    assert all(item["submitCount"] == 1 for item in items), "a carrier got a ref twice"
    arrived = arrival_order(items)
    assert arrived == sorted(arrived), "a carrier got the messages out of the list's order"
    return {item["ref"]: item for item in items}


def charged_once(api: httpx.Client, user: str, rid: str, delivered: int, failed: int) -> None:
    """Billing captured each delivered message once and released each failed one;
    stat counted each once."""
    bill = wait_until(
        lambda: (
            (b := api.get(f"/billings/reservations/{rid}").json())["held"] == 0
            and b["status"] == "closed"
            and b
        ),
        timeout_s=30,
    )
    assert (bill["capturedCount"], bill["capturedAmount"]) == (delivered, delivered * PRICE_SMS)
    assert bill["releasedCount"] == failed
    assert api.get("/billings", params={"userId": user}).json()["charged"] == (
        delivered * PRICE_SMS
    )
    stat = wait_until(
        lambda: (
            (s := api.get(f"/stats/reservations/{rid}").json())["delivered"] + s["failed"]
            == delivered + failed
            and s
        ),
        timeout_s=30,
    )
    assert (stat["delivered"], stat["failed"]) == (delivered, failed)


def split_mid_send(
    api: httpx.Client, primary: httpx.Client, count: int
) -> tuple[str, dict[str, Any], dict[str, dict[str, Any]]]:
    """Reserve `count` and wait until the primary has taken a few thousand of them:
    (user, reservation, what the primary had received by then)."""
    user = customer(api)
    reservation = reserve(api, user, numbers(count))
    rid = reservation["id"]
    wait_until(lambda: len(received_by_carrier(primary, rid)) >= 3000, timeout_s=60)
    return user, reservation, received(primary, rid)


def test_with_the_primary_down_from_the_start_the_secondary_sends_everything(
    api: httpx.Client, primary: httpx.Client, secondary: httpx.Client
) -> None:
    primary.put("/admin/config", json={"outage": "error"}).raise_for_status()
    user = customer(api)
    count = 3000
    reservation = reserve(api, user, numbers(count))
    rid = reservation["id"]
    assert wait_final(api, rid)["status"] == "completed"

    msgs = all_messages(api, rid)
    assert len(msgs) == count
    assert {(m["status"], m["carrier"]) for m in msgs} == {("delivered", SECONDARY)}
    by_secondary = received(secondary, rid)
    assert set(by_secondary) == refs(rid, range(count))
    assert all(m["carrierMsgId"] == by_secondary[f"{rid}:{m['seq']}"]["messageId"] for m in msgs)
    assert received_by_carrier(primary, rid) == []
    assert primary.get("/admin/stats").json()["unavailable"] >= 1  # it was asked first
    charged_once(api, user, rid, delivered=count, failed=0)


def test_primary_failing_mid_send_every_message_goes_out_once_by_one_carrier(
    api: httpx.Client, primary: httpx.Client, secondary: httpx.Client
) -> None:
    count = 10_000
    user, reservation, _ = split_mid_send(api, primary, count)
    rid = reservation["id"]
    primary.put("/admin/config", json={"outage": "error"}).raise_for_status()
    assert wait_final(api, rid)["status"] == "completed"

    by_primary, by_secondary = received(primary, rid), received(secondary, rid)
    assert len(by_primary) >= 3000 and by_secondary, "the send was not split"
    assert not set(by_primary) & set(by_secondary), "a message went to both carriers"
    assert set(by_primary) | set(by_secondary) == refs(rid, range(count))
    msgs = all_messages(api, rid)
    assert all(m["status"] == "delivered" for m in msgs)
    carriers = {f"{rid}:{m['seq']}": m["carrier"] for m in msgs}
    assert {ref for ref, c in carriers.items() if c == PRIMARY} == set(by_primary)
    assert {ref for ref, c in carriers.items() if c == SECONDARY} == set(by_secondary)
    # Each message's delivery report came from the carrier that took it.
    taken = {**by_primary, **by_secondary}
    assert all(m["carrierMsgId"] == taken[f"{rid}:{m['seq']}"]["messageId"] for m in msgs)
    charged_once(api, user, rid, delivered=count, failed=0)

    # Billing's usage and stat's counts, per carrier.
    expected = sorted(
        [(PRIMARY, len(by_primary)), (SECONDARY, len(by_secondary))], key=lambda x: x[0]
    )
    usage = wait_until(
        lambda: (
            (u := api.get("/billings/usage", params={"userId": user}).json())["messages"] == count
            and u
        ),
        timeout_s=30,
    )
    assert sorted(
        (c["carrier"], c["msgType"], c["count"], c["amount"]) for c in usage["byCarrier"]
    ) == [(name, "SMS", n, n * PRICE_SMS) for name, n in expected]
    per_carrier = api.get("/stats/carriers", params={"userId": user})
    assert per_carrier.status_code == 200, per_carrier.text
    assert [(i["carrier"], i["delivered"], i["failed"]) for i in per_carrier.json()["items"]] == [
        (name, n, 0) for name, n in expected
    ]


def test_primary_stopped_mid_send_reports_what_it_took_and_the_rest_goes_on(
    api: httpx.Client, primary: httpx.Client, secondary: httpx.Client, stack: Stack
) -> None:
    """SIGTERM: the simulator answers the submit in hand, refuses new connections and
    goes on sending the reports of what it accepted (CARRIER_DRAIN_REPORTS_ON_STOP_S)."""
    count = 10_000
    process = stack.processes["carrier"]
    try:
        user, reservation, before_stop = split_mid_send(api, primary, count)
        rid = reservation["id"]
        process.stop()
        assert wait_final(api, rid)["status"] == "completed"
    finally:
        if not process.alive():
            process.start()
            process.wait_ready(timeout_s=60)

    # The primary's ledger went with its process: what the platform records for it is
    # checked against what it had received before the stop, and the secondary's.
    msgs = all_messages(api, rid)
    assert all(m["status"] == "delivered" for m in msgs)
    taken_by = {f"{rid}:{m['seq']}": m for m in msgs}
    by_primary = {ref for ref, m in taken_by.items() if m["carrier"] == PRIMARY}
    by_secondary = received(secondary, rid)
    assert set(before_stop) <= by_primary
    # Those it had taken were reported by it, after the stop for some.
    assert all(taken_by[r]["carrierMsgId"] == item["messageId"] for r, item in before_stop.items())
    assert not by_primary & set(by_secondary), "a message went to both carriers"
    assert by_primary | set(by_secondary) == refs(rid, range(count))
    assert {ref for ref, m in taken_by.items() if m["carrier"] == SECONDARY} == set(by_secondary)
    charged_once(api, user, rid, delivered=count, failed=0)


def test_a_retryable_rejection_at_the_primary_goes_to_the_secondary(
    api: httpx.Client, primary: httpx.Client, secondary: httpx.Client
) -> None:
    primary.put(
        "/admin/config", json={"blocked_suffixes": {"8888": "1003", "9999": "1002"}}
    ).raise_for_status()
    secondary.put("/admin/config", json={"blocked_suffixes": {"78888": "1003"}}).raise_for_status()
    prefix = uuid.uuid4().int % 40 + 60  # 0106..0109: 01059[7-9] is no number
    dst = numbers(20)
    dst[3] = f"010{prefix:02d}038888"  # route unavailable at the primary only
    dst[11] = f"010{prefix:02d}118888"
    dst[7] = f"010{prefix:02d}079999"  # blocked at the primary: final
    dst[15] = f"010{prefix:02d}178888"  # route unavailable at both
    user = customer(api)
    reservation = reserve(api, user, dst)
    rid = reservation["id"]
    assert wait_final(api, rid)["status"] == "partially_failed"

    outcome = {
        m["seq"]: (m["status"], m["carrier"], m["resultCode"]) for m in all_messages(api, rid)
    }
    assert outcome.pop(3) == outcome.pop(11) == ("delivered", SECONDARY, "0000")
    assert outcome.pop(7) == ("failed", PRIMARY, "1002")
    assert outcome.pop(15) == ("failed", SECONDARY, "1003")
    assert set(outcome.values()) == {("delivered", PRIMARY, "0000")}
    assert set(received(secondary, rid)) == refs(rid, [3, 11, 15])
    assert set(received(primary, rid)) == refs(rid, range(20))
    charged_once(api, user, rid, delivered=18, failed=2)


def test_a_report_from_a_carrier_other_than_the_messages_is_refused(
    api: httpx.Client, primary: httpx.Client, stack: Stack
) -> None:
    primary.put("/admin/config", json={"report_delay_ms": 600_000}).raise_for_status()
    user = customer(api)
    reservation = reserve(api, user, numbers(2))
    rid = reservation["id"]
    wait_until(
        lambda: (
            [(m["status"], m["carrier"]) for m in all_messages(api, rid)]
            == [("submitted", PRIMARY)] * 2
        ),
        timeout_s=30,
    )

    def report(seq: int, status: str = "DELIVERED", code: str = "0000") -> dict[str, Any]:
        return {
            "messageId": f"x-{seq}",
            "ref": f"{rid}:{seq}",
            "status": status,
            "code": code,
            "doneAt": datetime.now(UTC).isoformat(),
        }

    with httpx.Client(base_url=stack.url("send"), timeout=10) as send:

        def post(carrier: str, token: str, reports: list[dict[str, Any]]) -> httpx.Response:
            return send.post(
                f"/carrier/reports/{carrier}",
                json={"reports": reports},
                headers={"Authorization": f"Bearer {token}"},
            )

        def refused_total() -> float:
            page = send.get("/metrics").text
            name = "send_carrier_reports_refused_total"
            return metric(page, name, carrier=SECONDARY, reason="other_carrier")

        tokens = stack.carrier_callback_tokens
        before = refused_total()
        # The primary's token on the secondary's path is no one's.
        assert post(SECONDARY, tokens[PRIMARY], [report(0)]).status_code == 401
        # The secondary, with its own token, reporting the primary's messages: refused,
        # said so in the answer and counted, and the messages stay as they are.
        wrong = post(SECONDARY, tokens[SECONDARY], [report(0), report(1, "FAILED", "3001")])
        assert wrong.status_code == 200, wrong.text
        assert wrong.json() == {"received": 2, "applied": 0, "ignored": 0, "refused": 2}
        assert refused_total() == before + 2
        assert [m["status"] for m in all_messages(api, rid)] == ["submitted", "submitted"]

        right = post(PRIMARY, tokens[PRIMARY], [report(0), report(1, "FAILED", "3001")])
        assert right.json() == {"received": 2, "applied": 2, "ignored": 0, "refused": 0}
        again = post(PRIMARY, tokens[PRIMARY], [report(0)])  # a duplicate: ignored
        assert again.json() == {"received": 1, "applied": 0, "ignored": 1, "refused": 0}
    assert wait_final(api, rid)["status"] == "partially_failed"
    msgs = all_messages(api, rid)
    assert [(m["status"], m["carrierMsgId"]) for m in msgs] == [
        ("delivered", "x-0"),
        ("failed", "x-1"),
    ]
    charged_once(api, user, rid, delivered=1, failed=1)
