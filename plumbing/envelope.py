"""The event envelope: what travels on every Kafka topic of the system.

The payload is one of the catalogued events (`msgplat.contracts.events`); the
envelope carries what every consumer needs to route, deduplicate and trace it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from uuid import UUID, uuid4

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

# Kafka's default message.max.bytes; an event must fit in one message.
MAX_EVENT_BYTES = 1_000_000


# Takes the payload of one version to the next (version n -> n + 1).
Upcast = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownVersion(ValueError):
    """An old version with no upcast to the current one: the event is dead-lettered."""


class Event(BaseModel):
    """Base of every catalogued event payload (the contract between services).

    Producers are strict: an event is built and validated with `extra="forbid"`, so
    nothing leaves that the contract does not name. Consumers are tolerant readers
    (`from_payload`): unknown fields are ignored (a newer producer's additions, during
    a rolling deploy) and an older version is upcast to this one first.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    topic: ClassVar[str]
    # {old version: its upcast to the next version}; every version below
    # `schema_version` needs one (tests/test_docs.py checks).
    upcasts: ClassVar[Mapping[int, Upcast]] = {}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], *, version: int | None = None) -> Self:
        """The event a consumer reads: upcast from `version` (the envelope's
        `schema_version`; None = this one), unknown fields ignored. A version newer
        than this class is read as this one: a compatible change adds fields only,
        and a breaking one is a new event type."""
        data = dict(payload)
        for old in range(version or cls.schema_version, cls.schema_version):
            upcast = cls.upcasts.get(old)
            if upcast is None:
                raise UnknownVersion(
                    f"{cls.event_type} v{old} has no upcast to v{old + 1} "
                    f"(known up to v{cls.schema_version})"
                )
            data = upcast(data)
        return cls.model_validate(data, extra="ignore")


class EventTooLarge(ValueError):
    pass


class EventEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: UUID = Field(default_factory=uuid4)
    event_type: str
    schema_version: int = Field(ge=1)
    occurred_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    aggregate_id: UUID = Field(description="The reservation id: the Kafka key")
    user_id: str
    correlation_id: str
    payload: dict[str, Any]

    HEADER_NAMES: ClassVar[tuple[str, ...]] = ("event_type", "event_id", "correlation_id")

    @classmethod
    def wrap(cls, event: Event, *, aggregate_id: UUID, user_id: str, correlation_id: str) -> Self:
        return cls(
            event_type=event.event_type,
            schema_version=event.schema_version,
            aggregate_id=aggregate_id,
            user_id=user_id,
            correlation_id=correlation_id,
            payload=event.model_dump(mode="json"),
        )

    @property
    def key(self) -> bytes:
        return str(self.aggregate_id).encode()

    def to_bytes(self) -> bytes:
        # orjson writes UUIDs and datetimes itself; the payload is already JSON-ready.
        # (model_dump would walk every item of a 5,000-result payload once more.)
        data = orjson.dumps(
            {
                "event_id": self.event_id,
                "event_type": self.event_type,
                "schema_version": self.schema_version,
                "occurred_at": self.occurred_at,
                "aggregate_id": self.aggregate_id,
                "user_id": self.user_id,
                "correlation_id": self.correlation_id,
                "payload": self.payload,
            },
            default=_json_default,
        )
        if len(data) > MAX_EVENT_BYTES:
            raise EventTooLarge(
                f"{self.event_type} is {len(data)} bytes, over {MAX_EVENT_BYTES}: split it"
            )
        return data

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        return cls.model_validate(orjson.loads(data))

    def headers(self) -> list[tuple[str, bytes]]:
        """Kafka headers, so a consumer can route or skip an event without parsing it."""
        return [(name, str(getattr(self, name)).encode()) for name in self.HEADER_NAMES]


def _json_default(value: object) -> str:
    """What orjson leaves to us: UUID subclasses, such as the ones asyncpg returns."""
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
