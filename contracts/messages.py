"""A text message's type and its size as the carriers count it: one rule for every service.

Korean carriers count EUC-KR bytes and take CP949, its superset (every Hangul syllable,
the extended ones too, is 2 bytes, ASCII 1): a text of at most `SMS_MAX_BYTES` is an
SMS, a longer one an LMS of at most `LMS_MAX_BYTES`, under a title of at most
`TITLE_MAX_BYTES`. The reservation service types every message by it at intake (and
refuses what carriers cannot take); monitoring types its alerts by it. Standard library
only, no I/O.
"""

from __future__ import annotations

from typing import Literal

MsgType = Literal["SMS", "LMS"]

CARRIER_ENCODING = "cp949"
SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
TITLE_MAX_BYTES = 40


class ContentInvalid(ValueError):
    """A text the carriers cannot take: a character outside CP949, or over LMS_MAX_BYTES."""


def carrier_bytes(text: str, *, strict: bool = True) -> int:
    """The size of `text` in CP949 bytes. A character outside CP949 is ContentInvalid,
    naming it and its position; not `strict`, it counts as the one byte of the `?` it
    would be sent as."""
    if not strict:
        return len(text.encode(CARRIER_ENCODING, errors="replace"))
    try:
        return len(text.encode(CARRIER_ENCODING))
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        raise ContentInvalid(
            f"character {char!r} at position {exc.start} cannot be sent by carriers "
            "(not in EUC-KR/CP949); remove or replace it"
        ) from None


def message_type(text: str, *, strict: bool = True) -> MsgType:
    """SMS up to SMS_MAX_BYTES, else LMS. `strict` (a customer's message): a text that
    carriers cannot take, or longer than LMS_MAX_BYTES, is ContentInvalid; not `strict`
    (the platform's own short texts) nothing is refused."""
    size = carrier_bytes(text, strict=strict)
    if size <= SMS_MAX_BYTES:
        return "SMS"
    if strict and size > LMS_MAX_BYTES:
        raise ContentInvalid(f"is {size} bytes in EUC-KR; the limit is {LMS_MAX_BYTES} (LMS)")
    return "LMS"
