"""The codes that verify a sender number, without I/O: kept as a hash, good for a while
and for a few wrong guesses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from msgplat.contracts.messages import message_type
from msgplat.reservation import domain
from msgplat.reservation.domain import CodeRefused, CodeState

NOW = datetime(2030, 5, 1, 3, 0, tzinfo=UTC)
SENDER = uuid.uuid4()


def state(
    code: str = "123456", *, left: int = 5, expires: timedelta = timedelta(minutes=10)
) -> CodeState:
    return CodeState(domain.code_hash(SENDER, code), NOW + expires, left)


def test_a_code_is_six_digits_and_kept_only_as_a_hash_of_its_sender() -> None:
    codes = {domain.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150
    assert "123456" not in domain.code_hash(SENDER, "123456")
    assert domain.code_hash(SENDER, "123456") != domain.code_hash(uuid.uuid4(), "123456")


def test_the_right_code_passes_and_a_wrong_one_does_not() -> None:
    assert domain.check_code(SENDER, state(), "123456", now=NOW)
    assert not domain.check_code(SENDER, state(), "123457", now=NOW)
    assert not domain.check_code(uuid.uuid4(), state(), "123456", now=NOW)  # another sender's


@pytest.mark.parametrize(
    ("code_state", "reason"),
    [
        (CodeState(None, None, 0), "no_code"),
        (state(left=0), "too_many_attempts"),
        (state(expires=timedelta(0)), "code_expired"),
    ],
)
def test_no_guess_is_checked_without_a_live_code(code_state: CodeState, reason: str) -> None:
    with pytest.raises(CodeRefused) as refused:
        domain.check_code(SENDER, code_state, "123456", now=NOW)
    assert refused.value.reason == reason
    assert "POST /senders/{id}/code" in str(refused.value)


def test_the_code_s_text_is_one_sms_saying_how_long_it_is_good() -> None:
    text = domain.code_text("123456", timedelta(minutes=10))
    assert "123456" in text and "10분" in text
    assert message_type(text) == "SMS"
