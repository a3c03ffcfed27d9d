"""Two replicas of every service (issue 19): replicas killed and restarted in turn while
sending, a sender frozen past its lease; two carriers with failover, neither of which
deduplicates. Nothing is sent twice, every message ends final, and billing, stat and the
views agree (`msgplat_testsupport.replicas`; the 100,000 run: `bench/replicas.py`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from msgplat_testsupport.replicas import REPLICATED, Fault, send_with_faults
from msgplat_testsupport.stack import Stack, platform_on_loopback

LEASE_S = 3
COUNT = 3000


@pytest.fixture(scope="module")
def platform(service_env: dict[str, str]) -> Iterator[tuple[Stack, str]]:
    env = {
        "LOG_LEVEL": service_env.get("LOG_LEVEL", "INFO"),
        "AD_SENDING_HOURS": service_env["AD_SENDING_HOURS"],
        "SEND_RATE_PER_S": "100",  # 30 s of sending: the faults land in the middle
        "LEASE_S": str(LEASE_S),
        "BREAKER_OPEN_S": "1",
        # a message a killed sender claimed but may not have handed over: failed soon
        "REPORT_TIMEOUT_S": "20",
        "CARRIER_DRAIN_REPORTS_ON_STOP_S": "10",
    }
    replicas = dict.fromkeys(REPLICATED, 2)
    with platform_on_loopback(env, carriers=2, replicas=replicas) as platform:
        yield platform


def send_while_senders_fail(platform: tuple[Stack, str], fault: Fault) -> None:
    """COUNT messages sent while `fault` strikes the senders in turn: every message ends,
    none is sent twice, no count is lost."""
    stack, database_url = platform
    outcome = send_with_faults(
        stack, database_url, COUNT, fault=fault, lease_s=LEASE_S, timeout_s=150, log=print
    )
    print(outcome)
    assert outcome.problems == [], outcome
    assert outcome.delivered + outcome.failed == COUNT


def test_replicas_killed_in_turn_send_nothing_twice_and_lose_no_count(
    platform: tuple[Stack, str],
) -> None:
    send_while_senders_fail(platform, "kill")


def test_a_sender_frozen_past_its_lease_stops_before_the_carrier(
    platform: tuple[Stack, str],
) -> None:
    send_while_senders_fail(platform, "stop")
