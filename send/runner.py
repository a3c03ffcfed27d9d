"""One job's send: its batches, in `seq` order, as a pipeline of three steps.

A job is sent in batches of up to 1,000 in `seq` order: mark the batch `submitted` (the
claim), hand it to the carrier, record its answer by moving the job's cursor
(`next_seq`) past the batch. (The carrier's message id arrives with each delivery
report.)

Fencing: every write names the epoch of the job's claim, and the lease is renewed in the
background and checked right before each batch goes to a carrier (lease.py).

Batches reach the carrier strictly one after the other. While batch k is at the
carrier, batch k+1 is claimed; while batch k+1 is at the carrier, the answer to batch k
is recorded. So each round costs the longest of the three steps instead of their sum.

On shutdown (`stopping` set) the job stops after the batch at the carrier: its answer is
recorded, the batch claimed ahead stays unconfirmed (handed over again from the cursor
by whoever resumes), and the lease is handed back so another replica resumes the job at
once. A job that may no longer send (gating.py) stops the same way, and pauses.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from aiolimiter import AsyncLimiter

from msgplat.plumbing import tracing
from msgplat.plumbing.logging import get_logger
from msgplat.send import batches, lease, repository
from msgplat.send.carrier_client import CarrierUnavailable, SubmitResult
from msgplat.send.domain import LeaseLost, Pause
from msgplat.send.gating import Gate
from msgplat.send.repository.rows import ClaimedMessage, Job
from msgplat.send.results import record_final
from msgplat.send.worker import Worker

log = get_logger(__name__)


class JobRunner(Worker):
    """Sends the jobs its scheduler claimed, each under the lease of `owner`."""

    def __post_init__(self) -> None:
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        # Each lane its own rate (the carrier's quota for it): the bulk's limit never
        # delays a code (scheduler.py's lanes).
        self.lanes = {
            False: _Lane(self.settings.carrier_batch_size, self.settings.send_rate_per_s),
            True: _Lane(self.settings.carrier_batch_size, self.settings.priority_rate_per_s),
        }
        self.gate = Gate(self.settings, self.owner)

    def lane(self, purpose: str) -> _Lane:
        return self.lanes[purpose in self.settings.priority_purposes]

    def forget(self, reservation_id: UUID) -> None:
        """The job's task ended."""
        self.gate.forget(reservation_id)

    async def send(self, job: Job) -> None:
        """Send one job, batch by batch (see the module's docstring)."""
        rid = job.reservation_id
        log.info("job_claimed", reservation_id=str(rid), owner=self.owner)
        with tracing.span(
            "send reservation", parent=job.traceparent, attributes={"reservation.id": str(rid)}
        ):
            await self._send(job)

    async def _send(self, job: Job) -> None:
        lost = asyncio.Event()
        keeper = asyncio.create_task(
            lease.keep(
                self.db,
                job,
                owner=self.owner,
                lease_s=self.settings.lease_s,
                lost=lost,
                sender=asyncio.current_task(),
            )
        )
        try:
            await self._run_batches(job)
        except asyncio.CancelledError:
            if not lost.is_set():
                raise
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
        except LeaseLost:
            lost.set()
        finally:
            keeper.cancel()
            with suppress(asyncio.CancelledError):
                await keeper
        if lost.is_set():
            log.warning("job_lease_lost", reservation_id=str(job.reservation_id), epoch=job.epoch)

    async def _run_batches(self, job: Job) -> None:
        rid = job.reservation_id
        backoff = 0.2
        claiming: asyncio.Task[list[ClaimedMessage] | None] | None = None
        recording: asyncio.Task[None] | None = None
        try:
            claiming = asyncio.create_task(self.claim(job, from_seq=None))
            while True:
                batch = await claiming
                claiming = None
                if batch is None:
                    break  # lease lost, cancelled, or nothing left to hand over
                if self.stopping.is_set():
                    # Shutting down: `batch` stays unconfirmed, handed over from the
                    # cursor by whoever resumes the job.
                    if recording is not None:
                        await recording
                    await self.release(job)
                    log.info("job_handed_back", reservation_id=str(rid), next_seq=batch[0].seq)
                    return
                if (pause := self.gate.closed_now(job)) is not None:
                    # Closed since the claim: `batch` stays unconfirmed, as at shutdown.
                    if recording is not None:
                        await recording
                    await self.pause(job, pause)
                    return
                # The next batch is claimed while this one is at the carrier, unless
                # this one ends the list (a code's one message: one transaction less).
                last = batch[-1].seq >= job.recipient_count - 1
                if not last:
                    claiming = asyncio.create_task(self.claim(job, from_seq=batch[-1].seq + 1))
                if (limiter := self.lane(job.purpose).limiter) is not None:
                    await limiter.acquire(len(batch))
                if not await self.hand(job, batch):
                    # Cancelled: `batch` never left; the handover cancels it.
                    await _settle(claiming)
                    claiming = None
                    break
                try:
                    with tracing.span("carrier submit", attributes={"messages": len(batch)}):
                        results = await self.carrier.submit(
                            batches.outgoing(job, batch),
                            recorded=self.carrier.first_choice(job.msg_type),
                            record_carrier=partial(self.record_carrier, job, batch),
                        )
                    backoff = 0.2
                except CarrierUnavailable as exc:
                    log.warning("carrier_unavailable", reservation_id=str(rid), error=str(exc))
                    await _settle(claiming)
                    await self.record_unavailable(job, batch, exc)
                    with suppress(TimeoutError):  # a shutdown does not wait for the retry
                        await asyncio.wait_for(
                            self.stopping.wait(), timeout=max(exc.retry_after_s, backoff)
                        )
                    backoff = min(backoff * 2, 5.0)
                    # Start again from this batch: its rows (and any claimed after it)
                    # are still unconfirmed, so the claim finds them first, in order.
                    claiming = asyncio.create_task(self.claim(job, from_seq=batch[0].seq))
                    continue
                if recording is not None:
                    await recording  # answers are recorded in order: the cursor only grows
                recording = asyncio.create_task(self.record(job, batch, results))
                if claiming is None:
                    break  # this batch ended the list
            if recording is not None:
                await recording
            await self.finish_handover(job)
        except asyncio.CancelledError:
            await _settle(claiming, recording)
            await self.release(job)
            raise
        except LeaseLost:
            await _settle(claiming, recording)
            raise
        except Exception as exc:
            log.error("job_failed", reservation_id=str(rid), error=repr(exc))
            await _settle(claiming, recording)
            await self.release(job)

    async def claim(self, job: Job, *, from_seq: int | None) -> list[ClaimedMessage] | None:
        """Renew the lease and mark the next batch `submitted` (from the job's cursor
        when `from_seq` is None); None when the lease is lost, the job stopped, or it
        may not send now (then it pauses and hands the lease back).

        An advertising job's messages to opted-out numbers end `opted_out` here."""
        async with self.db.unit_of_work() as uow:
            progress = await repository.leases.renew_lease(
                uow.conn,
                job.reservation_id,
                owner=self.owner,
                epoch=job.epoch,
                lease_s=self.settings.lease_s,
            )
            if progress is None or not progress.sendable:
                await uow.commit()
                return None
            if not await self.gate.admit(uow, job, progress):
                await uow.commit()
                return None
            batch = await batches.claim_next(
                uow,
                job,
                progress,
                from_seq=progress.next_seq if from_seq is None else from_seq,
                carrier=self.carrier.first_choice(job.msg_type),
                limit=self.lane(job.purpose).batch_size,
            )
            await uow.commit()
        return batch or None

    async def pause(self, job: Job, pause: Pause) -> None:
        """Pause a job this runner holds, mid-send (see `Gate.pause`)."""
        async with self.db.unit_of_work() as uow:
            await self.gate.pause(uow, job, pause, datetime.now(UTC), previous=None)
            await uow.commit()

    async def finish_handover(self, job: Job) -> None:
        """The loop ended: every message is with the carrier (wait for reports, not a
        runner), or the job was cancelled; the lease is handed back in the same
        transaction.

        A cancelled job may have claimed messages it never handed over (the batch
        claimed ahead, or one every carrier refused): they are cancelled here, since
        this runner knows none of them reached the carrier. A batch in doubt (a
        timeout) may have: it waits for its report, or the sweep fails it.
        """
        rid = job.reservation_id
        async with self.db.unit_of_work() as uow:
            await repository.leases.fence(uow.conn, rid, epoch=job.epoch)
            await repository.leases.hand_over(uow.conn, rid, owner=self.owner, epoch=job.epoch)
            unsent = await repository.messages.cancel(
                uow.conn, rid, pending=False, unconfirmed=True
            )
            # What may be at a carrier without a recorded answer (a batch in doubt when
            # the job was cancelled) waits for its report or the sweep, like the rest.
            await repository.jobs.confirm_handed(uow.conn, rid)
            await record_final(uow, job, unsent)
            await repository.leases.release(uow.conn, rid, owner=self.owner, epoch=job.epoch)
            await uow.commit()

    async def record(
        self, job: Job, batch: Sequence[ClaimedMessage], results: list[SubmitResult]
    ) -> None:
        async with self.db.unit_of_work() as uow:
            await batches.record_submitted(uow, job, batch, results)
            await uow.commit()

    async def record_carrier(
        self, job: Job, batch: Sequence[ClaimedMessage], carrier: str, positions: list[int]
    ) -> None:
        """Before the messages at `positions` go to `carrier`: record it, so that its
        delivery reports (which may come before its answer) are the ones that count."""
        async with self.db.engine.begin() as conn:
            await repository.leases.fence(conn, job.reservation_id, epoch=job.epoch)
            await repository.messages.record_carrier(
                conn,
                job.reservation_id,
                carrier=carrier,
                lo=batch[positions[0]].seq,
                hi=batch[positions[-1]].seq,
                seqs=[batch[i].seq for i in positions],
            )

    async def record_unavailable(
        self, job: Job, batch: Sequence[ClaimedMessage], exc: CarrierUnavailable
    ) -> None:
        """Spend an attempt (when a call was made) and fail what is out of budget or time."""
        # Expiry counts from the due time, or from the end of the last pause.
        resumed = self.gate.resumed_at.get(job.reservation_id, job.due_at)
        since = max(job.due_at, job.resumed_at or job.due_at, resumed)
        expired = datetime.now(UTC) > since + timedelta(seconds=self.settings.message_expiry_s)
        async with self.db.unit_of_work() as uow:
            await batches.record_unavailable(
                uow, job, batch, exc, expired=expired, max_attempts=self.settings.max_attempts
            )
            await uow.commit()

    async def hand(self, job: Job, batch: Sequence[ClaimedMessage]) -> bool:
        """Right before `batch` goes to a carrier (see `lease.hand`)."""
        return await lease.hand(
            self.db, job, batch, owner=self.owner, lease_s=self.settings.lease_s
        )

    async def release(self, job: Job) -> None:
        """Hand the lease back so another replica (or this one) resumes at once."""
        await lease.release(self.db, job, owner=self.owner)


class _Lane:
    """A lane's batch size and rate limit (none when `rate` is 0)."""

    def __init__(self, batch_size: int, rate: float) -> None:
        self.batch_size = batch_size
        self.limiter: AsyncLimiter | None = None
        if rate > 0:
            self.batch_size = max(1, min(batch_size, int(rate)))
            self.limiter = AsyncLimiter(rate, time_period=1)


async def _settle(*tasks: asyncio.Task[Any] | None) -> None:
    """Let background steps end before the job stops: each is one short transaction."""
    for task in tasks:
        if task is not None:
            with suppress(Exception):
                await task
