"""The scheduler's rounds in readiness: its claims and its housekeeping each report
"ok" while their rounds come, "failing: ..." while they fail (here: send's jobs table
renamed away, as a broken migration or a revoked grant would), and "ok" again once
they succeed; `run_scheduler` lists them, and the notice sender's, with the runtime."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text

from msgplat.contracts import topics
from msgplat.plumbing.db import Database
from msgplat.plumbing.runtime import ServiceRuntime
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.models import tables
from msgplat.send.resources import Resources
from msgplat.send.scheduler import Scheduler, run_scheduler
from msgplat.send.settings import SendSettings
from msgplat_testsupport.carrier import SEND_CREDENTIALS
from msgplat_testsupport.waiting import eventually


async def rename_jobs(db: Database, old: str, new: str) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text(f"ALTER TABLE send.{old} RENAME TO {new}"))


async def test_the_scheduler_says_when_its_rounds_fail_and_when_they_succeed_again(
    db: Database,
) -> None:
    settings = SendSettings(
        database_url=db.settings.database_url, scheduler_interval_s=0.05, **SEND_CREDENTIALS
    )
    scheduler = Scheduler(db, settings, CarrierRouter(settings))
    tasks = [asyncio.create_task(scheduler.run()), asyncio.create_task(scheduler.keep_house())]
    try:

        async def both(state: str) -> bool:
            return all(
                w.state().startswith(state) for w in (scheduler.claims, scheduler.housekeeping)
            )

        await eventually(lambda: both("ok"), timeout_s=10)
        await rename_jobs(db, "jobs", "jobs_away")
        try:
            await eventually(lambda: both("failing: "), timeout_s=10)
            assert "jobs" in scheduler.claims.state()
            assert not any(t.done() for t in tasks), "the loops live on"
        finally:
            await rename_jobs(db, "jobs_away", "jobs")
        await eventually(lambda: both("ok"), timeout_s=10)
    finally:
        scheduler.stopping.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=10)


async def test_run_scheduler_lists_its_workers_with_the_runtime(db: Database) -> None:
    settings = SendSettings(database_url=db.settings.database_url, **SEND_CREDENTIALS)
    runtime = ServiceRuntime(settings, tables, {}, topics.ALL_TOPICS)
    carrier = CarrierRouter(settings)
    running = asyncio.create_task(run_scheduler(settings, runtime, Resources(carrier=carrier)))
    try:

        async def listed() -> bool:
            return sorted(runtime.workers) == ["notices", "scheduler", "scheduler-housekeeping"]

        await eventually(listed, timeout_s=10)
        listed_at = time.monotonic()

        async def all_ok() -> bool:  # each has finished a round since
            return all(
                w.state() == "ok" and w.last_round_at > listed_at for w in runtime.workers.values()
            )

        await eventually(all_ok, timeout_s=10)
    finally:
        runtime.stopping.set()
        await asyncio.wait_for(running, timeout=15)
        await runtime.producer.stop()  # built, never started
    await runtime.db.dispose()
