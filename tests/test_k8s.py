"""The kustomize manifests under k8s/, checked against the code (no cluster here).

Every file must be valid YAML. The base must have a Deployment and a Service for every
service of `devstack/services.py` (simulators of the outside world aside), with probes,
resources, its port and the settings its code requires. When kubectl is installed,
every overlay must also build (`kubectl kustomize`, offline).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from msgplat.devstack.services import SERVICES, ServiceSpec
from msgplat.devstack.settingsdocs import env_fields, readers

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "k8s"
BASE = K8S / "base"
OVERLAYS = sorted(p.parent for p in (K8S / "overlays").glob("*/kustomization.yaml"))
SETTINGS = {reader.name: reader.settings for reader in readers()}
# Stand-ins for the outside world (the carrier simulator) are not deployed by the base:
# a real cluster talks to the real thing. An overlay may add them.
SIMULATORS = {"carrier"}
DEPLOYED = [spec for spec in SERVICES if spec.name not in SIMULATORS]


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _base_objects() -> list[dict[str, Any]]:
    kustomization = _documents(BASE / "kustomization.yaml")[0]
    objects = []
    for resource in kustomization["resources"]:
        objects += _documents(BASE / resource)
    return objects


def _find(kind: str, name: str) -> dict[str, Any]:
    for obj in _base_objects():
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            return obj
    raise AssertionError(f"k8s/base has no {kind} {name!r} (devstack/services.py lists it)")


def _config_literals() -> dict[str, str]:
    kustomization = _documents(BASE / "kustomization.yaml")[0]
    (config,) = [g for g in kustomization["configMapGenerator"] if g["name"] == "msgplat-config"]
    return dict(literal.split("=", 1) for literal in config["literals"])


def test_every_file_is_valid_yaml() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert files
    for path in files:
        assert _documents(path), f"{path} is empty"


def test_every_kustomization_lists_files_that_exist() -> None:
    for kustomization in [BASE, *OVERLAYS]:
        spec = _documents(kustomization / "kustomization.yaml")[0]
        for resource in spec.get("resources", []):
            assert (kustomization / resource).exists(), f"{kustomization}: {resource} missing"
    assert {p.name for p in OVERLAYS} >= {"local", "eks"}


@pytest.mark.parametrize("spec", DEPLOYED, ids=lambda s: s.name)
def test_every_service_has_a_deployment_with_probes_and_resources(spec: ServiceSpec) -> None:
    deployment = _find("Deployment", spec.name)
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == f"msgplat-{spec.name}"
    assert [p["containerPort"] for p in container["ports"]] == [spec.port]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) >= {"cpu", "memory"}
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    labels = deployment["spec"]["selector"]["matchLabels"]
    assert labels.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    # preStop sleep + uvicorn's 20 s graceful shutdown must fit in the grace period.
    assert pod["terminationGracePeriodSeconds"] >= 25
    assert pod["securityContext"]["runAsNonRoot"] is True


@pytest.mark.parametrize("spec", DEPLOYED, ids=lambda s: s.name)
def test_every_service_has_a_service_on_its_port(spec: ServiceSpec) -> None:
    service = _find("Service", spec.name)
    deployment = _find("Deployment", spec.name)
    assert [p["port"] for p in service["spec"]["ports"]] == [spec.port]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]


@pytest.mark.parametrize("spec", DEPLOYED, ids=lambda s: s.name)
def test_every_deployment_gets_the_settings_its_code_requires(spec: ServiceSpec) -> None:
    settings = SETTINGS[spec.name]
    accepted = env_fields(settings)
    (container,) = _find("Deployment", spec.name)["spec"]["template"]["spec"]["containers"]
    assert {"configMapRef": {"name": "msgplat-config"}} in container["envFrom"]
    own = {item["name"] for item in container.get("env", [])}
    unknown = [name for name in own if name not in accepted]
    assert not unknown, f"{spec.name}: {unknown} are not read by {settings.__name__}"
    given = own | set(_config_literals())
    required = [
        env for env, field in accepted.items() if settings.model_fields[field].is_required()
    ]
    assert not [env for env in required if env not in given]
    for item in container.get("env", []):
        if item["name"] == "DATABASE_URL":  # a credential: from a Secret, never a literal
            assert item["valueFrom"]["secretKeyRef"] == {
                "name": "msgplat-database",
                "key": "DATABASE_URL",
            }


def test_the_config_map_holds_known_settings_and_the_gateway_upstreams() -> None:
    literals = _config_literals()
    known = {env for settings in SETTINGS.values() for env in env_fields(settings)}
    assert set(literals) <= known, f"read by no service: {set(literals) - known}"
    assert literals["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
    for spec in DEPLOYED:
        if spec.name != "gateway":
            assert literals[f"{spec.name.upper()}_URL"] == f"http://{spec.name}:{spec.port}"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("overlay", [BASE, *OVERLAYS], ids=lambda p: p.name)
def test_kustomize_builds(overlay: Path) -> None:
    result = subprocess.run(
        ["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    kinds = [(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(result.stdout) if d]
    for spec in DEPLOYED:
        assert ("Deployment", spec.name) in kinds
        assert ("Service", spec.name) in kinds
