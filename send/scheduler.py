"""The durable scheduler: due reservations are claimed with a lease and sent.

Every `SCHEDULER_INTERVAL_S`, and at once when a job becomes due now (a `pg_notify` in
the transaction that scheduled it, heard by every replica), each replica claims due jobs
with a lease (`FOR UPDATE SKIP LOCKED`), so several replicas never send the same job at once and
a crashed replica's jobs are taken over when its lease expires. Each claimed job is
sent by the `JobRunner` (runner.py) in a task of its own.

Two lanes. Jobs of the `PRIORITY_PURPOSES` (verification codes) are claimed first and
run in slots of their own (`PRIORITY_PARALLEL_JOBS`); the others share
`MAX_PARALLEL_JOBS`. So bulk sends that fill their slots never hold a code back.

On shutdown (`stopping` set) no job is claimed any more, and each running job stops
after the batch at the carrier and hands its lease back (see runner.py).

The sweep. A carrier may lose a report (or give up pushing it). Now and then every
replica fails the messages whose delivery report never came within `REPORT_TIMEOUT_S`
(P003): without it such a message would stay `submitted` for good, its reservation
would never finish, and its credit would stay held. The UPDATE takes each message once.

A job cancelled while a dead replica's lease was still live: the cancel could only end
its pending messages. Every round, once that lease has expired, the messages the dead
runner claimed but never handed to a carrier are cancelled, and those it may have
handed over wait for their reports like any other (else the sweep fails them).
"""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from functools import partial
from uuid import UUID

from msgplat.plumbing.db import Database
from msgplat.plumbing.listen import listen_forever
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.metrics import SEND_JOBS_RUNNING
from msgplat.plumbing.runtime import ServiceRuntime
from msgplat.plumbing.workers import WorkerHealth
from msgplat.send import domain, repository
from msgplat.send.notice_sender import NoticeSender
from msgplat.send.resources import Resources
from msgplat.send.results import record_final, record_final_by_job
from msgplat.send.runner import JobRunner
from msgplat.send.settings import SendSettings
from msgplat.send.worker import Worker

log = get_logger(__name__)

SWEEP_EVERY_S = 30.0


class Scheduler(Worker):
    def __post_init__(self) -> None:
        self.runner = JobRunner(self.db, self.settings, self.carrier, stopping=self.stopping)
        self.running: dict[UUID, asyncio.Task[None]] = {}
        self.priority: set[UUID] = set()  # the running jobs of the priority lane
        # Set when a job became claimable now (any replica's commit, `listen_for_due`).
        self.due = asyncio.Event()
        # Readiness and /metrics: the claims' rounds and the housekeeping's.
        self.claims = WorkerHealth("scheduler", self.settings.worker_stall_s)
        self.housekeeping = WorkerHealth("scheduler-housekeeping", self.settings.worker_stall_s)

    @property
    def owner(self) -> str:
        """The lease owner of this replica's jobs."""
        return self.runner.owner

    async def run(self) -> None:
        """Claim due jobs until `stopping` is set, then let the running jobs stop after
        their batch in hand; on cancel, hand every lease back."""
        try:
            while not self.stopping.is_set():
                try:
                    await self.claim_due_jobs()
                    self.claims.round_done()
                except Exception as exc:
                    log.warning("scheduler_round_failed", error=repr(exc))
                    self.claims.round_failed(exc)
                await self._wait_for_work()
            running = list(self.running.values())
            log.info("sender_stopping", jobs_in_hand=len(running))
            await asyncio.gather(*running, return_exceptions=True)
        finally:
            tasks = list(self.running.values())
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def keep_house(self) -> None:
        """Until `stopping`: every round, end the cancels a dead runner left; now and
        then, sweep. Beside the claims, not between them: a sweep of a large send's
        messages takes a while, and a code due meanwhile is claimed at once."""
        last_sweep = 0.0
        while not self.stopping.is_set():
            try:
                await finish_abandoned_cancels(self.db)
                if time.monotonic() - last_sweep > SWEEP_EVERY_S:
                    last_sweep = time.monotonic()
                    await fail_unreported(self.db, timeout_s=self.settings.report_timeout_s)
                self.housekeeping.round_done()
            except Exception as exc:
                log.warning("housekeeping_round_failed", error=repr(exc))
                self.housekeeping.round_failed(exc)
            with suppress(TimeoutError):
                await asyncio.wait_for(
                    self.stopping.wait(), timeout=self.settings.scheduler_interval_s
                )

    async def _wait_for_work(self) -> None:
        """Until a job is due now (notified), stopping, or the next poll."""
        waits = {
            asyncio.ensure_future(self.due.wait()),
            asyncio.ensure_future(self.stopping.wait()),
        }
        try:
            await asyncio.wait(
                waits,
                timeout=self.settings.scheduler_interval_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for waiting in waits:
                waiting.cancel()
        self.due.clear()

    async def listen_for_due(self) -> None:
        """Wake the scheduler when a job becomes claimable now (send-now: no poll wait);
        listening again after a lost connection, it claims at once (it may have missed
        some)."""
        await listen_forever(
            self.db.settings.database_url,
            [repository.jobs.DUE_CHANNEL],
            lambda _channel, _payload: self.due.set(),
            name="send-due",
            on_listening=lambda _first: self.due.set(),
        )

    async def claim_due_jobs(self) -> None:
        if self.stopping.is_set():
            return
        for of_priority, slots in (
            (True, self.settings.priority_parallel_jobs - len(self.priority)),
            (False, self.settings.max_parallel_jobs - (len(self.running) - len(self.priority))),
        ):
            if slots > 0:
                await self._claim(of_priority=of_priority, limit=slots)

    async def _claim(self, *, of_priority: bool, limit: int) -> None:
        async with self.db.engine.begin() as conn:
            claimed = await repository.leases.claim_due(
                conn,
                owner=self.owner,
                lease_s=self.settings.lease_s,
                running=list(self.running),
                limit=limit,
                purposes=list(self.settings.priority_purposes),
                of_purposes=of_priority,
            )
        for job in claimed:
            rid = job.reservation_id
            task = asyncio.create_task(self.runner.send(job), name=f"send-{rid}")
            self.running[rid] = task
            if of_priority:
                self.priority.add(rid)
            task.add_done_callback(partial(self._forget, rid))
        self._report_lanes()

    def _report_lanes(self) -> None:
        SEND_JOBS_RUNNING.labels("priority").set(len(self.priority))
        SEND_JOBS_RUNNING.labels("bulk").set(len(self.running) - len(self.priority))

    def _forget(self, reservation_id: UUID, _: asyncio.Task[None]) -> None:
        self.running.pop(reservation_id, None)
        self.priority.discard(reservation_id)
        self._report_lanes()
        self.runner.forget(reservation_id)


async def finish_abandoned_cancels(db: Database) -> int:
    """End the unsent messages of cancelled jobs whose runner died holding the lease;
    returns how many jobs."""
    async with db.unit_of_work() as uow:
        abandoned = await repository.leases.abandoned_cancelled(uow.conn)
        for rid in sorted(abandoned):
            job = await repository.jobs.load(uow.conn, rid)
            unsent = await repository.messages.cancel(uow.conn, rid, pending=True, unconfirmed=True)
            await record_final(uow, job, unsent)
        await uow.commit()
    if abandoned:
        log.info("abandoned_cancels_finished", jobs=len(abandoned))
    return len(abandoned)


async def fail_unreported(db: Database, *, timeout_s: float, limit: int = 5000) -> int:
    """The sweep: fail up to `limit` messages past the report timeout; returns how many."""
    async with db.unit_of_work() as uow:
        rows = await repository.reports.fail_unreported(
            uow.conn,
            code=domain.CODE_NO_REPORT,
            reason=f"no delivery report within {timeout_s:.0f} s of submit",
            timeout_s=timeout_s,
            limit=limit,
        )
        reservations = await record_final_by_job(uow, rows)
        await uow.commit()
    if rows:
        log.warning(
            "messages_failed_without_report",
            count=len(rows),
            reservations=reservations,
            next_step="check the carrier's report delivery to REPORT_CALLBACK_URL",
        )
    return len(rows)


async def run_scheduler(
    settings: SendSettings, runtime: ServiceRuntime, resources: Resources
) -> None:
    """The send service's background workers (`create_service_app(background=...)`): the
    scheduler of the reservations' jobs, and the sender of the notices (notice_sender.py), on
    the same carriers. Both return once `runtime.stopping` is set."""
    scheduler = Scheduler(runtime.db, settings, resources.carrier, stopping=runtime.stopping)
    notices = NoticeSender(runtime.db, settings, resources.carrier, stopping=runtime.stopping)
    runtime.watch(scheduler.claims, scheduler.housekeeping, notices.health)
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(scheduler.run(), name="scheduler")
        tasks.create_task(scheduler.keep_house(), name="scheduler-housekeeping")
        listening = tasks.create_task(scheduler.listen_for_due(), name="scheduler-wake")
        tasks.create_task(notices.run(), name="notices")
        await runtime.stopping.wait()
        listening.cancel()  # it never returns by itself
