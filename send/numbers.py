"""Phone numbers of the opt-out lists, normalised to E.164 exactly as reservation
normalises recipients (a copy of `reservation/recipients.normalise_recipient`: the
services share no code), so that a listed number equals the recipient's."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

_SEPARATORS = re.compile(r"[\s\-.()]")
_KR_010 = re.compile(r"(?:\+82|82|0)?10(?!59[7-9])([0-9]{8})")
# An optional leading plus, then digits and separators: `phonenumbers` alone would read
# letters as keypad digits and drop trailing text.
_PHONE_CHARS = re.compile(r"\s*[+\uff0b]?[\d\s\-.()\u2010-\u2015\u2212\uff0d]+")
_MOBILE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise(raw: str, region: str = "KR") -> str:
    """E.164 form of a mobile number; ValueError saying why not."""
    compact = _SEPARATORS.sub("", raw)
    if match := _KR_010.fullmatch(compact):
        return "+8210" + match.group(1)
    if not _PHONE_CHARS.fullmatch(raw):
        raise ValueError(
            "is not a phone number (only digits, spaces, '-', '.', '()' and a leading '+')"
        )
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValueError("is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number")
    if phonenumbers.number_type(number) not in _MOBILE:
        raise ValueError("is not a mobile number (a text cannot be delivered to it)")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)
