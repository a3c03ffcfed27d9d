"""Test helpers shared by every test folder: a real PostgreSQL, a real broker, the stack.

Used by the root `conftest.py`; kept here (an importable module) because pytest's
importlib mode does not let test folders import each other.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import string
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
import orjson
from aiokafka import ConsumerRecord

from msgplat.contracts.events import CATALOGUE
from msgplat.contracts.migrations import SERVICES_WITH_TABLES, upgrade
from msgplat.devstack.broker import TansuBroker, free_port
from msgplat.devstack.postgres import (
    drop_database,
    embedded_postgres_url,
    ensure_database,
    with_database,
)
from msgplat.devstack.services import SERVICES, ServiceProcess, ServiceSpec, wiring_env
from msgplat.devstack.tcp_proxy import ThreadedTcpProxy
from msgplat.gateway.credentials import new_api_key
from msgplat.plumbing.envelope import EventEnvelope

ARTIFACTS = Path("test-artifacts")
SEOUL = ZoneInfo("Asia/Seoul")


def advertising_hours_around(now: datetime) -> str:
    """`AD_SENDING_HOURS` for a test stack: open for the 12 hours before `now` and the 11
    after, closed for the hour after that. Advertising can be sent whenever the tests
    run, and a reservation due `now + 11h30m` falls in the closed hour."""
    local = now.astimezone(SEOUL)
    opens = (local - timedelta(hours=12)).strftime("%H:%M")
    closes = (local + timedelta(hours=11)).strftime("%H:%M")
    return f"{opens}-{closes}"


T = TypeVar("T")


def postgres_server_url() -> str:
    """The configured server (TEST_DATABASE_URL or DATABASE_URL), else an embedded one."""
    configured = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if configured:
        return configured
    return embedded_postgres_url(Path(".devstack/test-pgdata"))


def fresh_database_url(server_url: str) -> str:
    return with_database(server_url, f"msgplat_test_{uuid.uuid4().hex[:10]}")


@contextmanager
def running_broker(*, behind_proxy: bool = False) -> Iterator[BrokerHandle]:
    """A new in-memory Tansu broker; with `behind_proxy`, clients reach it through a
    loopback proxy that the test can cut and restore (an outage without data loss)."""
    port = free_port()
    proxy_port = free_port() if behind_proxy else None
    broker = TansuBroker(
        port,
        advertised_port=proxy_port,
        log_file=ARTIFACTS / "logs" / f"broker-{port}.log",
    )
    broker.start()
    proxy = None
    if proxy_port is not None:
        proxy = ThreadedTcpProxy(proxy_port, port)
        proxy.start()
    try:
        yield BrokerHandle(broker=broker, proxy=proxy)
    finally:
        if proxy is not None:
            proxy.stop()
        broker.stop()


@dataclass
class BrokerHandle:
    broker: TansuBroker
    proxy: ThreadedTcpProxy | None = None

    @property
    def bootstrap_servers(self) -> str:
        return self.broker.bootstrap_servers


@dataclass
class Stack:
    """Every service as a real process on free ports, the gateway in front.

    The gateway knows one operator (`operator_key`), who sees everything and acts for
    any customer by naming them in `userId`: the tests that are not about who may do
    what use it. `new_customer` makes a customer whose key sees only their own data.
    """

    env: dict[str, str]
    processes: dict[str, ServiceProcess] = field(default_factory=dict)
    operator_key: str = field(default_factory=new_api_key)
    # More than 1: more carrier simulators (`carrier-b`, `carrier-c`... named `sim-b`,
    # `sim-c`... each with its own API key and callback token), and the send service
    # gets them all in `CARRIERS`, the first simulator (`sim`) first.
    carriers: int = 1

    @property
    def gateway_url(self) -> str:
        return self.processes["gateway"].url

    @property
    def operator_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.operator_key}"}

    def new_customer(self, user_id: str | None = None, **account: object) -> Customer:
        """A new customer account (and its API key); `account` may set `password`,
        `requestsPerSecond`, `recipientsPerDay`."""
        user_id = user_id or f"c-{uuid.uuid4().hex[:12]}"
        response = httpx.post(
            self.gateway_url + "/auth/customers",
            json={"userId": user_id, **account},
            headers=self.operator_headers,
            timeout=10,
        )
        response.raise_for_status()
        return Customer(user_id=user_id, api_key=response.json()["apiKey"])

    def url(self, service: str) -> str:
        return self.processes[service].url

    def start(self, names: list[str] | None = None) -> None:
        ports = {spec.name: free_port() for spec in SERVICES}
        env = {
            "AUTH_TOKEN_SECRET": secrets.token_urlsafe(32),
            "OPERATOR_API_KEY": self.operator_key,
            **self.env,
            **wiring_env(ports),
        }
        specs = {spec.name: (spec, env) for spec in SERVICES}
        if self.carriers > 1:
            specs = self._more_carriers(specs, env)
        for name, (spec, spec_env) in specs.items():
            if names is None or name in names:
                port = ports.get(name) or spec.port
                self.processes[name] = ServiceProcess(
                    spec, spec_env, ARTIFACTS / "logs" / f"{name}-{port}.log", port=port
                )
        for process in self.processes.values():
            process.start()
        try:
            for process in self.processes.values():
                process.wait_ready(timeout_s=60)
        except BaseException:
            self.stop()  # no process outlives a failed start
            raise

    def _more_carriers(
        self, specs: dict[str, tuple[ServiceSpec, dict[str, str]]], env: dict[str, str]
    ) -> dict[str, tuple[ServiceSpec, dict[str, str]]]:
        """Add the simulators after the first (each on a free port, with its own key and
        token) and tell the send service about every one (`CARRIERS`)."""
        carriers = [
            {
                "name": env.get("CARRIER_NAME", "sim"),
                "url": env["CARRIER_URL"],
                "apiKey": env.get("CARRIER_API_KEY", "sim-key"),
                "callbackToken": env.get("CARRIER_CALLBACK_TOKEN", "sim-callback"),
            }
        ]
        more: dict[str, tuple[ServiceSpec, dict[str, str]]] = {}
        for letter in string.ascii_lowercase[1 : self.carriers]:
            spec = ServiceSpec(f"carrier-{letter}", free_port(), package="carrier")
            name = f"sim-{letter}"
            key, token = f"{name}-key", f"{name}-callback"
            own = {**env, "CARRIER_API_KEY": key, "CARRIER_CALLBACK_TOKEN": token}
            more[spec.name] = (spec, own)
            carriers.append(
                {"name": name, "url": f"http://127.0.0.1:{spec.port}", "apiKey": key,
                 "callbackToken": token}
            )  # fmt: skip
        env.setdefault("CARRIERS", json.dumps(carriers))
        names = [c["name"] for c in carriers]
        env.setdefault("CARRIER_PRIORITY", json.dumps({"SMS": names, "LMS": names}))
        first, *rest = specs.items()
        return dict([first, *more.items(), *rest])

    def restart(self, name: str, *, kill: bool = True) -> None:
        process = self.processes[name]
        process.kill() if kill else process.stop()
        process.start()
        process.wait_ready(timeout_s=60)

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()


@dataclass(frozen=True)
class Customer:
    user_id: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


# The carrier simulator at zero latency, delivering every message: what a benchmark of
# the platform's own speed runs against.
ZERO_LATENCY_CARRIER = {
    "CARRIER_REPORT_DELAY_MS": "0",
    "CARRIER_LATENCY_MS": "0",
    "CARRIER_FAIL_SUFFIXES": "{}",
}


@contextmanager
def own_database(*services: str) -> Iterator[str]:
    """A throwaway database with the tables of `services`, for tests that run a service's
    background worker (a sender, a webhook dispatcher) themselves: in the session's
    database the shared stack's own workers would take their work."""
    url = fresh_database_url(postgres_server_url())
    asyncio.run(ensure_database(url))
    try:
        for service in services:
            upgrade(service, url)
        yield url
    finally:
        asyncio.run(drop_database(url))


@contextmanager
def platform_on_loopback(
    env: dict[str, str] | None = None, *, carriers: int = 1
) -> Iterator[tuple[Stack, str]]:
    """A platform of its own: a fresh database (migrated) on the configured or embedded
    PostgreSQL, a new Tansu broker, and every service started on free ports (with
    `carriers` simulators); yields the stack and its database URL, then stops everything
    it started and drops the database. For the benchmarks, and for the tests that need
    another configuration than the shared stack's: a second stack on the same database
    and broker would take the shared one's jobs and consumer partitions."""
    database_url = fresh_database_url(postgres_server_url())
    asyncio.run(ensure_database(database_url))
    try:
        for service in SERVICES_WITH_TABLES:
            upgrade(service, database_url)
        with running_broker() as broker:
            stack = Stack(
                env={
                    "DATABASE_URL": database_url,
                    "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
                    # The benchmarks reserve a few seconds ahead.
                    "RESERVE_MIN_LEAD_S": "1",
                    **(env or {}),
                },
                carriers=carriers,
            )
            stack.start()
            try:
                yield stack, database_url
            finally:
                stack.stop()
    finally:
        asyncio.run(drop_database(database_url))


def wait_until(
    condition: Callable[[], T | None], *, timeout_s: float = 10.0, interval_s: float = 0.02
) -> T:
    """Poll `condition` until it returns something truthy; fail with a clear message."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s: {condition}")
        time.sleep(interval_s)


async def eventually(
    condition: Callable[[], Awaitable[T | None]],
    *,
    timeout_s: float = 10.0,
    interval_s: float = 0.02,
) -> T:
    """`wait_until` for async conditions."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s: {condition}")
        await asyncio.sleep(interval_s)


def credit_new_customers(
    gateway_url: str, headers: dict[str, str], amount: int = 10_000_000
) -> Callable[[httpx.Request], None]:
    """An httpx request hook: before a customer's first `POST /msgReqs`, top them up.

    The saga rejects a reservation its customer cannot pay for; tests about other
    rules (validation, listing, cancel) start with funded customers this way.
    """
    funded: set[str] = set()

    def hook(request: httpx.Request) -> None:
        if request.method != "POST" or request.url.path != "/msgReqs":
            return
        try:
            user = orjson.loads(request.content).get("userId")
        except (orjson.JSONDecodeError, AttributeError):
            return
        if isinstance(user, str) and user not in funded:
            funded.add(user)
            httpx.post(
                gateway_url + "/billings/topups",
                json={"userId": user, "amount": amount},
                headers=headers,
                timeout=10,
            )  # an invalid userId is refused here too; the test's own POST says why

    return hook


def received_by_carrier(carrier: httpx.Client, reservation_id: str) -> list[dict[str, Any]]:
    """Every message the carrier simulator received for a reservation (its refs start
    with the reservation id), through its admin API, page by page."""
    items: list[dict[str, Any]] = []
    while True:
        body = carrier.get(
            "/admin/received",
            params={"refPrefix": reservation_id, "offset": len(items), "limit": 5000},
        ).json()
        items += body["items"]
        if len(items) >= body["total"]:
            return items


_offsets = itertools.count()


def as_records(envelopes: Iterable[EventEnvelope]) -> list[ConsumerRecord]:
    """Envelopes as the Kafka records a consumer polls (each delivery a new offset),
    for driving `IdempotentConsumer.apply()` without a broker in projection tests."""
    records = []
    for envelope in envelopes:
        value = envelope.to_bytes()
        records.append(
            ConsumerRecord(
                topic=CATALOGUE[envelope.event_type].topic,
                partition=0,
                offset=next(_offsets),
                timestamp=0,
                timestamp_type=0,
                key=envelope.key,
                value=value,
                checksum=None,
                serialized_key_size=len(envelope.key),
                serialized_value_size=len(value),
                headers=envelope.headers(),
            )
        )
    return records
