"""Stat's rules without I/O: Seoul days, the success rate, the period asked for."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from msgplat.plumbing.errors import RequestInvalid
from msgplat.stat import domain

NOW = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)  # 05:00 on 11 March in Seoul


def test_a_day_is_a_seoul_calendar_day() -> None:
    assert domain.local_day(datetime(2026, 3, 10, 14, 59, 59, tzinfo=UTC)) == date(2026, 3, 10)
    assert domain.local_day(datetime(2026, 3, 10, 15, 0, tzinfo=UTC)) == date(2026, 3, 11)
    assert domain.local_day(datetime(2026, 3, 10, 23, 30, tzinfo=UTC)) == date(2026, 3, 11)


@pytest.mark.parametrize(
    ("delivered", "failed", "rate"),
    [(0, 0, None), (1, 0, 1.0), (0, 3, 0.0), (2, 1, 0.6667), (1, 2, 0.3333)],
)
def test_the_success_rate(delivered: int, failed: int, rate: float | None) -> None:
    assert domain.success_rate(delivered=delivered, failed=failed) == rate


def test_a_result_without_a_carrier_is_under_none_and_long_names_are_cut() -> None:
    assert domain.carrier_name(None) is None
    assert domain.carrier_name("") is None
    assert domain.carrier_name("sim-b") == "sim-b"
    assert domain.carrier_name("c" * 70) == "c" * 64


def test_a_failure_without_a_code_is_unknown_and_long_codes_are_cut() -> None:
    assert domain.failure_code(None) == "UNKNOWN"
    assert domain.failure_code("") == "UNKNOWN"
    assert domain.failure_code("x" * 40) == "x" * 32


def test_the_default_period_is_the_last_30_seoul_days() -> None:
    assert domain.period(None, None, now=NOW) == (date(2026, 2, 10), date(2026, 3, 11))
    assert domain.period(None, "2026-01-31", now=NOW) == (date(2026, 1, 2), date(2026, 1, 31))
    assert domain.period("2026-03-01", None, now=NOW) == (date(2026, 3, 1), date(2026, 3, 11))
    assert domain.period("2026-03-05", "2026-03-05", now=NOW) == (
        date(2026, 3, 5),
        date(2026, 3, 5),
    )


def test_a_period_of_366_days_is_the_longest() -> None:
    assert domain.period("2024-01-01", "2024-12-31", now=NOW)[0] == date(2024, 1, 1)
    with pytest.raises(RequestInvalid) as refused:
        domain.period("2025-01-01", "2026-01-02", now=NOW)
    assert refused.value.errors[0].loc == ("query", "to")


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-3-01", "20260301", "2026-W10-1", "today", ""])
def test_a_malformed_date_names_its_field(bad: str) -> None:
    with pytest.raises(RequestInvalid) as refused:
        domain.period(bad, None, now=NOW)
    assert refused.value.errors[0].loc == ("query", "from")
    assert refused.value.errors[0].input == bad


@pytest.mark.parametrize(
    ("raw_from", "raw_to", "field"),
    [
        (None, "0001-01-01", "to"),  # its default start would be before year 1
        ("0001-01-01", None, "from"),
        ("1969-12-31", "1970-01-01", "from"),
        (None, "9999-12-31", "to"),
        ("9000-01-01", None, "from"),
        ("8999-12-31", "9000-01-01", "to"),
    ],
)
def test_a_date_outside_the_years_1970_to_8999_names_its_field(
    raw_from: str | None, raw_to: str | None, field: str
) -> None:
    with pytest.raises(RequestInvalid) as refused:
        domain.period(raw_from, raw_to, now=NOW)
    assert refused.value.errors[0].loc == ("query", field)
    assert "between 1970-01-01 and 8999-12-31" in refused.value.errors[0].msg
