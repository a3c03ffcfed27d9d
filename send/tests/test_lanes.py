"""A lane per purpose: verification codes are claimed in slots of their own, so bulk
sends that fill every other slot (and are due earlier) never hold one back. Against
the real PostgreSQL, with the scheduler's own claim; the runner is held so that the
claimed jobs keep their slots."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from msgplat.plumbing.db import Database
from msgplat.plumbing.metrics import SEND_JOBS_RUNNING
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.models import jobs, tables
from msgplat.send.repository.rows import Job
from msgplat.send.scheduler import Scheduler
from msgplat.send.settings import SendSettings
from msgplat_testsupport.carrier import SEND_CREDENTIALS
from msgplat_testsupport.send_jobs import insert_job


def running_in(lane: str) -> float:
    value: float = SEND_JOBS_RUNNING.labels(lane)._value.get()
    return value


async def due_jobs(db: Database, purpose: str, count: int, *, age_s: float) -> list[uuid.UUID]:
    rids = [uuid.uuid4() for _ in range(count)]
    async with db.engine.begin() as conn:
        for rid in rids:
            await insert_job(
                conn,
                rid,
                user_id="u-lanes",
                status="scheduled",
                due_at=datetime.now(UTC) - timedelta(seconds=age_s),
                recipient_count=1,
                purpose=purpose,
            )
    return rids


async def test_codes_have_slots_bulk_cannot_take(db: Database) -> None:
    settings = SendSettings(
        database_url=db.settings.database_url,
        max_parallel_jobs=2,
        priority_parallel_jobs=1,
        **SEND_CREDENTIALS,
    )
    scheduler = Scheduler(db, settings, CarrierRouter(settings))
    gates = [asyncio.Event()]  # a job runs until the gate of its round opens
    sent: list[uuid.UUID] = []

    async def held_send(job: Job) -> None:
        sent.append(job.reservation_id)
        await gates[-1].wait()

    scheduler.runner.send = held_send  # type: ignore[method-assign]
    bulk = await due_jobs(db, "normal", 3, age_s=60)
    ads = await due_jobs(db, "advertising", 1, age_s=50)
    codes = await due_jobs(db, "authentication", 2, age_s=1)  # due last
    try:
        await scheduler.claim_due_jobs()
        await asyncio.sleep(0)  # the tasks start
        assert set(scheduler.priority) == {codes[0]} or set(scheduler.priority) == {codes[1]}
        others = set(scheduler.running) - scheduler.priority
        assert len(others) == 2 and others <= set(bulk), "the bulk lane, oldest first"
        assert running_in("priority") == 1 and running_in("bulk") == 2

        await scheduler.claim_due_jobs()  # every slot taken: nothing more
        assert len(scheduler.running) == 3

        first_round = list(scheduler.running)
        gates[-1].set()  # the jobs end: their slots are free
        gates.append(asyncio.Event())
        await asyncio.gather(*scheduler.running.values())
        assert running_in("priority") == 0 and running_in("bulk") == 0
        await scheduler.claim_due_jobs()
        await asyncio.sleep(0)
        assert scheduler.priority == set(codes) - set(first_round), "the other code"
        assert len(scheduler.running) == 3
        assert set(scheduler.running) - scheduler.priority <= {*bulk, *ads}
    finally:
        gates[-1].set()
        await asyncio.gather(*scheduler.running.values())
        async with db.engine.begin() as conn:  # not left for the module's other tests
            await conn.execute(
                update(jobs)
                .where(jobs.c.reservation_id.in_([*bulk, *ads, *codes]))
                .values(status="completed", lease_owner=None, lease_until=None)
            )


def test_the_bulks_rate_cap_is_not_the_codes() -> None:
    settings = SendSettings(
        database_url="postgresql://unused/db",
        send_rate_per_s=50,
        priority_rate_per_s=0,
        **SEND_CREDENTIALS,
    )
    runner = Scheduler(Database(settings, tables), settings, CarrierRouter(settings)).runner
    bulk, ads, code = (runner.lane(p) for p in ("normal", "advertising", "authentication"))
    assert bulk is ads and bulk.limiter is not None and bulk.batch_size == 50
    assert code.limiter is None and code.batch_size == settings.carrier_batch_size
