"""`docs/asyncapi.yaml`, generated from the event catalogue: the event contract as an
AsyncAPI 3.0 document, beside `docs/events.md` (`devstack/eventdocs.py`), from the same
sources. `python -m msgplat.devstack.asyncapi` prints it; `make docs` writes it; the
gateway serves it at `/asyncapi.yaml`; `tests/test_asyncapi.py` validates it against
the AsyncAPI 3.0 JSON Schema and fails when the file is stale.

Each topic is a channel with its events as messages; each message is the envelope
(`plumbing/envelope.py`) with the event's schema as its `payload`, the record key (the
reservation id) as its Kafka binding, and the record headers (the envelope's and the
W3C trace context). The producer of each topic `send`s on it; each consumer group
`receive`s the events it handles.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from pydantic import BaseModel

from msgplat.contracts.events import CATALOGUE, versions
from msgplat.contracts.topics import ALL_TOPICS, PRODUCERS
from msgplat.devstack.eventdocs import subscriptions
from msgplat.plumbing.envelope import MAX_EVENT_BYTES, Event, EventEnvelope
from msgplat.plumbing.tracing import TRACEPARENT

REF = "#/components/schemas/{model}"
KAFKA_BINDING_VERSION = "0.5.0"


def _schema(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON Schema as a reference; it and its nested models go to `schemas`."""
    found = model.model_json_schema(ref_template=REF, mode="serialization")
    for name, nested in found.pop("$defs", {}).items():
        schemas.setdefault(name, nested)
    schemas.setdefault(model.__name__, found)
    return {"$ref": REF.format(model=model.__name__)}


def _headers() -> dict[str, Any]:
    described = {
        "event_type": "The event's catalogue name (the envelope's `event_type`)",
        "event_id": "The envelope's `event_id`: consumers deduplicate by it",
        "correlation_id": "The request that started the work (`X-Request-ID`)",
    }
    properties = {
        name: {"type": "string", "description": described.get(name, "")}
        for name in EventEnvelope.HEADER_NAMES
    }
    properties[TRACEPARENT] = {
        "type": "string",
        "description": "W3C trace context of the span that wrote the event, when tracing is on",
        "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
    }
    return {
        "type": "object",
        "required": list(EventEnvelope.HEADER_NAMES),
        "properties": properties,
    }


def _message(cls: type[Event], schemas: dict[str, Any], consumers: list[str]) -> dict[str, Any]:
    envelope = copy.deepcopy(schemas["EventEnvelope"])
    envelope["title"] = f"{cls.event_type} envelope"
    envelope["properties"]["event_type"] = {"const": cls.event_type}
    envelope["properties"]["schema_version"] = {"enum": versions(cls.event_type)}
    envelope["properties"]["payload"] = _schema(cls, schemas)
    return {
        "name": cls.event_type,
        "title": cls.event_type,
        "summary": " ".join((cls.__doc__ or "").split()),
        "contentType": "application/json",
        "headers": _headers(),
        "payload": envelope,
        "bindings": {
            "kafka": {
                "key": {"type": "string", "format": "uuid", "description": "The reservation id"},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "x-schema-versions": versions(cls.event_type),
        "x-producer": PRODUCERS[cls.topic],
        "x-consumers": consumers,
    }


def document() -> dict[str, Any]:
    subs = subscriptions()
    schemas: dict[str, Any] = {}
    _schema(EventEnvelope, schemas)
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    groups: dict[tuple[str, str, str], list[str]] = {}  # (service, group, topic) -> events
    for topic in ALL_TOPICS:
        on_topic = [cls for cls in CATALOGUE.values() if cls.topic == topic]
        for cls in on_topic:
            consumers = [str(s) for s in subs.get(cls, [])]
            messages[cls.event_type] = _message(cls, schemas, consumers)
            for s in subs.get(cls, []):
                groups.setdefault((s.service, s.group, topic), []).append(cls.event_type)
        channels[topic] = {
            "address": topic,
            "description": f"The events of the {PRODUCERS[topic]} service, keyed by "
            f"reservation id (one reservation's events in order); at most "
            f"{MAX_EVENT_BYTES:,} bytes each",
            "messages": {
                cls.event_type: {"$ref": f"#/components/messages/{cls.event_type}"}
                for cls in on_topic
            },
        }
        if on_topic:
            operations[f"{PRODUCERS[topic]}-publishes-{topic}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{topic}"},
                "summary": f"{PRODUCERS[topic]} publishes through its transactional outbox",
                "messages": [
                    {"$ref": f"#/channels/{topic}/messages/{c.event_type}"} for c in on_topic
                ],
            }
    for (service, group, topic), event_types in sorted(groups.items()):
        operations[f"{group}-receives-{topic}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{topic}"},
            "summary": f"{service}, consumer group {group}: deduplicated by event_id",
            "messages": [{"$ref": f"#/channels/{topic}/messages/{t}"} for t in event_types],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Message reservation platform: events",
            "version": "1.0.0",
            "description": "Every event the services exchange over Kafka (the catalogue, "
            "contracts/events.py). Compatibility rules: docs/events.md.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "`make run`'s broker; any Kafka the settings name",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def render() -> str:
    header = (
        "# Generated by `python -m msgplat.devstack.asyncapi` (`make docs`) from the event\n"
        "# catalogue. Do not edit: tests/test_asyncapi.py fails when it differs from the code.\n"
    )
    return header + yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=100)


if __name__ == "__main__":
    print(render(), end="")
