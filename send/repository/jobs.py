"""The SQL of `send.jobs`: a reservation's job from its events, the scheduler's claim and
lease, pauses, the handover to the carriers' reports, and the finish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row, case, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.contracts.events import ReservationRequested
from msgplat.send.domain import JobState, LeaseLost, Pause
from msgplat.send.models import SCHEMA, jobs, sending_windows
from msgplat.send.repository.rows import JOB_COLUMNS, SENDABLE, UNFINISHED, Job, Progress

J = JobState

CLAIM_SQL = text(
    f"""
    UPDATE {SCHEMA}.jobs SET lease_owner = :owner, lease_until = now() + :lease,
        -- a new fencing token; what a previous owner may have handed to a carrier
        -- without recording the answer is never handed over again (see `handed_seq`)
        epoch = epoch + 1, next_seq = GREATEST(next_seq, handed_seq + 1)
    WHERE reservation_id IN (
        SELECT reservation_id FROM {SCHEMA}.jobs
        WHERE status IN {SENDABLE} AND due_at <= now()
          AND chunks_received = chunk_count
          AND (lease_until IS NULL OR lease_until < now())
          AND (pause_rule IS NULL OR paused_until <= now())
          AND NOT (reservation_id = ANY(:running))
        ORDER BY due_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED)
    RETURNING *
    """
)

# Every message is with a carrier (or final): the job waits for reports, not a sender.
HAND_OVER_SQL = text(
    f"""
    UPDATE {SCHEMA}.jobs j
    SET status = '{J.SUBMITTED}', lease_owner = NULL, lease_until = NULL
    WHERE j.reservation_id = :rid AND j.lease_owner = :owner AND j.epoch = :epoch
      AND j.status IN {SENDABLE}
      AND NOT EXISTS (
        SELECT 1 FROM {SCHEMA}.messages m
        WHERE m.reservation_id = j.reservation_id AND m.seq >= j.next_seq
          AND m.status IN {UNFINISHED})
    """
)


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


async def count_chunk(conn: AsyncConnection, reservation_id: UUID) -> Row[Any]:
    """One more chunk of recipients arrived: (chunks_received, chunk_count) now."""
    return (
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == reservation_id)
            .values(chunks_received=jobs.c.chunks_received + 1)
            .returning(jobs.c.chunks_received, jobs.c.chunk_count)
        )
    ).one()


async def schedule(conn: AsyncConnection, reservation_id: UUID, due_at: datetime) -> None:
    await conn.execute(
        update(jobs)
        .where(jobs.c.reservation_id == reservation_id, jobs.c.status == J.WAITING)
        .values(status=J.SCHEDULED, due_at=due_at)
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


# -- the scheduler and the runner --------------------------------------------------------


async def claim_due(
    conn: AsyncConnection, *, owner: str, lease_s: float, running: list[UUID], limit: int
) -> list[Job]:
    """Lease up to `limit` due jobs to `owner` (none of those it runs already)."""
    rows = await conn.execute(
        CLAIM_SQL,
        {"owner": owner, "lease": timedelta(seconds=lease_s), "running": running, "limit": limit},
    )
    return [Job.from_row(row) for row in rows]


async def renew_lease(
    conn: AsyncConnection, reservation_id: UUID, *, owner: str, epoch: int, lease_s: float
) -> Progress | None:
    """Extend `owner`'s lease of `epoch` and read where the job stands; None when `owner`
    lost it (another claim moved the epoch)."""
    windows_at = (
        select(sending_windows.c.updated_at)
        .where(sending_windows.c.user_id == jobs.c.user_id)
        .scalar_subquery()
    )
    row = (
        await conn.execute(
            update(jobs)
            .where(
                jobs.c.reservation_id == reservation_id,
                jobs.c.lease_owner == owner,
                jobs.c.epoch == epoch,
            )
            .values(lease_until=datetime.now(UTC) + timedelta(seconds=lease_s))
            .returning(
                jobs.c.status,
                jobs.c.started_at,
                jobs.c.recipient_count,
                jobs.c.next_seq,
                jobs.c.pause_rule,
                jobs.c.paused_until,
                windows_at.label("windows_at"),
            )
        )
    ).first()
    return None if row is None else Progress.from_row(row)


async def fence(conn: AsyncConnection, reservation_id: UUID, *, epoch: int) -> None:
    """The first statement of a runner's write: lock the job's row if its lease is still
    of `epoch` (held to the commit, so no claim comes in between), else LeaseLost."""
    row = (
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == reservation_id, jobs.c.epoch == epoch)
            .values(epoch=jobs.c.epoch)
            .returning(jobs.c.epoch)
        )
    ).first()
    if row is None:
        raise LeaseLost(reservation_id, epoch)


async def hand(
    conn: AsyncConnection,
    reservation_id: UUID,
    *,
    owner: str,
    epoch: int,
    lease_s: float,
    last_seq: int,
) -> JobState | None:
    """Right before a batch goes to a carrier: renew the lease of `epoch` and, while the
    job may send, record that messages up to `last_seq` may be at a carrier from now on.
    The job's state (not sendable: cancelled, do not submit); None when the lease is lost."""
    status = (
        await conn.execute(
            update(jobs)
            .where(
                jobs.c.reservation_id == reservation_id,
                jobs.c.lease_owner == owner,
                jobs.c.epoch == epoch,
            )
            .values(
                lease_until=datetime.now(UTC) + timedelta(seconds=lease_s),
                handed_seq=case(
                    (
                        jobs.c.status.in_([J.SCHEDULED, J.SENDING]),
                        func.greatest(jobs.c.handed_seq, last_seq),
                    ),
                    else_=jobs.c.handed_seq,
                ),
            )
            .returning(jobs.c.status)
        )
    ).scalar_one_or_none()
    return None if status is None else JobState(status)


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


async def pause(
    conn: AsyncConnection, reservation_id: UUID, pause: Pause, *, owner: str, epoch: int
) -> bool:
    """Store the pause and hand `owner`'s lease back; False when `owner` no longer held it."""
    held = (
        await conn.execute(
            update(jobs)
            .where(
                jobs.c.reservation_id == reservation_id,
                jobs.c.lease_owner == owner,
                jobs.c.epoch == epoch,
            )
            .values(
                pause_rule=pause.rule,
                pause_reason=pause.reason,
                paused_until=pause.until,
                lease_owner=None,
                lease_until=None,
            )
            .returning(jobs.c.reservation_id)
        )
    ).first()
    return held is not None


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


async def advance(
    conn: AsyncConnection, reservation_id: UUID, next_seq: int, *, epoch: int
) -> None:
    """Move the job's cursor forward only: the carrier's answers before `next_seq` are
    recorded. LeaseLost (and nothing written) when the lease is no longer of `epoch`."""
    moved = (
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == reservation_id, jobs.c.epoch == epoch)
            .values(next_seq=func.greatest(jobs.c.next_seq, next_seq))
            .returning(jobs.c.next_seq)
        )
    ).first()
    if moved is None:
        raise LeaseLost(reservation_id, epoch)


async def confirm_handed(conn: AsyncConnection, reservation_id: UUID) -> None:
    """No runner holds the job: what its last one may have handed to a carrier waits for
    its report (or the sweep), as if the answer had been recorded."""
    await conn.execute(
        update(jobs)
        .where(jobs.c.reservation_id == reservation_id)
        .values(next_seq=func.greatest(jobs.c.next_seq, jobs.c.handed_seq + 1))
    )


async def abandoned_cancelled(conn: AsyncConnection, *, limit: int = 100) -> list[UUID]:
    """Cancelled jobs whose runner died holding the lease (it expired): locked (skipping
    those another replica takes), their lease dropped; the caller ends their messages."""
    rows = await conn.execute(
        text(
            f"""
            UPDATE {SCHEMA}.jobs SET lease_owner = NULL, lease_until = NULL,
                epoch = epoch + 1, next_seq = GREATEST(next_seq, handed_seq + 1)
            WHERE reservation_id IN (
                SELECT reservation_id FROM {SCHEMA}.jobs
                WHERE status = '{J.CANCELLED}' AND lease_owner IS NOT NULL
                  AND lease_until < now()
                LIMIT :limit
                FOR UPDATE SKIP LOCKED)
            RETURNING reservation_id
            """
        ),
        {"limit": limit},
    )
    return [row.reservation_id for row in rows]


async def hand_over(conn: AsyncConnection, reservation_id: UUID, *, owner: str, epoch: int) -> None:
    """`submitted` when no message is left to hand over (see HAND_OVER_SQL)."""
    await conn.execute(HAND_OVER_SQL, {"rid": reservation_id, "owner": owner, "epoch": epoch})


async def release(conn: AsyncConnection, reservation_id: UUID, *, owner: str, epoch: int) -> None:
    """Hand `owner`'s lease (of `epoch`) back."""
    await conn.execute(
        update(jobs)
        .where(
            jobs.c.reservation_id == reservation_id,
            jobs.c.lease_owner == owner,
            jobs.c.epoch == epoch,
        )
        .values(lease_owner=None, lease_until=None)
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
