"""One simulator process and one report receiver for the carrier tests, reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from msgplat.devstack.services import ServiceProcess
from msgplat_testsupport.carrier import (
    API_KEY,
    SIMULATOR_CREDENTIALS,
    CarrierClient,
    ReportReceiver,
    running_carrier,
)


@pytest.fixture(scope="session")
def carrier_process() -> Iterator[ServiceProcess]:
    env = {
        **SIMULATOR_CREDENTIALS,
        "CARRIER_REPORT_DELAY_MS": "200",
        # Start-up knobs come from the environment; tests change them per run.
        "CARRIER_BLOCKED_SUFFIXES": '{"9999": "1002"}',
        "CARRIER_SEED": "7",
    }
    with running_carrier(env, Path("test-artifacts") / "logs") as process:
        yield process


@pytest.fixture(scope="session")
def receiver() -> Iterator[ReportReceiver]:
    server = ReportReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def carrier(carrier_process: ServiceProcess, receiver: ReportReceiver) -> Iterator[CarrierClient]:
    with httpx.Client(base_url=carrier_process.url, timeout=10) as http:
        client = CarrierClient(http=http, report_url=receiver.url, api_key=API_KEY)
        client.reset()
        receiver.clear()
        yield client
