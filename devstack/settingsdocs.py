"""The README's table of environment variables, generated from the settings classes.

Every service's `settings.py` (a `ServiceSettings` subclass) and the gateway's
`GatewaySettings` are read; a variable's name is its field's name in upper case (with
the class's `env_prefix`, or its alias when it has one).
`python -m msgplat.devstack.settingsdocs` prints the table; with `--readme README.md`
it replaces the table between the markers in that file (`make docs` does this);
`tests/test_docs.py` fails when the README's table differs from the code.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import AliasChoices
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from msgplat.devstack.bounds import Comparison, numeric_bounds
from msgplat.devstack.services import SERVICES
from msgplat.plumbing.settings import ServiceSettings

START_MARKER = "<!-- settings:start -->"
END_MARKER = "<!-- settings:end -->"

# What a field is for, where its class does not say (`Field(description=...)` wins).
# Keyed by field name, or by "reader.field" where one name means different things.
# Prefer a description in the settings class: then the entry here can go.
FALLBACK_DESCRIPTIONS: dict[str, str] = {
    "service_name": "Name used in logs, client ids and the DB schema",
    "db_pool_size": "Database connections kept open per process (as many again may overflow)",
    "kafka_bootstrap_servers": "Kafka bootstrap servers, `host:port[,host:port...]`",
    "kafka_topic_partitions": "Partitions of each topic a service creates at start-up "
    "(existing topics are left as they are): the most replicas of one consumer group "
    "that can share the work",
    "kafka_replication_factor": "Replicas of each topic a service creates "
    "(1 for one broker, 3 on a production cluster)",
    "kafka_enable_idempotence": "Idempotent producer: `false` for the local Tansu broker, "
    "`true` for Apache Kafka. Correctness never depends on it (outbox and inbox do)",
    "kafka_request_timeout_ms": "Timeout of one Kafka request (consumers use at least 40000)",
    "kafka_session_timeout_ms": "How long a silent consumer keeps its partitions before "
    "its group rebalances (it heartbeats every fifth of it)",
    "outbox_batch_size": "Outbox rows the relay publishes per batch",
    "outbox_poll_interval_s": "How often the relay looks for outbox rows when no commit wakes it",
    "outbox_retention_s": "How long published outbox rows are kept before they are deleted",
    "consumer_batch_size": "Records a consumer applies in one database transaction",
    "log_level": "`DEBUG`, `INFO`, `WARNING` or `ERROR`",
    "log_json": "One JSON object per log line (`true`) or console output for people (`false`)",
    "reservation.reserve_past_tolerance_s": "How far in the past a `reserveDt` may be "
    "(clock skew) and still mean now; older is rejected",
    "reservation.reserve_horizon_days": "How far ahead a `reserveDt` may be",
    "reservation.max_recipients": "Most recipients in one reservation",
    "reservation.phone_default_region": "Region of phone numbers written without a country code",
    "send.carrier_timeout_s": "Read timeout of one call to the carrier",
    "send.carrier_batch_size": "Messages per carrier submit request",
    "send.breaker_threshold": "Consecutive carrier failures that open the carrier's circuit",
    "send.breaker_open_s": "How long the carrier's circuit stays open before a trial request",
    "send.scheduler_interval_s": "How often a replica looks for reservations due to send",
    "send.lease_s": "How long a replica's claim on a sending reservation lasts unless renewed "
    "(then another replica takes it over)",
    "send.max_parallel_jobs": "Reservations one replica sends at the same time",
    "carrier.outage_retry_after_s": "`Retry-After` (seconds) of the 503s during an `error` outage",
    "carrier.max_body_bytes": "Largest submit body the simulator accepts (413 above it)",
    "gateway.upstream_connect_timeout_s": "Connect timeout from the gateway to a service",
    "gateway.breaker_threshold": "Consecutive failures of a service that open its circuit "
    "at the gateway",
    "gateway.breaker_open_s": "How long a service's open circuit stays open before a trial request",
    "gateway.max_body_bytes": "Largest request body the gateway accepts",
}


@dataclass(frozen=True)
class Reader:
    """One process that reads settings: its name and its settings class."""

    name: str
    settings: type[BaseSettings]


@dataclass
class Variable:
    name: str
    readers: list[str]
    default: str
    description: str
    also: list[str] = field(default_factory=list)  # other names read for the same field


def readers() -> list[Reader]:
    """The settings class of every service and of the gateway, in `SERVICES` order."""
    return [Reader(spec.name, settings_of(spec.name)) for spec in SERVICES]


def settings_of(service: str) -> type[BaseSettings]:
    """The one settings class defined in `msgplat.<service>.settings` (the gateway's
    extends the class of its upstream URLs, made there from the registry)."""
    module = importlib.import_module(f"msgplat.{service}.settings")
    defined = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseSettings) and cls.__module__ == module.__name__
    ]
    classes = [c for c in defined if not any(o is not c and issubclass(o, c) for o in defined)]
    if len(classes) != 1:
        raise RuntimeError(f"{module.__name__} should define one settings class: {classes}")
    return classes[0]


def env_names(settings: type[BaseSettings], name: str) -> list[str]:
    """The environment variables a settings field is read from, the preferred one first."""
    info = settings.model_fields[name]
    alias = info.validation_alias or info.alias
    if isinstance(alias, str):
        return [alias.upper()]
    if isinstance(alias, AliasChoices):
        return [choice.upper() for choice in alias.choices if isinstance(choice, str)]
    return [(str(settings.model_config.get("env_prefix", "")) + name).upper()]


def env_fields(settings: type[BaseSettings]) -> dict[str, str]:
    """Every environment variable a settings class reads -> its field name."""
    return {env: name for name in settings.model_fields for env in env_names(settings, name)}


def variables() -> list[Variable]:
    fields: dict[str, dict[str, FieldInfo]] = {}
    descriptions: dict[str, dict[str, str]] = {}
    also: dict[str, list[str]] = {}
    for reader in readers():
        for name, info in reader.settings.model_fields.items():
            primary, *others = env_names(reader.settings, name)
            fields.setdefault(primary, {})[reader.name] = info
            descriptions.setdefault(primary, {})[reader.name] = describe(reader, name)
            also.setdefault(primary, [])
            also[primary] += [other for other in others if other not in also[primary]]
    result = []
    for env, by_reader in fields.items():
        texts = descriptions[env]
        if len(set(texts.values())) == 1:
            description = next(iter(texts.values()))
        else:
            description = " ".join(f"**{reader}**: {text}" for reader, text in texts.items())
        result.append(
            Variable(
                name=env,
                readers=list(by_reader),
                default=_default(by_reader),
                description=description,
                also=also[env],
            )
        )
    return result


def describe(reader: Reader, name: str) -> str:
    """The field's description (its own, a base class's, or the fallback) and its bounds."""
    text = ""
    for cls in reader.settings.__mro__:
        info = getattr(cls, "model_fields", {}).get(name)
        if info is not None and info.description:
            text = info.description
            break
    text = text or FALLBACK_DESCRIPTIONS.get(f"{reader.name}.{name}", "")
    text = text or FALLBACK_DESCRIPTIONS.get(name, "")
    bounds = _bounds(reader.settings.model_fields[name])
    if text and bounds:
        return f"{text.rstrip('.')}. {bounds}"
    return text


def _default(by_reader: dict[str, FieldInfo]) -> str:
    values = {}
    for reader, info in by_reader.items():
        values[reader] = (
            None if info.is_required() else _literal(info.get_default(call_default_factory=True))
        )
    distinct = set(values.values())
    if distinct == {None}:
        return "**required**"
    if len(distinct) == 1:
        return f"`{values[next(iter(values))]}`"
    if all(value == reader for reader, value in values.items()):
        return "the service's name, e.g. `" + next(iter(values)) + "`"
    return "; ".join(
        f"{reader}: " + ("**required**" if value is None else f"`{value}`")
        for reader, value in values.items()
    )


def _literal(value: object) -> str:
    """The value as one would write it in the environment."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and value == "":
        return '""'
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


_IN_WORDS: dict[Comparison, str] = {">=": "at least", ">": "above", "<=": "at most", "<": "below"}


def _bounds(info: FieldInfo) -> str:
    words = [f"{_IN_WORDS[comparison]} {value}" for comparison, value in numeric_bounds(info)]
    return (", ".join(words).capitalize() + ".") if words else ""


def _who(names: list[str], everyone: list[Reader]) -> str:
    platform = [r.name for r in everyone if issubclass(r.settings, ServiceSettings)]
    if names == [*platform, "gateway"]:
        return "every service, gateway"
    if names == platform:
        return "every service"
    return ", ".join(names)


def render() -> str:
    everyone = readers()
    lines = [
        "| Variable | Read by | Default | What it does |",
        "|---|---|---|---|",
    ]
    for var in variables():
        description = var.description or "_undocumented_"
        lines.append(
            f"| `{var.name}`{''.join(f' or `{a}`' for a in var.also)} "
            f"| {_who(var.readers, everyone)} | {var.default} "
            f"| {description.replace('|', chr(92) + '|')} |"
        )
    return "\n".join(lines) + "\n"


def replace_table(text: str, table: str) -> str:
    """`text` with the part between the markers replaced by `table`."""
    start = text.index(START_MARKER) + len(START_MARKER)
    end = text.index(END_MARKER)
    return text[:start] + "\n" + table + text[end:]


def table_in(text: str) -> str:
    start = text.index(START_MARKER) + len(START_MARKER)
    return text[start : text.index(END_MARKER)].lstrip("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--readme", type=Path, help="rewrite the table in this file")
    args = parser.parse_args()
    table = render()
    if args.readme is None:
        print(table, end="")
        return
    args.readme.write_text(replace_table(args.readme.read_text(), table))


if __name__ == "__main__":
    main()
