"""Weekly windows: inside, next opening, closing, across midnight and zones."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from msgplat.plumbing.windows import Span, Windows, daily, parse_hours

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)  # type: ignore[misc]


def test_advertising_hours_are_open_by_day_and_closed_at_night() -> None:
    hours = daily("08:00-21:00", "Asia/Seoul")
    assert hours.is_open(seoul(2026, 11, 25, 8, 0))
    assert hours.is_open(seoul(2026, 11, 25, 20, 59, 59))
    assert not hours.is_open(seoul(2026, 11, 25, 21, 0))
    assert not hours.is_open(seoul(2026, 11, 26, 2, 0))
    assert hours.next_open(seoul(2026, 11, 25, 22, 30)) == seoul(2026, 11, 26, 8, 0)
    assert hours.next_open(seoul(2026, 11, 26, 2, 0)) == seoul(2026, 11, 26, 8, 0)
    assert hours.closes_at(seoul(2026, 11, 25, 10, 0)) == seoul(2026, 11, 25, 21, 0)
    assert hours.closes_at(seoul(2026, 11, 25, 22, 0)) is None


def test_a_moment_in_another_zone_is_compared_in_the_windows_zone() -> None:
    hours = daily("08:00-21:00", "Asia/Seoul")
    # 12:30 UTC is 21:30 in Seoul: closed; 23:00 UTC is 08:00 the next day in Seoul.
    assert not hours.is_open(datetime(2026, 11, 25, 12, 30, tzinfo=UTC))
    assert hours.next_open(datetime(2026, 11, 25, 12, 30, tzinfo=UTC)) == datetime(
        2026, 11, 25, 23, 0, tzinfo=UTC
    )


def test_a_span_past_midnight_and_the_whole_day() -> None:
    night = daily("21:00-08:00", "Asia/Seoul")
    assert night.is_open(seoul(2026, 11, 26, 2, 0))
    assert night.closes_at(seoul(2026, 11, 26, 2, 0)) == seoul(2026, 11, 26, 8, 0)
    always = daily("00:00-24:00", "Asia/Seoul")
    assert always.is_open(seoul(2026, 11, 26, 23, 59, 59))
    assert always.closes_at(seoul(2026, 11, 26, 12, 0)) is None


def test_weekdays_only_open_on_monday_after_a_weekend() -> None:
    office = Windows(SEOUL, (Span(frozenset(range(5)), time(9), time(18)),))
    saturday = seoul(2026, 11, 28, 11, 0)
    assert not office.is_open(saturday)
    assert office.next_open(saturday) == seoul(2026, 11, 30, 9, 0)


def test_touching_spans_close_once_at_the_end_of_the_last() -> None:
    split = Windows(
        SEOUL, (Span(frozenset({2}), time(9), time(12)), Span(frozenset({2}), time(12), time(15)))
    )
    assert split.closes_at(seoul(2026, 11, 25, 10, 0)) == seoul(2026, 11, 25, 15, 0)


def test_no_span_never_opens() -> None:
    assert Windows(SEOUL, ()).next_open(seoul(2026, 11, 25, 10, 0)) is None


@pytest.mark.parametrize(
    "bad", ["8-21", "25:00-26:00", "08:00-08:00", "24:00-08:00", "08:60-09:00"]
)
def test_malformed_hours_are_refused_with_the_value(bad: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        parse_hours(bad)


def test_seconds_are_accepted() -> None:
    assert parse_hours("08:00:30-21:00:05") == (time(8, 0, 30), time(21, 0, 5))
