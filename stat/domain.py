"""Stat rules: whose day a count falls on, the success rate, the period asked for. No I/O."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from msgplat.plumbing.bounds import date_out_of_bounds
from msgplat.plumbing.errors import FieldError, RequestInvalid

# Customers are in Korea: a "day" is a calendar day in Seoul, whatever the server's zone.
TIMEZONE_NAME = "Asia/Seoul"
TIMEZONE = ZoneInfo(TIMEZONE_NAME)

DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 366

# A failed result without a code still counts among the failures, under this key.
UNKNOWN_CODE = "UNKNOWN"
CODE_MAX_LENGTH = 32
CARRIER_MAX_LENGTH = 64


def local_day(at: datetime) -> date:
    """The Seoul calendar day an instant falls on (23:30 UTC is the next day in Seoul)."""
    return at.astimezone(TIMEZONE).date()


def success_rate(*, delivered: int, failed: int) -> float | None:
    """delivered / (delivered + failed); None before any message was finally sent.

    Cancelled and opted-out messages were never sent, so they count neither for nor
    against the rate.
    """
    sent = delivered + failed
    return None if sent == 0 else round(delivered / sent, 4)


def failure_code(code: str | None) -> str:
    return (code or UNKNOWN_CODE)[:CODE_MAX_LENGTH]


def carrier_name(carrier: str | None) -> str | None:
    """The carrier a result is counted under; None (no carrier took it): under none."""
    return carrier[:CARRIER_MAX_LENGTH] if carrier else None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_day(value: str, *, field: str) -> date:
    """A strict YYYY-MM-DD date within the years 1970 to 8999, or a 422 naming the query
    field (a period reaching before year 1 could not even be computed)."""
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise RequestInvalid(
            [FieldError(("query", field), "must be a date as YYYY-MM-DD", input=value)]
        ) from None
    problem = date_out_of_bounds(day)
    if problem:
        raise RequestInvalid([FieldError(("query", field), problem, input=value)])
    return day


def period(raw_from: str | None, raw_to: str | None, *, now: datetime) -> tuple[date, date]:
    """The inclusive [from, to] asked for: by default the last 30 Seoul days up to today.

    Longer than a year or reversed is refused: the history answer stays bounded.
    """
    to = parse_day(raw_to, field="to") if raw_to is not None else local_day(now)
    if raw_from is not None:
        start = parse_day(raw_from, field="from")
    else:
        start = to - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > to:
        raise RequestInvalid(
            [FieldError(("query", "from"), f"must not be after to ({to})", input=raw_from)]
        )
    if (to - start).days + 1 > MAX_PERIOD_DAYS:
        raise RequestInvalid(
            [
                FieldError(
                    ("query", "to"),
                    f"the period from {start} to {to} is longer than {MAX_PERIOD_DAYS} days",
                    input=raw_to,
                )
            ]
        )
    return start, to
