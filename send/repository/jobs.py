"""The SQL of a reservation's job: made and scheduled from the reservation's events,
cancelled, started, resumed, finished. Who runs it (claims, leases) is `leases`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, case, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.contracts.events import ReservationRequested
from msgplat.send.domain import JobState
from msgplat.send.models import jobs
from msgplat.send.repository.rows import JOB_COLUMNS, Job

J = JobState


# -- from the reservation's events ------------------------------------------------------


async def create(
    conn: AsyncConnection, event: ReservationRequested, *, user_id: str, traceparent: str | None
) -> None:
    await conn.execute(
        insert(jobs)
        .values(
            reservation_id=event.reservation_id,
            user_id=user_id,
            title=event.title,
            content=event.content,
            msg_type=event.msg_type,
            callback_num=event.callback_num,
            due_at=event.reserve_dt,
            status=J.WAITING,
            recipient_count=event.recipient_count,
            chunk_count=event.chunk_count,
            purpose=event.purpose,
            traceparent=traceparent,
        )
        .on_conflict_do_nothing()
    )


CREATE = insert(jobs).on_conflict_do_nothing()


async def create_many(
    conn: AsyncConnection, requested: list[tuple[ReservationRequested, str, str | None]]
) -> None:
    """`create` for several reservations (event, user id, traceparent) in one executemany."""
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


async def count_chunk(conn: AsyncConnection, reservation_id: UUID) -> Row[Any]:
    """One more chunk of recipients arrived: (chunks_received, chunk_count) now."""
    return (
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == reservation_id)
            .values(chunks_received=jobs.c.chunks_received + 1)
            .returning(jobs.c.chunks_received, jobs.c.chunk_count, _notify_if_due())
        )
    ).one()


_DUE_NOW = f"""CASE WHEN j.status = '{J.SCHEDULED}' AND j.due_at <= now()
    AND j.chunks_received = j.chunk_count THEN pg_notify('{DUE_CHANNEL}', '') END"""

COUNT_CHUNKS_SQL = text(
    f"""
    UPDATE send.jobs AS j
    SET chunks_received = j.chunks_received + c.n, stuck_reason = NULL, stuck_at = NULL
    FROM unnest(CAST(:rids AS uuid[]), CAST(:ns AS int[])) AS c(rid, n)
    WHERE j.reservation_id = c.rid
    RETURNING j.reservation_id, j.chunks_received, j.chunk_count, {_DUE_NOW}
    """
)


async def count_chunks(conn: AsyncConnection, chunks: Mapping[UUID, int]) -> list[Row[Any]]:
    """`count_chunk` (and `stuck.clear`: a chunk arrived) for several jobs at once: their
    (reservation_id, chunks_received, chunk_count) now."""
    rids = sorted(chunks)
    result = await conn.execute(COUNT_CHUNKS_SQL, {"rids": rids, "ns": [chunks[r] for r in rids]})
    return list(result)


SCHEDULE_MANY_SQL = text(
    f"""
    UPDATE send.jobs AS j SET status = '{J.SCHEDULED}', due_at = c.due
    FROM unnest(CAST(:rids AS uuid[]), CAST(:dues AS timestamptz[])) AS c(rid, due)
    WHERE j.reservation_id = c.rid AND j.status = '{J.WAITING}'
    RETURNING {_DUE_NOW}
    """
)


async def schedule_many(conn: AsyncConnection, due: Mapping[UUID, datetime]) -> None:
    """`schedule` for several jobs at once (reservation id -> due time)."""
    rids = sorted(due)
    await conn.execute(SCHEDULE_MANY_SQL, {"rids": rids, "dues": [due[r] for r in rids]})


async def schedule(conn: AsyncConnection, reservation_id: UUID, due_at: datetime) -> None:
    await conn.execute(
        update(jobs)
        .where(jobs.c.reservation_id == reservation_id, jobs.c.status == J.WAITING)
        .values(status=J.SCHEDULED, due_at=due_at)
        .returning(_notify_if_due())
    )


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
