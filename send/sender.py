"""The durable scheduler and the senders: due reservations go out in list order.

Every `SCHEDULER_INTERVAL_S` each replica claims due jobs with a lease
(`FOR UPDATE SKIP LOCKED`), so several replicas never send the same job at once and
a crashed replica's jobs are taken over when its lease expires. A job is sent in
batches of up to 1,000 in `seq` order: mark the batch `submitted`, hand it to the
carrier, record its answer by moving the job's cursor (`next_seq`) past the batch.
Submitted messages at or after the cursor are not confirmed: after a crash they are
handed over again, and the carrier deduplicates them by reference, so none is sent
twice. (The carrier's message id arrives with each delivery report.)

On shutdown (`stopping` set) no job is claimed any more, and each running job stops
after the batch at the carrier: its answer is recorded, the batch claimed ahead
stays unconfirmed (handed over again from the cursor by whoever resumes), and the
lease is handed back so another replica resumes the job at once.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections import Counter
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from aiolimiter import AsyncLimiter
from sqlalchemy import select, text, update

from msgplat.contracts.events import (
    MessagesSubmitted,
    SendingPaused,
    SendingResumed,
    SendingStarted,
)
from msgplat.plumbing import tracing
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.metrics import SEND_MESSAGES
from msgplat.send import domain, windows
from msgplat.send.carrier import CarrierUnavailable, OutgoingMessage, SubmitResult
from msgplat.send.carriers import CarrierRouter
from msgplat.send.models import SCHEMA, jobs, sending_windows
from msgplat.send.results import record_final
from msgplat.send.settings import SendSettings
from msgplat.send.sweeper import fail_unreported
from msgplat.send.windows import CustomerWindows

log = get_logger(__name__)

SWEEP_EVERY_S = 30.0

# Messages of a cancelled job that were claimed but never confirmed handed over.
CANCEL_UNCONFIRMED_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages m
    SET status = 'cancelled', result_code = 'CANCELLED',
        reason = 'cancelled by the customer', final_at = now()
    FROM {SCHEMA}.jobs j
    WHERE j.reservation_id = :rid AND j.status = 'cancelled'
      AND m.reservation_id = j.reservation_id AND m.seq >= j.next_seq
      AND m.status = 'submitted'
    RETURNING m.seq, m.status, m.result_code, m.reason, m.carrier, m.carrier_msg_id,
              m.final_at, m.msg_type
    """
)

CLAIM_SQL = text(
    f"""
    UPDATE {SCHEMA}.jobs SET lease_owner = :owner, lease_until = now() + :lease
    WHERE reservation_id IN (
        SELECT reservation_id FROM {SCHEMA}.jobs
        WHERE status IN ('scheduled', 'sending') AND due_at <= now()
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

# The batch is picked once (MATERIALIZED): as a subquery the planner may run it again for
# each row (a nested loop), and each run skips the rows this statement already changed,
# so the batch would grow past the limit.
NEXT_BATCH_SQL = text(
    f"""
    WITH picked AS MATERIALIZED (
        SELECT seq FROM {SCHEMA}.messages
        WHERE reservation_id = :rid AND seq >= :from_seq
          AND status IN ('pending', 'submitted')
        ORDER BY seq LIMIT :limit
        FOR UPDATE)
    UPDATE {SCHEMA}.messages m
    SET status = 'submitted', carrier = :carrier, submitted_at = now()
    FROM picked p
    WHERE m.reservation_id = :rid AND m.seq = p.seq
    RETURNING m.seq, m.dst_num, m.attempts, m.text, m.msg_type, m.status
    """
)

# NEXT_BATCH_SQL for an advertising job: in the same statement, the messages not yet
# handed over whose number is on the customer's opt-out list end `opted_out` instead.
# (A message already `submitted` was checked when it was first claimed.)
ADVERTISING_BATCH_SQL = text(
    f"""
    WITH picked AS MATERIALIZED (
        SELECT seq, dst_num, status FROM {SCHEMA}.messages
        WHERE reservation_id = :rid AND seq >= :from_seq
          AND status IN ('pending', 'submitted')
        ORDER BY seq LIMIT :limit
        FOR UPDATE),
    -- The batch is picked first, then each of its numbers looked up in the list (an
    -- index probe each): a join before the LIMIT could read the whole list per batch.
    flagged AS MATERIALIZED (
        SELECT p.seq, p.status = 'pending' AND EXISTS (
            SELECT 1 FROM {SCHEMA}.optouts o WHERE o.user_id = :uid AND o.number = p.dst_num
        ) AS opted
        FROM picked p)
    UPDATE {SCHEMA}.messages m
    SET status = CASE WHEN p.opted THEN 'opted_out' ELSE 'submitted' END,
        carrier = CASE WHEN p.opted THEN NULL ELSE :carrier END,
        submitted_at = CASE WHEN p.opted THEN NULL ELSE now() END,
        result_code = CASE WHEN p.opted THEN :code ELSE m.result_code END,
        reason = CASE WHEN p.opted THEN :reason ELSE m.reason END,
        final_at = CASE WHEN p.opted THEN now() ELSE m.final_at END
    FROM flagged p
    WHERE m.reservation_id = :rid AND m.seq = p.seq
    RETURNING m.seq, m.dst_num, m.attempts, m.text, m.msg_type, m.status, m.result_code,
              m.reason, m.carrier, m.carrier_msg_id, m.final_at
    """
)

REJECTED_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages m
    SET status = 'failed', carrier = v.carrier, result_code = v.code, reason = v.reason,
        final_at = now()
    FROM unnest(CAST(:seqs AS int[]), CAST(:carriers AS text[]), CAST(:codes AS text[]),
                CAST(:reasons AS text[]))
        AS v(seq, carrier, code, reason)
    WHERE m.reservation_id = :rid AND m.seq BETWEEN :lo AND :hi AND m.seq = v.seq
      AND m.status = 'submitted'
    RETURNING m.seq, m.status, m.result_code, m.reason, m.carrier, m.carrier_msg_id, m.final_at,
              m.msg_type
    """
)

# Messages about to go to another carrier than the one they record (failover).
RECORD_CARRIER_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages SET carrier = :carrier
    WHERE reservation_id = :rid AND seq BETWEEN :lo AND :hi AND seq = ANY(:seqs)
      AND status = 'submitted'
    """
)

GIVE_UP_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages
    SET status = 'failed', result_code = :code, reason = :reason, final_at = now()
    WHERE reservation_id = :rid AND seq = ANY(:seqs) AND status = 'submitted'
    RETURNING seq, status, result_code, reason, carrier, carrier_msg_id, final_at, msg_type
    """
)


class Sender:
    def __init__(
        self,
        db: Database,
        settings: SendSettings,
        carrier: CarrierRouter,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.carrier = carrier
        self.stopping = stopping or asyncio.Event()
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.running: dict[UUID, asyncio.Task[None]] = {}
        rate = settings.send_rate_per_s
        self.batch_size = settings.carrier_batch_size
        self.limiter: AsyncLimiter | None = None
        if rate > 0:
            self.batch_size = max(1, min(self.batch_size, int(rate)))
            self.limiter = AsyncLimiter(rate, time_period=1)
        # When jobs may send (send/windows.py): the advertising hours, each customer's
        # windows as last read (by their updated_at), and the rules of each running job.
        self.ad_hours = settings.advertising_hours
        self.ad_label = f"{settings.ad_sending_hours} ({settings.ad_sending_timezone})"
        self.customer_windows: dict[str, tuple[datetime, CustomerWindows]] = {}
        self.gates: dict[UUID, CustomerWindows | None] = {}
        # When a job this sender holds went on after a pause (its claimed row is older).
        self.resumed_at: dict[UUID, datetime] = {}

    async def run(self) -> None:
        """Claim due jobs until `stopping` is set, then let the running jobs stop after
        their batch in hand; on cancel, hand every lease back. Now and then, fail the
        messages whose delivery report never came (see sweeper)."""
        last_sweep = 0.0
        try:
            while not self.stopping.is_set():
                try:
                    await self.claim_due_jobs()
                    if time.monotonic() - last_sweep > SWEEP_EVERY_S:
                        last_sweep = time.monotonic()
                        await fail_unreported(self.db, timeout_s=self.settings.report_timeout_s)
                except Exception as exc:
                    log.warning("scheduler_round_failed", error=repr(exc))
                with suppress(TimeoutError):
                    await asyncio.wait_for(
                        self.stopping.wait(), timeout=self.settings.scheduler_interval_s
                    )
            running = list(self.running.values())
            log.info("sender_stopping", jobs_in_hand=len(running))
            await asyncio.gather(*running, return_exceptions=True)
        finally:
            tasks = list(self.running.values())
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def claim_due_jobs(self) -> None:
        free = self.settings.max_parallel_jobs - len(self.running)
        if free <= 0 or self.stopping.is_set():
            return
        async with self.db.engine.begin() as conn:
            claimed = (
                await conn.execute(
                    CLAIM_SQL,
                    {
                        "owner": self.owner,
                        "lease": timedelta(seconds=self.settings.lease_s),
                        "running": list(self.running),
                        "limit": free,
                    },
                )
            ).all()
        for job in claimed:
            task = asyncio.create_task(self.send_job(job), name=f"send-{job.reservation_id}")
            self.running[job.reservation_id] = task
            task.add_done_callback(partial(self._forget, job.reservation_id))

    def _forget(self, reservation_id: UUID, _: asyncio.Task[None]) -> None:
        self.running.pop(reservation_id, None)
        self.gates.pop(reservation_id, None)
        self.resumed_at.pop(reservation_id, None)

    async def send_job(self, job: Any) -> None:
        """Send one job, batch by batch, as a pipeline of three steps.

        Batches reach the carrier strictly one after the other, in `seq` order. While
        batch k is at the carrier, batch k+1 is claimed (marked `submitted`); while
        batch k+1 is at the carrier, the answer to batch k is recorded. So each round
        costs the longest of the three steps instead of their sum.
        """
        rid = job.reservation_id
        log.info("job_claimed", reservation_id=str(rid), owner=self.owner)
        with tracing.span(
            "send reservation", parent=job.traceparent, attributes={"reservation.id": str(rid)}
        ):
            await self._send_job(job)

    async def _send_job(self, job: Any) -> None:
        rid = job.reservation_id
        backoff = 0.2
        claiming: asyncio.Task[list[Any] | None] | None = None
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
                    await self.release(rid)
                    log.info("job_handed_back", reservation_id=str(rid), next_seq=batch[0].seq)
                    return
                if (pause := self.closed_now(job)) is not None:
                    # Closed since the claim: `batch` stays unconfirmed, as at shutdown.
                    if recording is not None:
                        await recording
                    await self.pause(job, pause)
                    return
                claiming = asyncio.create_task(self.claim(job, from_seq=batch[-1].seq + 1))
                if self.limiter is not None:
                    await self.limiter.acquire(len(batch))
                try:
                    with tracing.span("carrier submit", attributes={"messages": len(batch)}):
                        results = await self.carrier.submit(
                            self.outgoing(job, batch),
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
            if recording is not None:
                await recording
            await self.finish_handover(job)
            await self.release(rid)
        except asyncio.CancelledError:
            await _settle(claiming, recording)
            await self.release(rid)
            raise
        except Exception as exc:
            log.error("job_failed", reservation_id=str(rid), error=repr(exc))
            await _settle(claiming, recording)
            await self.release(rid)

    def outgoing(self, job: Any, batch: list[Any]) -> list[OutgoingMessage]:
        """Each message's own text and type (personalised), else the job's."""
        content, default_type, title, rid = (
            job.content,
            job.msg_type,
            job.title,
            job.reservation_id,
        )
        out = []
        for row in batch:
            msg_type = row.msg_type or default_type
            out.append(
                OutgoingMessage(
                    ref=domain.make_ref(rid, row.seq),
                    to=row.dst_num,
                    text=content if row.text is None else row.text,
                    type=msg_type,
                    subject=title if msg_type == "LMS" else None,
                    sender=job.callback_num,
                )
            )
        return out

    async def claim(self, job: Any, *, from_seq: int | None) -> list[Any] | None:
        """Renew the lease and mark the next batch `submitted` (from the job's cursor
        when `from_seq` is None); None when the lease is lost, the job stopped, or it
        may not send now (then it pauses and hands the lease back).

        An advertising job's messages to opted-out numbers end `opted_out` here."""
        rid = job.reservation_id
        async with self.db.unit_of_work() as uow:
            windows_at = (
                select(sending_windows.c.updated_at)
                .where(sending_windows.c.user_id == jobs.c.user_id)
                .scalar_subquery()
            )
            current = (
                await uow.conn.execute(
                    update(jobs)
                    .where(jobs.c.reservation_id == rid, jobs.c.lease_owner == self.owner)
                    .values(
                        lease_until=datetime.now(UTC) + timedelta(seconds=self.settings.lease_s)
                    )
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
            if current is None or current.status not in ("scheduled", "sending"):
                await uow.commit()
                return None
            customer = await self._customer_windows(uow, job.user_id, current.windows_at)
            self.gates[rid] = customer
            now = datetime.now(UTC)
            pause = self._pause_at(job, customer, now)
            if pause is not None:
                await self._pause(uow, job, pause, now, previous=current)
                await uow.commit()
                return None
            if current.pause_rule is not None:
                await self._resume(uow, job, now)
            batch = await self._next_batch(
                uow, job, current, current.next_seq if from_seq is None else from_seq
            )
            await uow.commit()
        return batch or None

    async def _next_batch(
        self, uow: UnitOfWork, job: Any, current: Any, from_seq: int
    ) -> list[Any]:
        """The next messages to hand over, in seq order. For an advertising job, those to
        opted-out numbers are made final first (a batch of only those: the next one)."""
        rid = job.reservation_id
        advertising = job.purpose == "advertising"
        params: dict[str, Any] = {
            "rid": rid,
            "carrier": self.carrier.first_choice(job.msg_type),
            "limit": self.batch_size,
        }
        if advertising:
            params |= {
                "uid": job.user_id,
                "code": domain.CODE_OPTED_OUT,
                "reason": domain.OPTED_OUT_REASON,
            }
        started = current.started_at is not None
        while True:
            rows = (
                await uow.conn.execute(
                    ADVERTISING_BATCH_SQL if advertising else NEXT_BATCH_SQL,
                    {**params, "from_seq": from_seq},
                )
            ).all()
            if not rows:
                return []
            if not started:
                started = True
                await self._start(uow, job, current)
            rows.sort(key=lambda row: row.seq)
            if not advertising:
                return rows
            batch = [row for row in rows if row.status != domain.MessageState.OPTED_OUT]
            if len(batch) < len(rows):
                opted = [row for row in rows if row.status == domain.MessageState.OPTED_OUT]
                await record_final(uow, job, opted)
            if batch:
                return batch
            from_seq = rows[-1].seq + 1

    async def _start(self, uow: UnitOfWork, job: Any, current: Any) -> None:
        now = datetime.now(UTC)
        await uow.conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == job.reservation_id)
            .values(status=domain.JobState.SENDING, started_at=now)
        )
        uow.emit(
            SendingStarted(
                reservation_id=job.reservation_id,
                recipient_count=current.recipient_count,
                started_at=now,
            ),
            aggregate_id=job.reservation_id,
            user_id=job.user_id,
        )

    async def _customer_windows(
        self, uow: UnitOfWork, user_id: str, updated_at: datetime | None
    ) -> CustomerWindows | None:
        """The customer's windows, read again only when they changed (by updated_at)."""
        if updated_at is None:
            self.customer_windows.pop(user_id, None)
            return None
        cached = self.customer_windows.get(user_id)
        if cached is not None and cached[0] == updated_at:
            return cached[1]
        row = (
            await uow.conn.execute(
                select(sending_windows).where(sending_windows.c.user_id == user_id)
            )
        ).first()
        if row is None:
            return None
        parsed = windows.customer_windows(row.time_zone, row.windows, row.purposes)
        if len(self.customer_windows) > 10_000:
            self.customer_windows.clear()
        self.customer_windows[user_id] = (row.updated_at, parsed)
        return parsed

    def _pause_at(
        self, job: Any, customer: CustomerWindows | None, now: datetime
    ) -> windows.Pause | None:
        return windows.pause_for(
            job.purpose, now, ad_hours=self.ad_hours, ad_label=self.ad_label, customer=customer
        )

    def closed_now(self, job: Any) -> windows.Pause | None:
        """Why `job` may not send at this moment (by the rules its last claim read)."""
        if job.purpose == "authentication":
            return None
        return self._pause_at(job, self.gates.get(job.reservation_id), datetime.now(UTC))

    async def pause(self, job: Any, pause: windows.Pause) -> None:
        """Pause a job this sender holds: see `_pause`."""
        async with self.db.unit_of_work() as uow:
            await self._pause(uow, job, pause, datetime.now(UTC), previous=None)
            await uow.commit()

    async def _pause(
        self,
        uow: UnitOfWork,
        job: Any,
        pause: windows.Pause,
        now: datetime,
        *,
        previous: Any | None,
    ) -> None:
        """Store the pause and hand the lease back: no sender claims the job before
        `pause.until`. SendingPaused is emitted when the pause is new or changed."""
        rid = job.reservation_id
        held = (
            await uow.conn.execute(
                update(jobs)
                .where(jobs.c.reservation_id == rid, jobs.c.lease_owner == self.owner)
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
        if held is None:
            return
        if previous is not None and (previous.pause_rule, previous.paused_until) == (
            pause.rule,
            pause.until,
        ):
            return
        uow.emit(
            SendingPaused(
                reservation_id=rid,
                rule=pause.rule,
                reason=pause.reason,
                paused_until=pause.until,
                paused_at=now,
            ),
            aggregate_id=rid,
            user_id=job.user_id,
        )
        log.info(
            "job_paused",
            reservation_id=str(rid),
            rule=pause.rule,
            paused_until=pause.until and pause.until.isoformat(),
        )

    async def _resume(self, uow: UnitOfWork, job: Any, now: datetime) -> None:
        rid = job.reservation_id
        await uow.conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == rid)
            .values(pause_rule=None, pause_reason=None, paused_until=None, resumed_at=now)
        )
        self.resumed_at[rid] = now
        uow.emit(
            SendingResumed(reservation_id=rid, resumed_at=now),
            aggregate_id=rid,
            user_id=job.user_id,
        )
        log.info("job_resumed", reservation_id=str(rid))

    async def finish_handover(self, job: Any) -> None:
        """The loop ended: every message is with the carrier (wait for reports, not a
        sender), or the job was cancelled.

        A cancelled job may have claimed messages it never handed over (the batch
        claimed ahead, or one the carrier refused): they are cancelled here, since
        this sender knows none of them reached the carrier.
        """
        async with self.db.unit_of_work() as uow:
            await uow.conn.execute(
                text(
                    f"""
                    UPDATE {SCHEMA}.jobs j
                    SET status = 'submitted', lease_owner = NULL, lease_until = NULL
                    WHERE j.reservation_id = :rid AND j.lease_owner = :owner
                      AND j.status IN ('scheduled', 'sending')
                      AND NOT EXISTS (
                        SELECT 1 FROM {SCHEMA}.messages m
                        WHERE m.reservation_id = j.reservation_id AND m.seq >= j.next_seq
                          AND m.status IN ('pending', 'submitted'))
                    """
                ),
                {"rid": job.reservation_id, "owner": self.owner},
            )
            unsent = (
                await uow.conn.execute(CANCEL_UNCONFIRMED_SQL, {"rid": job.reservation_id})
            ).all()
            await record_final(uow, job, unsent)
            await uow.commit()

    async def record(self, job: Any, batch: list[Any], results: list[SubmitResult]) -> None:
        async with self.db.unit_of_work() as uow:
            await self.record_submitted(uow, job, batch, results)
            await uow.commit()

    async def record_submitted(
        self, uow: UnitOfWork, job: Any, batch: list[Any], results: list[SubmitResult]
    ) -> None:
        rid = job.reservation_id
        accepted = [(row.seq, r) for row, r in zip(batch, results, strict=True) if r.accepted]
        rejected = [(row.seq, r) for row, r in zip(batch, results, strict=True) if not r.accepted]
        # Explicit bounds keep every statement to the batch's slice of the index, whatever
        # the planner believes about a table that COPY has just filled.
        bounds = {"lo": batch[0].seq, "hi": batch[-1].seq}
        answers = Counter((r.carrier, r.accepted) for r in results)
        uow.after_commit(partial(_count_submitted, answers))
        by_carrier: dict[str, list[int]] = {}  # a batch split across carriers: one event each
        for seq, r in accepted:
            by_carrier.setdefault(r.carrier, []).append(seq)
        for carrier, seqs in by_carrier.items():
            uow.emit(
                MessagesSubmitted(
                    reservation_id=rid,
                    carrier=carrier,
                    accepted=len(seqs),
                    first_seq=seqs[0],
                    last_seq=seqs[-1],
                    submitted_at=datetime.now(UTC),
                ),
                aggregate_id=rid,
                user_id=job.user_id,
            )
        if rejected:
            failed = (
                await uow.conn.execute(
                    REJECTED_SQL,
                    {
                        "rid": rid,
                        **bounds,
                        "seqs": [seq for seq, _ in rejected],
                        "carriers": [r.carrier for _, r in rejected],
                        "codes": [r.code or "REJECTED" for _, r in rejected],
                        "reasons": [r.reason or "rejected by the carrier" for _, r in rejected],
                    },
                )
            ).all()
            await record_final(uow, job, failed)
        await uow.conn.execute(
            update(jobs).where(jobs.c.reservation_id == rid).values(next_seq=batch[-1].seq + 1)
        )

    async def record_carrier(
        self, job: Any, batch: list[Any], carrier: str, positions: list[int]
    ) -> None:
        """Before the messages at `positions` go to `carrier`: record it, so that its
        delivery reports (which may come before its answer) are the ones that count."""
        async with self.db.engine.begin() as conn:
            await conn.execute(
                RECORD_CARRIER_SQL,
                {
                    "rid": job.reservation_id,
                    "carrier": carrier,
                    "lo": batch[positions[0]].seq,
                    "hi": batch[positions[-1]].seq,
                    "seqs": [batch[i].seq for i in positions],
                },
            )

    async def record_unavailable(self, job: Any, batch: list[Any], exc: CarrierUnavailable) -> None:
        """Spend an attempt (when a call was made) and fail what is out of budget or time."""
        rid = job.reservation_id
        seqs = [row.seq for row in batch]
        # Expiry counts from the due time, or from the end of the last pause.
        since = max(job.due_at, job.resumed_at or job.due_at, self.resumed_at.get(rid, job.due_at))
        expired = datetime.now(UTC) > since + timedelta(seconds=self.settings.message_expiry_s)
        async with self.db.unit_of_work() as uow:
            if exc.attempted:
                await uow.conn.execute(
                    text(
                        f"UPDATE {SCHEMA}.messages SET attempts = attempts + 1 "
                        "WHERE reservation_id = :rid AND seq = ANY(:seqs)"
                    ),
                    {"rid": rid, "seqs": seqs},
                )
            exhausted = [
                row.seq
                for row in batch
                if row.attempts + (1 if exc.attempted else 0) >= self.settings.max_attempts
            ]
            give_up: list[int] = seqs if expired else exhausted
            if give_up:
                code = domain.CODE_EXPIRED if expired else domain.CODE_RETRIES_EXHAUSTED
                failed = (
                    await uow.conn.execute(
                        GIVE_UP_SQL,
                        {"rid": rid, "seqs": give_up, "code": code, "reason": str(exc)[:300]},
                    )
                ).all()
                await record_final(uow, job, failed)
            await uow.commit()

    async def release(self, reservation_id: UUID) -> None:
        """Hand the lease back so another replica (or this one) resumes at once."""
        try:
            async with self.db.engine.begin() as conn:
                await conn.execute(
                    update(jobs)
                    .where(
                        jobs.c.reservation_id == reservation_id, jobs.c.lease_owner == self.owner
                    )
                    .values(lease_owner=None, lease_until=None)
                )
        except Exception as exc:
            log.warning("lease_release_failed", reservation_id=str(reservation_id), error=repr(exc))


def _count_submitted(answers: Counter[tuple[str, bool]]) -> None:
    """`answers`: (carrier, accepted) -> messages."""
    for (carrier, accepted), count in answers.items():
        SEND_MESSAGES.labels(carrier, "submitted" if accepted else "rejected").inc(count)


async def _settle(*tasks: asyncio.Task[Any] | None) -> None:
    """Let background steps end before the job stops: each is one short transaction."""
    for task in tasks:
        if task is not None:
            with suppress(Exception):
                await task
