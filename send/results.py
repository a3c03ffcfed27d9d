"""Recording final message results: result events, the job's tally, and finishing.

Every path that makes messages final (a carrier rejection at submit, a delivery
report, a cancel, an expiry) goes through `record_final`, in the caller's unit of
work, so the tally, the events and the finish are written together. The tally row
is updated last, just before the commit, so concurrent report batches hold its lock
for as short a time as possible.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import UUID

from sqlalchemy import case, select, update
from sqlalchemy.dialects.postgresql import insert

from msgplat.contracts.events import MessageResultsReported, SendingFinished
from msgplat.plumbing import tracing
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.metrics import SEND_MESSAGES
from msgplat.send import domain
from msgplat.send.models import jobs, tallies

RESULTS_PER_EVENT = 5000


async def record_final(uow: UnitOfWork, job: Any, rows: Sequence[Any]) -> None:
    """`rows` just became final (seq, status, result_code, reason, carrier,
    carrier_msg_id, final_at, msg_type): emit their results, tally them, finish the job
    if done. `job` needs reservation_id, user_id, recipient_count, msg_type."""
    if not rows:
        return
    # Delivery reports come in the carrier's request: their results join the
    # reservation's trace (a no-op when tracing is off).
    with tracing.continue_trace(getattr(job, "traceparent", None), "record results"):
        await _record_final(uow, job, rows)


async def _record_final(uow: UnitOfWork, job: Any, rows: Sequence[Any]) -> None:
    ordered = sorted(rows, key=lambda row: row.seq)
    for start in range(0, len(ordered), RESULTS_PER_EVENT):
        uow.emit_payload(
            MessageResultsReported,
            results_payload(
                job.reservation_id, ordered[start : start + RESULTS_PER_EVENT], job.msg_type
            ),
            aggregate_id=job.reservation_id,
            user_id=job.user_id,
        )
    by_carrier = Counter((row.carrier or "none", row.status) for row in rows)
    uow.after_commit(partial(_count_final, by_carrier))
    counts: Counter[str] = Counter()
    for (_, status), count in by_carrier.items():
        counts[status] += count
    tally = (
        await uow.conn.execute(
            update(tallies)
            .where(tallies.c.reservation_id == job.reservation_id)
            .values(
                delivered=tallies.c.delivered + counts[domain.MessageState.DELIVERED],
                failed=tallies.c.failed + counts[domain.MessageState.FAILED],
                cancelled=tallies.c.cancelled + counts[domain.MessageState.CANCELLED],
                opted_out=tallies.c.opted_out + counts[domain.MessageState.OPTED_OUT],
            )
            .returning(tallies)
        )
    ).one()
    if tally.finished_at is None and (
        tally.delivered + tally.failed + tally.cancelled + tally.opted_out >= job.recipient_count
    ):
        await _finish(uow, job, tally)


def _count_final(by_carrier: Counter[tuple[str, str]]) -> None:
    for (carrier, status), count in by_carrier.items():
        SEND_MESSAGES.labels(carrier, status).inc(count)


async def _finish(uow: UnitOfWork, job: Any, tally: Any) -> None:
    now = datetime.now(UTC)
    await uow.conn.execute(
        update(tallies)
        .where(tallies.c.reservation_id == job.reservation_id)
        .values(finished_at=now)
    )
    cancelled_job = (
        await uow.conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == job.reservation_id)
            .values(status=_finished_status(jobs.c.status), lease_owner=None, lease_until=None)
            .returning(jobs.c.status)
        )
    ).scalar_one() == domain.JobState.CANCELLED
    uow.emit(
        SendingFinished(
            reservation_id=job.reservation_id,
            outcome=domain.outcome(
                delivered=tally.delivered, failed=tally.failed, job_cancelled=cancelled_job
            ),
            delivered=tally.delivered,
            failed=tally.failed,
            cancelled=tally.cancelled,
            opted_out=tally.opted_out,
            finished_at=now,
        ),
        aggregate_id=job.reservation_id,
        user_id=job.user_id,
    )


def _finished_status(status: Any) -> Any:
    return case((status == domain.JobState.CANCELLED, status), else_=domain.JobState.FINISHED)


async def start_tally(uow: UnitOfWork, reservation_id: UUID) -> None:
    await uow.conn.execute(
        insert(tallies).values(reservation_id=reservation_id).on_conflict_do_nothing()
    )


async def load_job(uow: UnitOfWork, reservation_id: UUID) -> Any:
    """The job's fixed facts (no lock: what `record_final` needs never changes)."""
    return (
        await uow.conn.execute(
            select(
                jobs.c.reservation_id,
                jobs.c.user_id,
                jobs.c.recipient_count,
                jobs.c.msg_type,
                jobs.c.status,
                jobs.c.traceparent,
            ).where(jobs.c.reservation_id == reservation_id)
        )
    ).first()


def results_payload(reservation_id: UUID, rows: Sequence[Any], msg_type: str) -> dict[str, Any]:
    """The payload of a MessageResultsReported, built straight from message rows: the
    hot path of every delivery report (tests validate it against the model). Each
    result carries its message's own type (personalised), else `msg_type`, the job's."""
    return {
        "reservation_id": reservation_id,
        "results": [
            {
                "seq": row.seq,
                "status": row.status,
                "code": row.result_code,
                "reason": row.reason,
                "carrier": row.carrier,
                "carrier_msg_id": row.carrier_msg_id,
                "at": row.final_at,
                "msg_type": row.msg_type or msg_type,
            }
            for row in rows
        ],
    }
