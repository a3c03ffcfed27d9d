"""The dashboard and the alerts under k8s/base/observability name only real metrics."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import REGISTRY

import msgplat.plumbing.metrics  # noqa: F401  (registers the metrics)

FOLDER = Path(__file__).parent.parent / "k8s" / "base" / "observability"
SUFFIXES = ("_bucket", "_count", "_sum", "_total")
PROMQL_WORDS = {"by", "and", "or", "unless", "sum", "max", "min", "rate", "increase", "delta"}


def exported_names() -> set[str]:
    """Names of every series the registry can export (labelled metrics may have none
    yet: a counter `x` exports `x_total`, a histogram `x_bucket`, `x_count`, `x_sum`)."""
    return {metric.name + suffix for metric in REGISTRY.collect() for suffix in ("", *SUFFIXES)}


def metric_names(expr: str) -> set[str]:
    """The metric names in a PromQL expression (names followed by `{`, `[` or a space)."""
    without_labels = re.sub(r"\{[^}]*\}", "{}", expr)
    without_groupings = re.sub(r"\b(by|without)\s*\([^)]*\)", "", without_labels)
    words = set(re.findall(r"\b([a-z_][a-z0-9_]*)\b(?!\s*\()", without_groupings))
    return {w for w in words if "_" in w and w not in PROMQL_WORDS and not w.startswith("__")}


def rules() -> list[dict[str, Any]]:
    doc = yaml.safe_load((FOLDER / "alerts.yaml").read_text())
    return [rule for group in doc["spec"]["groups"] for rule in group["rules"]]


def test_every_alert_and_panel_uses_an_exported_metric() -> None:
    known = exported_names()
    dashboard = json.loads((FOLDER / "msgplat-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    exprs += [rule["expr"] for rule in rules()]
    used = set().union(*(metric_names(e) for e in exprs)) - {"le"}
    assert used, "no metric found in the expressions"
    assert used <= known, f"unknown metrics: {sorted(used - known)}"


def test_alerts_cover_the_outbox_the_consumer_lag_and_open_circuits() -> None:
    exprs = " ".join(rule["expr"] for rule in rules())
    for metric in (
        "outbox_oldest_unsent_age_seconds",
        "consumer_lag_events",
        "circuit_breaker_state",
        "worker_seconds_since_round",
        "work_restarts_total",
    ):
        assert metric in exprs
    assert all(rule["annotations"]["summary"] for rule in rules())


def test_the_dashboard_is_a_configmap_for_the_grafana_sidecar() -> None:
    kustomization = yaml.safe_load((FOLDER / "kustomization.yaml").read_text())
    [generator] = kustomization["configMapGenerator"]
    assert generator["options"]["labels"] == {"grafana_dashboard": "1"}
    assert all((FOLDER / f).exists() for f in [*generator["files"], *kustomization["resources"]])
