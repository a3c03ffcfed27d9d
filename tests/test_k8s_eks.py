"""The EKS overlay as a platform team runs it, rendered and checked offline.

Every overlay, option (component) and addon is built with `kubectl kustomize`, and
every object is validated: the built-in kinds against the Kubernetes schemas of the
cluster's version (`kubernetes-validate`), the custom resources (External Secrets,
KEDA, Prometheus Operator) against the JSON schemas vendored in k8s/schemas (made from
the @kubernetes-models npm packages by k8s/schemas/generate.sh; unknown fields are
refused, as `kubectl apply`'s strict field validation does).

Then what production needs, on the rendered EKS overlay: HTTPS, no `replicas` under an
autoscaler, spread across zones and nodes, default-deny network policies with the
egress each pod needs, Secrets from AWS Secrets Manager, Kafka over TLS with MSK IAM,
PostgreSQL with verify-full, the Pod Security `restricted` profile, KEDA authenticated
like the services, and the database connection budget of docs/deploy-eks.md.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from msgplat.devstack.eventdocs import subscriptions
from msgplat.devstack.services import SERVICES
from msgplat.plumbing.settings import ServiceSettings
from msgplat_testsupport.kube import kustomize

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "k8s"
SCHEMAS = K8S / "schemas"
CLUSTER = yaml.safe_load((K8S / "eksctl" / "cluster.yaml").read_text())
KUBERNETES_VERSION = f"{CLUSTER['metadata']['version']}.0"
GUIDE = (ROOT / "docs" / "deploy-eks.md").read_text()
EKS = "k8s/overlays/eks"
WITH_KEDA = "k8s/overlays/eks+keda+keda-msk-iam"
CONSUMERS = {sub.service for subs in subscriptions().values() for sub in subs}
DEPLOYED = {spec.name for spec in SERVICES} - {"carrier"}

Obj = dict[str, Any]

# Every overlay, with every option, and the addons.
TARGETS = [
    "k8s/base",
    "k8s/overlays/local",
    "k8s/overlays/local+keda",
    EKS,
    "k8s/overlays/eks+keda",
    WITH_KEDA,
    "k8s/overlays/eks+argocd-presync",
    "k8s/overlays/eks+keda+keda-msk-iam+argocd-presync",
    *(str(p.parent.relative_to(ROOT)) for p in sorted(K8S.glob("addons/*/kustomization.yaml"))),
]


@functools.cache
def render(target: str) -> tuple[Obj, ...]:
    """`kubectl kustomize`; `<overlay>+a+b` adds the components a and b to the overlay."""
    return kustomize(ROOT, target)


def objects(target: str, kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in render(target) if o["kind"] == kind}


def _config(target: str) -> dict[str, str]:
    (config,) = [
        m["data"] for n, m in objects(target, "ConfigMap").items() if n.startswith("msgplat-config")
    ]
    return dict(config)


def _pods(target: str) -> dict[str, Obj]:
    """The pod templates of the Deployments and Jobs."""
    return {
        f"{o['kind']}/{o['metadata']['name']}": o["spec"]["template"]
        for o in render(target)
        if o["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet")
    }


@functools.cache
def _schema(api_version: str, kind: str) -> Obj | None:
    path = SCHEMAS / api_version / f"{kind}.json"
    return json.loads(path.read_text()) if path.exists() else None


# --- Every object validates -------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_every_object_validates_against_its_schema(target: str) -> None:
    for obj in render(target):
        name = f"{target}: {obj['kind']} {obj['metadata']['name']}"
        group = obj["apiVersion"].split("/")[0]
        if "." in group and not group.endswith(".k8s.io"):  # a custom resource
            schema = _schema(obj["apiVersion"], obj["kind"])
            assert schema is not None, f"{name}: no schema in k8s/schemas (generate.sh)"
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(obj), key=str)
            assert not errors, f"{name}: {errors[0].message} at {list(errors[0].path)}"
            continue
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{name}: {exc.message}")


def test_the_vendored_schemas_refuse_unknown_fields_and_wrong_values() -> None:
    secret = dict(objects(EKS, "ExternalSecret")["msgplat-send"])
    schema = _schema(secret["apiVersion"], "ExternalSecret")
    assert schema is not None
    jsonschema.validate(secret, schema)
    typo = {**secret, "spec": {**secret["spec"], "refreshIntervall": "1h"}}
    with pytest.raises(jsonschema.ValidationError, match="refreshIntervall"):
        jsonschema.validate(typo, schema)
    wrong = {**secret, "spec": {**secret["spec"], "secretStoreRef": {"kind": "Vault"}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, schema)
    scaled = objects(WITH_KEDA, "ScaledObject")["send"]
    keda = _schema(scaled["apiVersion"], "ScaledObject")
    assert keda is not None
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**scaled, "spec": {**scaled["spec"], "maxReplicas": 6}}, keda)


# --- HTTPS ------------------------------------------------------------------------------


def test_the_alb_serves_https_redirects_http_and_hides_the_gateway_metrics() -> None:
    (ingress,) = objects(EKS, "Ingress").values()
    notes = ingress["metadata"]["annotations"]
    listeners = json.loads(notes["alb.ingress.kubernetes.io/listen-ports"])
    assert {"HTTPS": 443} in listeners and {"HTTP": 80} in listeners
    assert notes["alb.ingress.kubernetes.io/ssl-redirect"] == "443"
    assert notes["alb.ingress.kubernetes.io/certificate-arn"].startswith("arn:aws:acm:")
    assert "TLS13" in notes["alb.ingress.kubernetes.io/ssl-policy"]
    (rule,) = ingress["spec"]["rules"]
    paths = [(p["path"], p["backend"]["service"]) for p in rule["http"]["paths"]]
    assert paths[0][0] == "/metrics", "the ALB evaluates the rules in order: /metrics first"
    action = paths[0][1]
    assert action["port"]["name"] == "use-annotation"
    response = json.loads(notes[f"alb.ingress.kubernetes.io/actions.{action['name']}"])
    assert response["type"] == "fixed-response"
    assert response["fixedResponseConfig"]["statusCode"] == "404"
    assert ("/", {"name": "gateway", "port": {"name": "http"}}) in paths
    assert "certificate-arn" in GUIDE and "aws acm request-certificate" in GUIDE


# --- Autoscaling ------------------------------------------------------------------------


@pytest.mark.parametrize("target", [t for t in TARGETS if "addons" not in t])
def test_no_deployment_under_an_autoscaler_sets_its_replicas(target: str) -> None:
    scaled = {
        h["spec"]["scaleTargetRef"]["name"]
        for h in objects(target, "HorizontalPodAutoscaler").values()
    }
    scaled |= {
        s["spec"]["scaleTargetRef"]["name"] for s in objects(target, "ScaledObject").values()
    }
    assert scaled >= DEPLOYED, f"{target}: every service has an autoscaler"
    for name in scaled:
        deployment = objects(target, "Deployment")[name]
        assert "replicas" not in deployment["spec"], (
            f"{target}: {name} sets replicas: each `kubectl apply` would reset its scale"
        )


def test_metrics_server_is_installed_and_keda_replaces_the_cpu_autoscalers() -> None:
    assert "metrics-server" in {a["name"] for a in CLUSTER["addons"]}
    assert "metrics-server" in GUIDE
    left = {
        h["spec"]["scaleTargetRef"]["name"]
        for h in objects(WITH_KEDA, "HorizontalPodAutoscaler").values()
    }
    assert left == {"gateway"}, "KEDA owns the consumers' autoscalers"


def test_keda_authenticates_to_msk_like_the_services() -> None:
    auths = objects(WITH_KEDA, "TriggerAuthentication")
    region = CLUSTER["metadata"]["region"]
    for name, scaled in objects(WITH_KEDA, "ScaledObject").items():
        (trigger,) = scaled["spec"]["triggers"]
        meta = trigger["metadata"]
        assert (meta["tls"], meta["sasl"], meta["saslTokenProvider"]) == (
            "enable",
            "oauthbearer",
            "aws_msk_iam",
        ), name
        assert meta["awsRegion"] == region
        auth = auths[trigger["authenticationRef"]["name"]]
        assert auth["spec"]["podIdentity"]["provider"] == "aws"
    keda = [
        a for a in CLUSTER["iam"]["serviceAccounts"] if a["metadata"]["name"] == "keda-operator"
    ]
    actions = {a for s in keda[0]["attachPolicy"]["Statement"] for a in s["Action"]}
    assert "kafka-cluster:DescribeGroup" in actions and "kafka-cluster:ReadData" not in actions


# --- Placement --------------------------------------------------------------------------


def test_every_service_spreads_across_zones_and_nodes() -> None:
    for name, deployment in objects(EKS, "Deployment").items():
        pod = deployment["spec"]["template"]
        constraints = {c["topologyKey"]: c for c in pod["spec"]["topologySpreadConstraints"]}
        assert set(constraints) == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
        assert constraints["topology.kubernetes.io/zone"]["whenUnsatisfiable"] == "DoNotSchedule"
        for constraint in constraints.values():
            assert constraint["maxSkew"] == 1
            (expression,) = constraint["labelSelector"]["matchExpressions"]
            assert expression["operator"] == "Exists"
            assert expression["key"] in pod["metadata"]["labels"], name
            assert "app.kubernetes.io/name" in constraint["matchLabelKeys"], "per Deployment"
    assert len(CLUSTER["availabilityZones"]) >= 3


# --- Network ----------------------------------------------------------------------------


def _selected(policy: Obj, labels: dict[str, str]) -> bool:
    wanted = policy["spec"]["podSelector"].get("matchLabels", {})
    return wanted.items() <= labels.items()


def _egress(target: str, labels: dict[str, str]) -> list[Obj]:
    rules: list[Obj] = []
    for policy in objects(target, "NetworkPolicy").values():
        if _selected(policy, labels) and "Egress" in policy["spec"]["policyTypes"]:
            rules += policy["spec"].get("egress", [])
    return rules


def _reaches(rules: list[Obj], port: int | str, *, cidr: str | None = None) -> bool:
    for rule in rules:
        ports = {p["port"] for p in rule.get("ports", [])}
        if port not in ports:
            continue
        for peer in rule.get("to", []):
            block = peer.get("ipBlock")
            if cidr is None or (
                block and ipaddress.ip_network(cidr).subnet_of(ipaddress.ip_network(block["cidr"]))
            ):
                return True
    return False


def test_everything_is_denied_but_what_each_pod_needs() -> None:
    policies = objects(EKS, "NetworkPolicy")
    (deny,) = [
        p
        for p in policies.values()
        if p["spec"]["podSelector"] == {}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert set(deny["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    config = _config(EKS)
    kafka_ports = {int(b.rsplit(":", 1)[1]) for b in config["KAFKA_BOOTSTRAP_SERVERS"].split(",")}
    assert kafka_ports == {9098}, "MSK's TLS and IAM listener"
    vpc = "192.168.0.0/16"
    for name, pod in _pods(EKS).items():
        labels = pod["metadata"]["labels"]
        rules = _egress(EKS, labels)
        assert _reaches(rules, 53), f"{name}: DNS"
        service = name.split("/")[1]
        if service in DEPLOYED or service == "msgplat-migrate":
            assert _reaches(rules, 5432, cidr=vpc), f"{name}: the database"
        if service in CONSUMERS:
            assert _reaches(rules, 9098, cidr=vpc), f"{name}: the brokers"
            # STS (IRSA credentials for MSK IAM), the carrier, webhooks: HTTPS out.
            assert _reaches(rules, 443, cidr="52.95.0.0/16"), f"{name}: HTTPS out"
        if service == "send":
            assert _reaches(rules, "http"), "send calls the carrier (simulator) in the cluster"
    (https_out,) = [
        p
        for p in policies.values()
        if any(
            peer.get("ipBlock", {}).get("cidr") == "0.0.0.0/0"
            for r in p["spec"].get("egress", [])
            for peer in r["to"]
        )
    ]
    excepted = https_out["spec"]["egress"][0]["to"][0]["ipBlock"]["except"]
    assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"} <= set(excepted)
    assert "Narrow" in GUIDE or "narrow" in GUIDE


# --- Secrets ----------------------------------------------------------------------------


def _role(account: str) -> Obj:
    (role,) = [a for a in CLUSTER["iam"]["serviceAccounts"] if a["metadata"]["name"] == account]
    return role


def test_every_secret_comes_from_secrets_manager_through_its_own_store() -> None:
    assert not objects(EKS, "Secret"), "nothing secret is committed"
    external = {e["spec"]["target"]["name"]: e for e in objects(EKS, "ExternalSecret").values()}
    stores = objects(EKS, "SecretStore")
    accounts = objects(EKS, "ServiceAccount")
    for pod in _pods(EKS).values():
        for container in pod["spec"]["containers"]:
            for item in container.get("env", []):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref and not ref.get("optional"):
                    assert ref["name"] in external, f"Secret {ref['name']}: no ExternalSecret"
    for name, secret in external.items():
        store = stores[secret["spec"]["secretStoreRef"]["name"]]
        aws = store["spec"]["provider"]["aws"]
        assert aws["service"] == "SecretsManager"
        account = aws["auth"]["jwt"]["serviceAccountRef"]["name"]
        arn = accounts[account]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        role = _role(account)
        assert arn.endswith(f":role/{role['roleName']}")
        allowed = [
            s["Resource"].split(":secret:", 1)[1]
            for s in role["attachPolicy"]["Statement"]
            if "secretsmanager:GetSecretValue" in s["Action"]
        ]
        keys = [d["extract"]["key"] for d in secret["spec"].get("dataFrom", [])]
        keys += [
            d["remoteRef"]["key"].split(":secret:")[-1] for d in secret["spec"].get("data", [])
        ]
        for key in keys:
            assert any(re.fullmatch(a.replace("*", ".*"), key) for a in allowed), (
                f"{name}: the store's role may not read {key}"
            )
        assert secret["metadata"]["labels"]["msgplat.io/phase"] == "prepare"
        if name != "msgplat-database":  # each service's store reads its own prefix only
            assert allowed == [f"msgplat/{account}/*"], name
            assert re.search(rf"--name {re.escape(keys[0])}\b", GUIDE), (
                f"the guide creates {keys[0]}"
            )


def test_each_service_has_its_own_database_secret_and_the_job_the_administrator() -> None:
    for name, deployment in objects(EKS, "Deployment").items():
        if name not in DEPLOYED:
            continue
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        (url,) = [e for e in container["env"] if e["name"] == "DATABASE_URL"]
        assert url["valueFrom"]["secretKeyRef"]["name"] == f"msgplat-{name}"
    (job,) = objects(EKS, "Job").values()
    (container,) = job["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"]}
    assert env["DATABASE_URL"] == "msgplat-database"
    for service in DEPLOYED:
        assert env[f"{service.upper()}_DATABASE_URL"] == f"msgplat-{service}"


# --- Kafka and PostgreSQL over TLS ----------------------------------------------------------


def test_the_services_speak_tls_and_iam_to_msk(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(EKS)
    assert config["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert config["KAFKA_SASL_MECHANISM"] == "OAUTHBEARER"
    # What a pod reads: the ConfigMap, and AWS_REGION from the IRSA webhook.
    for key, value in config.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_REGION", CLUSTER["metadata"]["region"])
    settings = ServiceSettings(service_name="send", database_url="postgresql://u:p@db/msgplat")
    assert settings.kafka_region() == CLUSTER["metadata"]["region"]
    for service, account in objects(EKS, "ServiceAccount").items():
        if service in CONSUMERS:
            actions = {a for s in _role(service)["attachPolicy"]["Statement"] for a in s["Action"]}
            assert {"kafka-cluster:Connect", "kafka-cluster:WriteDataIdempotently"} <= actions
            assert "eks.amazonaws.com/role-arn" in account["metadata"]["annotations"]


def test_the_database_is_verified_against_the_rds_bundle_in_every_pod() -> None:
    admin = objects(EKS, "ExternalSecret")["msgplat-database"]
    url = admin["spec"]["target"]["template"]["data"]["DATABASE_URL"]
    assert "sslmode=verify-full" in url
    (bundle,) = re.findall(r"sslrootcert=([^&\s]+)", url)
    assert f"sslrootcert={bundle}" in GUIDE, "each service's URL in the guide uses it too"
    folder = str(Path(bundle).parent)
    for name, pod in _pods(EKS).items():
        if name == "Deployment/carrier":
            continue
        mounts = {m["mountPath"]: m["name"] for m in pod["spec"]["containers"][0]["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
        assert volumes[mounts[folder]]["configMap"]["name"] == "rds-ca-bundle", name
    assert "kubectl -n msgplat create configmap rds-ca-bundle" in GUIDE


# --- Pod Security -----------------------------------------------------------------------

ALLOWED_VOLUMES = {
    "configMap",
    "emptyDir",
    "projected",
    "secret",
    "downwardAPI",
    "persistentVolumeClaim",
    "ephemeral",
    "csi",
}


@pytest.mark.parametrize("target", [EKS, *(t for t in TARGETS if "addons" in t)])
def test_every_pod_meets_the_restricted_pod_security_profile(target: str) -> None:
    for namespace in objects(target, "Namespace").values():
        assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for name, template in _pods(target).items():
        pod = template["spec"]
        assert not (pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC")), name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        for volume in pod.get("volumes", []):
            assert set(volume) - {"name"} <= ALLOWED_VOLUMES, f"{name}: {volume}"
        for container in [*pod["containers"], *pod.get("initContainers", [])]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert not context.get("privileged"), name
            assert set(context["capabilities"].get("add", [])) <= {"NET_BIND_SERVICE"}


# --- Migrations before code ---------------------------------------------------------------


def test_argo_cd_runs_the_migration_as_a_presync_hook_after_the_secrets() -> None:
    target = "k8s/overlays/eks+argocd-presync"
    (job,) = objects(target, "Job").values()
    notes = job["metadata"]["annotations"]
    assert notes["argocd.argoproj.io/hook"] == "PreSync"
    assert notes["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
    for secret in objects(target, "ExternalSecret").values():
        assert secret["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "-1"


def test_the_documented_order_prepares_secrets_then_migrates_then_rolls_out() -> None:
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    for text in (GUIDE, ci):
        prepare = text.index("-l msgplat.io/phase=prepare")
        ready = text.index("--for=condition=Ready externalsecret")
        migrate = text.index("-l app.kubernetes.io/component=migration")
        done = text.index("--for=condition=complete job/msgplat-migrate")
        assert prepare < ready < migrate < done < text.index("kubectl apply -k k8s/overlays/eks\n")


# --- Observability ------------------------------------------------------------------------


def test_traces_go_to_the_adot_collector_with_a_sampling_ratio() -> None:
    config = _config(EKS)
    endpoint = config["OTEL_EXPORTER_OTLP_ENDPOINT"]
    assert 0 < float(config["OTEL_TRACES_SAMPLER_ARG"]) < 1
    (collector,) = objects("k8s/addons/adot-collector", "Service").values()
    host = f"{collector['metadata']['name']}.{collector['metadata']['namespace']}"
    assert endpoint == f"http://{host}:4318"
    (pipeline_config,) = [
        m
        for n, m in objects("k8s/addons/adot-collector", "ConfigMap").items()
        if n.startswith("adot-collector-config")
    ]
    pipeline = yaml.safe_load(pipeline_config["data"]["config.yaml"])
    traces = pipeline["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"] and "awsxray" in traces["exporters"]
    assert "adot-collector" in {a["metadata"]["name"] for a in CLUSTER["iam"]["serviceAccounts"]}


# --- The connection budget ------------------------------------------------------------------


def connection_budget(target: str = EKS) -> dict[str, int]:
    """The most connections each Deployment may hold at its largest scale: replicas x
    (pool + overflow); monitoring adds one LISTEN connection per pod (monitoring/live.py)."""
    config = _config(target)
    pool = int(config.get("DB_POOL_SIZE", 10))
    overflow = int(config.get("DB_MAX_OVERFLOW", pool))
    largest = {
        h["spec"]["scaleTargetRef"]["name"]: h["spec"]["maxReplicas"]
        for h in objects(target, "HorizontalPodAutoscaler").values()
    }
    budget = {}
    for name in DEPLOYED:
        per_pod = pool + (10 if name == "gateway" else overflow)  # the gateway: SQLAlchemy's 10
        per_pod += 1 if name == "monitoring" else 0
        budget[name] = largest[name] * per_pod
    budget["msgplat-migrate"] = 1
    return budget


def test_the_connection_budget_fits_the_instance_the_guide_chooses() -> None:
    budget = connection_budget()
    total = sum(budget.values())
    found = re.search(r"budget: (\d+) connections", GUIDE)
    assert found, "docs/deploy-eks.md states the connection budget"
    assert int(found.group(1)) == total, f"the guide's budget differs: {budget}"
    limit = re.search(r"max_connections[^\n]*?≈ (\d+)", GUIDE)
    assert limit, "the guide states max_connections of its instance class"
    assert total < int(limit.group(1)) * 0.8, "keep a fifth for the operators and RDS itself"
