"""Fixtures for every test folder: a real PostgreSQL database, a real broker, the stack.

Nothing here is mocked: the database is PostgreSQL (the configured server, or an
embedded one), the broker is Tansu speaking the Kafka protocol over TCP. The helpers
behind these fixtures are the test-support package (`testsupport/`, imported as
`msgplat_testsupport`), which the images do not carry.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from msgplat.contracts.migrations import SERVICES_WITH_TABLES, upgrade
from msgplat.devstack.postgres import drop_database, ensure_database
from msgplat.devstack.reconcile import reconcile
from msgplat_testsupport.brokers import BrokerHandle, running_broker
from msgplat_testsupport.databases import fresh_database_url, postgres_server_url
from msgplat_testsupport.stack import Stack, advertising_hours_around
from msgplat_testsupport.webhooks import RECEIVERS_ALLOWED


@dataclass(frozen=True)
class ConfiguredBroker:
    bootstrap_servers: str


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A new database for this test session with every service's migrations applied."""
    url = fresh_database_url(postgres_server_url())
    asyncio.run(ensure_database(url))
    for service in SERVICES_WITH_TABLES:
        upgrade(service, url)
    yield url
    asyncio.run(drop_database(url))


@pytest.fixture(scope="session")
def broker() -> Iterator[BrokerHandle | ConfiguredBroker]:
    """TEST_KAFKA_BOOTSTRAP_SERVERS when set (e.g. an Apache Kafka), else a new Tansu.

    Fault tests always start their own Tansu behind a proxy they can cut.
    """
    configured = os.environ.get("TEST_KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield ConfiguredBroker(configured)
        return
    with running_broker() as handle:
        yield handle


@pytest.fixture(scope="session")
def service_env(database_url: str, broker: BrokerHandle | ConfiguredBroker) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
        "LOG_LEVEL": "INFO",
        # Advertising may be sent whenever the tests run; one closed hour, 11 h ahead.
        "AD_SENDING_HOURS": advertising_hours_around(datetime.now(UTC)),
        # Tests reserve a few seconds ahead (the default lead time is 10 minutes).
        "RESERVE_MIN_LEAD_S": "1",
        # Webhooks may reach the tests' receivers on 127.0.0.1.
        **RECEIVERS_ALLOWED,
    }


@pytest.fixture(scope="session")
def stack(service_env: dict[str, str]) -> Iterator[Stack]:
    """The whole platform as real processes, shared by the end-to-end tests."""
    stack = Stack(env=dict(service_env))
    stack.start()
    yield stack
    try:
        _everything_adds_up(stack)
    finally:
        stack.stop()


def _everything_adds_up(stack: Stack) -> None:
    """After the tests: every finished reservation reconciles across send, billing, stat.

    Accounting may trail the last result by a moment, so it is polled for a while.
    """
    report = asyncio.run(reconcile(stack.gateway_url, headers=stack.operator_headers))
    deadline = time.monotonic() + 30
    while report.differences and time.monotonic() < deadline:
        time.sleep(0.5)
        report = asyncio.run(reconcile(stack.gateway_url, headers=stack.operator_headers))
    assert not report.differences, "reconciliation found differences:\n" + "\n".join(
        report.differences[:50]
    )
