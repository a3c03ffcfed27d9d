"""Golden payloads: every event, in every version a consumer reads, as it travelled.

One JSON envelope per event and version lives under `golden/<Event>/v<n>.json`. Each is
replayed through every consumer group that subscribes to it (the real
`IdempotentConsumer` parse path and the service's reaction, against the real database):
as recorded, and as a newer producer would send it with fields this code does not know
(in the envelope, the payload and its nested items). Every one must be applied, none
dead-lettered: an old consumer keeps working through a rolling deploy.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio

from msgplat.contracts.events import CATALOGUE, versions
from msgplat.devstack import eventdocs
from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.settings import ServiceSettings
from msgplat_testsupport.records import as_records

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_RID = "0b6f4a52-7e1c-4f43-9d2a-5c7d8e9f0a11"
SUBSCRIBERS = sorted({sub for subs in eventdocs.subscriptions().values() for sub in subs})


def golden(event_type: str, version: int) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads((GOLDEN / event_type / f"v{version}.json").read_bytes())
    return loaded


def test_every_event_has_a_golden_payload_per_version() -> None:
    missing = [
        f"{name}/v{v}.json"
        for name in CATALOGUE
        for v in versions(name)
        if not (GOLDEN / name / f"v{v}.json").is_file()
    ]
    assert not missing, f"write the golden payloads {missing} (an envelope as it travels)"


def test_each_golden_payload_is_what_its_model_emits() -> None:
    """A current version's golden payload round-trips through the strict model: the
    producer side still writes exactly it."""
    for name, cls in CATALOGUE.items():
        data = golden(name, cls.schema_version)
        assert data["schema_version"] == cls.schema_version
        strict = cls.model_validate(data["payload"])  # extra="forbid": a producer's view
        assert strict.model_dump(mode="json") == cls.model_validate_json(
            orjson.dumps(data["payload"])
        ).model_dump(mode="json")


def newer(value: Any) -> Any:
    """The value as a newer producer might send it: a field added to every object."""
    if isinstance(value, dict):
        return {**{k: newer(v) for k, v in value.items()}, "added_in_a_later_version": "x"}
    if isinstance(value, list):
        return [newer(v) for v in value]
    return value


# A reservation's life replayed four times: each event's oldest version and its current
# one, each as recorded and as a newer producer sends it.
STORIES = [(pick, shape) for pick in ("oldest", "current") for shape in ("recorded", "newer")]


def story_event(event_type: str, rid: uuid.UUID, *, pick: str, shape: str) -> EventEnvelope:
    """One golden envelope of a fresh reservation `rid`, with a new event id."""
    known = versions(event_type)
    data = golden(event_type, known[0] if pick == "oldest" else known[-1])
    if shape == "newer":
        data = {**data, "payload": newer(data["payload"]), "trace_flags": "01"}
    text = orjson.dumps(data).replace(GOLDEN_RID.encode(), str(rid).encode())
    return EventEnvelope.model_validate_json(text).model_copy(update={"event_id": uuid.uuid4()})


def settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"msgplat.{service}.settings")
    found = [
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, ServiceSettings) and v is not ServiceSettings
    ]
    assert len(found) == 1, f"{service}: one settings class expected, found {found}"
    return found[0]


# Settings no service has a default for (the carrier's credentials): any value will do.
SECRETS: dict[str, dict[str, str]] = {
    "send": {"carrier_api_key": "golden-key", "carrier_callback_token": "golden-token"}
}


@pytest_asyncio.fixture(scope="module")
async def databases(database_url: str) -> AsyncIterator[dict[str, Database]]:
    opened: dict[str, Database] = {}
    for service in sorted({sub.service for sub in SUBSCRIBERS}):
        tables = importlib.import_module(f"msgplat.{service}.models").tables
        settings = settings_class(service)(database_url=database_url, **SECRETS.get(service, {}))
        opened[service] = Database(settings, tables)
    yield opened
    for db in opened.values():
        await db.dispose()


@pytest.mark.parametrize("subscriber", SUBSCRIBERS, ids=lambda s: f"{s.service}:{s.group}")
async def test_golden_payloads_are_applied_by_every_subscriber(
    subscriber: eventdocs.Subscriber, databases: dict[str, Database]
) -> None:
    handlers = importlib.import_module(f"msgplat.{subscriber.service}.consumers").SUBSCRIPTIONS[
        subscriber.group
    ]
    consumer = IdempotentConsumer(
        databases[subscriber.service],
        group_id=f"{subscriber.group}-golden-{uuid.uuid4().hex[:8]}",
        handlers=handlers,
    )
    envelopes = []
    for pick, shape in STORIES:
        rid = uuid.uuid4()
        envelopes += [
            story_event(name, rid, pick=pick, shape=shape)
            for name, cls in CATALOGUE.items()  # in the order of a reservation's life
            if cls in handlers
        ]

    for record in as_records(envelopes):
        await consumer.apply_one_or_dead_letter(record)

    assert consumer.stats.dead_lettered == 0, "an old or a newer event was dead-lettered"
    assert consumer.stats.applied == len(envelopes)
