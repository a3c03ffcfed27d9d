"""The SQL of delivery reports: which messages a batch of reports names, applying them,
and the sweep that fails the messages whose report never came."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.send.domain import MessageState
from msgplat.send.models import SCHEMA
from msgplat.send.repository.rows import FINAL_COLUMNS, UNFINISHED, JobFinalRow

M = MessageState

KNOWN_SQL = text(
    f"""
    SELECT v.rid, v.seq, m.carrier
    FROM unnest(CAST(:rids AS uuid[]), CAST(:seqs AS int[])) AS v(rid, seq)
    JOIN {SCHEMA}.messages m ON m.reservation_id = v.rid AND m.seq = v.seq
    """
)

REPORT_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages m
    SET status = v.status, result_code = v.code, reason = v.reason,
        carrier_msg_id = coalesce(m.carrier_msg_id, v.mid), final_at = v.done_at
    FROM unnest(CAST(:rids AS uuid[]), CAST(:seqs AS int[]), CAST(:statuses AS text[]),
                CAST(:codes AS text[]), CAST(:reasons AS text[]), CAST(:mids AS text[]),
                CAST(:done AS timestamptz[]), CAST(:carriers AS text[]))
        AS v(rid, seq, status, code, reason, mid, done_at, carrier)
    WHERE m.reservation_id = v.rid AND m.seq = v.seq
      AND m.status IN {UNFINISHED} AND m.carrier = v.carrier
    RETURNING m.reservation_id, {FINAL_COLUMNS}
    """
)

SWEEP_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages m
    SET status = '{M.FAILED}', result_code = :code, reason = :reason, final_at = now()
    WHERE (m.reservation_id, m.seq) IN (
        SELECT m2.reservation_id, m2.seq FROM {SCHEMA}.messages m2
        JOIN {SCHEMA}.jobs j ON j.reservation_id = m2.reservation_id
        WHERE m2.status = '{M.SUBMITTED}'
          AND m2.submitted_at < now() - CAST(:timeout AS interval)
          -- only handovers the carrier confirmed (before the job's cursor)
          AND m2.seq < j.next_seq
        ORDER BY m2.submitted_at LIMIT :limit
        FOR UPDATE OF m2 SKIP LOCKED)
    RETURNING m.reservation_id, {FINAL_COLUMNS}
    """
)

Key = tuple[UUID, int]  # (reservation id, seq): one message


async def known(conn: AsyncConnection, keys: list[Key]) -> dict[Key, str | None]:
    """The messages among `keys` that we have -> the carrier each records (None: none yet)."""
    params = {"rids": [k[0] for k in keys], "seqs": [k[1] for k in keys]}
    return {(row.rid, row.seq): row.carrier for row in await conn.execute(KNOWN_SQL, params)}


async def apply_reports(
    conn: AsyncConnection,
    keys: list[Key],
    *,
    carrier: str,
    statuses: list[str],
    codes: list[str],
    reasons: list[str],
    mids: list[str],
    done: list[datetime],
) -> Sequence[JobFinalRow]:
    """The messages at `keys` take their report's result, when not final yet and when they
    record `carrier`: the others change nothing."""
    params: dict[str, Any] = {"rids": [k[0] for k in keys], "seqs": [k[1] for k in keys]}
    # Per row, not one `m.carrier = :carrier`: statistics taken while the list was pending
    # (carrier NULL) would make that filter look like it keeps no row, and the plan scan
    # the whole table for each report.
    params |= {"carriers": [carrier] * len(keys), "statuses": statuses, "codes": codes}
    params |= {"reasons": reasons, "mids": mids, "done": done}
    return (await conn.execute(REPORT_SQL, params)).all()


async def fail_unreported(
    conn: AsyncConnection, *, code: str, reason: str, timeout_s: float, limit: int
) -> Sequence[JobFinalRow]:
    """Fail up to `limit` confirmed handovers with no delivery report after `timeout_s`."""
    params = {"code": code, "reason": reason, "timeout": timedelta(seconds=timeout_s)}
    return (await conn.execute(SWEEP_SQL, {**params, "limit": limit})).all()
