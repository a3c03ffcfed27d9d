"""The SQL of who runs a job: the scheduler's claim, the runner's lease (renewed, fenced
by its epoch, handed back), pauses, and the sweep of cancelled jobs whose runner died."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, case, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.send.domain import JobState, LeaseLost, Pause
from msgplat.send.models import SCHEMA, jobs, sending_windows
from msgplat.send.repository.rows import SENDABLE, UNFINISHED, Job, Progress

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
          AND (purpose = ANY(:purposes)) = :of_purposes
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


def _held(reservation_id: UUID, owner: str, epoch: int) -> tuple[ColumnElement[bool], ...]:
    """The job, while `owner` holds its lease of `epoch`."""
    return (
        jobs.c.reservation_id == reservation_id,
        jobs.c.lease_owner == owner,
        jobs.c.epoch == epoch,
    )


async def claim_due(
    conn: AsyncConnection,
    *,
    owner: str,
    lease_s: float,
    running: list[UUID],
    limit: int,
    purposes: list[str],
    of_purposes: bool,
) -> list[Job]:
    """Lease up to `limit` due jobs to `owner` (none of those it runs already): of
    `purposes` when `of_purposes`, else of any other."""
    rows = await conn.execute(
        CLAIM_SQL,
        {
            "owner": owner,
            "lease": timedelta(seconds=lease_s),
            "running": running,
            "limit": limit,
            "purposes": purposes,
            "of_purposes": of_purposes,
        },
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
            .where(*_held(reservation_id, owner, epoch))
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
            .where(*_held(reservation_id, owner, epoch))
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


async def pause(
    conn: AsyncConnection, reservation_id: UUID, pause: Pause, *, owner: str, epoch: int
) -> bool:
    """Store the pause and hand `owner`'s lease back; False when `owner` no longer held it."""
    held = (
        await conn.execute(
            update(jobs)
            .where(*_held(reservation_id, owner, epoch))
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


async def not_handed(
    conn: AsyncConnection, reservation_id: UUID, first_seq: int, *, epoch: int
) -> None:
    """The batch from `first_seq` was refused by every carrier (not in doubt: none took
    it): it is not at a carrier after all, so `handed_seq` moves back before it. Else a
    cancel during the retry's wait would leave it `submitted` for good, waiting for
    reports that never come (the cancel ends only what is after `handed_seq`)."""
    await conn.execute(
        update(jobs)
        .where(jobs.c.reservation_id == reservation_id, jobs.c.epoch == epoch)
        .values(handed_seq=func.least(jobs.c.handed_seq, first_seq - 1))
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
        .where(*_held(reservation_id, owner, epoch))
        .values(lease_owner=None, lease_until=None)
    )
