"""Response bodies of the stat API (the seed's names: userId, stat, history, rate)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from pydantic import ConfigDict, Field
from pydantic.config import JsonDict

from msgplat.plumbing.api import ApiModel

# The example counts every schema with counts shows (a period's, a day's, a reservation's).
_COUNTS_EXAMPLE: JsonDict = {
    "requested": 2,
    "delivered": 1,
    "failed": 1,
    "cancelled": 0,
    "rejected": 0,
    "optedOut": 0,
    "rate": 0.5,
    "failuresByCode": {"E301": 1},
}
_DAY_EXAMPLE: JsonDict = {"date": "2027-03-02", **_COUNTS_EXAMPLE}
_PERIOD_EXAMPLE: JsonDict = {"userId": "acme", "from": "2027-03-01", "to": "2027-03-31"}


class Counts(ApiModel):
    """Messages by outcome over some scope (a period, a day, a reservation)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_COUNTS_EXAMPLE]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [_DAY_EXAMPLE]})

    date: dt.date = Field(description="A calendar day in Asia/Seoul")


class CustomerPeriod(ApiModel):
    """What a customer's statistics over a period start with: whose, and which days."""

    user_id: str
    from_: dt.date = Field(alias="from")
    to: dt.date


class UserStats(CustomerPeriod):
    """A customer's statistics over a period (the seed's `stats`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_PERIOD_EXAMPLE,
                    "stat": _COUNTS_EXAMPLE,
                    "history": [_DAY_EXAMPLE],
                }
            ]
        }
    )

    stat: Counts = Field(description="Totals over the whole period")
    history: list[DayStat] = Field(description="One per day with data, oldest first")


class CarrierStat(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"carrier": "carrier-a", "delivered": 1, "failed": 1}]}
    )

    carrier: str = Field(description="The carrier that took the messages")
    delivered: int
    failed: int


class CarrierStats(CustomerPeriod):
    """`GET /stats/carriers`: a customer's delivered and failed messages per carrier over
    a period (messages no carrier took are in no carrier's counts)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_PERIOD_EXAMPLE,
                    "items": [{"carrier": "carrier-a", "delivered": 1, "failed": 1}],
                }
            ]
        }
    )

    items: list[CarrierStat] = Field(description="One per carrier with data, by name")


class ReservationStat(Counts):
    """The counts of one reservation (what reconciliation compares)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reservationId": "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c",
                    "userId": "acme",
                    **_COUNTS_EXAMPLE,
                    "requestedAt": "2027-03-01T06:12:45.120Z",
                    "updatedAt": "2027-03-02T00:30:09.300Z",
                }
            ]
        }
    )

    reservation_id: UUID
    user_id: str
    requested_at: dt.datetime | None
    updated_at: dt.datetime
