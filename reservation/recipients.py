"""Phone numbers: validate, normalise to E.164, drop duplicates keeping list order.

`phonenumbers` costs ~100 us a number, too slow for 100,000 recipients, so the
common Korean mobile form (010 + 8 digits, with any separators) is normalised by
a regular expression and everything else goes through `phonenumbers`. The fast
path accepts exactly what `phonenumbers` accepts for that form (a test compares
them): ASCII digits only (other Unicode digits take the slow path, which folds
them), and not 010-597x to 010-599x, which its metadata does not allocate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import orjson
import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

_SEPARATORS = re.compile(r"[\s\-.()]")
_KR_010 = re.compile(r"(?:\+82|82|0)?10(?!59[7-9])([0-9]{8})")
# What a typed phone number may contain: an optional leading plus, then digits (any
# script's, e.g. full-width) and separators. `phonenumbers` alone is lenient: it reads
# letters as keypad digits and drops trailing text ("010-1234-567a" would become the
# valid 010-123-4567, someone else's number), so anything else is refused first.
_PHONE_CHARS = re.compile(r"\s*[+\uff0b]?[\d\s\-.()\u2010-\u2015\u2212\uff0d]+")
_RECIPIENT_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
MAX_LISTED_ERRORS = 100


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


@dataclass
class RecipientList:
    numbers: list[str] = field(default_factory=list)
    # The request index each of `numbers` came from (for per-recipient variables)
    indexes: list[int] = field(default_factory=list)
    duplicates_dropped: int = 0
    # (index in the request, value, reason), the first MAX_LISTED_ERRORS of them
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    error_count: int = 0


def split_dst_num(value: str | list[str]) -> list[str]:
    """The seed's comma-separated form or a JSON array, as a list in order."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return value


def build_recipient_list(raw: list[str], region: str = "KR") -> RecipientList:
    result = RecipientList()
    seen: set[str] = set()
    for index, value in enumerate(raw):
        try:
            number = normalise_recipient(value, region)
        except NumberInvalid as exc:
            result.error_count += 1
            if len(result.errors) < MAX_LISTED_ERRORS:
                result.errors.append((index, value, str(exc)))
            continue
        if number in seen:
            result.duplicates_dropped += 1
            continue
        seen.add(number)
        result.numbers.append(number)
        result.indexes.append(index)
    return result


def event_sizes(numbers: list[str], texts: list[str] | None) -> list[int]:
    """Roughly what each recipient adds to a chunk event's JSON, in bytes (a little more)."""
    if texts is None:
        return [len(number) + 3 for number in numbers]
    return [
        len(number) + len(orjson.dumps(text)) + 10
        for number, text in zip(numbers, texts, strict=True)
    ]


def chunk_bounds(sizes: list[int], *, max_count: int, max_bytes: int) -> list[tuple[int, int]]:
    """Split a list whose items weigh `sizes` bytes into consecutive (start, end) slices
    of at most `max_count` items and `max_bytes` bytes (an item heavier than that alone
    is a slice of its own). Keeps each recipient chunk event well under 1 MB."""
    bounds: list[tuple[int, int]] = []
    start, weight = 0, 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= max_count or weight + size > max_bytes):
            bounds.append((start, i))
            start, weight = i, 0
        weight += size
    if start < len(sizes):
        bounds.append((start, len(sizes)))
    return bounds
