"""When a job may send, without I/O: advertising hours, customer windows, their meeting."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from msgplat.plumbing.windows import daily, parse_clock
from msgplat.send.gating import customer_windows, next_open_all, pause_for

SEOUL = ZoneInfo("Asia/Seoul")
AD = daily("08:00-21:00", "Asia/Seoul")
LABEL = "08:00-21:00 (Asia/Seoul)"


def seoul(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the week of Monday 2026-11-23, Seoul time."""
    return datetime(2026, 11, 22 + day, hour, minute, tzinfo=SEOUL)


def weekdays(start: str, end: str, **extra: Any) -> dict[str, Any]:
    return {"days": ["mon", "tue", "wed", "thu", "fri"], "start": start, "end": end, **extra}


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("09:00", False, time(9)),
        ("09:00:30", False, time(9, 0, 30)),
        ("00:00", False, time(0)),
        ("23:59:59", True, time(23, 59, 59)),
        ("24:00", True, None),
        ("24:00:00", True, None),
    ],
)
def test_times_of_day_with_optional_seconds(value: str, end: bool, expected: time | None) -> None:
    assert parse_clock(value, end=end) == expected


@pytest.mark.parametrize(
    ("value", "end", "message"),
    [
        ("9:00", False, "not a time of day like 09:00"),
        ("09:00:5", False, "not a time of day like 09:00"),
        ("noon", False, "not a time of day like 09:00"),
        ("24:00", False, "24:00 may only end a window"),
        ("24:30", True, "24:00 may only end a window"),
        ("23:60", False, "between 00:00 and 23:59:59"),
    ],
)
def test_bad_times_of_day_say_why(value: str, end: bool, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_clock(value, end=end)


def test_authentication_is_never_paused() -> None:
    night = seoul(1, 3)
    closed_all_day = customer_windows(
        "Asia/Seoul", [weekdays("10:00", "11:00")], ["normal", "advertising"]
    )
    assert pause_for("authentication", night, ad_hours=AD, ad_label=LABEL, customer=None) is None
    assert (
        pause_for("authentication", night, ad_hours=AD, ad_label=LABEL, customer=closed_all_day)
        is None
    )


def test_advertising_pauses_outside_the_advertising_hours_until_they_open() -> None:
    assert (
        pause_for("advertising", seoul(1, 12), ad_hours=AD, ad_label=LABEL, customer=None) is None
    )
    pause = pause_for("advertising", seoul(1, 21), ad_hours=AD, ad_label=LABEL, customer=None)
    assert pause is not None
    assert (pause.rule, pause.until) == ("advertising_hours", seoul(2, 8))
    assert "08:00-21:00 (Asia/Seoul)" in pause.reason
    # normal messages are not held to the advertising hours
    assert pause_for("normal", seoul(1, 23), ad_hours=AD, ad_label=LABEL, customer=None) is None


def test_customer_windows_hold_back_only_the_purposes_they_list() -> None:
    office = customer_windows("Asia/Seoul", [weekdays("09:00", "18:00")], ["normal"])
    friday_evening = seoul(5, 19)
    pause = pause_for("normal", friday_evening, ad_hours=AD, ad_label=LABEL, customer=office)
    assert pause is not None
    assert (pause.rule, pause.until) == ("sending_windows", seoul(8, 9))  # Monday 09:00
    assert "sending windows" in pause.reason
    assert (
        pause_for("advertising", friday_evening, ad_hours=AD, ad_label=LABEL, customer=office)
        is None
    )
    assert pause_for("normal", seoul(5, 9), ad_hours=AD, ad_label=LABEL, customer=office) is None


def test_advertising_under_both_rules_waits_for_a_moment_open_in_both() -> None:
    late = customer_windows("Asia/Seoul", [weekdays("20:00", "23:00")], ["advertising"])
    # Monday 22:00: the window is open, the advertising hours are not ...
    pause = pause_for("advertising", seoul(1, 22), ad_hours=AD, ad_label=LABEL, customer=late)
    assert pause is not None
    assert pause.rule == "advertising_hours"
    # ... and at 08:00 the window is shut: the first moment open in both is 20:00.
    assert pause.until == seoul(2, 20)


def test_rules_that_never_meet_pause_with_no_end() -> None:
    night_only = customer_windows(
        "Asia/Seoul", [{"days": ["mon"], "start": "22:00", "end": "06:00"}], ["advertising"]
    )
    pause = pause_for("advertising", seoul(1, 12), ad_hours=AD, ad_label=LABEL, customer=night_only)
    assert pause is not None
    assert (pause.rule, pause.until) == ("sending_windows", None)


def test_windows_in_other_zones_and_past_midnight() -> None:
    # 22:00-02:00 in London is 07:00-11:00 in Seoul (winter): open with the ad hours at 08:00.
    london = customer_windows(
        "Europe/London", [{"days": ["mon"], "start": "22:00", "end": "02:00"}], ["advertising"]
    )
    assert next_open_all([AD, london.windows], seoul(1, 12)) == seoul(2, 8)
    # 24:00 ends a window at midnight
    evening = customer_windows(
        "Asia/Seoul", [{"days": ["sun"], "start": "20:00:30", "end": "24:00"}], ["normal"]
    )
    assert evening.windows.is_open(seoul(7, 23, 59))
    assert not evening.windows.is_open(seoul(8, 0))
    assert next_open_all([evening.windows], seoul(7, 20)) == seoul(7, 20).replace(second=30)
