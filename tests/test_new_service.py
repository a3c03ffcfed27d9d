"""A new service joins the platform by one entry in the registry: proved with a toy.

The test writes a small `toy` service to a temporary tree (`msgplat/toy/`: settings, a
table and its migrations, a reaction, consumers, a router, `app.py`: the shape of
docs/new-service.md and ADR 0010) and gives it one registry entry. Then:

1. every reader's list, built from a registry with that entry, has the toy: the
   gateway's routes and upstream URL setting, the migrations, devstack's processes and
   its wiring, the topics;
2. with the entry registered in the processes it runs (`toy_registry.py`, imported
   before anything reads the registry, as if the entry were written in
   `contracts/services.py`): the migrations command writes the toy's first version and
   `upgrade all` migrates it into a fresh database; the toy runs as a process; the
   gateway routes `/toys` to it and answers one request from the toy's table;
3. the checks of the deployment files (compose, the Dockerfile, CI, k8s, pyproject, the
   Makefile) fail naming the toy: what docs/new-service.md lists is what is left to do.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from msgplat.contracts.services import SERVICES, Service, producers, with_tables
from msgplat.devstack.broker import free_port
from msgplat.devstack.postgres import drop_database, ensure_database, with_database
from msgplat.devstack.services import ServiceProcess, ServiceSpec, specs, wiring_env
from msgplat.gateway.routing import own_credential_routes, routing_table, upstream_names
from msgplat.gateway.settings import upstream_settings
from msgplat.plumbing.api_keys import new_api_key
from msgplat_testsupport.brokers import running_broker

ROOT = Path(__file__).resolve().parents[1]

TOY = Service("toy", 8086, routes=("/toys",), tables=True, produces=("toy.events",))
# Before the gateway, which starts last.
REGISTRY = (*SERVICES[:-1], TOY, SERVICES[-1])

TOY_FILES = {
    "msgplat/toy/__init__.py": '"""A toy service: what docs/new-service.md describes."""\n',
    "msgplat/toy/settings.py": """
        from msgplat.plumbing.settings import ServiceSettings


        class ToySettings(ServiceSettings):
            service_name: str = "toy"


        def get_settings() -> ToySettings:
            return ToySettings()
        """,
    "msgplat/toy/models.py": """
        from sqlalchemy import Column, DateTime, MetaData, Table, func
        from sqlalchemy.dialects.postgresql import UUID

        from msgplat.plumbing.tables import plumbing_tables

        metadata = MetaData(schema="toy")

        seen = Table(
            "seen",
            metadata,
            Column("reservation_id", UUID(as_uuid=True), primary_key=True),
            Column("seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        )

        tables = plumbing_tables(metadata)
        """,
    "msgplat/toy/reactions.py": """
        from sqlalchemy.dialects.postgresql import insert

        from msgplat.contracts.events import ReservationRequested
        from msgplat.plumbing.db import UnitOfWork
        from msgplat.plumbing.envelope import EventEnvelope
        from msgplat.toy.models import seen


        async def on_reservation_requested(
            uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRequested
        ) -> None:
            statement = insert(seen).values(reservation_id=event.reservation_id)
            await uow.conn.execute(statement.on_conflict_do_nothing())
        """,
    "msgplat/toy/consumers.py": """
        from msgplat.contracts.events import ReservationRequested
        from msgplat.plumbing.runtime import Subscriptions
        from msgplat.toy import reactions

        SUBSCRIPTIONS: Subscriptions = {
            "toy-seen": {ReservationRequested: reactions.on_reservation_requested},
        }
        """,
    "msgplat/toy/api/__init__.py": "",
    "msgplat/toy/api/toys.py": """
        from fastapi import APIRouter
        from sqlalchemy import func, select

        from msgplat.plumbing.caller import CallerDep
        from msgplat.plumbing.runtime import RuntimeDep
        from msgplat.toy.models import seen

        router = APIRouter(prefix="/toys", tags=["toys"])


        @router.get("")
        async def get_toys(runtime: RuntimeDep, caller: CallerDep) -> dict[str, object]:
            async with runtime.db.engine.connect() as conn:
                count = await conn.scalar(select(func.count()).select_from(seen))
            return {"service": "toy", "caller": caller.role, "seen": count}
        """,
    "msgplat/toy/app.py": """
        from fastapi import FastAPI

        from msgplat.contracts.topics import ALL_TOPICS
        from msgplat.plumbing.runtime import create_service_app
        from msgplat.toy.api import toys
        from msgplat.toy.consumers import SUBSCRIPTIONS
        from msgplat.toy.models import tables
        from msgplat.toy.settings import get_settings


        def create_app() -> FastAPI:
            return create_service_app(
                settings=get_settings(),
                tables=tables,
                routers=[toys.router],
                subscriptions=SUBSCRIPTIONS,
                topics=ALL_TOPICS,
                title="Toy service",
            )
        """,
    "msgplat/toy/migrations/__init__.py": "",
    "msgplat/toy/migrations/env.py": """
        from msgplat.plumbing.migrations import run_env
        from msgplat.toy.models import metadata

        run_env(metadata)
        """,
    "msgplat/toy/migrations/versions/__init__.py": "",
    # The registry with the toy's entry: imported first by the processes below (and by
    # pytest as a plugin), before anything derives its lists from the registry.
    "toy_registry.py": f"""
        import sys

        from msgplat.contracts import services
        from msgplat.contracts.services import Service

        READERS = ("msgplat.gateway", "msgplat.devstack", "msgplat.contracts.topics",
                   "msgplat.contracts.migrations")
        assert not [m for m in sys.modules if m.startswith(READERS)], "registered too late"
        TOY = {TOY!r}
        services.SERVICES = (*services.SERVICES[:-1], TOY, services.SERVICES[-1])
        """,
    # The gateway and the toy, run with the toy registered (`package` of a ServiceSpec).
    "msgplat/registered/__init__.py": "import toy_registry  # noqa: F401\n",
    "msgplat/registered/gateway/__init__.py": "",
    "msgplat/registered/gateway/app.py": "from msgplat.gateway.app import create_app  # noqa\n",
    "msgplat/registered/toy/__init__.py": "",
    "msgplat/registered/toy/app.py": "from msgplat.toy.app import create_app  # noqa\n",
}


@pytest.fixture(scope="module")
def toy_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toy service's package, importable as `msgplat.toy` with this tree on the path."""
    tree = tmp_path_factory.mktemp("new-service")
    for name, text in TOY_FILES.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    shutil.copy(ROOT / "stat" / "migrations" / "script.py.mako", tree / "msgplat/toy/migrations")
    return tree


def _env(tree: Path, **more: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(tree), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **more}


# --- 1. Every reader's list, from a registry with the entry ---------------------------------


def test_every_list_is_derived_from_the_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ("/toys", "toy") in routing_table(REGISTRY)
    assert "toy" in upstream_names(REGISTRY)
    assert own_credential_routes(REGISTRY) == own_credential_routes(SERVICES)
    settings = upstream_settings(REGISTRY)
    assert settings().model_dump()["toy_url"] == "http://127.0.0.1:8086"
    monkeypatch.setenv("TOY_URL", "http://toy:8086")
    assert settings().model_dump()["toy_url"] == "http://toy:8086", "read from TOY_URL"
    assert "toy" in with_tables(REGISTRY)
    processes = specs(REGISTRY)
    assert ServiceSpec("toy", 8086) in processes and processes[-1].name == "gateway"
    assert ServiceSpec("toy", 8086).app == "msgplat.toy.app:create_app"
    assert wiring_env({"toy": 8086, "send": 8082})["TOY_URL"] == "http://127.0.0.1:8086"
    assert producers(REGISTRY)["toy.events"] == "toy"


# --- 2. Migrated, started and routed by the gateway -----------------------------------------


@pytest.fixture
def toy_database(service_env: dict[str, str]) -> Iterator[str]:
    url = with_database(service_env["DATABASE_URL"], f"msgplat_toy_{uuid.uuid4().hex[:10]}")
    asyncio.run(ensure_database(url))
    try:
        yield url
    finally:
        asyncio.run(drop_database(url))


def _migrations(tree: Path, url: str, *args: str) -> str:
    """`python -m msgplat.contracts.migrations <args>` with the toy registered."""
    run = "import runpy, toy_registry; runpy.run_module('msgplat.contracts.migrations', "
    run += "run_name='__main__', alter_sys=True)"
    done = subprocess.run(
        [sys.executable, "-c", run, *args],
        env=_env(tree, DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def toy_broker() -> Iterator[str]:
    """A broker of the toy's own: on the shared one it would count other tests' events."""
    with running_broker() as handle:
        yield handle.bootstrap_servers


def test_the_toy_is_migrated_started_and_routed_by_the_gateway(
    toy_tree: Path, toy_database: str, toy_broker: str, tmp_path: Path
) -> None:
    _migrations(toy_tree, toy_database, "revision", "toy", "-m", "initial", "--rev-id", "0001")
    version = (toy_tree / "msgplat/toy/migrations/versions/0001_initial.py").read_text()
    assert all(f"'{table}'" in version for table in ("seen", "outbox", "inbox", "dead_letters"))
    assert "schema='toy'" in version
    done = _migrations(toy_tree, toy_database, "upgrade", "all")
    assert "toy: upgrade done" in done and "gateway: upgrade done" in done

    operator_key = new_api_key()
    toy = ServiceProcess(
        ServiceSpec("toy", 0, package="registered.toy"),
        _env(
            toy_tree,
            DATABASE_URL=toy_database,
            KAFKA_BOOTSTRAP_SERVERS=toy_broker,
        ),
        tmp_path / "toy.log",
        port=free_port(),
    )
    # The other upstreams are not running: their URLs name a closed port.
    closed = {name: 9 for name in upstream_names(REGISTRY)}
    gateway = ServiceProcess(
        ServiceSpec("gateway", 0, package="registered.gateway"),
        _env(
            toy_tree,
            DATABASE_URL=toy_database,
            AUTH_TOKEN_SECRET=uuid.uuid4().hex * 2,
            OPERATOR_API_KEY=operator_key,
            **wiring_env({**closed, "toy": toy.port}),
        ),
        tmp_path / "gateway.log",
        port=free_port(),
    )
    try:
        toy.start()
        gateway.start()
        toy.wait_ready(timeout_s=30)
        gateway.wait_ready(timeout_s=30)
        answer = httpx.get(
            gateway.url + "/toys",
            headers={"Authorization": f"Bearer {operator_key}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"service": "toy", "caller": "operator", "seen": 0}
        ready = httpx.get(gateway.url + "/health/ready", timeout=10).json()
        assert ready["services"]["toy"]["ready"] is True
    finally:
        gateway.stop()
        toy.stop()
    assert "toy.events" in asyncio.run(_topics(toy_broker))


async def _topics(bootstrap_servers: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


# --- 3. The deployment files: the checks name what the toy still lacks ----------------------

# Each fails for the toy alone: the files were written for the registry without it.
LACKING = [
    "tests/test_compose.py::test_every_service_of_the_platform_is_in_the_file",
    "tests/test_compose.py::test_the_dockerfile_builds_every_service_by_its_build_argument[toy]",
    "tests/test_compose.py::test_the_gateway_starts_after_every_service_and_knows_their_urls",
    "tests/test_k8s.py::test_kustomize_builds[k8s/base]",
    "tests/test_k8s.py::test_every_deployment_gets_the_settings_its_code_requires[toy]",
    "tests/test_k8s.py::test_the_config_map_holds_known_settings_and_the_service_urls",
    "tests/test_k8s.py::test_ci_builds_every_service_image_from_the_dockerfile",
    "tests/test_registry.py::test_pyproject_installs_every_entry_with_its_migrations",
    "tests/test_registry.py::test_the_makefile_type_checks_every_entry",
]


def test_the_deployment_checks_name_what_the_toy_lacks(toy_tree: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *("-p", "toy_registry", f"--junitxml={report}", *LACKING),
        ],
        cwd=ROOT,
        env=_env(toy_tree),
        capture_output=True,
        text=True,
        timeout=120,
    )
    failures = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failed = case.find("failure")
        failures[f"{case.get('classname')}::{case.get('name')}"] = (
            "" if failed is None else f"{failed.get('message')} {failed.text}"
        ).replace(str(toy_tree), "<tree>")
    assert len(failures) == len(LACKING), failures.keys()
    passed = [name for name, message in failures.items() if not message]
    assert not passed, f"passed although the toy is in no deployment file: {passed}"
    silent = [name for name, message in failures.items() if "toy" not in message.lower()]
    assert not silent, f"failed without naming the toy: {silent}"


def test_the_guide_lists_the_places_whose_checks_name_the_toy() -> None:
    """docs/new-service.md names every file the checks above find the toy missing from."""
    places = (ROOT / "docs" / "new-service.md").read_text().split("## 1.")[0]
    for place in (
        "contracts/services.py",
        "pyproject.toml",
        "Makefile",
        "Dockerfile",
        "docker-compose.yml",
        ".github/workflows/ci.yml",
        "k8s/",
    ):
        assert f"`{place}`" in places, f"docs/new-service.md: {place} is not in its list"
