"""A simulator stopped with SIGTERM: with CARRIER_DRAIN_REPORTS_ON_STOP_S it still
reports the messages it took (as a carrier whose API goes down still delivers them);
without, its pending reports are lost with the process."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from msgplat_testsupport.carrier import CarrierClient, ReportReceiver, message, running_carrier

LOGS = Path("test-artifacts") / "logs"


@pytest.mark.parametrize(("drain_s", "reported"), [("10", 20), ("0", 0)])
def test_a_stopped_simulator_reports_what_it_took_only_when_told_to_drain(
    receiver: ReportReceiver, drain_s: str, reported: int
) -> None:
    receiver.clear()
    env = {
        "CARRIER_DRAIN_REPORTS_ON_STOP_S": drain_s,
        "CARRIER_REPORT_DELAY_MS": "1000",  # still pending when the stop comes
        "CARRIER_CALLBACK_TOKEN": "stop-test",
        "CARRIER_API_KEY": "stop-key",
    }
    with running_carrier(env, LOGS) as process, httpx.Client(base_url=process.url) as http:
        client = CarrierClient(http=http, report_url=receiver.url, api_key="stop-key")
        answer = client.submit([message(f"stop-{drain_s}-{i}") for i in range(20)])
        assert answer.status_code == 200, answer.text
        process.stop()  # SIGTERM, then waits for the process to end
        with pytest.raises(httpx.ConnectError):
            client.submit([message("too-late")], timeout=2)
    assert len(receiver.reports()) == reported
    assert all(post.authorization == "Bearer stop-test" for post in receiver.posts)
