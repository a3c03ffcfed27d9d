"""The advertising rules without I/O: the marker, the opt-out number, the hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from msgplat.plumbing.windows import daily
from msgplat.reservation.domain import content_problems, hours_problem

GOOD = "(광고) 봄 세일 30% 할인! 무료거부 080-123-4567"


@pytest.mark.parametrize(
    "content",
    [
        GOOD,
        "(광고)세일 무료수신거부 0801234567",
        "  (광고) 세일\n수신거부: 080 1234 5678",
        "(광고) sale, opt out free 080.123.4567",
    ],
)
def test_marked_content_with_a_free_number_is_fine(content: str) -> None:
    assert content_problems(content) == []


def test_content_without_the_marker_is_named() -> None:
    [problem] = content_problems("봄 세일 무료거부 080-123-4567")
    assert "must start with (광고)" in problem


def test_the_marker_must_come_first() -> None:
    [problem] = content_problems("봄 세일 (광고) 무료거부 080-123-4567")
    assert "(광고)" in problem


@pytest.mark.parametrize(
    "content",
    [
        "(광고) 세일",
        "(광고) 세일 문의 02-123-4567",
        "(광고) 세일 010-8012-3456",
        "(광고) 세일 18080-123-4567",  # not an 080 number: more digits before it
        "(광고) 세일 080-12-4567",
    ],
)
def test_content_without_a_free_080_number_is_named(content: str) -> None:
    [problem] = content_problems(content)
    assert "opt-out number" in problem and "080" in problem


def test_both_missing_are_both_named() -> None:
    problems = content_problems("봄 세일")
    assert len(problems) == 2


HOURS = daily("08:00-21:00", "Asia/Seoul")
# 2030-05-01 21:30 in Seoul
LATE = datetime(2030, 5, 1, 12, 30, tzinfo=UTC)


def test_open_hours_have_no_problem() -> None:
    noon = datetime(2030, 5, 1, 3, 0, tzinfo=UTC)
    assert hours_problem(noon, sent_now=False, earliest=noon, hours=HOURS, label="x") is None


def test_a_time_outside_gives_the_rule_and_the_next_opening() -> None:
    problem = hours_problem(
        LATE, sent_now=False, earliest=LATE, hours=HOURS, label="08:00-21:00 Asia/Seoul"
    )
    assert problem is not None
    assert "08:00-21:00 Asia/Seoul" in problem and "AD_SENDING_HOURS" in problem
    assert "2030-05-01T21:30:00+09:00 is outside" in problem
    assert "earliest accepted reserveDt is 2030-05-02T08:00:00+09:00" in problem


def test_sending_now_outside_says_so() -> None:
    problem = hours_problem(LATE, sent_now=True, earliest=LATE, hours=HOURS, label="h")
    assert problem is not None
    assert problem.startswith("cannot be sent now (21:30)")
    assert "2030-05-02T08:00:00+09:00" in problem


def test_the_earliest_accepted_time_respects_the_lead_time() -> None:
    # 07:55 in Seoul with a 10-minute lead: 08:05 is the earliest accepted, not 08:00.
    early = datetime(2030, 5, 1, 22, 55, tzinfo=UTC)
    problem = hours_problem(
        early, sent_now=True, earliest=early + timedelta(minutes=10), hours=HOURS, label="h"
    )
    assert problem is not None
    assert "2030-05-02T08:05:00+09:00" in problem
