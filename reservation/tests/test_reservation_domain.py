"""The reservation rules without I/O: the status machine, message types, reserveDt."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest

from msgplat.contracts.messages import (
    LMS_MAX_BYTES,
    SMS_MAX_BYTES,
    ContentInvalid,
    carrier_bytes,
    message_type,
)
from msgplat.reservation.domain import (
    FINAL,
    TRANSITIONS,
    CancelTooLate,
    IllegalTransition,
    ReservationStatus,
    ReserveTimeInvalid,
    check_cancel_cutoff,
    resolve_reserve_dt,
    transition,
)

S = ReservationStatus

# The state machine the issue describes, written out independently of domain.py.
LEGAL = {
    (S.REQUESTED, S.SCHEDULED),
    (S.REQUESTED, S.REJECTED),
    (S.REQUESTED, S.CANCELLED),
    (S.SCHEDULED, S.SENDING),
    (S.SCHEDULED, S.CANCELLED),
    (S.SENDING, S.COMPLETED),
    (S.SENDING, S.PARTIALLY_FAILED),
    (S.SENDING, S.FAILED),
    (S.SENDING, S.CANCELLED),
}
ALL_PAIRS = list(itertools.product(S, S))
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in LEGAL]


# --- the status machine -------------------------------------------------------------


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_legal_transition_returns_the_target(
    current: ReservationStatus, target: ReservationStatus
) -> None:
    assert transition(current, target) is target


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_illegal_transition_is_refused_with_a_message(
    current: ReservationStatus, target: ReservationStatus
) -> None:
    with pytest.raises(IllegalTransition) as caught:
        transition(current, target)
    message = str(caught.value)
    assert f"cannot go from {current} to {target}" in message
    assert caught.value.current is current
    assert caught.value.target is target
    if current in FINAL:
        assert f"{current} is final" in message
    else:
        # Names what is allowed instead.
        assert "allowed:" in message
        for allowed in TRANSITIONS[current]:
            assert allowed in message


def test_final_states_are_exactly_the_ends_of_the_machine() -> None:
    assert {S.COMPLETED, S.PARTIALLY_FAILED, S.FAILED, S.REJECTED, S.CANCELLED} == FINAL
    for status in FINAL:
        assert not TRANSITIONS.get(status), f"{status} is final but has a way out"
    for status in set(S) - FINAL:
        assert TRANSITIONS[status], f"{status} is not final but has no way out"


def test_every_status_is_reachable_from_requested() -> None:
    reached = {S.REQUESTED}
    frontier = [S.REQUESTED]
    while frontier:
        for nxt in TRANSITIONS.get(frontier.pop(), frozenset()):
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(S)


def test_no_status_moves_to_itself() -> None:
    for status in S:
        with pytest.raises(IllegalTransition):
            transition(status, status)


def test_statuses_are_the_wire_strings() -> None:
    assert [s.value for s in S] == [
        "requested",
        "scheduled",
        "sending",
        "completed",
        "partially_failed",
        "failed",
        "rejected",
        "cancelled",
    ]


# --- message types by EUC-KR bytes -------------------------------------------------------

HANGUL = "가"  # 2 bytes in EUC-KR
assert len(HANGUL.encode("euc-kr")) == 2


@pytest.mark.parametrize(
    ("content", "size"),
    [
        ("a", 1),
        ("안녕하세요", 10),
        ("hi 안녕", 7),
        ("똠방각하", 8),  # syllables only in CP949's extension still count 2
    ],
)
def test_carrier_bytes_counts_hangul_as_two_and_ascii_as_one(content: str, size: int) -> None:
    assert carrier_bytes(content) == size


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("a" * SMS_MAX_BYTES, "SMS"),
        ("a" * (SMS_MAX_BYTES + 1), "LMS"),
        (HANGUL * 45, "SMS"),  # 90 bytes
        (HANGUL * 45 + "a", "LMS"),  # 91 bytes
        (HANGUL * 44 + "aa", "SMS"),  # 90 bytes, mixed
        ("a" * LMS_MAX_BYTES, "LMS"),
        (HANGUL * 1000, "LMS"),  # 2,000 bytes
        (HANGUL * 999 + "aa", "LMS"),
    ],
)
def test_message_type_boundaries(content: str, expected: str) -> None:
    assert message_type(content) == expected


def test_the_limits_are_the_carriers() -> None:
    assert SMS_MAX_BYTES == 90
    assert LMS_MAX_BYTES == 2000


@pytest.mark.parametrize("content", ["a" * 2001, HANGUL * 1000 + "a", HANGUL * 1001])
def test_content_over_the_lms_limit_is_refused_with_its_size(content: str) -> None:
    with pytest.raises(ContentInvalid) as caught:
        message_type(content)
    size = len(content.encode("cp949"))
    assert str(size) in str(caught.value)
    assert "2000" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "position", "char"),
    [
        ("안녕 😀", 3, "😀"),
        ("😀", 0, "😀"),
        ("abc\u00e9", 3, "é"),  # Latin-1 é is outside CP949
    ],
)
def test_character_outside_cp949_is_refused_with_its_position(
    content: str, position: int, char: str
) -> None:
    with pytest.raises(ContentInvalid) as caught:
        carrier_bytes(content)
    message = str(caught.value)
    assert f"at position {position}" in message
    assert repr(char) in message
    with pytest.raises(ContentInvalid):
        message_type(content)


def test_platform_texts_are_typed_by_the_same_bytes_without_being_refused() -> None:
    """Monitoring's alerts (`strict=False`): CP949 bytes like a customer's message, so
    both agree; a character carriers cannot take counts as the `?` it is sent as."""
    cases = [("a" * 90, "SMS"), (HANGUL * 45, "SMS"), ("a" * 2001, "LMS")]
    # 똠 is outside EUC-KR's 2,350 syllables: Python's euc-kr writes it as 8 bytes of
    # jamo, so counting in euc-kr made these 90 CP949 bytes an LMS.
    cases += [("똠" * 45, "SMS"), ("똠" * 46, "LMS")]
    for content, expected in cases:
        assert message_type(content, strict=False) == expected
    assert carrier_bytes("안녕 😀", strict=False) == 6
    assert message_type("😀" * 90, strict=False) == "SMS"
    assert message_type("😀" * 91, strict=False) == "LMS"


# --- reserveDt ----------------------------------------------------------------------------

NOW = datetime(2030, 5, 1, 3, 0, 0, tzinfo=UTC)  # 12:00 in Seoul
SEOUL = timezone(timedelta(hours=9))
TOLERANCE = timedelta(seconds=60)
HORIZON = timedelta(days=90)


def resolve(requested: datetime | None) -> datetime:
    return resolve_reserve_dt(
        requested, now=NOW, zone="Asia/Seoul", past_tolerance=TOLERANCE, horizon=HORIZON
    )


def test_absent_means_now() -> None:
    assert resolve(None) == NOW


def test_naive_time_means_asia_seoul() -> None:
    result = resolve(datetime(2030, 5, 1, 18, 30))  # 18:30 in Seoul = 09:30 UTC
    assert result == datetime(2030, 5, 1, 9, 30, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)


def test_naive_zone_is_configurable() -> None:
    result = resolve_reserve_dt(
        datetime(2030, 5, 1, 18, 30),
        now=NOW,
        zone="UTC",
        past_tolerance=TOLERANCE,
        horizon=HORIZON,
    )
    assert result == datetime(2030, 5, 1, 18, 30, tzinfo=UTC)


def test_given_offset_is_respected() -> None:
    requested = datetime(2030, 5, 1, 18, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert resolve(requested) == datetime(2030, 5, 1, 23, 30, tzinfo=UTC)
    assert resolve(datetime(2030, 5, 1, 18, 30, tzinfo=SEOUL)) == datetime(
        2030, 5, 1, 9, 30, tzinfo=UTC
    )


def test_within_the_past_tolerance_is_accepted_as_now() -> None:
    assert resolve(NOW - TOLERANCE + timedelta(seconds=1)) == NOW
    assert resolve(NOW - TOLERANCE) == NOW


def test_past_beyond_the_tolerance_is_refused() -> None:
    with pytest.raises(ReserveTimeInvalid, match="in the past"):
        resolve(NOW - TOLERANCE - timedelta(seconds=1))
    # A naive Seoul time equal to "now" in UTC digits is 9 hours in the past.
    with pytest.raises(ReserveTimeInvalid, match="in the past"):
        resolve(NOW.replace(tzinfo=None))


def test_up_to_the_horizon_is_accepted() -> None:
    assert resolve(NOW + HORIZON) == NOW + HORIZON


def test_beyond_the_horizon_is_refused() -> None:
    with pytest.raises(ReserveTimeInvalid, match="90 days ahead") as caught:
        resolve(NOW + HORIZON + timedelta(seconds=1))
    assert (NOW + HORIZON).isoformat() in str(caught.value)


def test_future_time_is_kept() -> None:
    later = NOW + timedelta(hours=5)
    assert resolve(later) == later


# --- lead time ------------------------------------------------------------------------------

LEAD = timedelta(minutes=10)


def resolve_with_lead(requested: datetime | None) -> datetime:
    return resolve_reserve_dt(
        requested,
        now=NOW,
        zone="Asia/Seoul",
        past_tolerance=TOLERANCE,
        horizon=HORIZON,
        min_lead=LEAD,
    )


def test_send_now_is_exempt_from_the_lead_time() -> None:
    assert resolve_with_lead(None) == NOW


def test_a_time_at_least_the_lead_ahead_is_accepted() -> None:
    assert resolve_with_lead(NOW + LEAD) == NOW + LEAD


@pytest.mark.parametrize("ahead", [timedelta(0), timedelta(minutes=9, seconds=59), -TOLERANCE])
def test_a_time_sooner_than_the_lead_is_refused_with_the_earliest_accepted(
    ahead: timedelta,
) -> None:
    with pytest.raises(ReserveTimeInvalid) as caught:
        resolve_with_lead(NOW + ahead)
    message = str(caught.value)
    assert "at least 10 min from now (RESERVE_MIN_LEAD_S)" in message
    assert f"the earliest accepted is {(NOW + LEAD).isoformat()}" in message


def test_far_in_the_past_still_says_past() -> None:
    with pytest.raises(ReserveTimeInvalid, match="in the past"):
        resolve_with_lead(NOW - timedelta(hours=1))


# --- cancel cut-off -------------------------------------------------------------------------

CUTOFF = timedelta(minutes=5)
DUE = NOW + timedelta(hours=1)


@pytest.mark.parametrize("status", [S.REQUESTED, S.SCHEDULED])
def test_before_the_cutoff_a_reservation_may_be_cancelled(status: ReservationStatus) -> None:
    check_cancel_cutoff(
        status, reserve_dt=DUE, now=DUE - CUTOFF - timedelta(seconds=1), cutoff=CUTOFF
    )


@pytest.mark.parametrize("before_due", [CUTOFF, timedelta(minutes=1), timedelta(microseconds=1)])
def test_within_the_cutoff_it_may_not_and_is_told_until_when(before_due: timedelta) -> None:
    with pytest.raises(CancelTooLate) as caught:
        check_cancel_cutoff(S.SCHEDULED, reserve_dt=DUE, now=DUE - before_due, cutoff=CUTOFF)
    assert caught.value.until == DUE - CUTOFF
    message = str(caught.value)
    assert "last 5 min before it is due (CANCEL_CUTOFF_S)" in message
    assert f"could be cancelled until {(DUE - CUTOFF).isoformat()}" in message


@pytest.mark.parametrize("status", [S.REQUESTED, S.SCHEDULED, S.SENDING])
def test_once_due_it_is_being_sent_and_may_be_cancelled(status: ReservationStatus) -> None:
    check_cancel_cutoff(status, reserve_dt=DUE, now=DUE, cutoff=CUTOFF)
    check_cancel_cutoff(status, reserve_dt=DUE, now=DUE + timedelta(seconds=5), cutoff=CUTOFF)


def test_sending_may_be_cancelled_within_the_cutoff() -> None:
    check_cancel_cutoff(S.SENDING, reserve_dt=DUE, now=DUE - timedelta(minutes=1), cutoff=CUTOFF)


def test_no_cutoff_means_no_refusal() -> None:
    check_cancel_cutoff(
        S.SCHEDULED, reserve_dt=DUE, now=DUE - timedelta(seconds=1), cutoff=timedelta(0)
    )
