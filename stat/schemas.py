"""Response bodies of the stat API (the seed's names: userId, stat, history, rate)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from pydantic import Field

from msgplat.plumbing.api import ApiModel


class Counts(ApiModel):
    """Messages by outcome over some scope (a period, a day, a reservation)."""

    requested: int = Field(description="Recipients of the reservations requested")
    delivered: int
    failed: int
    cancelled: int
    rejected: int = Field(description="Recipients of reservations refused (never sent)")
    opted_out: int = Field(
        description="Advertising messages to numbers on the customer's opt-out list (never "
        "sent, never charged)"
    )
    rate: float | None = Field(
        description="delivered / (delivered + failed), 4 decimals; null before any send. "
        "Cancelled and opted-out messages were never sent: they are not in the denominator"
    )
    failures_by_code: dict[str, int] = Field(description="Failed messages per result code")


class DayStat(Counts):
    date: dt.date = Field(description="A calendar day in Asia/Seoul")


class UserStats(ApiModel):
    """A customer's statistics over a period (the seed's `stats`)."""

    user_id: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    stat: Counts = Field(description="Totals over the whole period")
    history: list[DayStat] = Field(description="One per day with data, oldest first")


class CarrierStat(ApiModel):
    carrier: str = Field(description="The carrier that took the messages")
    delivered: int
    failed: int


class CarrierStats(ApiModel):
    """`GET /stats/carriers`: a customer's delivered and failed messages per carrier over
    a period (messages no carrier took are in no carrier's counts)."""

    user_id: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    items: list[CarrierStat] = Field(description="One per carrier with data, by name")


class ReservationStat(Counts):
    """The counts of one reservation (what reconciliation compares)."""

    reservation_id: UUID
    user_id: str
    requested_at: dt.datetime | None
    updated_at: dt.datetime
