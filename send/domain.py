"""Sending rules: message and job states, a pause, and a reservation's outcome. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal


class MessageState(StrEnum):
    PENDING = "pending"
    # Handed to the carrier, waiting for the delivery report. Confirmed once the job's
    # cursor (next_seq) has moved past it; before that a crash hands it over again.
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # An advertising message to a number on the customer's opt-out list: never handed
    # to a carrier, never charged.
    OPTED_OUT = "opted_out"


class JobState(StrEnum):
    WAITING = "waiting"  # recipients arriving; not yet scheduled
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SUBMITTED = "submitted"  # every message handed to the carrier; reports pending
    FINISHED = "finished"
    CANCELLED = "cancelled"
    REJECTED = "rejected"  # billing refused the credit: never sent, nothing to report


FINAL = frozenset(
    {
        MessageState.DELIVERED,
        MessageState.FAILED,
        MessageState.CANCELLED,
        MessageState.OPTED_OUT,
    }
)

# Platform result codes (carrier codes are passed through as they come).
CODE_EXPIRED = "P001"  # could not be handed to a carrier before it expired
CODE_RETRIES_EXHAUSTED = "P002"  # the carrier failed on every attempt of the retry budget
CODE_NO_REPORT = "P003"  # accepted by the carrier, but no delivery report came in time
CODE_OPTED_OUT = "OPTED_OUT"  # advertising to a number on the customer's opt-out list
OPTED_OUT_REASON = "the number is on the customer's opt-out list (advertising)"
CODE_CANCELLED = "CANCELLED"
CANCELLED_REASON = "cancelled by the customer"
CODE_REJECTED = "REJECTED"  # a carrier's rejection that gave no code of its own
REJECTED_REASON = "rejected by the carrier"


# Why a job may not send now (see gating.py).
Rule = Literal["advertising_hours", "sending_windows"]


@dataclass(frozen=True)
class Pause:
    rule: Rule
    reason: str
    until: datetime | None  # None: no moment opens every rule again


Outcome = Literal["completed", "partially_failed", "failed", "cancelled"]


def outcome(*, delivered: int, failed: int, job_cancelled: bool) -> Outcome:
    """The reservation's final status once every message is final. Opted-out messages
    are neither delivered nor failed: a reservation with none failed is completed."""
    if job_cancelled:
        return "cancelled"
    if failed == 0:
        return "completed"
    if delivered == 0:
        return "failed"
    return "partially_failed"


def parse_ref(ref: str) -> tuple[str, int]:
    """A carrier reference `<reservation id>:<seq>` -> (reservation id, seq); ValueError."""
    reservation_id, _, seq = ref.rpartition(":")
    if not reservation_id or not seq.isdigit():
        raise ValueError(f"{ref!r} is not a message reference (<reservation id>:<seq>)")
    return reservation_id, int(seq)


def make_ref(reservation_id: object, seq: int) -> str:
    return f"{reservation_id}:{seq}"
