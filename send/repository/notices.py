"""The SQL of `send.notices`: a notice from its request to its result (see notices.py).

A notice is claimed with a lease (`sending`, leased until `next_attempt_at`): a replica
that dies holding it leaves a lease that expires, and the notice is handed over again
(the carrier deduplicates by ref). Every statement that makes a notice final returns a
`FinalNotice` and blanks a verification code's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.send.domain import REDACTED_TEXT, NoticeState
from msgplat.send.models import SCHEMA, notices
from msgplat.send.repository.rows import sql_in

N = NoticeState
OPEN = sql_in(N.SENDING, N.SUBMITTED)  # at a carrier, or on its way: a report applies

# What every statement that makes notices final sets besides the result and its time, and
# returns.
REDACT = f"text = CASE WHEN n.kind = 'sender_verification' THEN '{REDACTED_TEXT}' ELSE n.text END"
FINAL_COLUMNS = """n.notice_id, n.user_id, n.kind, n.subject_id, n.status, n.result_code,
    n.reason, n.carrier, n.carrier_msg_id, n.msg_type, n.final_at"""


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice as claimed: what to send, to whom, for whom."""

    notice_id: UUID
    user_id: str
    kind: str
    purpose: str
    to_num: str
    sender: str
    text: str
    msg_type: str
    attempts: int

    @classmethod
    def from_row(cls, row: Row[Any]) -> Notice:
        return cls(**{name: getattr(row, name) for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class FinalNotice:
    """A notice that has just become final: what its result event says."""

    notice_id: UUID
    user_id: str
    kind: str
    subject_id: UUID
    status: str
    result_code: str | None
    reason: str | None
    carrier: str | None
    carrier_msg_id: str | None
    msg_type: str
    final_at: datetime

    @classmethod
    def from_row(cls, row: Row[Any]) -> FinalNotice:
        return cls(**{name: getattr(row, name) for name in cls.__slots__})


def _finals(rows: Sequence[Row[Any]]) -> list[FinalNotice]:
    return [FinalNotice.from_row(row) for row in rows]


async def add(conn: AsyncConnection, values: dict[str, Any]) -> bool:
    """Store a requested notice; False when its id was stored before (a repeat)."""
    added = await conn.execute(
        insert(notices).values(values).on_conflict_do_nothing().returning(notices.c.notice_id)
    )
    return added.first() is not None


CLAIM_SQL = text(
    f"""
    UPDATE {SCHEMA}.notices n
    SET status = '{N.SENDING}', next_attempt_at = now() + make_interval(secs => :lease_s),
        carrier = CASE WHEN n.msg_type = 'LMS' THEN :lms_carrier ELSE :sms_carrier END
    WHERE n.notice_id IN (
        SELECT notice_id FROM {SCHEMA}.notices
        WHERE status IN {sql_in(N.PENDING, N.SENDING)} AND next_attempt_at <= now()
        ORDER BY next_attempt_at LIMIT :limit
        FOR UPDATE SKIP LOCKED)
    RETURNING n.notice_id, n.user_id, n.kind, n.purpose, n.to_num, n.sender, n.text,
        n.msg_type, n.attempts
    """
)


async def claim_due(
    conn: AsyncConnection, *, lease_s: float, limit: int, carriers: dict[str, str]
) -> list[Notice]:
    """Claim up to `limit` due notices (new ones, retries, and those whose claim's lease
    ran out), each recording its type's first carrier (`carriers`: type -> name)."""
    params: dict[str, Any] = {"lease_s": lease_s, "limit": limit}
    params |= {"sms_carrier": carriers["SMS"], "lms_carrier": carriers["LMS"]}
    return [Notice.from_row(row) for row in await conn.execute(CLAIM_SQL, params)]


PAUSE_SQL = text(
    f"""
    UPDATE {SCHEMA}.notices SET status = '{N.PENDING}', next_attempt_at = :until,
        pause_reason = :reason
    WHERE notice_id = :id AND status = '{N.SENDING}'
    """
)


async def pause(conn: AsyncConnection, notice_id: UUID, *, until: datetime, reason: str) -> None:
    """Hand a claimed notice back until its customer's sending windows open."""
    await conn.execute(PAUSE_SQL, {"id": notice_id, "until": until, "reason": reason})


RECORD_CARRIER_SQL = text(
    f"""
    UPDATE {SCHEMA}.notices SET carrier = :carrier
    WHERE notice_id = ANY(CAST(:ids AS uuid[])) AND status = '{N.SENDING}'
    """
)


async def record_carrier(conn: AsyncConnection, ids: list[UUID], carrier: str) -> None:
    """Before they go to `carrier`: its reports are the ones that count."""
    await conn.execute(RECORD_CARRIER_SQL, {"ids": ids, "carrier": carrier})


ACCEPTED_SQL = text(
    f"""
    UPDATE {SCHEMA}.notices n
    SET status = '{N.SUBMITTED}', submitted_at = now(), pause_reason = NULL,
        carrier_msg_id = coalesce(n.carrier_msg_id, v.mid)
    FROM unnest(CAST(:ids AS uuid[]), CAST(:mids AS text[])) AS v(id, mid)
    WHERE n.notice_id = v.id AND n.status = '{N.SENDING}'
    """
)


async def accepted(conn: AsyncConnection, ids: list[UUID], message_ids: list[str | None]) -> None:
    """The carrier took them: each waits for its report (unless it came already)."""
    if ids:
        await conn.execute(ACCEPTED_SQL, {"ids": ids, "mids": message_ids})


FAIL_SQL = text(
    f"""
    UPDATE {SCHEMA}.notices n
    SET status = '{N.FAILED}', result_code = v.code, reason = v.reason,
        carrier = coalesce(v.carrier, n.carrier), final_at = now(), {REDACT}
    FROM unnest(CAST(:ids AS uuid[]), CAST(:codes AS text[]), CAST(:reasons AS text[]),
                CAST(:carriers AS text[])) AS v(id, code, reason, carrier)
    WHERE n.notice_id = v.id AND n.status IN {sql_in(N.PENDING, N.SENDING)}
    RETURNING {FINAL_COLUMNS}
    """
)


async def fail(
    conn: AsyncConnection,
    ids: list[UUID],
    *,
    codes: list[str],
    reasons: list[str],
    carriers: list[str | None],
) -> list[FinalNotice]:
    """Fail notices not handed over (rejected at submit, out of attempts, no window)."""
    if not ids:
        return []
    params = {"ids": ids, "codes": codes, "reasons": reasons, "carriers": carriers}
    return _finals((await conn.execute(FAIL_SQL, params)).all())


RETRY_SQL = text(
    f"""
    UPDATE {SCHEMA}.notices
    SET status = '{N.PENDING}', attempts = attempts + :spent,
        next_attempt_at = now() + make_interval(secs => :delay_s), reason = :reason
    WHERE notice_id = ANY(CAST(:ids AS uuid[])) AND status = '{N.SENDING}'
    """
)


async def retry(
    conn: AsyncConnection, ids: list[UUID], *, spent: int, delay_s: float, reason: str
) -> None:
    """No carrier took them: try again after `delay_s` (`spent`: an attempt was made)."""
    params = {"ids": ids, "spent": spent, "delay_s": delay_s, "reason": reason}
    await conn.execute(RETRY_SQL, params)


REPORT_SQL = text(
    f"""
    UPDATE {SCHEMA}.notices n
    SET status = v.status, result_code = v.code, reason = v.reason,
        carrier_msg_id = coalesce(n.carrier_msg_id, v.mid), final_at = v.done_at, {REDACT}
    FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:codes AS text[]),
                CAST(:reasons AS text[]), CAST(:mids AS text[]), CAST(:done AS timestamptz[]))
        AS v(id, status, code, reason, mid, done_at)
    WHERE n.notice_id = v.id AND n.status IN {OPEN} AND n.carrier = :carrier
    RETURNING {FINAL_COLUMNS}
    """
)


async def apply_reports(
    conn: AsyncConnection,
    ids: list[UUID],
    *,
    carrier: str,
    statuses: list[str],
    codes: list[str],
    reasons: list[str],
    mids: list[str],
    done: list[datetime],
) -> list[FinalNotice]:
    """The notices at `ids` take their report's result, when not final yet and when they
    record `carrier`: the others change nothing."""
    params = {"ids": ids, "carrier": carrier, "statuses": statuses, "codes": codes}
    params |= {"reasons": reasons, "mids": mids, "done": done}
    return _finals((await conn.execute(REPORT_SQL, params)).all())


KNOWN_SQL = text(
    f"SELECT notice_id FROM {SCHEMA}.notices WHERE notice_id = ANY(CAST(:ids AS uuid[]))"
)


async def known(conn: AsyncConnection, ids: list[UUID]) -> set[UUID]:
    """Which of `ids` name a notice we have."""
    return set((await conn.scalars(KNOWN_SQL, {"ids": ids})).all())


SWEEP_SQL = text(
    f"""
    UPDATE {SCHEMA}.notices n
    SET status = '{N.FAILED}', result_code = :code, reason = :reason, final_at = now(),
        {REDACT}
    WHERE n.notice_id IN (
        SELECT notice_id FROM {SCHEMA}.notices
        WHERE status = '{N.SUBMITTED}' AND submitted_at < now() - CAST(:timeout AS interval)
        ORDER BY submitted_at LIMIT :limit
        FOR UPDATE SKIP LOCKED)
    RETURNING {FINAL_COLUMNS}
    """
)


async def fail_unreported(
    conn: AsyncConnection, *, code: str, reason: str, timeout_s: float, limit: int
) -> list[FinalNotice]:
    """Fail up to `limit` notices a carrier took whose report never came in `timeout_s`."""
    params = {"code": code, "reason": reason, "timeout": timedelta(seconds=timeout_s)}
    return _finals((await conn.execute(SWEEP_SQL, {**params, "limit": limit})).all())


RECHECK_SQL = text(
    f"""
    UPDATE {SCHEMA}.notices SET next_attempt_at = now()
    WHERE user_id = :uid AND status = '{N.PENDING}' AND pause_reason IS NOT NULL
    """
)


async def recheck_paused(conn: AsyncConnection, user_id: str) -> None:
    """The customer's sending windows changed: their held notices are due at once, to be
    checked against the new windows."""
    await conn.execute(RECHECK_SQL, {"uid": user_id})
