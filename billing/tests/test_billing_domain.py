"""Billing rules without I/O: months in Seoul time, the refusal's wording."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from msgplat.billing.domain import SEOUL, current_month, month_bounds, refusal_reason


def test_a_month_is_a_seoul_month() -> None:
    start, end = month_bounds("2026-12")
    assert start == datetime(2026, 12, 1, tzinfo=SEOUL)
    assert end == datetime(2027, 1, 1, tzinfo=SEOUL)
    assert start.astimezone(UTC) == datetime(2026, 11, 30, 15, tzinfo=UTC)
    assert current_month(datetime(2026, 2, 28, 15, 30, tzinfo=UTC)) == "2026-03"


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "2026-1", "26-01", "2026/01", "0000-01"])
def test_malformed_months_are_refused(month: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_bounds(month)


def test_the_refusal_says_how_much_and_where_to_top_up() -> None:
    assert refusal_reason(required=1_234_560, available=0) == (
        "not enough credit: needs 1,234,560 KRW, 0 KRW available; top up at POST /billings/topups"
    )
