"""Outages, throughput cap, latency, the config API and reset."""

from __future__ import annotations

import time

import httpx
import pytest

from msgplat_testsupport.carrier import CarrierClient, message, poll


def test_outage_error_answers_503_with_retry_after(carrier: CarrierClient) -> None:
    carrier.configure(outage="error", outage_retry_after_s=3)
    refused = carrier.submit([message("e-1")])
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "3"
    assert carrier.received()["total"] == 0
    carrier.configure(outage="none")
    assert carrier.submit([message("e-1")]).status_code == 200
    assert carrier.stats()["unavailable"] == 1


def test_outage_hang_gives_no_answer_until_the_client_gives_up(carrier: CarrierClient) -> None:
    carrier.configure(outage="hang")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        carrier.submit([message("h-1")], timeout=0.5)
    assert time.monotonic() - started >= 0.5
    carrier.configure(outage="none")
    assert carrier.received()["total"] == 0
    assert carrier.submit([message("h-1")]).json()["results"][0]["duplicate"] is False


def test_over_the_throughput_cap_is_429_with_retry_after(carrier: CarrierClient) -> None:
    carrier.configure(max_per_second=200)
    assert carrier.submit([message(f"t-{i}") for i in range(200)]).status_code == 200
    throttled = carrier.submit([message(f"t-more-{i}") for i in range(100)])
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "1"
    assert carrier.received()["total"] == 200
    # The bucket refills at 200 messages per second: 100 more in about half a second.
    poll(
        lambda: carrier.submit([message(f"t-more-{i}") for i in range(100)]).status_code == 200,
        timeout_s=3,
        interval_s=0.1,
    )
    assert carrier.received()["total"] == 300
    assert carrier.stats()["throttled"] >= 1


def test_latency_is_added_to_each_submit(carrier: CarrierClient) -> None:
    carrier.configure(latency_ms=300)
    started = time.monotonic()
    assert carrier.submit([message("l-1")]).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_config_takes_partial_updates_and_refuses_bad_ones(carrier: CarrierClient) -> None:
    config = carrier.configure(failureRate=0.25, fail_suffixes={"13": "3001", "7": "3002"})
    assert config["failure_rate"] == 0.25
    assert config["fail_suffixes"] == {"13": "3001", "7": "3002"}
    assert config["blocked_suffixes"] == {"9999": "1002"}  # untouched, from the environment
    assert carrier.http.get("/admin/config").json() == config

    for bad, loc in [
        ({"failure_rate": 2}, ["body", "failure_rate"]),
        ({"outage": "sometimes"}, ["body", "outage"]),
        ({"fail_suffixes": {"12a": "3001"}}, ["body", "fail_suffixes"]),
        ({"no_such_knob": 1}, ["body", "no_such_knob"]),
    ]:
        response = carrier.http.put("/admin/config", json=bad)
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"] == loc
    assert carrier.http.get("/admin/config").json() == config


def test_reset_forgets_everything_and_restores_the_start_up_config(
    carrier: CarrierClient,
) -> None:
    start_up = carrier.http.get("/admin/config").json()
    assert start_up["seed"] == 7 and start_up["fail_suffixes"] == {"0000": "3001"}
    carrier.configure(failure_rate=1.0, outage="error")
    carrier.configure(outage="none")
    carrier.submit([message("reset-1"), message("reset-2")])
    carrier.reset()
    assert carrier.http.get("/admin/config").json() == start_up
    assert carrier.received() == {"total": 0, "items": []}
    stats = carrier.stats()
    assert stats["received"] == stats["reportsPending"] == stats["unavailable"] == 0
    # A ref from before the reset is new again.
    assert carrier.submit([message("reset-1")]).json()["results"][0]["duplicate"] is False
