"""`docs/events.md`, generated from the code: every topic and event, who produces and consumes it.

The sources are the event catalogue (`msgplat.contracts.events`), the topic owners
(`msgplat.contracts.topics.PRODUCERS`), the envelope (`msgplat.plumbing.envelope`) and
each service's `consumers.SUBSCRIPTIONS`. `python -m msgplat.devstack.eventdocs` prints
it; `make docs` writes it; `tests/test_docs.py` fails when the file is stale.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import types
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from uuid import UUID

import annotated_types
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from msgplat.contracts.events import CATALOGUE, versions
from msgplat.contracts.topics import ALL_TOPICS, PRODUCERS
from msgplat.devstack.bounds import numeric_bound
from msgplat.devstack.services import SERVICES
from msgplat.plumbing.envelope import MAX_EVENT_BYTES, Event, EventEnvelope
from msgplat.plumbing.settings import ServiceSettings


@dataclass(frozen=True, order=True)
class Subscriber:
    service: str
    group: str

    def __str__(self) -> str:
        return f"{self.service} (`{self.group}`)"


def subscriptions() -> dict[type[Event], list[Subscriber]]:
    """Event class -> the (service, consumer group) pairs that handle it."""
    found: dict[type[Event], list[Subscriber]] = {}
    for spec in SERVICES:
        module_name = f"msgplat.{spec.name}.consumers"
        if importlib.util.find_spec(module_name) is None:
            continue  # the gateway consumes nothing
        module = importlib.import_module(module_name)
        for group, handlers in module.SUBSCRIPTIONS.items():
            for event_class in handlers:
                found.setdefault(event_class, []).append(Subscriber(spec.name, group))
    return {cls: sorted(subs) for cls, subs in found.items()}


def type_name(annotation: Any) -> str:
    """A readable Python type: `UUID`, `list[str]`, `Literal["SMS", "LMS"]`, `str | None`."""
    if annotation is type(None):
        return "None"
    if annotation is AwareDatetime:
        return "AwareDatetime"
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Literal:
        return (
            "Literal[" + ", ".join(f'"{a}"' if isinstance(a, str) else repr(a) for a in args) + "]"
        )
    if origin in (Union, types.UnionType):
        return " | ".join(type_name(a) for a in args)
    if origin is Annotated:
        return type_name(args[0])
    if origin is not None:
        return f"{getattr(origin, '__name__', str(origin))}[{', '.join(map(type_name, args))}]"
    if annotation is Any:
        return "Any"
    return getattr(annotation, "__name__", str(annotation))


def wire_form(annotation: Any) -> str:
    """How a scalar travels in the JSON payload, when that is not obvious."""
    if annotation is AwareDatetime:
        return "ISO 8601 string with a UTC offset"
    if annotation is datetime:
        return "ISO 8601 string"
    if annotation is UUID:
        return "UUID string"
    return ""


def constraints(info: FieldInfo) -> list[str]:
    rules = []
    for item in info.metadata:
        if (bound := numeric_bound(item)) is not None:
            comparison, value = bound
            rules.append(f"{comparison} {value}")
        match item:
            case annotated_types.MinLen(min_length=length):
                rules.append(
                    f"at least {_items(length)}" if _is_list(info) else f"min length {length}"
                )
            case annotated_types.MaxLen(max_length=length):
                rules.append(
                    f"at most {_items(length)}" if _is_list(info) else f"max length {length}"
                )
    return rules


def _items(count: int) -> str:
    return f"{count:,} item" + ("" if count == 1 else "s")


def _is_list(info: FieldInfo) -> bool:
    return get_origin(info.annotation) in (list, tuple, set, frozenset)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# The envelope's fields say little about themselves; what each one is for.
ENVELOPE_NOTES: dict[str, str] = {
    "event_id": "Unique per event; consumers deduplicate by it",
    "event_type": "The catalogue name of the payload's event",
    "schema_version": "The version of the payload's model",
    "occurred_at": "When the event was written (UTC)",
    "user_id": "The customer who owns the reservation",
    "correlation_id": "The id of the request that started the work (`X-Request-ID`), "
    "carried from event to event",
    "payload": 'The event as JSON (the model\'s `model_dump(mode="json")`)',
}


def field_rows(model: type[BaseModel], notes: dict[str, str] | None = None) -> Iterator[str]:
    yield "| Field | Type | Required | Description |"
    yield "|---|---|---|---|"
    for name, info in model.model_fields.items():
        if info.is_required():
            required = "yes"
        elif info.default_factory is not None:
            required = "no (generated)"
        else:
            required = f"no (default `{info.default!r}`)"
        parts = [
            info.description or (notes or {}).get(name, ""),
            wire_form(info.annotation),
            ", ".join(constraints(info)),
            ", ".join(f"see [{m.__name__}](#{_anchor(m.__name__)})" for m in _models_in(info)),
        ]
        description = "; ".join(p for p in parts if p)
        yield (
            f"| `{name}` | `{_cell(type_name(info.annotation))}` | {_cell(required)} "
            f"| {_cell(description)} |"
        )


def nested_models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """Models used inside a model's fields (e.g. `list[MessageResult]`), depth first."""
    for info in model.model_fields.values():
        for candidate in _models_in(info):
            yield candidate
            yield from nested_models(candidate)


def _models_in(info: FieldInfo) -> list[type[BaseModel]]:
    return [c for c in _walk(info.annotation) if inspect.isclass(c) and issubclass(c, BaseModel)]


def _walk(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in get_args(annotation):
        yield from _walk(arg)


def _doc(cls: type) -> str:
    return inspect.cleandoc(cls.__doc__ or "").replace("\n", " ")


def _anchor(name: str) -> str:
    return name.lower()


def render() -> str:
    subs = subscriptions()
    events = list(CATALOGUE.values())
    partitions = ServiceSettings.model_fields["kafka_topic_partitions"].default
    out: list[str] = [
        "# Events and topics",
        "",
        "<!-- Generated by `python -m msgplat.devstack.eventdocs` (`make docs`) from",
        "     msgplat.contracts and each service's consumers.SUBSCRIPTIONS. Do not edit:",
        "     tests/test_docs.py fails when this file differs from the code. -->",
        "",
        "The event catalogue (`contracts/events.py`) is the contract between the services:",
        "a service never calls another one to learn what happened, it subscribes to the",
        "events below. Every event is a versioned pydantic model, sent inside an",
        "[envelope](#envelope) on the topic of the context that produces it.",
        "",
        "## Topics",
        "",
        "One topic per producing context. The Kafka key of every record is the",
        "reservation id (`aggregate_id`), so all events of one reservation land in one",
        "partition and are consumed in the order they were written. Each service creates",
        "the topics at start-up with `KAFKA_TOPIC_PARTITIONS` partitions "
        f"(default {partitions}) and",
        "`KAFKA_REPLICATION_FACTOR` replicas; the partition count is the most replicas of",
        "one consumer group that can share the work.",
        "",
        "| Topic | Producer | Partitions, key | Events | Consumers (service, `group`) |",
        "|---|---|---|---|---|",
    ]
    for topic in ALL_TOPICS:
        on_topic = [cls for cls in events if cls.topic == topic]
        names = ", ".join(f"[{c.event_type}](#{_anchor(c.event_type)})" for c in on_topic)
        consumers = sorted({s for c in on_topic for s in subs.get(c, [])})
        out.append(
            f"| `{topic}` | {PRODUCERS[topic]} | {partitions} (default), reservation id "
            f"| {names or 'none yet'} "
            f"| {', '.join(map(str, consumers)) or 'none yet'} |"
        )
    out += [
        "",
        "## Envelope",
        "",
        "Every Kafka record's value is this JSON object (`plumbing/envelope.py`); the",
        "event itself is its `payload`. The record key is `aggregate_id`.",
        "The record headers repeat "
        + ", ".join(f"`{h}`" for h in EventEnvelope.HEADER_NAMES)
        + ",",
        "so a consumer can route and trace a record without parsing its value.",
        f"A serialised envelope may not exceed {MAX_EVENT_BYTES:,} bytes (Kafka's default",
        "`message.max.bytes`): the producer refuses a larger one inside its transaction.",
        "",
        *field_rows(EventEnvelope, ENVELOPE_NOTES),
        "",
        "Consumers deduplicate by `event_id` per consumer group (the inbox table), so a",
        "redelivered record changes nothing. `schema_version` is the payload model's",
        "version. Producers are strict (a field the model does not name is refused);",
        "consumers are tolerant readers: unknown fields are ignored (a newer producer's",
        "additions during a rolling deploy) and an older version is upcast to the current",
        "one (`Event.upcasts`: version -> upcast to the next) before its handler sees it.",
        "A breaking change is a new version with an upcast from the old one. One golden",
        "payload per event and version (`contracts/tests/golden/`) is replayed through",
        "every subscriber by `contracts/tests/test_golden_events.py`.",
        "",
        "## Compatibility rules",
        "",
        "What a producer may change in an event without a new version (consumers running",
        "the old code keep working, as they ignore what they do not know):",
        "",
        "- add an optional field, with a default that means what the event meant before;",
        "- add an event type (no consumer subscribes to it until its code does);",
        "- widen a documented bound only where every consumer handles the wider value.",
        "",
        "What needs a new version (`schema_version` + 1, with an upcast from the old one in",
        "`Event.upcasts`, and a golden payload of each version):",
        "",
        "- remove or rename a field, or change its type or its meaning;",
        "- make an optional field required, or narrow its values (a `Literal` loses one);",
        "- change the key (always the reservation id) or the topic of an event.",
        "",
        "Consumers are deployed before producers write a new version: a consumer reads every",
        "version listed under its event (older ones upcast); one newer than it knows is read",
        "as its own, which is only safe because of the rules above. The same contract as",
        "AsyncAPI 3.0: [`asyncapi.yaml`](asyncapi.yaml) (also served by the gateway at",
        "`/asyncapi.yaml`), generated from the same catalogue.",
        "",
        "## Events",
    ]
    seen_nested: list[type[BaseModel]] = []
    for cls in events:
        consumers = subs.get(cls, [])
        out += [
            "",
            f"### {cls.event_type}",
            "",
            _doc(cls),
            "",
            f"- Version written: {cls.schema_version}; versions read: "
            + ", ".join(map(str, versions(cls.event_type))),
            f"- Topic: `{cls.topic}`",
            f"- Producer: {PRODUCERS.get(cls.topic, 'unknown')}",
            f"- Consumers: {', '.join(map(str, consumers)) or 'none yet'}",
            "",
            *field_rows(cls),
        ]
        for nested in nested_models(cls):
            if nested not in seen_nested:
                seen_nested.append(nested)
    if seen_nested:
        out += ["", "## Types used inside events"]
        for model in seen_nested:
            out += ["", f"### {model.__name__}", "", _doc(model), "", *field_rows(model)]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
