"""Sending rules: message and job states, a pause, and a reservation's outcome. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID


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


class LeaseLost(Exception):
    """A runner's lease of a job was taken over (its epoch moved): it writes and submits
    nothing more for that job."""

    def __init__(self, reservation_id: object, epoch: int) -> None:
        super().__init__(f"lease of {reservation_id} at epoch {epoch} lost")


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


# -- notices: one message each, on the platform's own account (see notices.py) ----------


class NoticeState(StrEnum):
    PENDING = "pending"  # due at `next_attempt_at` (after a backoff, or a sending window)
    SENDING = "sending"  # claimed and at a carrier; leased until `next_attempt_at`
    SUBMITTED = "submitted"  # a carrier took it: waiting for its delivery report
    DELIVERED = "delivered"
    FAILED = "failed"


NoticeKind = Literal["status_alert", "sender_verification"]

# What a notice is, by its kind: the purpose its sending windows are checked for (a
# verification code is an authentication message: never held back), and whether billing
# charges it when delivered.
NOTICE_PURPOSE: dict[str, Literal["normal", "authentication"]] = {
    "status_alert": "normal",
    "sender_verification": "authentication",
}
NOTICE_BILLABLE: dict[str, bool] = {"status_alert": True, "sender_verification": False}

CODE_NO_WINDOW = "P004"  # held by the customer's sending windows, and none opens again
NOTICE_REF_PREFIX = "notice:"
# A verification code is not kept once its notice is final.
REDACTED_TEXT = "[verification code removed]"


def notice_ref(notice_id: UUID) -> str:
    """The carrier's reference of a notice (its idempotency key there)."""
    return f"{NOTICE_REF_PREFIX}{notice_id}"


def parse_notice_ref(ref: str) -> UUID | None:
    """A notice's id from its carrier reference; None for a message's reference.
    ValueError for a notice reference that holds no id."""
    if not ref.startswith(NOTICE_REF_PREFIX):
        return None
    try:
        return UUID(ref.removeprefix(NOTICE_REF_PREFIX))
    except ValueError:
        raise ValueError(f"{ref!r} is not a notice reference (notice:<id>)") from None


def notice_retry_delay_s(attempts: int, retry_after_s: float) -> float:
    """How long a notice no carrier took waits before its next attempt: the carrier's
    `Retry-After`, at least 0.5 s doubling per attempt, at most a minute."""
    return min(60.0, max(retry_after_s, 0.5 * 2 ** max(0, attempts - 1)))
