"""The gateway in front of real service processes: request ids, fault isolation, the
circuit breaker and the body limit.

These tests kill services, so they run their own stack on their own database and
broker: a killed member of a consumer group shared with the session's stack would hold
its partitions until the session timeout, and a relay sharing the session's outbox
tables could publish another stack's events to the wrong broker.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from msgplat_testsupport.senders import approve_sender
from msgplat_testsupport.stack import Stack, own_platform
from msgplat_testsupport.waiting import wait_until

BREAKER_THRESHOLD = 3
BREAKER_OPEN_S = 1.0
MAX_BODY_BYTES = 64 * 1024
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def private_stack() -> Iterator[Stack]:
    env = {
        "LOG_LEVEL": "INFO",
        "BREAKER_THRESHOLD": str(BREAKER_THRESHOLD),
        "BREAKER_OPEN_S": str(BREAKER_OPEN_S),
        "MAX_BODY_BYTES": str(MAX_BODY_BYTES),
    }
    with own_platform(env) as (stack, _):
        yield stack


@pytest.fixture
def client(private_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=private_stack.gateway_url, headers=private_stack.operator_headers, timeout=10
    ) as client:
        # u-gw pays for the reservations of these tests (billing refuses an empty account),
        # from its approved callback number (발신번호 사전등록).
        client.post("/billings/topups", json={"userId": "u-gw", "amount": 1_000_000})
        approve_sender(
            private_stack.gateway_url, private_stack.operator_headers, "u-gw", "0212345678"
        )
        yield client


def reservation_body(user: str = "u-gw") -> dict[str, Any]:
    return {
        "userId": user,
        "msgTitle": "hi",
        "msgContent": "hello",
        "dstNum": "01012345678,01098765432",
        "callbackNum": "0212345678",
    }


def json_lines(path: Path, start: int = 0) -> list[dict[str, Any]]:
    """The JSON log lines of a service's log file from byte `start` on."""
    with path.open("rb") as f:
        f.seek(start)
        lines = f.read().decode(errors="replace").splitlines()
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            continue
    return parsed


def log_size(stack: Stack, name: str) -> int:
    return stack.processes[name].log_file.stat().st_size


def test_the_request_id_is_echoed_and_logged_by_the_service(
    private_stack: Stack, client: httpx.Client
) -> None:
    request_id = f"req-{uuid.uuid4().hex}"
    response = client.post(
        "/msgReqs", json=reservation_body(), headers={"X-Request-ID": request_id}
    )
    assert response.status_code == 201, response.text
    assert response.headers["x-request-id"] == request_id

    def logged_by(name: str) -> list[dict[str, Any]]:
        path = private_stack.processes[name].log_file
        return [e for e in json_lines(path) if e.get("correlation_id") == request_id]

    gateway_lines = wait_until(lambda: logged_by("gateway"), timeout_s=5)
    assert any(
        e.get("event") == "request"
        and e.get("status") == 201
        and e.get("upstream") == "reservation"
        for e in gateway_lines
    )
    assert wait_until(lambda: logged_by("reservation"), timeout_s=3)


def test_a_request_without_an_id_gets_one(client: httpx.Client) -> None:
    response = client.get("/monitorings", params={"userId": "nobody"})
    assert response.status_code == 200
    assert len(response.headers["x-request-id"]) >= 16


def test_a_body_over_the_limit_is_refused_with_413(
    private_stack: Stack, client: httpx.Client
) -> None:
    declared = client.post("/msgReqs", content=b"x" * (MAX_BODY_BYTES + 1))
    assert declared.status_code == 413
    assert declared.json()["limitBytes"] == MAX_BODY_BYTES

    def chunks() -> Iterator[bytes]:
        for _ in range(3):
            yield b"x" * (MAX_BODY_BYTES // 2)

    chunked = client.post("/msgReqs", content=chunks())
    assert chunked.status_code == 413
    assert "larger than the limit" in chunked.json()["detail"]

    # A large reservation under the limit still passes (recipients are most of a body).
    body = reservation_body()
    body["dstNum"] = [f"010{n:08d}" for n in range(3000)]
    assert len(json.dumps(body)) < MAX_BODY_BYTES
    assert client.post("/msgReqs", json=body).status_code == 201


@pytest.fixture
def monitoring_stopped(private_stack: Stack) -> Iterator[Stack]:
    """Monitoring down (SIGTERM) for the test's length, then serving HTTP again.

    Only its HTTP side is waited for: its consumer takes from seconds (after a stop)
    to about a minute (after a SIGKILL, until the broker drops the dead member) to
    rejoin its group, and nothing here needs the projection.
    """
    private_stack.processes["monitoring"].stop()
    try:
        yield private_stack
    finally:
        if not private_stack.processes["monitoring"].alive():
            private_stack.processes["monitoring"].start()
        private_stack.processes["monitoring"].wait_ready(timeout_s=60, path="/health/live")
        wait_until(lambda: _monitoring_answers(private_stack), timeout_s=10, interval_s=0.2)


@pytest.fixture
def monitoring_killed(private_stack: Stack) -> Stack:
    """Monitoring SIGKILLed, and left dead: the module's last test uses this.

    Restarting it would cost the module about 15 s: a monitoring whose consumer is
    still waiting to rejoin its group (the broker holds the killed member's partitions
    until its session times out) takes about 13 s to stop gracefully.
    """
    private_stack.processes["monitoring"].kill()
    return private_stack


def _monitoring_answers(stack: Stack) -> bool:
    """The gateway reaches monitoring again (its circuit, if open, has closed)."""
    response = httpx.get(
        stack.gateway_url + "/monitorings", headers=stack.operator_headers, timeout=5
    )
    return response.status_code == 200


def test_the_circuit_opens_after_repeated_failures_and_closes_after_recovery(
    monitoring_stopped: Stack, client: httpx.Client
) -> None:
    gateway_log = monitoring_stopped.processes["gateway"].log_file
    log_start = log_size(monitoring_stopped, "gateway")
    path = f"/monitorings/{uuid.uuid4()}"

    answers = [client.get(path) for _ in range(BREAKER_THRESHOLD)]
    assert [a.status_code for a in answers] == [503] * BREAKER_THRESHOLD
    assert all("unreachable" in a.json()["detail"] for a in answers)

    started = time.monotonic()
    opened = [client.get(path) for _ in range(5)]
    elapsed = time.monotonic() - started
    assert [a.status_code for a in opened] == [503] * 5
    assert all("circuit open" in a.json()["detail"] for a in opened)
    assert all(1 <= int(a.headers["retry-after"]) <= BREAKER_OPEN_S + 1 for a in opened)
    # Answered at once (the log below shows no call was made), with a busy machine's margin.
    assert elapsed < 2.0, f"5 answers from an open circuit took {elapsed:.2f} s"
    # Without trying: the gateway met an unreachable upstream only for the first ones.
    tried = [
        e
        for e in json_lines(gateway_log, log_start)
        if e.get("event") == "upstream_unreachable" and e.get("upstream") == "monitoring"
    ]
    assert len(tried) == BREAKER_THRESHOLD

    # Other routes have their own circuit, still closed.
    assert client.post("/msgReqs", json=reservation_body()).status_code == 201

    monitoring_stopped.processes["monitoring"].start()
    monitoring_stopped.processes["monitoring"].wait_ready(timeout_s=60, path="/health/live")
    # Once the open period has passed, the next request is tried, succeeds and closes it.
    recovered = wait_until(
        lambda: (r := client.get(path)).status_code != 503 and r,
        timeout_s=BREAKER_OPEN_S + 5,
        interval_s=0.1,
    )
    assert recovered.status_code == 404  # monitoring's own answer: no such reservation
    assert client.get("/monitorings", params={"userId": "u-gw"}).status_code == 200


def test_a_killed_service_is_isolated_from_the_others(
    monitoring_killed: Stack, client: httpx.Client
) -> None:
    started = time.monotonic()
    dead = client.get(f"/monitorings/{uuid.uuid4()}")
    elapsed = time.monotonic() - started
    assert dead.status_code == 503
    assert int(dead.headers["retry-after"]) >= 1
    assert dead.json()["service"] == "monitoring"
    # A refused connection is answered at once, not after the read timeout (10 s).
    assert elapsed < 3.0, f"the gateway took {elapsed:.2f} s to answer for a dead service"

    created = client.post("/msgReqs", json=reservation_body())
    assert created.status_code == 201, created.text
    assert client.get(f"/msgReqs/{created.json()['id']}").status_code == 200

    # The gateway itself stays ready (in its load balancer): one service down is not a
    # reason to stop serving the others. Its body says which one is missing.
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["services"]["monitoring"]["ready"] is False
    assert body["services"]["monitoring"]["detail"]["status"] == "unreachable"
    assert all(s["ready"] for name, s in body["services"].items() if name != "monitoring")
