"""Billing rules without I/O: months in Seoul time, the refusal's wording, the price of
each message of a hold."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from msgplat.billing.domain import (
    SEOUL,
    Line,
    Settling,
    current_month,
    hold_lines,
    lines_of,
    lines_to_json,
    month_bounds,
    refusal_reason,
    release_all,
    settle,
)


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


def test_the_refusal_says_how_much_and_how_to_get_credit() -> None:
    assert refusal_reason(required=1_234_560, available=0) == (
        "not enough credit: needs 1,234,560 KRW, 0 KRW available; "
        "ask your operator to top up your account"
    )


PRICES = {"SMS": 20, "LMS": 50}


def held(msg_type: str, recipient_count: int, msg_counts: dict[str, int] | None) -> dict[str, Line]:
    """The hold's lines of a reservation at PRICES."""
    return hold_lines(
        msg_type=msg_type,
        recipient_count=recipient_count,
        msg_counts=msg_counts,
        unit_price=PRICES.__getitem__,
    )


def test_a_hold_has_a_line_per_type_at_its_price() -> None:
    lines = held("LMS", 5, {"SMS": 3, "LMS": 2})
    assert lines == {"LMS": Line(50, 2), "SMS": Line(20, 3)}
    assert sum(line.held for line in lines.values()) == 160


def test_without_counts_every_recipient_is_held_at_the_reservation_s_type() -> None:
    lines = held("SMS", 4, None)
    assert lines == {"SMS": Line(20, 4)}


def test_recipients_left_out_of_the_counts_are_held_at_the_largest_type() -> None:
    lines = held("LMS", 5, {"SMS": 2, "LMS": 0})
    assert lines == {"LMS": Line(50, 3), "SMS": Line(20, 2)}
    negative = held("SMS", 1, {"SMS": -4})
    assert negative == {"SMS": Line(20, 1)}


def test_each_message_settles_at_its_type_and_carrier() -> None:
    lines = {"LMS": Line(50, 2), "SMS": Line(20, 3)}
    done = settle(
        lines,
        [
            Settling(True, "SMS", "sim"),
            Settling(True, "LMS", "sim-b"),
            Settling(False, "SMS", "sim"),
            Settling(False, None, None),  # no type: the hold's (LMS)
            Settling(True, "SMS", None),
        ],
        hold_type="LMS",
    )
    assert done.captured == {"SMS": 2, "LMS": 1}
    assert done.released == {"SMS": 1, "LMS": 1}
    assert (done.captured_amount, done.released_amount) == (90, 70)
    assert done.by_carrier == {("sim", "SMS"): 1, ("sim-b", "LMS"): 1, ("unknown", "SMS"): 1}
    assert done.lines == {"LMS": Line(50, 2, 1, 1), "SMS": Line(20, 3, 2, 1)}
    assert all(line.room == 0 for line in done.lines.values())
    assert done.repriced == 0


def test_a_type_with_nothing_left_held_is_priced_as_one_that_has() -> None:
    lines = {"LMS": Line(50, 1), "SMS": Line(20, 1)}
    done = settle(lines, [Settling(True, "LMS")] * 2, hold_type="LMS")
    assert done.captured == {"LMS": 1, "SMS": 1}
    assert done.captured_amount == 70  # never more than the 70 held
    assert done.repriced == 1


def test_releasing_everything_left_goes_type_by_type() -> None:
    lines, released = release_all({"LMS": Line(50, 2, 1, 0), "SMS": Line(20, 3, 0, 3)})
    assert released == {"LMS": 1}
    assert lines == {"LMS": Line(50, 2, 1, 1), "SMS": Line(20, 3, 0, 3)}


def test_lines_are_stored_as_json_and_read_back() -> None:
    lines = {"LMS": Line(50, 2, 1, 0), "SMS": Line(20, 3, 0, 3)}
    stored = lines_to_json(lines)
    assert stored["SMS"] == {"unit_price": 20, "count": 3, "captured": 0, "released": 3}
    hold = SimpleNamespace(by_type=stored)
    assert lines_of(hold) == lines
    old = SimpleNamespace(
        by_type={}, msg_type="SMS", unit_price=20, count=5, captured_count=2, released_count=1
    )
    assert lines_of(old) == {"SMS": Line(20, 5, 2, 1)}
