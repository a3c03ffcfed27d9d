"""Billing rules: ledger kinds, hold states, limits, refusal wording, months. No I/O."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

# Months of the usage summary are the customer's months (Korea), not UTC ones.
SEOUL = ZoneInfo("Asia/Seoul")

MIN_TOPUP = 1
MAX_TOPUP = 10_000_000  # KRW per top-up: above it is a typo, not a payment
TOPUP_ENDPOINT = "POST /billings/topups"

MONTH_PATTERN = r"^[12]\d{3}-(0[1-9]|1[0-2])$"


class LedgerKind(StrEnum):
    TOPUP = "topup"  # + available
    HOLD = "hold"  # - available, + held
    CAPTURE = "capture"  # - held, + charged (delivered messages)
    RELEASE = "release"  # - held, + available (failed or cancelled: the compensation)


class HoldStatus(StrEnum):
    OPEN = "open"  # something may still be held
    CLOSED = "closed"  # settled or released: later results change nothing
    REFUSED = "refused"  # not enough credit: nothing was held


def krw(amount: int) -> str:
    return f"{amount:,} KRW"


def refusal_reason(*, required: int, available: int) -> str:
    """What the customer reads on the rejected reservation: the numbers and the way out."""
    return (
        f"not enough credit: needs {krw(required)}, {krw(available)} available; "
        f"top up at {TOPUP_ENDPOINT}"
    )


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """`YYYY-MM` -> [first instant, first instant of the next month) in Seoul time."""
    if not re.fullmatch(MONTH_PATTERN, month):
        raise ValueError(f"{month!r} is not a month as YYYY-MM")
    year, number = int(month[:4]), int(month[5:])
    start = datetime(year, number, 1, tzinfo=SEOUL)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=SEOUL)
    return start, end


def current_month(now: datetime) -> str:
    return now.astimezone(SEOUL).strftime("%Y-%m")
