"""The SQL of `send.messages`: a job's recipients, copied from the chunks, claimed in
batches, failed by the carrier's answers, cancelled (delivery reports: `reports.py`).
Statements that make messages final return `FinalRow`s."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.contracts.events import ReservationRecipientsAdded
from msgplat.send.domain import (
    CANCELLED_REASON,
    CODE_CANCELLED,
    CODE_OPTED_OUT,
    OPTED_OUT_REASON,
    JobState,
    MessageState,
)
from msgplat.send.models import SCHEMA
from msgplat.send.repository.rows import (
    FINAL_COLUMNS,
    UNFINISHED,
    Claimed,
    ClaimedMessage,
    FinalRow,
    Job,
)

M = MessageState

# The batch is picked once (MATERIALIZED): as a subquery the planner may run it again for
# each row (a nested loop), and each run skips the rows this statement already changed,
# so the batch would grow past the limit.
NEXT_BATCH_SQL = text(
    f"""
    WITH picked AS MATERIALIZED (
        SELECT seq FROM {SCHEMA}.messages
        WHERE reservation_id = :rid AND seq >= :from_seq
          AND status IN {UNFINISHED}
        ORDER BY seq LIMIT :limit
        FOR UPDATE)
    UPDATE {SCHEMA}.messages m
    SET status = '{M.SUBMITTED}', carrier = :carrier, submitted_at = now()
    FROM picked p
    WHERE m.reservation_id = :rid AND m.seq = p.seq
    RETURNING m.seq, m.dst_num, m.attempts, m.text, m.msg_type, m.status
    """
)

# NEXT_BATCH_SQL for an advertising job: in the same statement, the messages not yet
# handed over whose number is on the customer's opt-out list end `opted_out` instead.
# (A message already `submitted` was checked when it was first claimed.)
ADVERTISING_BATCH_SQL = text(
    f"""
    WITH picked AS MATERIALIZED (
        SELECT seq, dst_num, status FROM {SCHEMA}.messages
        WHERE reservation_id = :rid AND seq >= :from_seq
          AND status IN {UNFINISHED}
        ORDER BY seq LIMIT :limit
        FOR UPDATE),
    -- The batch is picked first, then each of its numbers looked up in the list (an
    -- index probe each): a join before the LIMIT could read the whole list per batch.
    flagged AS MATERIALIZED (
        SELECT p.seq, p.status = '{M.PENDING}' AND EXISTS (
            SELECT 1 FROM {SCHEMA}.optouts o WHERE o.user_id = :uid AND o.number = p.dst_num
        ) AS opted
        FROM picked p)
    UPDATE {SCHEMA}.messages m
    SET status = CASE WHEN p.opted THEN '{M.OPTED_OUT}' ELSE '{M.SUBMITTED}' END,
        carrier = CASE WHEN p.opted THEN NULL ELSE :carrier END,
        submitted_at = CASE WHEN p.opted THEN NULL ELSE now() END,
        result_code = CASE WHEN p.opted THEN :code ELSE m.result_code END,
        reason = CASE WHEN p.opted THEN :reason ELSE m.reason END,
        final_at = CASE WHEN p.opted THEN now() ELSE m.final_at END
    FROM flagged p
    WHERE m.reservation_id = :rid AND m.seq = p.seq
    RETURNING m.dst_num, m.attempts, m.text, {FINAL_COLUMNS}
    """
)

REJECTED_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages m
    SET status = '{M.FAILED}', carrier = v.carrier, result_code = v.code, reason = v.reason,
        final_at = now()
    FROM unnest(CAST(:seqs AS int[]), CAST(:carriers AS text[]), CAST(:codes AS text[]),
                CAST(:reasons AS text[]))
        AS v(seq, carrier, code, reason)
    WHERE m.reservation_id = :rid AND m.seq BETWEEN :lo AND :hi AND m.seq = v.seq
      AND m.status = '{M.SUBMITTED}'
    RETURNING {FINAL_COLUMNS}
    """
)

# Messages about to go to another carrier than the one they record (failover).
RECORD_CARRIER_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages SET carrier = :carrier
    WHERE reservation_id = :rid AND seq BETWEEN :lo AND :hi AND seq = ANY(:seqs)
      AND status = '{M.SUBMITTED}'
    """
)

SPEND_ATTEMPT_SQL = text(
    f"UPDATE {SCHEMA}.messages SET attempts = attempts + 1 "
    "WHERE reservation_id = :rid AND seq = ANY(:seqs)"
)

GIVE_UP_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages m
    SET status = '{M.FAILED}', result_code = :code, reason = :reason, final_at = now()
    WHERE m.reservation_id = :rid AND m.seq = ANY(:seqs) AND m.status = '{M.SUBMITTED}'
    RETURNING {FINAL_COLUMNS}
    """
)

# A cancelled job's messages: the `pending` ones (with `:pending`), and those claimed at
# or after the job's cursor that never left for a carrier (with `:unconfirmed`): past
# `handed_seq`, the last seq a runner was about to hand over.
CANCEL_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages m
    SET status = '{M.CANCELLED}', result_code = '{CODE_CANCELLED}',
        reason = '{CANCELLED_REASON}', final_at = now()
    FROM {SCHEMA}.jobs j
    WHERE j.reservation_id = :rid AND j.status = '{JobState.CANCELLED}'
      AND m.reservation_id = :rid
      AND ((CAST(:pending AS boolean) AND m.status = '{M.PENDING}')
           OR (CAST(:unconfirmed AS boolean) AND m.status = '{M.SUBMITTED}'
               AND m.seq >= j.next_seq AND m.seq > j.handed_seq))
    RETURNING {FINAL_COLUMNS}
    """
)


async def copy_chunks(conn: AsyncConnection, events: list[ReservationRecipientsAdded]) -> None:
    """COPY the messages of several chunks: the plain ones in one COPY, the personalised
    ones (each message's own text and type) in another."""
    plain: list[tuple[Any, ...]] = []
    personal: list[tuple[Any, ...]] = []
    for event in events:
        rid, first = event.reservation_id, event.first_seq
        if event.texts is None and event.msg_types is None:
            plain.extend((rid, first + i, number) for i, number in enumerate(event.dst_nums))
            continue
        count = len(event.dst_nums)
        texts = event.texts or [None] * count
        types = event.msg_types or [None] * count
        personal.extend(
            (rid, first + i, number, texts[i], types[i]) for i, number in enumerate(event.dst_nums)
        )
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None  # asyncpg's, in the open transaction
    columns = ["reservation_id", "seq", "dst_num"]
    for records, names in ((plain, columns), (personal, [*columns, "text", "msg_type"])):
        if records:
            await driver.copy_records_to_table(
                "messages", schema_name=SCHEMA, columns=names, records=records
            )


async def analyze(conn: AsyncConnection) -> None:
    """Fresh statistics before sending: a plan made for an "empty" table would scan the
    whole list for every batch."""
    await conn.execute(text(f"ANALYZE {SCHEMA}.messages"))


async def claim_batch(
    conn: AsyncConnection, job: Job, *, carrier: str, limit: int, from_seq: int
) -> Claimed | None:
    """Mark the next `limit` unfinished messages from `from_seq` `submitted` for `carrier`
    (None: there are none). For an advertising job, those to numbers on the customer's
    opt-out list end `opted_out` instead."""
    params: dict[str, Any] = {"rid": job.reservation_id, "carrier": carrier, "limit": limit}
    if job.advertising:
        params |= {"uid": job.user_id, "code": CODE_OPTED_OUT, "reason": OPTED_OUT_REASON}
    statement = ADVERTISING_BATCH_SQL if job.advertising else NEXT_BATCH_SQL
    result = await conn.execute(statement, {**params, "from_seq": from_seq})
    rows = sorted(result.all(), key=lambda row: row.seq)
    if not rows:
        return None
    return Claimed(
        messages=[ClaimedMessage.from_row(row) for row in rows if row.status != M.OPTED_OUT],
        opted_out=[row for row in rows if row.status == M.OPTED_OUT],
        after=rows[-1].seq + 1,
    )


async def reject(
    conn: AsyncConnection,
    reservation_id: UUID,
    *,
    lo: int,
    hi: int,
    seqs: list[int],
    carriers: list[str],
    codes: list[str],
    reasons: list[str],
) -> Sequence[FinalRow]:
    """Fail the messages a carrier rejected (each with its carrier, code and reason).
    `lo`, `hi`: the batch's first and last seq."""
    params = {"rid": reservation_id, "lo": lo, "hi": hi, "seqs": seqs}
    params |= {"carriers": carriers, "codes": codes, "reasons": reasons}
    return (await conn.execute(REJECTED_SQL, params)).all()


async def record_carrier(
    conn: AsyncConnection, reservation_id: UUID, *, carrier: str, lo: int, hi: int, seqs: list[int]
) -> None:
    params = {"rid": reservation_id, "carrier": carrier, "lo": lo, "hi": hi, "seqs": seqs}
    await conn.execute(RECORD_CARRIER_SQL, params)


async def spend_attempt(conn: AsyncConnection, reservation_id: UUID, seqs: list[int]) -> None:
    await conn.execute(SPEND_ATTEMPT_SQL, {"rid": reservation_id, "seqs": seqs})


async def give_up(
    conn: AsyncConnection, reservation_id: UUID, seqs: list[int], *, code: str, reason: str
) -> Sequence[FinalRow]:
    """Fail claimed messages that were never handed over (expired, out of attempts)."""
    params = {"rid": reservation_id, "seqs": seqs, "code": code, "reason": reason}
    return (await conn.execute(GIVE_UP_SQL, params)).all()


async def cancel(
    conn: AsyncConnection, reservation_id: UUID, *, pending: bool, unconfirmed: bool
) -> Sequence[FinalRow]:
    """Cancel messages of a cancelled job (see CANCEL_SQL)."""
    params = {"rid": reservation_id, "pending": pending, "unconfirmed": unconfirmed}
    return (await conn.execute(CANCEL_SQL, params)).all()
