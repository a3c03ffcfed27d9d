"""docker-compose.yml and the Dockerfile, checked against the code (no Docker engine here).

Every service of `devstack/services.py` must be in the file, built from the one
Dockerfile, with the environment its settings require, its port, a readiness health
check, and the start order expressed as `depends_on` conditions.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from msgplat.devstack.services import SERVICES
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


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "write environment as a mapping"
    return {key: str(value) for key, value in env.items()}


def _conditions(service: dict[str, Any]) -> dict[str, str]:
    depends = service.get("depends_on") or {}
    assert isinstance(depends, dict), "depends_on needs conditions, not a list"
    return {name: spec.get("condition", "") for name, spec in depends.items()}


def test_every_service_of_the_platform_is_in_the_file() -> None:
    missing = [spec.name for spec in SERVICES if spec.name not in SERVICES_IN_FILE]
    assert not missing, f"docker-compose.yml lacks {missing} (listed in devstack/services.py)"


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
        assert build["args"]["PORT"] == str(PORTS[name]), "the port of devstack/services.py"


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
    assert _conditions(gateway) == {name: "service_healthy" for name in UPSTREAMS}
    env = _env(gateway)
    for name in UPSTREAMS:
        assert env[f"{name.upper()}_URL"] == f"http://{name}:{PORTS[name]}"


def test_send_reaches_the_carrier_and_the_carrier_reaches_send() -> None:
    env = _env(SERVICES_IN_FILE["send"])
    callback = urlsplit(env["REPORT_CALLBACK_URL"])
    assert (callback.hostname, callback.port) == ("send", PORTS["send"])
    if "carrier" in SERVICES_IN_FILE:
        port = SERVICES_IN_FILE["carrier"]["build"]["args"]["PORT"]
        assert env["CARRIER_URL"] == f"http://carrier:{port}"


def test_migrations_run_once_before_the_services() -> None:
    migrate = SERVICES_IN_FILE["migrate"]
    assert " ".join(migrate["command"]).endswith("-m msgplat.plumbing.migrations upgrade all")
    assert _conditions(migrate) == {"postgres": "service_healthy"}
    assert migrate.get("restart") == "no"


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


def test_dockerfile_runs_the_service_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:\$\{PYTHON_VERSION\}-slim", dockerfile, re.MULTILINE)
    assert "ARG SERVICE" in dockerfile
    assert re.search(r"^USER (?!root|0\b)", dockerfile, re.MULTILINE)
    assert 'uvicorn \\"msgplat.${SERVICE}.app:create_app\\" --factory' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    for junk in (".git", ".venv", ".devstack", "tests", "**/tests"):
        assert junk in ignored
