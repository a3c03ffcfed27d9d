"""Phone numbers without I/O: recipients to E.164, callback numbers to national digits."""

from __future__ import annotations

import random
import re

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from msgplat.plumbing.phones import (
    PHONE_LIST_PATTERN,
    PHONE_PATTERN,
    NumberInvalid,
    normalise_callback,
    normalise_recipient,
)
from msgplat.reservation.recipients import (
    MAX_LISTED_ERRORS,
    build_recipient_list,
    split_dst_num,
)

# --- dstNum forms ---------------------------------------------------------------------


def test_seed_comma_separated_form_keeps_order_and_trims() -> None:
    assert split_dst_num("01012345678,01098765432") == ["01012345678", "01098765432"]
    assert split_dst_num(" 01012345678 , 010-9876-5432 ") == ["01012345678", "010-9876-5432"]


def test_json_array_form_is_kept_as_is() -> None:
    assert split_dst_num(["01098765432", "01012345678"]) == ["01098765432", "01012345678"]


def test_empty_parts_of_the_comma_form_are_kept_to_be_reported() -> None:
    assert split_dst_num("01012345678,,") == ["01012345678", "", ""]


# --- recipients -----------------------------------------------------------------------

SAME_MOBILE = [
    "01012345678",
    "010-1234-5678",
    "010 1234 5678",
    "010.1234.5678",
    "(010) 1234-5678",
    "+821012345678",
    "+82 10 1234 5678",
    "+82-10-1234-5678",
    "+82 010 1234 5678",
    "821012345678",
    "０１０-１２３４-５６７８",  # full-width digits, as typed on some Korean keyboards
    "010１２３４５６７８",
    "＋82 10 1234 5678",  # full-width plus
    "010－1234－5678",  # full-width hyphens
    "+82 (0)10 1234 5678",
    " 010 1234 5678 ",
]


@pytest.mark.parametrize("raw", SAME_MOBILE)
def test_separators_and_plus82_forms_normalise_to_the_same_e164(raw: str) -> None:
    assert normalise_recipient(raw) == "+821012345678"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("011-123-4567", "+82111234567"),  # older mobile prefixes go the slow way
        ("016-1234-5678", "+821612345678"),
        ("010-123-4567", "+82101234567"),  # 3-digit middle part
        ("+1 650-253-0000", "+16502530000"),  # abroad, where mobile and fixed share ranges
    ],
)
def test_other_mobile_numbers_are_accepted(raw: str, e164: str) -> None:
    assert normalise_recipient(raw) == e164


@pytest.mark.parametrize(
    "raw",
    [
        "0212345678",  # Seoul landline
        "02-1234-5678",
        "031-123-4567",  # Gyeonggi landline
        "1588-1234",  # nationwide service number
        "070-1234-5678",  # internet phone
    ],
)
def test_numbers_that_cannot_receive_a_text_are_refused(raw: str) -> None:
    with pytest.raises(NumberInvalid, match="not a mobile number"):
        normalise_recipient(raw)


@pytest.mark.parametrize(
    "raw", ["", " ", "hello", "12", "010123456789012345", "+", "++821012345678"]
)
def test_garbage_is_refused(raw: str) -> None:
    with pytest.raises(NumberInvalid):
        normalise_recipient(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "010-1234-567a",  # phonenumbers alone would drop the "a" and accept 010-123-4567
        "010-1234-5678x",
        "01012345678 ext 12",
        "010-CALL-ME12",  # phonenumbers alone reads letters as keypad digits
        "tel:01012345678",
    ],
)
def test_letters_are_refused_rather_than_read_as_another_number(raw: str) -> None:
    with pytest.raises(NumberInvalid, match="only digits"):
        normalise_recipient(raw)
    with pytest.raises(NumberInvalid, match="only digits"):
        normalise_callback(raw)


def test_fast_path_agrees_with_phonenumbers() -> None:
    """The regular expression for 010 numbers accepts and produces what phonenumbers does."""
    rng = random.Random(20240601)
    samples = [f"010{rng.randrange(10**8):08d}" for _ in range(3000)]
    # The block phonenumbers' metadata leaves unallocated, and its edges.
    samples += [f"0105{m}{rng.randrange(10**6):06d}" for m in range(90, 100)]
    samples += [f"+82 10-{s[3:7]}-{s[7:]}" for s in samples[:200]]
    for raw in samples:
        parsed = phonenumbers.parse(raw, "KR")
        reference = (
            phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
            if phonenumbers.is_valid_number(parsed)
            and phonenumbers.number_type(parsed)
            in {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
            else None
        )
        try:
            ours: str | None = normalise_recipient(raw)
        except NumberInvalid:
            ours = None
        assert ours == reference, raw


def test_list_drops_duplicates_keeping_the_first_and_counts_them() -> None:
    result = build_recipient_list(
        [
            "010-2222-2222",
            "01011111111",
            "+82 10 2222 2222",  # duplicate of the first
            "010-3333-3333",
            "01011111111",  # duplicate of the second
            "821022222222",  # duplicate of the first again
        ]
    )
    assert result.numbers == ["+821022222222", "+821011111111", "+821033333333"]
    assert result.duplicates_dropped == 3
    assert result.errors == []
    assert result.error_count == 0


def test_list_reports_each_bad_number_with_its_index_and_value() -> None:
    result = build_recipient_list(["01011111111", "abc", "0212345678", "010-2222-2222", ""])
    assert result.numbers == ["+821011111111", "+821022222222"]
    assert result.error_count == 3
    assert [(index, value) for index, value, _ in result.errors] == [
        (1, "abc"),
        (2, "0212345678"),
        (4, ""),
    ]
    reasons = {index: reason for index, _, reason in result.errors}
    assert "not a phone number" in reasons[1]
    assert "not a mobile number" in reasons[2]


def test_errors_listed_are_capped_but_counted_in_full() -> None:
    raw = ["01011111111"] + [f"bad{i}" for i in range(250)]
    result = build_recipient_list(raw)
    assert MAX_LISTED_ERRORS == 100
    assert len(result.errors) == MAX_LISTED_ERRORS
    assert result.error_count == 250
    assert result.errors[0][:2] == (1, "bad0")
    assert result.errors[-1][:2] == (100, "bad99")
    assert result.numbers == ["+821011111111"]


def test_a_hundred_thousand_mobiles_normalise_quickly() -> None:
    """The fast path keeps 100,000 recipients well under a second (phonenumbers: ~10 s)."""
    import time

    raw = [f"010-{i // 10_000:04d}-{i % 10_000:04d}" for i in range(100_000)]
    started = time.perf_counter()
    result = build_recipient_list(raw)
    elapsed = time.perf_counter() - started
    assert len(result.numbers) == 100_000
    assert result.numbers[0] == "+821000000000"
    assert result.numbers[-1] == "+821000099999"
    # The fast path, not phonenumbers' (~10 s); the speed itself: bench/reservations.py.
    assert elapsed < 5.0, f"{elapsed:.2f} s"


# --- callback numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "national"),
    [
        ("02-1234-5678", "0212345678"),
        ("0212345678", "0212345678"),
        ("+82 2 1234 5678", "0212345678"),
        ("1588-1234", "15881234"),
        ("15881234", "15881234"),
        ("010-1234-5678", "01012345678"),
        ("+82 10 1234 5678", "01012345678"),
        ("031-123-4567", "0311234567"),
    ],
)
def test_callback_numbers_are_normalised_to_national_digits(raw: str, national: str) -> None:
    assert normalise_callback(raw) == national


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("hello", "not a phone number"),
        ("", "not a phone number"),
        ("02-123", "not a valid phone number"),
        ("0101234", "not a valid phone number"),
        ("15881234a", "only digits"),
        ("+1 650-253-0000", "must be a KR number"),
    ],
)
def test_invalid_callback_numbers_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(NumberInvalid, match=reason):
        normalise_callback(raw)


# --- what the document states: the pattern of a phone number (PHONE_PATTERN) ---------


ACCEPTED = [*SAME_MOBILE, "011-123-4567", "+1 650-253-0000", "(+82) 10 1234 5678", "1588-1234"]


@pytest.mark.parametrize("raw", ACCEPTED)
def test_the_documented_pattern_admits_every_accepted_form(raw: str) -> None:
    assert re.search(PHONE_PATTERN, raw)


@settings(max_examples=500, derandomize=True)
@given(st.text(alphabet="0123456789０１+＋ -.()－a", max_size=20))
def test_the_documented_pattern_is_never_narrower_than_the_rule(raw: str) -> None:
    """A number the code accepts (as a recipient or a callback) matches the pattern the
    document states: a client checking the pattern never refuses a good number."""
    for normalise in (normalise_recipient, normalise_callback):
        try:
            normalise(raw)
        except NumberInvalid:
            continue
        assert re.search(PHONE_PATTERN, raw), raw


def test_the_comma_separated_form_has_its_pattern() -> None:
    assert re.search(PHONE_LIST_PATTERN, "010-1234-5678, +82 10 2345 6789")
    assert not re.search(PHONE_LIST_PATTERN, "010-1234-5678; 010-2345-6789")
