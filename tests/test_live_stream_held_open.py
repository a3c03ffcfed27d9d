"""An idle live stream stays open through the gateway: no timeout on the path cuts it.

The gateway's read timeout to the services (UPSTREAM_READ_TIMEOUT_S, 10 s) does not
apply to the stream, and the stream's keep-alives (LIVE_PING_S) come well inside every
idle timeout on the way (the gateway's, a load balancer's 60 s). A minute-long test: it
holds one stream for 60 s and checks it never ended and was never silent for long.
"""

from __future__ import annotations

import time

import httpx
import pytest

from msgplat.gateway.settings import GatewaySettings
from msgplat.monitoring.settings import MonitoringSettings
from msgplat_testsupport.stack import Stack

HELD_S = 60
LOAD_BALANCER_IDLE_S = 60
PING_S = MonitoringSettings.model_fields["live_ping_s"].default
pytestmark = pytest.mark.e2e


def test_the_keep_alive_comes_well_inside_every_timeout() -> None:
    read_timeout = GatewaySettings.model_fields["upstream_read_timeout_s"].default
    assert read_timeout >= PING_S  # for a proxy that would apply it anyway
    assert PING_S <= LOAD_BALANCER_IDLE_S / 4


def test_an_idle_stream_is_held_open_for_a_minute_without_a_reconnect(stack: Stack) -> None:
    customer = stack.new_customer()  # no reservations: nothing but keep-alives
    gaps: list[float] = []
    lines = 0
    ended: Exception | None = None
    with (
        httpx.Client(base_url=stack.gateway_url, timeout=httpx.Timeout(10, read=None)) as client,
        client.stream("GET", "/monitorings/stream", headers=customer.headers) as response,
    ):
        assert response.status_code == 200
        opened = last = time.monotonic()
        try:
            for line in response.iter_lines():
                now = time.monotonic()
                if line:
                    gaps.append(now - last)
                    last = now
                    lines += 1
                if now - opened >= HELD_S:
                    break
        except httpx.HTTPError as exc:  # cut on the way (a timeout at the gateway)
            ended = exc
        held = time.monotonic() - opened
    print(f"held {held:.1f} s; {lines} lines; longest silence {max(gaps, default=0):.1f} s")
    assert held >= HELD_S, f"the stream ended after {held:.1f} s: {ended!r}"
    assert lines >= HELD_S // PING_S - 1
    assert max(gaps) < PING_S + 5
