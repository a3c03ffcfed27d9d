"""The catalogue of every event type in the system: the contract between teams.

Events are named in the past tense. Each is versioned (`schema_version`); a
breaking change is a new version, consumed side by side with the old one until
every producer has moved. `docs/events.md` is generated from this module and the
services' subscriptions (`python -m msgplat.devstack.eventdocs`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from msgplat.contracts import topics
from msgplat.plumbing.envelope import Event

MsgType = Literal["SMS", "LMS"]


class ReservationRequested(Event):
    """A customer registered a reserved send; its recipients follow in chunks."""

    event_type = "ReservationRequested"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    title: str
    content: str
    msg_type: MsgType
    callback_num: str
    reserve_dt: AwareDatetime
    recipient_count: int = Field(ge=1)
    chunk_count: int = Field(ge=1)
    requested_at: AwareDatetime


class ReservationRecipientsAdded(Event):
    """One ordered chunk of a reservation's recipients (keeps each event under 1 MB)."""

    event_type = "ReservationRecipientsAdded"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    chunk_index: int = Field(ge=0)
    chunk_count: int = Field(ge=1)
    first_seq: int = Field(ge=0, description="Sequence of dst_nums[0] in the recipient list")
    dst_nums: list[str] = Field(min_length=1, description="E.164 numbers, in list order")


class ReservationCancelled(Event):
    """The customer cancelled a reservation before it finished."""

    event_type = "ReservationCancelled"
    topic = topics.RESERVATION_EVENTS

    reservation_id: UUID
    previous_status: str
    cancelled_at: datetime


CATALOGUE: dict[str, type[Event]] = {
    cls.event_type: cls
    for cls in (ReservationRequested, ReservationRecipientsAdded, ReservationCancelled)
}


def parse_payload(event_type: str, payload: dict[str, object]) -> Event:
    """The typed event for an envelope's payload; KeyError for an unknown type."""
    return CATALOGUE[event_type].model_validate(payload)
