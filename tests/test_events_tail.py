"""`python -m msgplat.devstack.events tail` against the test broker: a reservation made
through the gateway is seen on its topic, decoded, and filtered by id and type."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from msgplat_testsupport.brokers import BrokerHandle
from msgplat_testsupport.senders import TEST_CALLBACK_NUM
from msgplat_testsupport.stack import Stack

pytestmark = pytest.mark.e2e


def test_tail_prints_the_decoded_events_of_one_reservation(
    stack: Stack, broker: BrokerHandle
) -> None:
    customer = stack.new_customer()
    stack.top_up(customer.user_id, 10_000)
    created = httpx.post(
        stack.gateway_url + "/msgReqs",
        headers=customer.headers,
        timeout=30,
        json={
            "msgTitle": "title",
            "msgContent": "content",
            "reserveDt": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
            "dstNum": "01012345678",
            "callbackNum": TEST_CALLBACK_NUM,
        },
    )
    assert created.status_code == 201, created.text
    reservation = created.json()["id"]
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers}
    done = subprocess.run(
        [
            sys.executable, "-m", "msgplat.devstack.events", "tail",
            "--topic", "reservation.events", "--from-beginning", "--json",
            "--reservation", reservation, "--type", "ReservationRequested", "--limit", "1",
        ],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    [event] = [json.loads(line) for line in done.stdout.splitlines()]
    assert (event["topic"], event["key"], event["type"]) == (
        "reservation.events",
        reservation,
        "ReservationRequested",
    )
    assert event["version"] == 1 and event["payload"]["reservation_id"] == reservation
    assert event["payload"]["recipient_count"] == 1
