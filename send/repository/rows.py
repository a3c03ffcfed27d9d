"""The typed rows the repository returns, and the SQL text of their states and columns."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Row

from msgplat.contracts.events import Purpose
from msgplat.send.domain import JobState, MessageState


def sql_in(*states: StrEnum) -> str:
    """States as the list of an SQL `IN`: `('pending', 'submitted')`."""
    return "(" + ", ".join(f"'{state.value}'" for state in states) + ")"


# Jobs a runner may claim and send; messages not final yet.
SENDABLE = sql_in(JobState.SCHEDULED, JobState.SENDING)
UNFINISHED = sql_in(MessageState.PENDING, MessageState.SUBMITTED)

# What every statement that makes messages final returns (a `FinalRow`), from `messages m`.
FINAL_COLUMNS = (
    "m.seq, m.status, m.result_code, m.reason, m.carrier, m.carrier_msg_id, m.final_at, m.msg_type"
)


@dataclass(frozen=True, slots=True)
class Job:
    """A reservation to send, as `send.jobs` held it when read (at a claim, a cancel, or
    to record results): what it sends, whose it is, and where its sending stood."""

    reservation_id: UUID
    user_id: str
    title: str
    content: str
    msg_type: str  # a personalised job's largest type; each message may name its own
    callback_num: str
    purpose: Purpose
    due_at: datetime
    status: JobState
    recipient_count: int
    next_seq: int  # the cursor: every message before it has its carrier's answer recorded
    lease_owner: str | None
    lease_until: datetime | None
    epoch: int  # the lease's fencing token, as claimed
    handed_seq: int  # the last seq that may have reached a carrier
    resumed_at: datetime | None  # when it last went on after a pause
    traceparent: str | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> Job:
        values = row._mapping
        return cls(
            **{name: values[name] for name in JOB_COLUMNS} | {"status": JobState(values["status"])}
        )

    @property
    def advertising(self) -> bool:
        return self.purpose == "advertising"

    def leased(self, now: datetime) -> bool:
        """Whether a runner holds the job's lease at `now`."""
        return (
            self.lease_owner is not None and self.lease_until is not None and self.lease_until > now
        )


JOB_COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(Job))


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a job its runner holds stands, read as the lease is renewed before a batch."""

    status: JobState
    started_at: datetime | None
    recipient_count: int
    next_seq: int
    pause_rule: str | None
    paused_until: datetime | None
    windows_at: datetime | None  # when the customer's sending windows last changed (None: none)

    @classmethod
    def from_row(cls, row: Row[Any]) -> Progress:
        return cls(
            JobState(row.status),
            row.started_at,
            row.recipient_count,
            row.next_seq,
            row.pause_rule,
            row.paused_until,
            row.windows_at,
        )

    @property
    def sendable(self) -> bool:
        return self.status in (JobState.SCHEDULED, JobState.SENDING)


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """A message claimed for the carrier (marked `submitted`). A personalised message has
    its own `text` and `msg_type`; None: the job's."""

    seq: int
    dst_num: str
    attempts: int
    text: str | None
    msg_type: str | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> ClaimedMessage:
        return cls(row.seq, row.dst_num, row.attempts, row.text, row.msg_type)


class FinalRow(Protocol):
    """A message that has just become final (`FINAL_COLUMNS`): what its result says."""

    @property
    def seq(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def result_code(self) -> str | None: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def carrier(self) -> str | None: ...
    @property
    def carrier_msg_id(self) -> str | None: ...
    @property
    def final_at(self) -> datetime | None: ...
    @property
    def msg_type(self) -> str | None: ...


class JobFinalRow(FinalRow, Protocol):
    """A `FinalRow` of any job: with its reservation id (reports, the sweep)."""

    @property
    def reservation_id(self) -> UUID: ...


@dataclass(frozen=True, slots=True)
class Claimed:
    """One batch claim: the messages to hand over and, for an advertising job, those that
    ended `opted_out` instead; `after` is the seq after the last of either."""

    messages: list[ClaimedMessage]
    opted_out: list[FinalRow]
    after: int
