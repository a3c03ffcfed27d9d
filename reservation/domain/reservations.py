"""Reservation rules: the status machine, the reserved time and the cancel cut-off, the
rules of an advertising message, and personalised texts' variables. No I/O.

A message's type and size (SMS or LMS by EUC-KR bytes) is the platform's one rule, in
`contracts.messages`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from msgplat.plumbing.windows import Windows


# --- the status machine -----------------------------------------------------------------


class ReservationStatus(StrEnum):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    COMPLETED = "completed"
    PARTIALLY_FAILED = "partially_failed"
    FAILED = "failed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


S = ReservationStatus
TRANSITIONS: dict[ReservationStatus, frozenset[ReservationStatus]] = {
    S.REQUESTED: frozenset({S.SCHEDULED, S.REJECTED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.SENDING, S.CANCELLED}),
    S.SENDING: frozenset({S.COMPLETED, S.PARTIALLY_FAILED, S.FAILED, S.CANCELLED}),
}
FINAL: frozenset[ReservationStatus] = frozenset(
    {S.COMPLETED, S.PARTIALLY_FAILED, S.FAILED, S.REJECTED, S.CANCELLED}
)


class IllegalTransition(Exception):
    def __init__(self, current: ReservationStatus, target: ReservationStatus) -> None:
        allowed = sorted(TRANSITIONS.get(current, frozenset()))
        super().__init__(
            f"cannot go from {current} to {target}"
            + (f" (allowed: {', '.join(allowed)})" if allowed else f" ({current} is final)")
        )
        self.current = current
        self.target = target


def transition(current: ReservationStatus, target: ReservationStatus) -> ReservationStatus:
    """The new status, or IllegalTransition: a refused move is never applied silently."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(current, target)
    return target


# --- the reserved time and the cancel cut-off -------------------------------------------


class ReserveTimeInvalid(ValueError):
    """`code` says which rule (reserve_in_past, reserve_too_soon, reserve_too_far) and
    `bounds` the accepted times (`earliest`, `latest`), for a client to say in its words."""

    def __init__(self, msg: str, *, code: str, bounds: dict[str, datetime]) -> None:
        super().__init__(msg)
        self.code = code
        self.bounds = bounds


def resolve_reserve_dt(
    requested: datetime | None,
    *,
    now: datetime,
    zone: str,
    past_tolerance: timedelta,
    horizon: timedelta,
    min_lead: timedelta = timedelta(0),
) -> datetime:
    """The reserved time in UTC. Naive means `zone`; absent means now (exempt from the
    lead time). A given time must be at least `min_lead` ahead and at most `horizon`;
    without a lead time, one up to `past_tolerance` in the past means now."""
    if requested is None:
        return now
    earliest = now + min_lead
    bounds = {"earliest": earliest, "latest": now + horizon}
    if requested.tzinfo is None:
        requested = requested.replace(tzinfo=ZoneInfo(zone))
    try:
        requested = requested.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset: outside what a time can be
        early = requested.year < now.year
        raise ReserveTimeInvalid(
            f"{requested.isoformat()} is {'in the past' if early else 'too far ahead'}",
            code="reserve_in_past" if early else "reserve_too_far",
            bounds=bounds,
        ) from None
    if requested < now - past_tolerance:
        raise ReserveTimeInvalid(
            f"{requested.isoformat()} is in the past; send a time after "
            f"{earliest.isoformat()} or leave reserveDt out to send now",
            code="reserve_in_past",
            bounds=bounds,
        )
    if min_lead > timedelta(0) and requested < earliest:
        raise ReserveTimeInvalid(
            f"{requested.isoformat()} is less than {_duration(min_lead)} ahead: a reserved "
            f"time must be at least {_duration(min_lead)} from now (RESERVE_MIN_LEAD_S); "
            f"the earliest accepted is {earliest.isoformat()}, or leave reserveDt out to "
            "send now",
            code="reserve_too_soon",
            bounds=bounds,
        )
    if requested > now + horizon:
        raise ReserveTimeInvalid(
            f"{requested.isoformat()} is more than {horizon.days} days ahead; "
            f"the latest accepted is {(now + horizon).isoformat()}",
            code="reserve_too_far",
            bounds=bounds,
        )
    return max(requested, now)


class CancelTooLate(ValueError):
    def __init__(self, msg: str, *, until: datetime) -> None:
        super().__init__(msg)
        self.until = until


# Not yet handed to the send service: the cut-off before the due time applies.
NOT_YET_SENDING = frozenset({S.REQUESTED, S.SCHEDULED})


def check_cancel_cutoff(
    status: ReservationStatus, *, reserve_dt: datetime, now: datetime, cutoff: timedelta
) -> None:
    """CancelTooLate during the last `cutoff` before a reservation not yet sending is
    due. Before that it may be cancelled; once due (or sending) it is being sent, and
    a cancel stops the messages not yet sent."""
    if status not in NOT_YET_SENDING or cutoff <= timedelta(0):
        return
    until = reserve_dt - cutoff
    if until <= now < reserve_dt:
        raise CancelTooLate(
            f"a reservation cannot be cancelled in the last {_duration(cutoff)} before it "
            f"is due (CANCEL_CUTOFF_S): it is due at {reserve_dt.isoformat()} and could be "
            f"cancelled until {until.isoformat()}",
            until=until,
        )


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds % 3600 == 0 and seconds:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0 and seconds:
        return f"{seconds // 60} min"
    return f"{seconds} s"


# --- advertising (Korean law on commercial texts) ---------------------------------------
# An advertising text starts with the marker `(광고)`, carries a free number to opt out
# (an `080` number), and is not sent outside the advertising hours (AD_SENDING_HOURS in
# AD_SENDING_TIMEZONE, 08:00-21:00 in Seoul by default).

MARKER = "(광고)"
# A Korean free-call number: 080, then 3 or 4 digits, then 4, with optional separators.
_OPT_OUT_NUMBER = re.compile(r"(?<!\d)080[-. ]?\d{3,4}[-. ]?\d{4}(?!\d)")


def has_marker(content: str) -> bool:
    return content.lstrip().startswith(MARKER)


def has_opt_out_number(content: str) -> bool:
    return _OPT_OUT_NUMBER.search(content) is not None


def content_problems(content: str) -> list[str]:
    """What an advertising text misses, each as a sentence; empty when it is fine."""
    problems = []
    if not has_marker(content):
        problems.append(f"an advertising message must start with {MARKER}")
    if not has_opt_out_number(content):
        problems.append(
            "an advertising message must carry a free opt-out number (an 080 number, "
            "e.g. 무료거부 080-123-4567)"
        )
    return problems


def hours_problem(
    due: datetime, *, sent_now: bool, earliest: datetime, hours: Windows, label: str
) -> str | None:
    """Why an advertising reservation due at `due` is refused, or None when the hours
    are open then. `earliest` is the earliest time a reservation may be given for (now
    plus the lead time); `label` names the hours, e.g. "08:00-21:00 Asia/Seoul"."""
    if hours.is_open(due):
        return None
    rule = f"advertising may only be sent {label} (AD_SENDING_HOURS)"
    accepted = hours.next_open(max(due, earliest))
    then = (
        f"the earliest accepted reserveDt is {accepted.astimezone(hours.zone).isoformat()}"
        if accepted is not None
        else "no time is accepted"
    )
    if sent_now:
        local = due.astimezone(hours.zone).strftime("%H:%M")
        return f"cannot be sent now ({local}): {rule}; {then}"
    return f"{due.astimezone(hours.zone).isoformat()} is outside the hours: {rule}; {then}"


# --- personalised texts -----------------------------------------------------------------
# `#{name}` variables in a message, filled in per recipient. A variable name holds ASCII
# letters, digits, `_` and Hangul (`#{고객명}`, `#{amount_2}`). Anything else between `#{`
# and `}` (`#{고객 명}`, `#{}`) is not a variable: `malformed` names it so that it is
# refused rather than sent as it is.

_NAME = r"[0-9A-Za-z_\u3131-\u318e\uac00-\ud7a3]+"
_VARIABLE = re.compile(r"#\{(" + _NAME + r")\}")
_BRACED = re.compile(r"#\{([^{}]*)\}")
_VALID_NAME = re.compile(_NAME)


class MissingVariables(KeyError):
    """The values lack some of the text's variables (all of them listed, in order)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names


def variables(text: str) -> list[str]:
    """The variable names of `text`, each once, in order of first use."""
    return list(dict.fromkeys(_VARIABLE.findall(text)))


def malformed(text: str) -> list[str]:
    """`#{...}` spans of `text` that are not variables (a bad name), in order."""
    return [
        match.group(0)
        for match in _BRACED.finditer(text)
        if not _VALID_NAME.fullmatch(match.group(1))
    ]


def render(text: str, values: Mapping[str, str]) -> str:
    """`text` with each `#{name}` replaced by `values[name]`; MissingVariables when
    some are absent. Values are inserted as they are (a `#{x}` in a value stays)."""
    parts = _split(text)
    missing = [name for name in parts[1::2] if name not in values]
    if missing:
        raise MissingVariables(list(dict.fromkeys(missing)))
    return "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(parts))


@lru_cache(maxsize=64)
def _split(text: str) -> tuple[str, ...]:
    """Literal text and variable names, alternating: [text, name, text, ..., text]. A
    reservation renders one text for up to 100,000 recipients: split it once."""
    return tuple(_VARIABLE.split(text))
