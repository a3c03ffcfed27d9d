"""Opt-out numbers, their CSV upload and sending windows as given: parsed or refused
naming the field, without I/O."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from msgplat.plumbing.errors import RequestInvalid
from msgplat.plumbing.phones import normalise_recipient as normalise
from msgplat.send.commands import parse_optouts_csv
from msgplat.send.schemas import OptoutNumbers, SendingWindowsInput


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("010-1234-5678", "+821012345678"),
        ("01012345678", "+821012345678"),
        ("+82 10 1234 5678", "+821012345678"),
        ("(010) 1234.5678", "+821012345678"),
        ("011-234-5678", "+82112345678"),  # the slow path, as reservation normalises it
    ],
)
def test_numbers_are_stored_in_e164_like_reservations_recipients(raw: str, e164: str) -> None:
    assert normalise(raw) == e164


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("010-1234-567a", "is not a phone number"),
        ("12", "not a valid phone number"),
        ("02-123-4567", "not a mobile number"),
    ],
)
def test_bad_numbers_say_why(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise(raw)


def test_each_bad_number_of_a_request_is_named_by_its_index() -> None:
    with pytest.raises(ValidationError) as caught:
        OptoutNumbers.model_validate({"numbers": ["01012345678", "nope", "02-123-4567"]})
    assert [e["loc"] for e in caught.value.errors()] == [("numbers", 1), ("numbers", 2)]
    ok = OptoutNumbers.model_validate({"numbers": ["010-1111-2222"]})
    assert ok.numbers == ["+821011112222"]


@pytest.mark.parametrize("count", [0, 1001])
def test_a_request_holds_one_to_a_thousand_numbers(count: int) -> None:
    with pytest.raises(ValidationError) as caught:
        OptoutNumbers.model_validate({"numbers": ["01012345678"] * count})
    assert caught.value.errors()[0]["loc"] == ("numbers",)


def test_a_csv_upload_skips_its_header_and_blank_lines() -> None:
    body = "전화번호,이름\r\n010-1234-5678,Kim\r\n\r\n01098765432\r\n".encode("cp949")
    assert parse_optouts_csv(body) == ["+821012345678", "+821098765432"]
    assert parse_optouts_csv(b"\xef\xbb\xbf01012345678\n") == ["+821012345678"]  # with a BOM


def test_a_csv_upload_with_bad_lines_is_refused_naming_each_line() -> None:
    with pytest.raises(RequestInvalid) as caught:
        parse_optouts_csv(b"number\n01012345678\nhello\n02-123-4567\n")
    assert [(e.loc, e.input) for e in caught.value.errors] == [
        (("body", 3), "hello"),
        (("body", 4), "02-123-4567"),
    ]
    assert caught.value.errors[0].msg.startswith("line 3: ")


@pytest.mark.parametrize("body", [b"", b"number\n", b"\n\n"])
def test_a_csv_upload_without_numbers_is_refused(body: bytes) -> None:
    with pytest.raises(RequestInvalid) as caught:
        parse_optouts_csv(body)
    assert caught.value.errors[0].msg == "the file holds no number"


def windows_body(**overrides: Any) -> dict[str, Any]:
    return {
        "timeZone": "Asia/Seoul",
        "windows": [{"days": ["mon", "fri"], "start": "09:00", "end": "18:00:30"}],
        **overrides,
    }


def test_sending_windows_default_to_normal_and_advertising() -> None:
    parsed = SendingWindowsInput.model_validate(windows_body())
    assert parsed.purposes == ["normal", "advertising"]
    overnight = SendingWindowsInput.model_validate(
        windows_body(windows=[{"days": ["sun"], "start": "22:00", "end": "24:00"}])
    )
    assert overnight.windows[0].end == "24:00"
    whole_day = SendingWindowsInput.model_validate(
        windows_body(windows=[{"days": ["mon"], "start": "00:00", "end": "24:00"}])
    )
    assert whole_day.windows[0].start == "00:00"


@pytest.mark.parametrize(
    ("overrides", "loc", "message"),
    [
        ({"timeZone": "Mars/Olympus"}, ("timeZone",), "not a known time zone"),
        ({"timeZone": "../../etc/passwd"}, ("timeZone",), "not a known time zone"),
        ({"windows": []}, ("windows",), "at least 1 item"),
        (
            {"windows": [{"days": ["mon", "someday"], "start": "09:00", "end": "18:00"}]},
            ("windows", 0, "days", 1),
            "'mon'",
        ),
        ({"windows": [{"days": [], "start": "09:00", "end": "18:00"}]}, ("windows", 0, "days"), ""),
        (
            {"windows": [{"days": ["mon"], "start": "24:00", "end": "18:00"}]},
            ("windows", 0, "start"),
            "24:00 may only end a window",
        ),
        (
            {"windows": [{"days": ["mon"], "start": "09:00", "end": "9pm"}]},
            ("windows", 0, "end"),
            "not a time of day",
        ),
        (
            {"windows": [{"days": ["mon"], "start": "09:00", "end": "09:00:00"}]},
            ("windows", 0),
            "the same time",
        ),
        ({"purposes": ["authentication"]}, ("purposes",), "never paused"),
        ({"purposes": ["spam"]}, ("purposes", 0), "'normal'"),
        ({"purposes": []}, ("purposes",), "at least 1 item"),
    ],
)
def test_bad_sending_windows_are_refused_naming_the_field(
    overrides: dict[str, Any], loc: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        SendingWindowsInput.model_validate(windows_body(**overrides))
    errors = caught.value.errors()
    assert errors[0]["loc"] == loc, errors
    assert message in errors[0]["msg"], errors
