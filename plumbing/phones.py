"""Phone numbers to E.164 (recipients, opt-out lists) and callback numbers to national
digits: the one normalisation every service uses, so that a number on a customer's
opt-out list (send) is equal to the same number among their recipients (reservation).

`phonenumbers` costs ~100 us a number, too slow for 100,000 recipients, so the
common Korean mobile form (010 + 8 digits, with any separators) is normalised by
a regular expression and everything else goes through `phonenumbers`. The fast
path accepts exactly what `phonenumbers` accepts for that form (a test compares
them): ASCII digits only (other Unicode digits take the slow path, which folds
them), and not 010-597x to 010-599x, which its metadata does not allocate.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

_SEPARATORS = re.compile(r"[\s\-.()]")
_KR_010 = re.compile(r"(?:\+82|82|0)?10(?!59[7-9])([0-9]{8})")
# What a typed phone number may contain: an optional leading plus, then digits (any
# script's, e.g. full-width) and separators. `phonenumbers` alone is lenient: it reads
# letters as keypad digits and drops trailing text ("010-1234-567a" would become the
# valid 010-123-4567, someone else's number), so anything else is refused first.
_PHONE_CHARS = re.compile(r"\s*[+\uff0b]?[\d\s\-.()\u2010-\u2015\u2212\uff0d]+")
# What the document states of a phone number's characters (a JSON Schema `pattern`, for
# a client to check before it asks): the union of what the fast path reads (separators
# around a +82 10 number) and what `_PHONE_CHARS` lets through to `phonenumbers`. Wider
# than the rule, never narrower: whether it is a real number is libphonenumber's to say
# (a 422 naming it). `\d` is any script's digit here, as in Python's `re`; a client whose
# regular expressions read it as 0-9 only (ECMAScript) checks the common form.
_ONE_PHONE = r"[\s\-.()]*[+\uff0b]?[\d\s\-.()\u2010-\u2015\u2212\uff0d]+"
PHONE_PATTERN = f"^{_ONE_PHONE}$"
# The seed's comma-separated `dstNum`: such numbers, separated by commas.
PHONE_LIST_PATTERN = f"^{_ONE_PHONE}(,{_ONE_PHONE})*$"
_RECIPIENT_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class NumberInvalid(ValueError):
    pass


def normalise_recipient(raw: str, region: str = "KR") -> str:
    """E.164 form of a mobile number that can receive a text, else NumberInvalid."""
    compact = _SEPARATORS.sub("", raw)
    if match := _KR_010.fullmatch(compact):
        return "+8210" + match.group(1)
    number = _parse(raw, region)
    if phonenumbers.number_type(number) not in _RECIPIENT_TYPES:
        raise NumberInvalid("is not a mobile number (a text cannot be delivered to it)")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def normalise_callback(raw: str, region: str = "KR") -> str:
    """A callback (sender) number in national digits, e.g. 0212345678 or 15881234."""
    number = _parse(raw, region)
    if number.country_code != phonenumbers.country_code_for_region(region):
        raise NumberInvalid(f"must be a {region} number registered as a sender")
    return re.sub(r"\D", "", phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))


def callback_e164(national: str, region: str = "KR") -> str:
    """A callback number kept in national digits (`normalise_callback`) in E.164, as a
    carrier wants the number a text goes to: 0212345678 -> +82212345678."""
    return phonenumbers.format_number(phonenumbers.parse(national, region), PhoneNumberFormat.E164)


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber:
    if not _PHONE_CHARS.fullmatch(raw):
        raise NumberInvalid(
            "is not a phone number (only digits, spaces, '-', '.', '()' and a leading '+')"
        )
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise NumberInvalid("is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise NumberInvalid("is not a valid phone number")
    return number
