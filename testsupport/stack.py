"""The whole platform as real processes on loopback, for the end-to-end tests and the
benchmarks: every service on a free port, the gateway in front, and its customers."""

from __future__ import annotations

import asyncio
import json
import secrets
import string
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson

from msgplat.contracts.migrations import SERVICES_WITH_TABLES, upgrade
from msgplat.devstack.broker import free_port
from msgplat.devstack.postgres import drop_database, ensure_database
from msgplat.devstack.services import SERVICES, ServiceProcess, ServiceSpec, wiring_env
from msgplat.devstack.tcp_proxy import ThreadedTcpProxy
from msgplat.plumbing.api_keys import new_api_key
from msgplat_client import AuthenticatedClient
from msgplat_testsupport import ARTIFACTS
from msgplat_testsupport.brokers import running_broker
from msgplat_testsupport.databases import fresh_database_url, postgres_server_url
from msgplat_testsupport.senders import (
    TEST_CALLBACK_NUM,
    approve_callback_numbers,
    approve_sender,
)
from msgplat_testsupport.webhooks import RECEIVERS_ALLOWED

SEOUL = ZoneInfo("Asia/Seoul")


def advertising_hours_around(now: datetime) -> str:
    """`AD_SENDING_HOURS` for a test stack: open for the 12 hours before `now` and the 11
    after, closed for the hour after that. Advertising can be sent whenever the tests
    run, and a reservation due `now + 11h30m` falls in the closed hour."""
    local = now.astimezone(SEOUL)
    opens = (local - timedelta(hours=12)).strftime("%H:%M")
    closes = (local + timedelta(hours=11)).strftime("%H:%M")
    return f"{opens}-{closes}"


@dataclass
class Stack:
    """Every service as a real process on free ports, the gateway in front.

    The gateway knows one operator (`operator_key`), who sees everything and acts for
    any customer by naming them in `userId`: the tests that are not about who may do
    what use it. `new_customer` makes a customer whose key sees only their own data;
    `top_up` gives a customer credit, as only an operator can.

    No service has a default secret: `start` generates the carrier's API key and
    callback token (into `env`, unless given) like the gateway's token secret.

    Every callback number must be a verified sender of its customer (`/senders`): as
    `make run` does for `demo` (DEMO_SENDERS), the stack's customers get theirs approved
    by the operator (`new_customer`; `senders.approve_callback_numbers` for clients that
    reserve for customers named in `userId`).
    """

    env: dict[str, str]
    processes: dict[str, ServiceProcess] = field(default_factory=dict)
    operator_key: str = field(default_factory=new_api_key)
    # More than 1: more carrier simulators (`carrier-b`, `carrier-c`... named `sim-b`,
    # `sim-c`... each with its own API key and callback token), and the send service
    # gets them all in `CARRIERS`, the first simulator (`sim`) first.
    carriers: int = 1
    _carriers: list[dict[str, str]] = field(default_factory=list, repr=False)
    # Service -> how many processes of it (more than 1: `send`, `send-2`, `send-3`...,
    # each on its own port with the same settings). The gateway takes them in turn (its
    # `<NAME>_URL` lists them); other services and the carrier's reports, which name one
    # URL, reach the first, or the gateway (send's reports, when send has replicas).
    replicas: dict[str, int] = field(default_factory=dict)
    # Between the services and the broker when the platform was started with
    # `broker_proxy`: cut and restored by the test (an outage that loses nothing).
    broker_proxy: ThreadedTcpProxy | None = None

    @property
    def gateway_url(self) -> str:
        return self.processes["gateway"].url

    @property
    def operator_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.operator_key}"}

    @property
    def carrier_callback_tokens(self) -> dict[str, str]:
        """Carrier name -> the callback token it reports with (its own path:
        `/carrier/reports/<name>` on the send service, or through the gateway)."""
        return {c["name"]: c["callbackToken"] for c in self._carriers}

    def operator_client(self, *, timeout: float = 10, funded: bool = False) -> httpx.Client:
        """The gateway as the operator, who acts for any customer named in `userId`: each
        callback number a reservation of theirs names is approved as their sender first
        (`approve_callback_numbers`) and, `funded`, each new customer is topped up before
        their first reservation (`credit_new_customers`). Use it as a context manager."""
        return httpx.Client(
            base_url=self.gateway_url,
            headers=self.operator_headers,
            timeout=timeout,
            event_hooks={"request": self._operator_hooks(funded)},
        )

    def operator_api(self, *, timeout: float = 10, funded: bool = False) -> AuthenticatedClient:
        """`operator_client` as the generated client (`msgplat_client`, clients/python/),
        with the same hooks: what a customer's program uses. A context manager too."""
        return AuthenticatedClient(
            base_url=self.gateway_url,
            token=self.operator_key,
            timeout=httpx.Timeout(timeout),
            httpx_args={"event_hooks": {"request": self._operator_hooks(funded)}},
        )

    def _operator_hooks(self, funded: bool) -> list[Callable[[httpx.Request], None]]:
        hooks = [approve_callback_numbers(self.gateway_url, self.operator_headers)]
        if funded:
            hooks.insert(0, credit_new_customers(self.gateway_url, self.operator_headers))
        return hooks

    def top_up(self, user_id: str, amount: int, note: str | None = None) -> dict[str, Any]:
        """Credit for a customer, through the gateway as the operator (the only way in)."""
        response = httpx.post(
            self.gateway_url + "/billings/topups",
            json={"userId": user_id, "amount": amount, "note": note or "test credit"},
            headers=self.operator_headers,
            timeout=10,
        )
        response.raise_for_status()
        topup: dict[str, Any] = response.json()
        return topup

    def new_customer(
        self,
        user_id: str | None = None,
        *,
        senders: tuple[str, ...] = (TEST_CALLBACK_NUM,),
        credit: int = 0,
        **account: object,
    ) -> Customer:
        """A new customer account (and its API key), with `senders` approved as their
        callback numbers and `credit` topped up (none: 0); `account` may set `password`,
        `requestsPerSecond`, `recipientsPerDay`."""
        user_id = user_id or f"c-{uuid.uuid4().hex[:12]}"
        response = httpx.post(
            self.gateway_url + "/auth/customers",
            json={"userId": user_id, **account},
            headers=self.operator_headers,
            timeout=10,
        )
        response.raise_for_status()
        for number in senders:
            approve_sender(self.gateway_url, self.operator_headers, user_id, number)
        if credit:
            self.top_up(user_id, credit)
        return Customer(user_id=user_id, api_key=response.json()["apiKey"])

    def customer_client(self, customer: Customer, *, timeout: float = 30) -> httpx.Client:
        """The gateway as `customer`, with their own key. Use it as a context manager."""
        return httpx.Client(base_url=self.gateway_url, headers=customer.headers, timeout=timeout)

    def customer_api(self, customer: Customer, *, timeout: float = 30) -> AuthenticatedClient:
        """The gateway as `customer` through the generated client (`msgplat_client`)."""
        return AuthenticatedClient(
            base_url=self.gateway_url, token=customer.api_key, timeout=httpx.Timeout(timeout)
        )

    def url(self, service: str) -> str:
        return self.processes[service].url

    def start(self, names: list[str] | None = None) -> None:
        ports = {spec.name: free_port() for spec in SERVICES}
        for name in ("CARRIER_API_KEY", "CARRIER_CALLBACK_TOKEN"):
            self.env.setdefault(name, secrets.token_urlsafe(24))
        env = {
            "AUTH_TOKEN_SECRET": secrets.token_urlsafe(32),
            "OPERATOR_API_KEY": self.operator_key,
            # As `make run`: the demo customer's callback number, approved at start.
            "DEMO_SENDERS": json.dumps({"demo": [TEST_CALLBACK_NUM]}),
            **self.env,
            **wiring_env(ports),
        }
        self._carriers = [
            {
                "name": env.get("CARRIER_NAME", "sim"),
                "url": env["CARRIER_URL"],
                "apiKey": env["CARRIER_API_KEY"],
                "callbackToken": env["CARRIER_CALLBACK_TOKEN"],
            }
        ]
        specs = {spec.name: (spec, env) for spec in SERVICES}
        if self.carriers > 1:
            specs = self._more_carriers(specs, env)
        if any(count > 1 for count in self.replicas.values()):
            specs = self._more_replicas(specs, env, ports)
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
        carriers = self._carriers
        more: dict[str, tuple[ServiceSpec, dict[str, str]]] = {}
        for letter in string.ascii_lowercase[1 : self.carriers]:
            spec = ServiceSpec(f"carrier-{letter}", free_port(), package="carrier")
            name = f"sim-{letter}"
            key, token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
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

    def _more_replicas(
        self,
        specs: dict[str, tuple[ServiceSpec, dict[str, str]]],
        env: dict[str, str],
        ports: dict[str, int],
    ) -> dict[str, tuple[ServiceSpec, dict[str, str]]]:
        """Add `name-2`... after each replicated service; the gateway lists them all."""
        gateway_env = dict(env)
        if self.replicas.get("send", 1) > 1:
            # Send's delivery reports through the gateway: to whichever replica is up.
            env["REPORT_CALLBACK_URL"] = f"http://127.0.0.1:{ports['gateway']}/carrier/reports"
        out: dict[str, tuple[ServiceSpec, dict[str, str]]] = {}
        for name, (spec, spec_env) in specs.items():
            out[name] = (spec, gateway_env if name == "gateway" else spec_env)
            count = self.replicas.get(name, 1)
            urls = [f"http://127.0.0.1:{ports.get(name) or spec.port}"]
            for index in range(2, count + 1):
                more = ServiceSpec(f"{name}-{index}", free_port(), package=spec.package or name)
                out[more.name] = (more, spec_env)
                urls.append(f"http://127.0.0.1:{more.port}")
            if count > 1:
                gateway_env[f"{name.upper()}_URL"] = ",".join(urls)
        gateway_env["REPORT_CALLBACK_URL"] = env["REPORT_CALLBACK_URL"]
        return out

    def replica_names(self, name: str) -> list[str]:
        """The processes of service `name`: `name`, `name-2`..."""
        return [name] + [f"{name}-{i}" for i in range(2, self.replicas.get(name, 1) + 1)]

    def restart(self, name: str, *, kill: bool = True, ready_timeout_s: float = 60) -> None:
        process = self.processes[name]
        process.kill() if kill else process.stop()
        process.start()
        process.wait_ready(timeout_s=ready_timeout_s)

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
def own_platform(
    env: dict[str, str],
    *,
    carriers: int = 1,
    replicas: dict[str, int] | None = None,
    broker_proxy: bool = False,
) -> Iterator[tuple[Stack, str]]:
    """A platform of its own: a fresh database (migrated) on the configured or embedded
    PostgreSQL, a new Tansu broker, and every service started on free ports (with
    `carriers` simulators and `env`); yields the stack and its database URL, then stops
    everything it started and drops the database. For the benchmarks, and for the tests
    that need another configuration than the shared stack's: a second stack on the same
    database and broker would take the shared one's jobs and consumer partitions. With
    `broker_proxy`, the services reach the broker through `stack.broker_proxy`."""
    database_url = fresh_database_url(postgres_server_url())
    asyncio.run(ensure_database(database_url))
    try:
        for service in SERVICES_WITH_TABLES:
            upgrade(service, database_url)
        with running_broker(behind_proxy=broker_proxy) as broker:
            stack = Stack(
                env={
                    "DATABASE_URL": database_url,
                    "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
                    **env,
                },
                carriers=carriers,
                replicas=replicas or {},
                broker_proxy=broker.proxy,
            )
            try:
                stack.start()
                yield stack, database_url
            finally:
                stack.stop()
    finally:
        asyncio.run(drop_database(database_url))


@contextmanager
def platform_on_loopback(
    env: dict[str, str] | None = None,
    *,
    carriers: int = 1,
    replicas: dict[str, int] | None = None,
    broker_proxy: bool = False,
) -> Iterator[tuple[Stack, str]]:
    """`own_platform` as the benchmarks and most tests of their own want it: a
    reservation may be due a second ahead, the webhook receivers are allowed."""
    # The benchmarks reserve a few seconds ahead.
    defaults = {"RESERVE_MIN_LEAD_S": "1", **RECEIVERS_ALLOWED}
    with own_platform(
        {**defaults, **(env or {})},
        carriers=carriers,
        replicas=replicas,
        broker_proxy=broker_proxy,
    ) as made:
        yield made


def credit_new_customers(
    gateway_url: str, headers: dict[str, str], amount: int = 10_000_000
) -> Callable[[httpx.Request], None]:
    """An httpx request hook: before a customer's first `POST /msgReqs`, top them up
    (`headers`: an operator's, such as `Stack.operator_headers`; only an operator may).

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


def arrival_order(items: list[dict[str, Any]]) -> list[int]:
    """The list positions (`<reservation id>:<seq>` refs) of what a carrier received, in
    the order it arrived: sorted when the platform kept the list's order."""
    return [int(item["ref"].rsplit(":", 1)[1]) for item in items]


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
