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
_HOURS = re.compile(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*-\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*")
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


def parse_hours(value: str) -> tuple[time, time | None]:
    """`HH:MM-HH:MM` (seconds optional) -> (start, end); an end of `24:00` is None."""
    match = _HOURS.fullmatch(value)
    if not match:
        raise ValueError(f"{value!r} is not a span of hours like 08:00-21:00")
    h1, m1, s1, h2, m2, s2 = match.groups()
    start = _time(h1, m1, s1, value, allow_24=False)
    end = _time(h2, m2, s2, value, allow_24=True)
    if end == start:
        raise ValueError(f"{value!r} starts and ends at the same time")
    return start or time(0), end


def _time(h: str, m: str, s: str | None, value: str, *, allow_24: bool) -> time | None:
    hour, minute, second = int(h), int(m), int(s or 0)
    if allow_24 and (hour, minute, second) == (24, 0, 0):
        return None
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{value!r} has an hour past 23:59:59 (24:00 may only end a span)")
    return time(hour, minute, second)


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
