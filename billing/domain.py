"""Billing rules: ledger kinds and what an entry moves, hold states, limits, refusal
wording, months, and the price of each message of a hold (its lines per message type).
No I/O."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

# Months of the usage summary are the customer's months (Korea), not UTC ones.
SEOUL = ZoneInfo("Asia/Seoul")

MIN_TOPUP = 1
MAX_TOPUP = 10_000_000  # KRW per top-up: above it is a typo, not a payment
# Top-ups are an operator's act (POST /billings/topups with an operator's credentials, or
# `python -m msgplat.billing topup`): what a customer reads when credit is short.
HOW_TO_GET_CREDIT = "ask your operator to top up your account"
# Who made a top-up, as the ledger names them (an operator through the API: their id).
CLI_ACTOR_PREFIX = "cli:"
DEMO_ACCOUNTS_ACTOR = "DEMO_ACCOUNTS"
INTERNAL_ACTOR = "internal"

MONTH_PATTERN = r"^[12]\d{3}-(0[1-9]|1[0-2])$"


class LedgerKind(StrEnum):
    TOPUP = "topup"  # + available
    HOLD = "hold"  # - available, + held
    CAPTURE = "capture"  # - held, + charged (delivered messages)
    RELEASE = "release"  # - held, + available (failed, cancelled or opted out: the compensation)


@dataclass(frozen=True)
class Entry:
    """One ledger entry to post: what moved, how much, and what it was for."""

    kind: LedgerKind
    amount: int
    count: int | None = None
    msg_type: str | None = None
    reservation_id: UUID | None = None
    event_id: UUID | None = None
    note: str | None = None
    actor: str | None = None  # who made a top-up

    def deltas(self) -> tuple[int, int, int, int]:
        """(available, held, charged, topped_up) change of this entry."""
        a = self.amount
        return {
            LedgerKind.TOPUP: (a, 0, 0, a),
            LedgerKind.HOLD: (-a, a, 0, 0),
            LedgerKind.CAPTURE: (0, -a, a, 0),
            LedgerKind.RELEASE: (a, -a, 0, 0),
        }[self.kind]


class HoldStatus(StrEnum):
    OPEN = "open"  # something may still be held
    CLOSED = "closed"  # settled or released: later results change nothing
    REFUSED = "refused"  # not enough credit: nothing was held


def krw(amount: int) -> str:
    return f"{amount:,} KRW"


def refusal_reason(*, required: int, available: int) -> str:
    """What the customer reads on the rejected reservation: the numbers and the way out."""
    return (
        f"not enough credit: needs {krw(required)}, {krw(available)} available; {HOW_TO_GET_CREDIT}"
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


# The carrier of a captured message whose result named none (usage by carrier).
UNKNOWN_CARRIER = "unknown"
CARRIER_MAX_LENGTH = 64


@dataclass(frozen=True)
class Line:
    """The messages of one type in a hold: their price when held, how many, and how many
    of them were captured or released so far."""

    unit_price: int
    count: int
    captured: int = 0
    released: int = 0

    @property
    def room(self) -> int:
        """Messages of this type still held."""
        return self.count - self.captured - self.released

    @property
    def held(self) -> int:
        return self.room * self.unit_price


def hold_lines(
    *,
    msg_type: str,
    recipient_count: int,
    msg_counts: Mapping[str, int] | None,
    unit_price: Callable[[str], int],
) -> dict[str, Line]:
    """The lines of a new hold: one per type of `msg_counts` (personalised messages
    differ), else every recipient at `msg_type`. Counts below 1 hold nothing; recipients
    that `msg_counts` leaves out are held at `msg_type`, the largest type."""
    counts = Counter({t: n for t, n in (msg_counts or {}).items() if n > 0})
    missing = recipient_count - sum(counts.values())
    if missing > 0:
        counts[msg_type] += missing
    return {t: Line(unit_price(t), n) for t, n in sorted(counts.items())}


def lines_to_json(lines: Mapping[str, Line]) -> dict[str, dict[str, int]]:
    return {
        t: {
            "unit_price": x.unit_price,
            "count": x.count,
            "captured": x.captured,
            "released": x.released,
        }
        for t, x in sorted(lines.items())
    }


def lines_of(hold: Any) -> dict[str, Line]:
    """A hold row's lines per message type (`by_type`; a row from before they were kept
    has one line: the whole hold)."""
    if hold.by_type:
        return {t: Line(**{k: int(v) for k, v in x.items()}) for t, x in hold.by_type.items()}
    return {
        hold.msg_type: Line(hold.unit_price, hold.count, hold.captured_count, hold.released_count)
    }


@dataclass(frozen=True)
class Settling:
    """One message settling now: captured (delivered) or released, its type (None: the
    hold's) and the carrier that took it."""

    captured: bool
    msg_type: str | None = None
    carrier: str | None = None


@dataclass
class Settlement:
    """What settling some messages moves, per type, priced at the hold's prices."""

    lines: dict[str, Line]
    captured: Counter[str] = field(default_factory=Counter)
    released: Counter[str] = field(default_factory=Counter)
    # (carrier, type) -> captured messages
    by_carrier: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Results priced at another type than theirs: their own had no message left held.
    repriced: int = 0

    def amount(self, counts: Mapping[str, int]) -> int:
        return sum(n * self.lines[t].unit_price for t, n in counts.items())

    @property
    def captured_amount(self) -> int:
        return self.amount(self.captured)

    @property
    def released_amount(self) -> int:
        return self.amount(self.released)


def settle(
    lines: Mapping[str, Line], messages: Iterable[Settling], *, hold_type: str
) -> Settlement:
    """Settle `messages` against the hold's lines, each at its type's price when held.

    A message takes a place of its own type (none given: the hold's type). When its type
    has no place left (a type the reservation did not announce, or more of it than
    announced), it takes the place of another type that has one: a result can never take
    more than was held, whatever it says. Alike messages are settled together.
    """
    alike = Counter(
        (m.captured, m.msg_type or hold_type, (m.carrier or UNKNOWN_CARRIER)[:CARRIER_MAX_LENGTH])
        for m in messages
    )
    result = Settlement(lines=dict(lines))
    for (captured, wanted, carrier), count in sorted(alike.items()):
        while count:
            priced = _type_with_room(result.lines, wanted, hold_type)
            line = result.lines[priced]
            n = min(count, line.room) if line.room > 0 else count
            count -= n
            if priced != wanted:
                result.repriced += n
            if captured:
                result.lines[priced] = replace(line, captured=line.captured + n)
                result.captured[priced] += n
                result.by_carrier[carrier, priced] += n
            else:
                result.lines[priced] = replace(line, released=line.released + n)
                result.released[priced] += n
    return result


def _type_with_room(lines: Mapping[str, Line], wanted: str, hold_type: str) -> str:
    for candidate in (wanted, hold_type, *sorted(lines)):
        if candidate in lines and lines[candidate].room > 0:
            return candidate
    # Unreachable while each seq below the hold's count settles once (settled_messages).
    return hold_type if hold_type in lines else min(lines)


def release_all(lines: Mapping[str, Line]) -> tuple[dict[str, Line], dict[str, int]]:
    """Every message still held released: the lines after, and messages released per type."""
    released = {t: x.room for t, x in sorted(lines.items()) if x.room > 0}
    after = {t: replace(x, released=x.released + x.room) for t, x in lines.items()}
    return after, released
