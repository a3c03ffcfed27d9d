"""Weekly time windows in a time zone: is a moment inside, when do they open, close.

Calendar arithmetic only (no rule of its own): reservation uses it to refuse an
advertising reservation due outside the advertising hours, send to pause a job
outside the advertising hours or the customer's sending windows and to know when it
may resume. A window whose end is not after its start runs past midnight
(`21:00-08:00`); `00:00-24:00` is the whole day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS: frozenset[int] = frozenset(range(7))
_CLOCK = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
_LOOKAHEAD_DAYS = 9  # every weekly pattern repeats within 8 days


@dataclass(frozen=True)
class Span:
    """Open from `start` to `end` (local time) on each of `days` (0 = Monday); an
    `end` of None is midnight at the end of the day."""

    days: frozenset[int]
    start: time
    end: time | None

    def intervals(self, day: date, zone: ZoneInfo) -> Iterable[tuple[datetime, datetime]]:
        if day.weekday() not in self.days:
            return ()
        opens = datetime.combine(day, self.start, zone)
        if self.end is None or self.end <= self.start:
            closes = datetime.combine(day + timedelta(days=1), self.end or time(0), zone)
        else:
            closes = datetime.combine(day, self.end, zone)
        return ((opens, closes),)


@dataclass(frozen=True)
class Windows:
    """A set of weekly spans in one zone; a moment inside any span is open."""

    zone: ZoneInfo
    spans: tuple[Span, ...]

    def _around(self, moment: datetime) -> list[tuple[datetime, datetime]]:
        local = moment.astimezone(self.zone).date()
        found = [
            interval
            for offset in range(-1, _LOOKAHEAD_DAYS)
            for span in self.spans
            for interval in span.intervals(local + timedelta(days=offset), self.zone)
        ]
        return sorted(found)

    def is_open(self, moment: datetime) -> bool:
        return any(opens <= moment < closes for opens, closes in self._around(moment))

    def next_open(self, moment: datetime) -> datetime | None:
        """`moment` itself when open, else when the next span opens (None: never)."""
        if self.is_open(moment):
            return moment
        starts = [opens for opens, _ in self._around(moment) if opens > moment]
        return min(starts) if starts else None

    def closes_at(self, moment: datetime) -> datetime | None:
        """When the open period around `moment` ends (spans that touch or overlap are
        one period); None when `moment` is not open or it never closes."""
        intervals = self._around(moment)
        end: datetime | None = None
        for opens, closes in intervals:
            if end is None:
                if opens <= moment < closes:
                    end = closes
            elif opens <= end:
                end = max(end, closes)
        if end is not None and end >= intervals[-1][1]:
            return None  # open as far as we look: always open
        return end


def parse_clock(value: str, *, end: bool = False) -> time | None:
    """`HH:MM` or `HH:MM:SS` -> a time; `24:00` (an `end` only) -> None (midnight at
    the end of the day). ValueError saying what is wrong."""
    match = _CLOCK.fullmatch(value)
    if not match:
        raise ValueError(f"{value!r} is not a time of day like 09:00 or 09:00:30")
    hour, minute, second = (int(part or 0) for part in match.groups())
    if end and (hour, minute, second) == (24, 0, 0):
        return None
    if hour > 23 or minute > 59 or second > 59:
        allowed = " (24:00 may only end a window)" if hour == 24 else ""
        raise ValueError(f"{value!r} is not a time of day between 00:00 and 23:59:59{allowed}")
    return time(hour, minute, second)


def parse_hours(value: str) -> tuple[time, time | None]:
    """`HH:MM-HH:MM` (seconds optional) -> (start, end); an end of `24:00` is None."""
    first, dash, last = value.partition("-")
    try:
        if not dash:
            raise ValueError("no '-' between the start and the end")
        start = parse_clock(first.strip())
        end = parse_clock(last.strip(), end=True)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a span of hours like 08:00-21:00: {exc}") from None
    if end == start:
        raise ValueError(f"{value!r} starts and ends at the same time")
    assert start is not None  # only an end may be 24:00
    return start, end


def daily(hours: str, time_zone: str) -> Windows:
    """The same hours every day, e.g. the advertising hours `08:00-21:00`."""
    start, end = parse_hours(hours)
    return Windows(zone(time_zone), (Span(ALL_DAYS, start, end),))


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`; ValueError when there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"{name!r} is not a known time zone (e.g. Asia/Seoul)") from None


def _checked_hours(value: str) -> str:
    parse_hours(value)
    return value


def _checked_zone(value: str) -> str:
    zone(value)
    return value


# Settings and request fields: checked when read, kept as given.
HoursText = Annotated[str, AfterValidator(_checked_hours)]
ZoneName = Annotated[str, AfterValidator(_checked_zone)]
