"""The SQL of a reservation's job: made and scheduled from the reservation's events,
cancelled, started, resumed, finished. Who runs it (claims, leases) is `leases`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Integer, Row, and_, bindparam, case, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.contracts.events import ReservationRequested
from msgplat.send.domain import JobState
from msgplat.send.models import jobs
from msgplat.send.repository.rows import JOB_COLUMNS, Job

J = JobState


# -- from the reservation's events ------------------------------------------------------


CREATE = insert(jobs).on_conflict_do_nothing()


async def create(
    conn: AsyncConnection, requested: list[tuple[ReservationRequested, str, str | None]]
) -> None:
    """The jobs of these reservations (event, user id, traceparent), in one executemany;
    one already made is left as it is."""
    await conn.execute(
        CREATE,
        [
            {
                "reservation_id": event.reservation_id,
                "user_id": user_id,
                "title": event.title,
                "content": event.content,
                "msg_type": event.msg_type,
                "callback_num": event.callback_num,
                "due_at": event.reserve_dt,
                "status": J.WAITING,
                "recipient_count": event.recipient_count,
                "chunk_count": event.chunk_count,
                "purpose": event.purpose,
                "traceparent": traceparent,
            }
            for event, user_id, traceparent in requested
        ],
    )


# Sent in the transaction that makes a job claimable now (scheduled, every chunk in, due):
# PostgreSQL delivers it after the commit to every replica's scheduler, which claims at
# once instead of at its next poll (SCHEDULER_INTERVAL_S; the poll stays, as a fallback).
DUE_CHANNEL = "send_jobs_due"


def _notify_if_due() -> Any:
    due = and_(
        jobs.c.status == J.SCHEDULED,
        jobs.c.due_at <= func.now(),
        jobs.c.chunks_received == jobs.c.chunk_count,
    )
    return case((due, func.pg_notify(literal(DUE_CHANNEL), literal(""))), else_=None)


def _per_job(name: str, type_: Any) -> Any:
    """`unnest(:rids, :<name>) AS c(rid, <name>)`: one value per job, joined by id."""
    return (
        func.unnest(bindparam("rids", type_=ARRAY(PG_UUID)), bindparam(name, type_=ARRAY(type_)))
        .table_valued("rid", name)
        .render_derived(name="c")
    )


_chunks = _per_job("n", Integer)
# A chunk arrived: counted, and the job is no longer stuck (a replayed dead letter).
COUNT_CHUNKS = (
    update(jobs)
    .where(jobs.c.reservation_id == _chunks.c.rid)
    .values(chunks_received=jobs.c.chunks_received + _chunks.c.n, stuck_reason=None, stuck_at=None)
    .returning(jobs.c.reservation_id, jobs.c.chunks_received, jobs.c.chunk_count, _notify_if_due())
)


async def count_chunks(conn: AsyncConnection, chunks: Mapping[UUID, int]) -> list[Row[Any]]:
    """More chunks of recipients arrived (reservation id -> how many): each job's
    (reservation_id, chunks_received, chunk_count) now. A chunk of no job is an error."""
    rids = sorted(chunks)
    counted = list(await conn.execute(COUNT_CHUNKS, {"rids": rids, "n": [chunks[r] for r in rids]}))
    unknown = set(chunks) - {row.reservation_id for row in counted}
    if unknown:
        raise LookupError(f"chunks of unknown jobs: {sorted(map(str, unknown))}")
    return counted


_due = _per_job("due", DateTime(timezone=True))
SCHEDULE = (
    update(jobs)
    .where(jobs.c.reservation_id == _due.c.rid, jobs.c.status == J.WAITING)
    .values(status=J.SCHEDULED, due_at=_due.c.due)
    .returning(_notify_if_due())
)


async def schedule(conn: AsyncConnection, due: Mapping[UUID, datetime]) -> None:
    """Waiting jobs scheduled (reservation id -> due time); a job due now wakes the
    schedulers once every chunk is in."""
    rids = sorted(due)
    await conn.execute(SCHEDULE, {"rids": rids, "due": [due[r] for r in rids]})


async def reschedule(conn: AsyncConnection, reservation_id: UUID, due_at: datetime) -> bool:
    """A new due time for a job not yet sending; False when it started already (the
    reservation service allows it only before the cut-off, so that does not happen)."""
    moved = (
        await conn.execute(
            update(jobs)
            .where(
                jobs.c.reservation_id == reservation_id,
                jobs.c.status.in_([J.WAITING, J.SCHEDULED]),
                jobs.c.started_at.is_(None),
            )
            .values(due_at=due_at)
            .returning(jobs.c.reservation_id)
        )
    ).first()
    return moved is not None


async def reject(conn: AsyncConnection, reservation_id: UUID) -> None:
    await conn.execute(
        update(jobs)
        .where(jobs.c.reservation_id == reservation_id, jobs.c.status == J.WAITING)
        .values(status=J.REJECTED)
    )


async def cancel(conn: AsyncConnection, reservation_id: UUID) -> Job | None:
    """The job cancelled (None when it had finished already)."""
    row = (
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == reservation_id, jobs.c.status != J.FINISHED)
            .values(status=J.CANCELLED)
            .returning(jobs)
        )
    ).first()
    return None if row is None else Job.from_row(row)


async def load(conn: AsyncConnection, reservation_id: UUID) -> Job:
    """The job as it is (no lock: what recording results needs of it never changes)."""
    columns = [jobs.c[name] for name in JOB_COLUMNS]
    result = await conn.execute(select(*columns).where(jobs.c.reservation_id == reservation_id))
    return Job.from_row(result.one())


# -- while it sends, and its end --------------------------------------------------------


async def start(conn: AsyncConnection, reservation_id: UUID) -> datetime:
    """Mark the job sending; returns when it started: the transaction's time, the very
    `submitted_at` of the first batch claimed in it (a message is never sent before its
    reservation started sending, whatever the clocks of the database and this host)."""
    started: datetime = (
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == reservation_id)
            .values(status=J.SENDING, started_at=func.now())
            .returning(jobs.c.started_at)
        )
    ).scalar_one()
    return started


async def resume(conn: AsyncConnection, reservation_id: UUID, now: datetime) -> None:
    await conn.execute(
        update(jobs)
        .where(jobs.c.reservation_id == reservation_id)
        .values(pause_rule=None, pause_reason=None, paused_until=None, resumed_at=now)
    )


async def recheck_paused(conn: AsyncConnection, user_id: str) -> None:
    """The customer's sending windows changed: their paused jobs are due again at once, so
    that each is checked against the new windows (and resumes, or pauses again)."""
    await conn.execute(
        update(jobs)
        .where(
            jobs.c.user_id == user_id,
            jobs.c.pause_rule.is_not(None),
            jobs.c.status.in_([J.SCHEDULED, J.SENDING]),
        )
        .values(paused_until=func.now())
    )


async def confirm_handed(conn: AsyncConnection, reservation_id: UUID) -> None:
    """No runner holds the job: what its last one may have handed to a carrier waits for
    its report (or the sweep), as if the answer had been recorded."""
    await conn.execute(
        update(jobs)
        .where(jobs.c.reservation_id == reservation_id)
        .values(next_seq=func.greatest(jobs.c.next_seq, jobs.c.handed_seq + 1))
    )


async def finish(conn: AsyncConnection, reservation_id: UUID) -> JobState:
    """Every message is final: `finished`, or it stays `cancelled`; the lease is dropped."""
    status = (
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == reservation_id)
            .values(
                status=case((jobs.c.status == J.CANCELLED, jobs.c.status), else_=J.FINISHED),
                lease_owner=None,
                lease_until=None,
            )
            .returning(jobs.c.status)
        )
    ).scalar_one()
    return JobState(status)
