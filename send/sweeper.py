"""Messages whose delivery report never came: failed after `REPORT_TIMEOUT_S` (P003).

A carrier may lose a report (or give up pushing it). Without this sweep such a
message would stay `submitted` for good, its reservation would never finish, and its
credit would stay held. Every replica may sweep: the UPDATE takes each message once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import text

from msgplat.plumbing.db import Database
from msgplat.plumbing.logging import get_logger
from msgplat.send import domain
from msgplat.send.models import SCHEMA
from msgplat.send.results import load_job, record_final

log = get_logger(__name__)

SWEEP_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages m
    SET status = 'failed', result_code = :code, reason = :reason, final_at = now()
    WHERE (m.reservation_id, m.seq) IN (
        SELECT m2.reservation_id, m2.seq FROM {SCHEMA}.messages m2
        JOIN {SCHEMA}.jobs j ON j.reservation_id = m2.reservation_id
        WHERE m2.status = 'submitted'
          AND m2.submitted_at < now() - CAST(:timeout AS interval)
          -- only handovers the carrier confirmed (before the job's cursor)
          AND m2.seq < j.next_seq
        ORDER BY m2.submitted_at LIMIT :limit
        FOR UPDATE OF m2 SKIP LOCKED)
    RETURNING m.reservation_id, m.seq, m.status, m.result_code, m.reason, m.carrier,
              m.carrier_msg_id, m.final_at, m.msg_type
    """
)


async def fail_unreported(db: Database, *, timeout_s: float, limit: int = 5000) -> int:
    """Fail up to `limit` messages past the report timeout; returns how many."""
    async with db.unit_of_work() as uow:
        rows = (
            await uow.conn.execute(
                SWEEP_SQL,
                {
                    "code": domain.CODE_NO_REPORT,
                    "reason": f"no delivery report within {timeout_s:.0f} s of submit",
                    "timeout": timedelta(seconds=timeout_s),
                    "limit": limit,
                },
            )
        ).all()
        by_reservation: dict[UUID, list[Any]] = defaultdict(list)
        for row in rows:
            by_reservation[row.reservation_id].append(row)
        for rid in sorted(by_reservation):
            await record_final(uow, await load_job(uow, rid), by_reservation[rid])
        await uow.commit()
    if rows:
        log.warning(
            "messages_failed_without_report",
            count=len(rows),
            reservations=len(by_reservation),
            next_step="check the carrier's report delivery to REPORT_CALLBACK_URL",
        )
    return len(rows)
