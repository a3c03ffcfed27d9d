"""When a job may send: the advertising hours and the customer's sending windows.

Rules only, no I/O (the calendar arithmetic is `plumbing.windows`). Authentication
messages are never paused. Advertising needs the advertising hours open; a purpose
the customer's windows list needs those open too. A closed job pauses until the
first moment every rule that applies to it is open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal

from msgplat.plumbing.windows import DAYS, Span, Windows, parse_clock, zone

Rule = Literal["advertising_hours", "sending_windows"]

# Two weekly patterns (possibly in two zones) that share no moment within this long
# never will (up to a daylight-saving shift): the job stays paused until they change.
_HORIZON = timedelta(days=15)
_MAX_STEPS = 200


@dataclass(frozen=True)
class CustomerWindows:
    """A customer's sending windows and the purposes they hold back."""

    windows: Windows
    purposes: frozenset[str]

    @property
    def zone_name(self) -> str:
        return str(self.windows.zone)


def customer_windows(
    time_zone: str, windows: Iterable[dict[str, Any]], purposes: Iterable[str]
) -> CustomerWindows:
    """From the stored (already validated) form: `[{days, start, end}]`."""
    spans = tuple(
        Span(
            frozenset(DAYS.index(day) for day in window["days"]),
            parse_clock(window["start"]) or time(0),
            parse_clock(window["end"], end=True),
        )
        for window in windows
    )
    return CustomerWindows(Windows(zone(time_zone), spans), frozenset(purposes))


@dataclass(frozen=True)
class Pause:
    rule: Rule
    reason: str
    until: datetime | None  # None: no moment opens every rule again


def pause_for(
    purpose: str,
    now: datetime,
    *,
    ad_hours: Windows,
    ad_label: str,
    customer: CustomerWindows | None,
) -> Pause | None:
    """None when a job of `purpose` may send at `now`; else why not and until when.
    `ad_label` names the advertising hours in the reason (e.g. `08:00-21:00 Asia/Seoul`)."""
    if purpose == "authentication":
        return None
    rules: list[tuple[Rule, Windows, str]] = []
    if purpose == "advertising":
        rules.append(("advertising_hours", ad_hours, f"advertising may be sent only {ad_label}"))
    if customer is not None and purpose in customer.purposes:
        rules.append(
            (
                "sending_windows",
                customer.windows,
                f"outside the customer's sending windows ({customer.zone_name}) "
                f"for {purpose} messages",
            )
        )
    closed = [rule for rule in rules if not rule[1].is_open(now)]
    if not closed:
        return None
    rule, _, reason = closed[0]
    return Pause(rule, reason, next_open_all([windows for _, windows, _ in rules], now))


def next_open_all(windows: Sequence[Windows], moment: datetime) -> datetime | None:
    """The first moment at or after `moment` when every one of `windows` is open."""
    limit = moment + _HORIZON
    for _ in range(_MAX_STEPS):
        start = moment
        for each in windows:
            opens = each.next_open(moment)
            if opens is None or opens > limit:
                return None
            moment = opens
        if moment == start:
            return moment
    return None
