"""Unit tests of the event envelope: what every Kafka message of the system is."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from uuid import UUID, uuid4

import orjson
import pytest
from pydantic import ValidationError

from msgplat.contracts import topics
from msgplat.contracts.events import (
    CATALOGUE,
    ReservationCancelled,
    ReservationRecipientsAdded,
    parse_payload,
)
from msgplat.plumbing.envelope import (
    MAX_EVENT_BYTES,
    Event,
    EventEnvelope,
    EventTooLarge,
    UnknownVersion,
    Upcast,
)


def cancelled(reservation_id: UUID, previous_status: str = "scheduled") -> ReservationCancelled:
    return ReservationCancelled(
        reservation_id=reservation_id,
        previous_status=previous_status,
        cancelled_at=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


def wrap(event: ReservationCancelled | ReservationRecipientsAdded) -> EventEnvelope:
    aggregate_id = getattr(event, "reservation_id", uuid4())
    return EventEnvelope.wrap(event, aggregate_id=aggregate_id, user_id="u1", correlation_id="c-1")


def test_round_trip_through_bytes_keeps_every_field() -> None:
    """An envelope read back from its bytes equals the one written, field for field."""
    envelope = wrap(cancelled(uuid4()))

    back = EventEnvelope.from_bytes(envelope.to_bytes())

    assert back == envelope
    assert isinstance(back.event_id, UUID)
    assert back.occurred_at == envelope.occurred_at
    assert back.occurred_at.utcoffset() == timedelta(0)
    assert back.payload == envelope.payload


def test_bytes_are_plain_json_with_the_documented_fields() -> None:
    """The wire format is JSON any consumer can read, with the envelope's field names."""
    envelope = wrap(cancelled(uuid4()))

    data = orjson.loads(envelope.to_bytes())

    assert set(data) == {
        "event_id",
        "event_type",
        "schema_version",
        "occurred_at",
        "aggregate_id",
        "user_id",
        "correlation_id",
        "payload",
    }
    assert data["event_id"] == str(envelope.event_id)
    assert data["aggregate_id"] == str(envelope.aggregate_id)


def test_wrap_takes_type_version_and_payload_from_the_catalogued_event() -> None:
    """wrap() stamps the event's type and version, and its payload parses back to it."""
    reservation_id = uuid4()
    event = cancelled(reservation_id)

    envelope = EventEnvelope.wrap(
        event, aggregate_id=reservation_id, user_id="u42", correlation_id="req-7"
    )

    assert envelope.event_type == "ReservationCancelled" == event.event_type
    assert envelope.schema_version == event.schema_version == 1
    assert envelope.aggregate_id == reservation_id
    assert envelope.user_id == "u42"
    assert envelope.correlation_id == "req-7"
    assert envelope.payload["reservation_id"] == str(reservation_id)
    assert parse_payload(envelope.event_type, envelope.payload) == event
    assert CATALOGUE[envelope.event_type].topic == topics.RESERVATION_EVENTS


def test_each_envelope_gets_its_own_id_and_a_utc_time() -> None:
    """Two wraps of the same event are two events (ids differ), stamped in UTC."""
    event = cancelled(uuid4())
    before = datetime.now(UTC)

    first, second = wrap(event), wrap(event)

    assert first.event_id != second.event_id
    assert before <= first.occurred_at <= datetime.now(UTC)


def test_key_and_headers() -> None:
    """The Kafka key is the aggregate id; headers carry type, event id, correlation id."""
    envelope = wrap(cancelled(uuid4()))

    assert envelope.key == str(envelope.aggregate_id).encode()
    headers = envelope.headers()
    assert [name for name, _ in headers] == list(EventEnvelope.HEADER_NAMES)
    assert dict(headers) == {
        "event_type": b"ReservationCancelled",
        "event_id": str(envelope.event_id).encode(),
        "correlation_id": b"c-1",
    }


def test_occurred_at_must_carry_a_timezone() -> None:
    """A naive time is refused: every instant in the system is unambiguous."""
    data = orjson.loads(wrap(cancelled(uuid4())).to_bytes())
    data["occurred_at"] = "2030-01-01T00:00:00"

    with pytest.raises(ValidationError):
        EventEnvelope.model_validate(data)

    data["occurred_at"] = "2030-01-01T09:00:00+09:00"
    parsed = EventEnvelope.model_validate(data)
    assert parsed.occurred_at == datetime(2030, 1, 1, tzinfo=UTC)


def test_envelope_is_immutable() -> None:
    envelope = wrap(cancelled(uuid4()))
    with pytest.raises(ValidationError):
        envelope.user_id = "someone else"


def _cancelled_of_size(reservation_id: UUID, size: int) -> EventEnvelope:
    """An envelope whose serialised form is exactly `size` bytes (padding a string)."""
    probe = wrap(cancelled(reservation_id, previous_status=""))
    overhead = len(probe.to_bytes())
    padded = probe.model_copy(
        update={"payload": {**probe.payload, "previous_status": "x" * (size - overhead)}}
    )
    return padded


def test_one_megabyte_is_the_limit_exactly() -> None:
    """An event of exactly MAX_EVENT_BYTES serialises; one byte more raises EventTooLarge."""
    reservation_id = uuid4()

    at_limit = _cancelled_of_size(reservation_id, MAX_EVENT_BYTES)
    assert len(at_limit.to_bytes()) == MAX_EVENT_BYTES

    over = _cancelled_of_size(reservation_id, MAX_EVENT_BYTES + 1)
    with pytest.raises(EventTooLarge, match="over 1000000"):
        over.to_bytes()


def test_a_big_recipient_chunk_is_too_large() -> None:
    """A recipient list that does not fit in one message must be split into chunks."""
    reservation_id = uuid4()
    numbers = [f"+8210{i:08d}" for i in range(100_000)]  # about 1.7 MB of JSON
    event = ReservationRecipientsAdded(
        reservation_id=reservation_id,
        chunk_index=0,
        chunk_count=1,
        first_seq=0,
        dst_nums=numbers,
    )

    with pytest.raises(EventTooLarge):
        wrap(event).to_bytes()

    half = event.model_copy(update={"dst_nums": numbers[:20_000]})
    assert len(wrap(half).to_bytes()) < MAX_EVENT_BYTES


def test_parse_payload_uses_the_catalogue() -> None:
    """parse_payload() gives the typed event, validated against its model."""
    reservation_id = uuid4()
    envelope = wrap(
        ReservationRecipientsAdded(
            reservation_id=reservation_id,
            chunk_index=2,
            chunk_count=3,
            first_seq=2000,
            dst_nums=["+821012345678"],
        )
    )
    back = EventEnvelope.from_bytes(envelope.to_bytes())

    event = parse_payload(back.event_type, back.payload)

    assert isinstance(event, ReservationRecipientsAdded)
    assert event.reservation_id == reservation_id
    assert event.dst_nums == ["+821012345678"]


def test_parse_payload_rejects_an_invalid_payload() -> None:
    """A payload that breaks the contract is refused, not half-read."""
    payload = wrap(cancelled(uuid4())).payload

    with pytest.raises(ValidationError):
        parse_payload("ReservationCancelled", {**payload, "reservation_id": "not-a-uuid"})
    missing = dict(payload)
    del missing["previous_status"]
    with pytest.raises(ValidationError):
        parse_payload("ReservationCancelled", missing)


def test_unknown_event_type_is_a_key_error() -> None:
    """An event type that is not in the catalogue cannot be parsed."""
    with pytest.raises(KeyError):
        parse_payload("NoSuchEvent", {})


@pytest.mark.parametrize(
    "data",
    [
        b"not json at all",
        b"",
        b"[1, 2, 3]",
        b'{"hello": "world"}',
        b'{"event_type": "ReservationCancelled"}',
    ],
)
def test_bytes_that_are_not_an_envelope_raise_value_error(data: bytes) -> None:
    """Anything that is not a whole envelope raises a ValueError (the consumer's poison)."""
    with pytest.raises(ValueError):
        EventEnvelope.from_bytes(data)


def test_producers_are_strict_and_consumers_tolerant() -> None:
    """A producer cannot emit a field the contract does not name (extra="forbid"); a
    consumer reads a newer producer's event and ignores what it does not know."""
    payload = wrap(cancelled(uuid4())).payload

    with pytest.raises(ValidationError):
        ReservationCancelled.model_validate({**payload, "surprise": 1})

    read = parse_payload("ReservationCancelled", {**payload, "surprise": 1}, version=1)
    assert read == ReservationCancelled.model_validate(payload)


class Renamed(Event):
    """A toy event at version 3: v1 had `status`, v2 renamed it `previous_status`, v3
    added `by` (absent before: "customer")."""

    event_type = "Renamed"
    schema_version = 3
    topic = "toy.events"
    upcasts: ClassVar[Mapping[int, Upcast]] = {
        1: lambda p: {
            **{k: v for k, v in p.items() if k != "status"},
            "previous_status": p["status"],
        },
        2: lambda p: {**p, "by": "customer"},
    }

    previous_status: str
    by: str


def test_old_versions_are_upcast_and_newer_ones_read_tolerantly() -> None:
    assert Renamed.from_payload({"status": "scheduled"}, version=1) == Renamed(
        previous_status="scheduled", by="customer"
    )
    assert Renamed.from_payload({"previous_status": "sending"}, version=2).by == "customer"
    assert Renamed.from_payload({"previous_status": "sending", "by": "ops"}, version=3).by == "ops"
    # A v4 producer added a field: read as v3.
    newer = Renamed.from_payload({"previous_status": "x", "by": "ops", "why": "?"}, version=4)
    assert newer == Renamed(previous_status="x", by="ops")


def test_a_version_without_an_upcast_is_refused() -> None:
    """Dead-lettered (a ValueError), never half-read: replay it once the upcast exists."""

    class Gap(Event):
        event_type = "Gap"
        schema_version = 2
        topic = "toy.events"

        a: int

    with pytest.raises(UnknownVersion, match="Gap v1 has no upcast to v2"):
        Gap.from_payload({"a": 1}, version=1)
