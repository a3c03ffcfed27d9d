"""A job that becomes claimable now wakes every replica's scheduler at once (a
`pg_notify` committed with it), instead of waiting for the next poll: the send-now path.
Against the real PostgreSQL, with the scheduler's own listener."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest_asyncio
from sqlalchemy import update

from msgplat.plumbing.db import Database
from msgplat.send import repository
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.models import jobs
from msgplat.send.scheduler import Scheduler
from msgplat.send.settings import SendSettings
from msgplat_testsupport.carrier import SEND_CREDENTIALS
from msgplat_testsupport.send_jobs import insert_job


@pytest_asyncio.fixture
async def listening(db: Database) -> AsyncIterator[Scheduler]:
    """A scheduler's listener only (its claim loop is not run: the test sees `due`)."""
    settings = SendSettings(database_url=db.settings.database_url, **SEND_CREDENTIALS)
    scheduler = Scheduler(db, settings, CarrierRouter(settings))
    task = asyncio.create_task(scheduler.listen_for_due())
    await asyncio.wait_for(scheduler.due.wait(), timeout=10)  # set once listening
    scheduler.due.clear()
    yield scheduler
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def waiting_job(db: Database, *, due_at: datetime, chunks_received: int = 1) -> uuid.UUID:
    rid = uuid.uuid4()
    async with db.engine.begin() as conn:
        await insert_job(
            conn, rid, user_id="u-wake", status="waiting", due_at=due_at, recipient_count=1
        )
        if chunks_received < 1:  # a list of two chunks, none in yet
            await conn.execute(
                update(jobs)
                .where(jobs.c.reservation_id == rid)
                .values(chunk_count=2, chunks_received=0)
            )
    return rid


async def heard(scheduler: Scheduler, within_s: float = 2.0) -> bool:
    try:
        await asyncio.wait_for(scheduler.due.wait(), timeout=within_s)
    except TimeoutError:
        return False
    scheduler.due.clear()
    return True


async def test_scheduling_a_job_due_now_wakes_the_scheduler_after_the_commit(
    db: Database, listening: Scheduler
) -> None:
    rid = await waiting_job(db, due_at=datetime.now(UTC) - timedelta(seconds=1))
    async with db.engine.connect() as conn, conn.begin() as tx:
        await repository.jobs.schedule(conn, {rid: datetime.now(UTC) - timedelta(seconds=1)})
        assert not await heard(listening, within_s=0.5)  # not before the commit
        await tx.commit()
    assert await heard(listening)


async def test_a_job_due_later_or_still_waiting_for_chunks_wakes_nobody(
    db: Database, listening: Scheduler
) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    rid = await waiting_job(db, due_at=later)
    async with db.engine.begin() as conn:
        await repository.jobs.schedule(conn, {rid: later})
    assert not await heard(listening, within_s=1.0)

    # Due now, but one chunk of two in: the last chunk wakes it.
    now = datetime.now(UTC) - timedelta(seconds=1)
    rid = await waiting_job(db, due_at=now, chunks_received=0)
    async with db.engine.begin() as conn:
        await repository.jobs.schedule(conn, {rid: now})
        await repository.jobs.count_chunks(conn, {rid: 1})
    assert not await heard(listening, within_s=1.0)
    async with db.engine.begin() as conn:
        await repository.jobs.count_chunks(conn, {rid: 1})
    assert await heard(listening)
