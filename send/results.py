"""Recording final message results: counters on the job, result events, finishing.

Every path that makes messages final (a carrier rejection at submit, a delivery
report, a cancel, an expiry) goes through `record_final`, in the caller's unit of
work, so the counts, the events and the finish are written together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update

from msgplat.contracts.events import MessageResult, MessageResultsReported, SendingFinished
from msgplat.plumbing.db import UnitOfWork
from msgplat.send import domain
from msgplat.send.models import jobs

RESULTS_PER_EVENT = 5000


async def record_final(uow: UnitOfWork, reservation_id: UUID, rows: Sequence[Any]) -> None:
    """`rows` just became final (seq, status, result_code, reason, carrier, carrier_msg_id,
    final_at): emit their results, count them on the job, and finish the job if done."""
    if not rows:
        return
    counts = Counter(row.status for row in rows)
    job = (
        await uow.session.execute(
            update(jobs)
            .where(jobs.c.reservation_id == reservation_id)
            .values(
                delivered=jobs.c.delivered + counts[domain.MessageState.DELIVERED],
                failed=jobs.c.failed + counts[domain.MessageState.FAILED],
                cancelled=jobs.c.cancelled + counts[domain.MessageState.CANCELLED],
            )
            .returning(jobs)
        )
    ).one()
    ordered = sorted(rows, key=lambda row: row.seq)
    for start in range(0, len(ordered), RESULTS_PER_EVENT):
        uow.emit(
            MessageResultsReported(
                reservation_id=reservation_id,
                results=[_result(row) for row in ordered[start : start + RESULTS_PER_EVENT]],
            ),
            aggregate_id=reservation_id,
            user_id=job.user_id,
        )
    await finish_if_done(uow, job)


async def finish_if_done(uow: UnitOfWork, job: Any) -> None:
    if job.finished_at is not None:
        return
    if job.delivered + job.failed + job.cancelled < job.recipient_count:
        return
    now = datetime.now(UTC)
    await uow.session.execute(
        update(jobs)
        .where(jobs.c.reservation_id == job.reservation_id)
        .values(
            status=domain.JobState.FINISHED
            if job.status != domain.JobState.CANCELLED
            else job.status,
            finished_at=now,
            lease_owner=None,
            lease_until=None,
        )
    )
    uow.emit(
        SendingFinished(
            reservation_id=job.reservation_id,
            outcome=domain.outcome(
                delivered=job.delivered,
                failed=job.failed,
                job_cancelled=job.status == domain.JobState.CANCELLED,
            ),
            delivered=job.delivered,
            failed=job.failed,
            cancelled=job.cancelled,
            finished_at=now,
        ),
        aggregate_id=job.reservation_id,
        user_id=job.user_id,
    )


async def lock_job(uow: UnitOfWork, reservation_id: UUID) -> Any:
    return (
        await uow.session.execute(
            select(jobs).where(jobs.c.reservation_id == reservation_id).with_for_update()
        )
    ).first()


def _result(row: Any) -> MessageResult:
    return MessageResult(
        seq=row.seq,
        status=row.status,
        code=row.result_code,
        reason=row.reason,
        carrier=row.carrier,
        carrier_msg_id=row.carrier_msg_id,
        at=row.final_at,
    )
