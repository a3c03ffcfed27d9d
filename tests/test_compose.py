"""docker-compose.yml and the Dockerfile, checked against the code (no Docker engine here).

Every service of the registry (`contracts/services.py`) must be in the file, built from
the one Dockerfile, with the environment its settings require, its port, a readiness health
check, and the start order expressed as `depends_on` conditions.

The Dockerfile is parsed into its stages: every service must be buildable by the build
argument SERVICE, run as a non-root user, hold no sources, tests or build tools, and
only the gateway's image gets the dashboard built in the Node stage. Everything it
copies must be in the build context (.dockerignore).
"""

from __future__ import annotations

import fnmatch
import importlib.util
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from msgplat.contracts.migrations import SERVICES_WITH_TABLES
from msgplat.contracts.services import SERVICES, Service
from msgplat.devstack.credentials import GENERATED
from msgplat.devstack.settingsdocs import env_fields, settings_of
from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
BACKING = {"kafka", "postgres", "migrate"}
PORTS = {spec.name: spec.port for spec in SERVICES}
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES_IN_FILE: dict[str, Any] = COMPOSE["services"]
BUILT = sorted(n for n, s in SERVICES_IN_FILE.items() if "build" in s and n not in BACKING)
# Services with a database and a broker (ServiceSettings); the others need neither.
PLATFORM = sorted(name for name in BUILT if issubclass(settings_of(name), ServiceSettings))
UPSTREAMS = list(GatewaySettings.model_construct().upstreams())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


# What `python -m msgplat.devstack.credentials --env > compose.env` gives compose for
# each required `${NAME:?...}`.
COMPOSE_ENV = {name: make() for name, make in GENERATED.items()}


def _env(service: dict[str, Any]) -> dict[str, str]:
    """The environment as the container gets it, `${NAME:?...}` filled from compose.env."""
    env = service.get("environment") or {}
    assert isinstance(env, dict), "write environment as a mapping"
    return {key: _interpolate(str(value)) for key, value in env.items()}


def _interpolate(value: str) -> str:
    required = re.fullmatch(r"\$\{(\w+):\?[^}]*\}", value)
    if required is None:
        return value
    assert required[1] in COMPOSE_ENV, f"{required[1]} is not made by devstack.credentials"
    return COMPOSE_ENV[required[1]]


def _conditions(service: dict[str, Any]) -> dict[str, str]:
    depends = service.get("depends_on") or {}
    assert isinstance(depends, dict), "depends_on needs conditions, not a list"
    return {name: spec.get("condition", "") for name, spec in depends.items()}


def test_every_service_of_the_platform_is_in_the_file() -> None:
    missing = [spec.name for spec in SERVICES if spec.name not in SERVICES_IN_FILE]
    assert not missing, f"docker-compose.yml lacks {missing} (listed in contracts/services.py)"


def test_nothing_else_is_in_the_file() -> None:
    """Besides Kafka, PostgreSQL and the migrations, only apps of this repository."""
    for name in set(SERVICES_IN_FILE) - BACKING:
        assert name in BUILT, f"{name} is neither backing nor built from the Dockerfile"
        assert importlib.util.find_spec(f"msgplat.{name}.app"), f"msgplat.{name}.app is missing"


@pytest.mark.parametrize("name", BUILT)
def test_service_is_built_from_the_one_dockerfile(name: str) -> None:
    build = SERVICES_IN_FILE[name]["build"]
    assert build["context"] == "."
    assert build.get("dockerfile", "Dockerfile") == "Dockerfile"
    assert build["args"]["SERVICE"] == name
    if name in PORTS:
        assert build["args"]["PORT"] == str(PORTS[name]), "the port of contracts/services.py"


@pytest.mark.parametrize("name", BUILT)
def test_service_listens_and_reports_readiness_on_its_port(name: str) -> None:
    service = SERVICES_IN_FILE[name]
    port = service["build"]["args"]["PORT"]
    published = [str(p).rsplit(":", 1)[-1] for p in service.get("ports", [])]
    exposed = [str(p) for p in service.get("expose", [])]
    assert port in published + exposed
    check = " ".join(service["healthcheck"]["test"])
    assert f"127.0.0.1:{port}/health/ready" in check
    assert service["healthcheck"].get("retries", 0) >= 3


def test_the_gateway_is_published_on_8088() -> None:
    assert "8088:8088" in [str(p) for p in SERVICES_IN_FILE["gateway"]["ports"]]


@pytest.mark.parametrize("name", [*BUILT, "migrate"])
def test_environment_sets_what_the_settings_require(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = SERVICES_IN_FILE[name]
    settings = settings_of(service["build"]["args"]["SERVICE"])
    accepted = env_fields(settings)
    env = _env(service)
    unknown = [key for key in env if key not in accepted]
    assert not unknown, f"{name}: {unknown} are not read by {settings.__name__}"
    if name == "migrate":
        assert "DATABASE_URL" in env
        return
    required = [
        key for key, field in accepted.items() if settings.model_fields[field].is_required()
    ]
    missing = [key for key in required if key not in env]
    assert not missing, f"{name} needs {missing} in its environment"
    # The values must pass the settings' own validation, read as the container reads them.
    for key in accepted:
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings(_env_file=None)


@pytest.mark.parametrize("name", PLATFORM)
def test_services_talk_to_the_real_kafka_and_postgres(name: str) -> None:
    env = _env(SERVICES_IN_FILE[name])
    kafka_env = _env(SERVICES_IN_FILE["kafka"])
    assert env["KAFKA_BOOTSTRAP_SERVERS"] in kafka_env["KAFKA_ADVERTISED_LISTENERS"]
    assert env["KAFKA_ENABLE_IDEMPOTENCE"] == "true", "Apache Kafka: idempotence on"
    url = urlsplit(env["DATABASE_URL"])
    assert url.hostname == "postgres"
    init = (ROOT / "docker" / "postgres-init.sql").read_text()
    assert re.search(rf"CREATE DATABASE {url.path.lstrip('/')}\b", init)
    assert re.search(rf"CREATE ROLE {url.username}\b.*PASSWORD '{url.password}'", init)


@pytest.mark.parametrize("name", PLATFORM)
def test_services_start_after_kafka_postgres_and_the_migrations(name: str) -> None:
    assert _conditions(SERVICES_IN_FILE[name]) == {
        "kafka": "service_healthy",
        "postgres": "service_healthy",
        "migrate": "service_completed_successfully",
    }


def test_the_gateway_starts_after_every_service_and_knows_their_urls() -> None:
    gateway = SERVICES_IN_FILE["gateway"]
    expected = {name: "service_healthy" for name in UPSTREAMS}
    if "DATABASE_URL" in env_fields(GatewaySettings):  # its own tables: after the migrations
        expected |= {"postgres": "service_healthy", "migrate": "service_completed_successfully"}
    assert _conditions(gateway) == expected
    env = _env(gateway)
    for name in UPSTREAMS:
        assert env[f"{name.upper()}_URL"] == f"http://{name}:{PORTS[name]}"


def test_service_urls_point_at_services_in_the_file() -> None:
    """Every `*_URL` a service is given names a service of this file on its port."""
    for name in BUILT:
        for key, value in _env(SERVICES_IN_FILE[name]).items():
            if not key.endswith("_URL") or key == "DATABASE_URL":
                continue
            url = urlsplit(value)
            assert url.hostname in SERVICES_IN_FILE, f"{name}: {key}={value} names no service"
            assert url.port == PORTS[url.hostname], f"{name}: {key}={value}: wrong port"


def test_services_stop_within_their_grace_period() -> None:
    """compose waits stop_grace_period after SIGTERM: uvicorn's drain of requests and the
    service's own finishing of its work in hand (SHUTDOWN_GRACE_S) fit."""
    graceful = graceful_shutdown_s() + ServiceSettings.model_fields["shutdown_grace_s"].default
    for name in BUILT:
        grace = SERVICES_IN_FILE[name].get("stop_grace_period", "10s")
        assert int(grace.rstrip("s")) > graceful, f"{name}: {grace} <= {graceful} s"


SECRET = re.compile(r"(KEY|TOKEN|SECRET|^DEMO_PASSWORD)$")


def test_no_secret_is_written_in_the_file() -> None:
    """Every secret comes from the environment as `${VAR:?...}`: compose refuses to start
    without it (README: `python -m msgplat.devstack.credentials --env` makes them)."""
    given: dict[str, set[str]] = {}
    for name, service in SERVICES_IN_FILE.items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET.search(key):
                assert re.fullmatch(rf"\$\{{{key}:\?[^}}]+\}}", value), f"{name}: {key}={value}"
                given.setdefault(key, set()).add(name)
    assert {"AUTH_TOKEN_SECRET", "OPERATOR_API_KEY"} <= set(given)
    for key in ("CARRIER_API_KEY", "CARRIER_CALLBACK_TOKEN"):  # the carrier and its client
        assert given.get(key) == {"carrier", "send"}, key


def test_send_reaches_the_carrier_and_the_carrier_reaches_send() -> None:
    env = _env(SERVICES_IN_FILE["send"])
    callback = urlsplit(env["REPORT_CALLBACK_URL"])
    assert (callback.hostname, callback.port) == ("send", PORTS["send"])
    if "carrier" in SERVICES_IN_FILE:
        port = SERVICES_IN_FILE["carrier"]["build"]["args"]["PORT"]
        assert env["CARRIER_URL"] == f"http://carrier:{port}"


def test_migrations_run_once_before_the_services() -> None:
    migrate = SERVICES_IN_FILE["migrate"]
    assert " ".join(migrate["command"]).endswith("-m msgplat.contracts.migrations upgrade all")
    assert _conditions(migrate) == {"postgres": "service_healthy"}
    assert migrate.get("restart") == "no"
    for name in SERVICES_WITH_TABLES:  # `upgrade all` made their schemas
        condition = _conditions(SERVICES_IN_FILE[name]).get("migrate")
        assert condition == "service_completed_successfully", f"{name} starts before migrate"


def test_kafka_runs_in_kraft_mode_and_postgres_is_16() -> None:
    kafka = SERVICES_IN_FILE["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert "controller" in _env(kafka)["KAFKA_PROCESS_ROLES"]
    assert not any("zookeeper" in name for name in SERVICES_IN_FILE)
    assert "healthcheck" in kafka
    postgres = SERVICES_IN_FILE["postgres"]
    assert postgres["image"].startswith("postgres:16")
    assert "healthcheck" in postgres
    for volume in postgres["volumes"]:
        source = str(volume).split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).exists(), f"{source} is mounted but missing"


# --- The Dockerfile ------------------------------------------------------------------------


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def dockerfile_stages(text: str) -> list[Stage]:
    """The Dockerfile's stages, each with its instructions (continuations joined)."""
    text = re.sub(r"\\\n", " ", text)
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            base, _, name = re.sub(r"(?i)\s+as\s+", " AS ", args).partition(" AS ")
            stages.append(Stage(base.strip(), name.strip()))
        elif stages:
            stages[-1].instructions.append((keyword, args))
    return stages


DOCKERFILE = (ROOT / "Dockerfile").read_text()
STAGES = dockerfile_stages(DOCKERFILE)
BY_NAME = {stage.name: stage for stage in STAGES if stage.name}
FINAL = STAGES[-1]


def _chain(stage: Stage) -> list[Stage]:
    """The stage and the stages it is built FROM, nearest first."""
    chain = [stage]
    while chain[-1].base in BY_NAME:
        chain.append(BY_NAME[chain[-1].base])
    return chain


def _image_of(service: str) -> list[Stage]:
    """The stages `docker build --build-arg SERVICE=<service>` assembles the image from."""
    base = FINAL.base.replace("${SERVICE}", service)
    assert base in BY_NAME, f"the Dockerfile cannot build SERVICE={service}: no stage {base}"
    return [FINAL, *_chain(BY_NAME[base])]


def graceful_shutdown_s() -> int:
    found = re.search(r"--timeout-graceful-shutdown (\d+)", " ".join(FINAL.all("CMD")))
    assert found, "uvicorn needs --timeout-graceful-shutdown (SIGTERM -> graceful exit)"
    return int(found.group(1))


def _ignored(path: str) -> bool:
    """Whether .dockerignore leaves `path` (or a folder above it) out of the context."""
    patterns = [
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts = Path(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
            if pattern.startswith("**/") and fnmatch.fnmatchcase(
                prefix.rsplit("/", 1)[-1], pattern[3:]
            ):
                return True
    return False


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
def test_the_dockerfile_builds_every_service_by_its_build_argument(spec: Service) -> None:
    assert re.search(r"^ARG SERVICE\b", DOCKERFILE, re.MULTILINE), "SERVICE: a global ARG"
    assert FINAL.base == "service-${SERVICE}"
    image = _image_of(spec.name)
    assert image[-1].base.startswith("python:") and image[-1].base.endswith("-slim")
    served = 'msgplat.plumbing.serve \\"msgplat.${SERVICE}.app:create_app\\" --factory'
    assert served in " ".join(FINAL.all("CMD"))
    assert importlib.util.find_spec(f"msgplat.{spec.name}.app"), "what the CMD starts"


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
def test_every_image_runs_as_a_non_root_user(spec: Service) -> None:
    users = [user for stage in _image_of(spec.name) for user in stage.all("USER")]
    assert users, f"{spec.name}: no USER: the image would run as root"
    last = users[0]  # the nearest stage's USER wins
    assert last.split(":")[0] not in ("root", "0"), f"{spec.name} runs as {last}"


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
def test_images_hold_no_sources_tests_or_build_tools(spec: Service) -> None:
    for stage in _image_of(spec.name):
        for copy in stage.all("COPY"):
            assert copy.startswith("--from="), f"{stage.name or 'final'}: COPY {copy} from context"
        for run in stage.all("RUN"):
            assert not re.search(r"apt-get|apk add|gcc|build-essential|pip install", run), run
    # What `pip install .` puts in the venv: the packages listed, none of them tests.
    packages = PYPROJECT["tool"]["setuptools"]["packages"]
    assert not [p for p in packages if "tests" in p.split(".")]
    assert not PYPROJECT["tool"]["setuptools"].get("include-package-data"), "no data files"


def test_only_the_gateway_image_serves_the_dashboard_built_by_node() -> None:
    frontend = BY_NAME["frontend"]
    assert frontend.base.startswith("node:") and frontend.base.endswith("-slim")
    runs = " && ".join(frontend.all("RUN"))
    assert "npm ci" in runs and "npm run build" in runs
    copies = [c for stage in _image_of("gateway") for c in stage.all("COPY")]
    (dist,) = [c for c in copies if c.startswith("--from=frontend")]
    target = dist.split()[-1]
    assert dist.split()[-2] == "/frontend/dist", "vite's outDir"
    envs = " ".join(e for stage in _image_of("gateway") for e in stage.all("ENV"))
    assert f"FRONTEND_DIR={target}" in envs, "the gateway reads the dashboard from FRONTEND_DIR"
    for spec in SERVICES:
        if spec.name != "gateway":
            assert "FRONTEND_DIR" not in str([s.instructions for s in _image_of(spec.name)])


def test_everything_the_dockerfile_copies_is_in_the_build_context() -> None:
    for stage in STAGES:
        for copy in stage.all("COPY"):
            if copy.startswith("--from="):
                continue
            *sources, _target = [a for a in copy.split() if not a.startswith("--")]
            for source in sources:
                if source in (".", "./"):
                    continue
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
                assert not _ignored(source), f"COPY {source}: excluded by .dockerignore"
    for junk in (".git", ".venv", ".devstack", "tests", "plumbing/tests", "frontend/node_modules"):
        assert _ignored(junk), f".dockerignore must leave out {junk}"
    assert not _ignored("pyproject.toml") and not _ignored("plumbing/settings.py")


def test_the_image_checks_readiness_and_shuts_down_gracefully() -> None:
    (check,) = FINAL.all("HEALTHCHECK")
    assert "/health/ready" in check and "${PORT}" in check
    assert "exec python -m msgplat.plumbing.serve" in " ".join(FINAL.all("CMD")), (
        "uvicorn (through plumbing/serve.py, which exits 0 after a clean stop) as PID 1 "
        "gets the SIGTERM"
    )
    assert graceful_shutdown_s() > 0
