"""Reservation rules: the status machine, message types, the reserved time. No I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


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


# Korean carrier limits, counted in EUC-KR bytes (CP949, its superset, which the
# carriers accept: every Hangul syllable is 2 bytes, ASCII 1).
SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
TITLE_MAX_BYTES = 40


class ContentInvalid(ValueError):
    pass


def carrier_bytes(text: str) -> int:
    try:
        return len(text.encode("cp949"))
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        raise ContentInvalid(
            f"character {char!r} at position {exc.start} cannot be sent by carriers "
            "(not in EUC-KR/CP949); remove or replace it"
        ) from None


def message_type(content: str) -> str:
    """SMS up to 90 bytes, LMS up to 2,000; longer content is refused."""
    size = carrier_bytes(content)
    if size <= SMS_MAX_BYTES:
        return "SMS"
    if size <= LMS_MAX_BYTES:
        return "LMS"
    raise ContentInvalid(f"is {size} bytes in EUC-KR; the limit is {LMS_MAX_BYTES} (LMS)")


class ReserveTimeInvalid(ValueError):
    pass


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
    if requested.tzinfo is None:
        requested = requested.replace(tzinfo=ZoneInfo(zone))
    requested = requested.astimezone(UTC)
    earliest = now + min_lead
    if requested < now - past_tolerance:
        raise ReserveTimeInvalid(
            f"{requested.isoformat()} is in the past; send a time after "
            f"{earliest.isoformat()} or leave reserveDt out to send now"
        )
    if min_lead > timedelta(0) and requested < earliest:
        raise ReserveTimeInvalid(
            f"{requested.isoformat()} is less than {_duration(min_lead)} ahead: a reserved "
            f"time must be at least {_duration(min_lead)} from now (RESERVE_MIN_LEAD_S); "
            f"the earliest accepted is {earliest.isoformat()}, or leave reserveDt out to "
            "send now"
        )
    if requested > now + horizon:
        raise ReserveTimeInvalid(
            f"{requested.isoformat()} is more than {horizon.days} days ahead; "
            f"the latest accepted is {(now + horizon).isoformat()}"
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
