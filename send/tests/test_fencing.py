"""Lease fencing against the real PostgreSQL: a runner whose lease was taken over writes
nothing and submits nothing more, the cursor only moves forward, what may be at a
carrier is never handed over again, and a cancel racing a dead runner still ends every
message."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import insert, select, update

from msgplat.contracts.events import ReservationCancelled
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.send import reactions, repository
from msgplat.send.carrier_client import CarrierUnavailable, OutgoingMessage, SubmitResult
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.domain import LeaseLost, make_ref
from msgplat.send.models import jobs, messages, tallies
from msgplat.send.repository.rows import Job
from msgplat.send.runner import JobRunner
from msgplat.send.scheduler import fail_unreported, finish_abandoned_cancels
from msgplat.send.settings import SendSettings
from msgplat_testsupport.carrier import SEND_CREDENTIALS
from msgplat_testsupport.send_jobs import insert_job


class FakeRouter(CarrierRouter):
    """Accepts every message after `delay_s`, noting each ref handed over; `on_submit`
    runs as a batch reaches it (to take the lease over meanwhile)."""

    def __init__(self, settings: SendSettings, *, delay_s: float = 0.0) -> None:
        super().__init__(settings)
        self.delay_s = delay_s
        self.handed: list[str] = []
        self.on_submit: Any = None

    async def submit(self, batch: list[OutgoingMessage], *args: Any, **kwargs: Any) -> Any:
        self.handed += [m.ref for m in batch]
        if self.on_submit is not None:
            await self.on_submit()
        await asyncio.sleep(self.delay_s)
        return [SubmitResult(m.ref, True, "carrier", f"id-{m.ref}") for m in batch]


@pytest.fixture
def settings(db: Database) -> SendSettings:
    """Batches of two, a lease of a second."""
    return SendSettings(
        database_url=db.settings.database_url, carrier_batch_size=2, lease_s=1, **SEND_CREDENTIALS
    )


@pytest_asyncio.fixture
async def router(settings: SendSettings) -> AsyncIterator[FakeRouter]:
    """A carrier that takes every message at once."""
    router = FakeRouter(settings)
    yield router
    await router.close()


@pytest.fixture
def runner(db: Database, settings: SendSettings, router: FakeRouter) -> JobRunner:
    return JobRunner(db, settings, router)


async def new_job(db: Database, count: int) -> uuid.UUID:
    rid = uuid.uuid4()
    async with db.engine.begin() as conn:
        await insert_job(
            conn,
            rid,
            user_id=f"u-{uuid.uuid4().hex[:8]}",
            title="title",
            content="hello",
            # not due: only `claim` below makes it due
            due_at=datetime.now(UTC) + timedelta(days=1),
            status="scheduled",
            recipient_count=count,
        )
        await conn.execute(insert(tallies).values(reservation_id=rid))
        await conn.execute(
            insert(messages),
            [
                {"reservation_id": rid, "seq": i, "dst_num": f"+8210555{i:05d}"}
                for i in range(count)
            ],
        )
    return rid


async def claim(db: Database, rid: uuid.UUID, owner: str) -> Job:
    """What a replica's scheduler does once the lease has expired: a claim, a new epoch."""
    async with db.engine.begin() as conn:
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == rid)
            .values(due_at=datetime.now(UTC) - timedelta(days=3650), lease_until=None)
        )
        claimed = await repository.leases.claim_due(
            conn,
            owner=owner,
            lease_s=60,
            running=[],
            limit=1000,
            purposes=[],
            of_purposes=False,  # every job: of none of no purposes
        )
        # hand the others back as they were (another test's)
        others = [j.reservation_id for j in claimed if j.reservation_id != rid]
        if others:
            await conn.execute(
                update(jobs)
                .where(jobs.c.reservation_id.in_(others))
                .values(lease_owner=None, lease_until=None)
            )
    [job] = [j for j in claimed if j.reservation_id == rid]
    return job


async def job_row(db: Database, rid: uuid.UUID) -> Any:
    async with db.engine.connect() as conn:
        return (await conn.execute(select(jobs).where(jobs.c.reservation_id == rid))).one()


async def statuses(db: Database, rid: uuid.UUID) -> list[str]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(messages.c.status)
            .where(messages.c.reservation_id == rid)
            .order_by(messages.c.seq)
        )
        return [row.status for row in rows]


def refs(rid: uuid.UUID, seqs: Sequence[int]) -> list[str]:
    return [make_ref(rid, seq) for seq in seqs]


async def runner_holding_the_lease(
    db: Database, settings: SendSettings, router: CarrierRouter, rid: uuid.UUID, owner: str
) -> tuple[JobRunner, Job]:
    """A runner named `owner` that has claimed the job (as its scheduler would), and the job."""
    runner = JobRunner(db, settings, router)
    runner.owner = owner
    return runner, await claim(db, rid, owner)


async def die_holding_the_lease(
    db: Database, settings: SendSettings, router: CarrierRouter, rid: uuid.UUID
) -> Job:
    """A runner ("dead") hands batch 0-1 over and claims 2-3 ahead, then dies with the
    lease: 0-1 may be at the carrier, 2-3 never left. Its job."""
    dead, job = await runner_holding_the_lease(db, settings, router, rid, "dead")
    first = await dead.claim(job, from_seq=None)
    assert first is not None
    assert await dead.hand(job, first)
    assert await dead.claim(job, from_seq=2) is not None
    return job


def take_over_at_first_submit(db: Database, router: FakeRouter, rid: uuid.UUID) -> None:
    """Another replica ("other") claims the job as its first batch reaches the carrier."""

    async def taken_over() -> None:
        router.on_submit = None
        await claim(db, rid, "other")

    router.on_submit = taken_over


async def cancel(db: Database, job: Job) -> None:
    """The reservation is cancelled: send's reaction to its ReservationCancelled."""
    envelope = EventEnvelope.model_construct(user_id=job.user_id)
    async with db.unit_of_work() as uow:
        await reactions.on_reservation_cancelled(
            uow, envelope, ReservationCancelled.model_construct(reservation_id=job.reservation_id)
        )
        await uow.commit()


async def test_each_claim_moves_the_epoch(db: Database) -> None:
    rid = await new_job(db, 2)
    first = await claim(db, rid, "a")
    second = await claim(db, rid, "b")
    assert second.epoch == first.epoch + 1


async def test_a_runner_whose_lease_was_taken_writes_nothing_and_submits_nothing(
    db: Database, settings: SendSettings, router: FakeRouter
) -> None:
    rid = await new_job(db, 4)
    stale, job = await runner_holding_the_lease(db, settings, router, rid, "stale")
    batch = await stale.claim(job, from_seq=None)
    assert batch is not None and [m.seq for m in batch] == [0, 1]
    assert await stale.hand(job, batch)
    results = [SubmitResult(r, True, "carrier", "x") for r in refs(rid, [0, 1])]

    await claim(db, rid, "new")  # the stale runner's lease expired and was taken over
    with pytest.raises(LeaseLost):
        await stale.hand(job, batch)
    with pytest.raises(LeaseLost):
        await stale.record(job, batch, results)
    row = await job_row(db, rid)
    # the new claim moved the cursor past what may be at the carrier (0, 1)
    assert (row.lease_owner, row.next_seq, row.handed_seq) == ("new", 2, 1)
    await stale.release(job)
    assert (await job_row(db, rid)).lease_owner == "new"


async def test_the_cursor_only_moves_forward(db: Database) -> None:
    rid = await new_job(db, 4)
    job = await claim(db, rid, "a")
    async with db.engine.begin() as conn:
        await repository.leases.advance(conn, rid, 4, epoch=job.epoch)
        await repository.leases.advance(conn, rid, 2, epoch=job.epoch)
    assert (await job_row(db, rid)).next_seq == 4


async def test_what_may_be_at_the_carrier_is_never_handed_over_again(
    db: Database, settings: SendSettings, router: FakeRouter, runner: JobRunner
) -> None:
    """A runner dies after handing batch 0-1 over and claiming 2-3: the next runner sends
    2-3 only, and 0-1 wait for their reports (else the sweep)."""
    rid = await new_job(db, 4)
    dead_router = FakeRouter(settings)
    await die_holding_the_lease(db, settings, dead_router, rid)

    job = await claim(db, rid, runner.owner)
    await asyncio.wait_for(runner.send(job), timeout=30)
    assert router.handed == refs(rid, [2, 3])
    row = await job_row(db, rid)
    assert (row.status, row.next_seq, row.lease_owner) == ("submitted", 4, None)
    await dead_router.close()


async def test_a_stale_runner_stops_before_the_carrier_and_the_job_ends(
    db: Database, router: FakeRouter, runner: JobRunner
) -> None:
    """Another replica takes the job while the first batch is at the carrier: the first
    runner records nothing, hands no further batch over, and its send ends."""
    rid = await new_job(db, 6)
    job = await claim(db, rid, runner.owner)
    take_over_at_first_submit(db, router, rid)
    await asyncio.wait_for(runner.send(job), timeout=30)
    assert router.handed == refs(rid, [0, 1])
    row = await job_row(db, rid)
    assert (row.lease_owner, row.next_seq) == ("other", 2)


async def test_a_submit_longer_than_the_lease_is_stopped_by_the_renewal(
    db: Database, settings: SendSettings
) -> None:
    """The background renewal (every lease / 3) finds the lease taken and stops the job
    while its batch is still at the carrier."""
    rid = await new_job(db, 4)
    router = FakeRouter(settings, delay_s=20)
    runner = JobRunner(db, settings, router)
    job = await claim(db, rid, runner.owner)
    take_over_at_first_submit(db, router, rid)
    started = time.monotonic()
    await asyncio.wait_for(runner.send(job), timeout=15)
    assert time.monotonic() - started < 10
    assert router.handed == refs(rid, [0, 1])
    assert (await job_row(db, rid)).next_seq == 2  # the new owner's claim, not the runner
    await router.close()


async def test_a_cancel_while_a_dead_runner_holds_the_lease_still_ends_every_message(
    db: Database, settings: SendSettings, router: FakeRouter
) -> None:
    rid = await new_job(db, 6)
    job = await die_holding_the_lease(db, settings, router, rid)  # 4-5 pending

    await cancel(db, job)
    assert await statuses(db, rid) == ["submitted"] * 4 + ["cancelled"] * 2

    assert await finish_abandoned_cancels(db) == 0  # the lease is still live
    async with db.engine.begin() as conn:
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == rid)
            .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert await finish_abandoned_cancels(db) >= 1
    assert await statuses(db, rid) == ["submitted"] * 2 + ["cancelled"] * 4
    # 0-1 wait for their reports; none comes: the sweep fails them, and all are final
    await fail_unreported(db, timeout_s=0)
    assert await statuses(db, rid) == ["failed"] * 2 + ["cancelled"] * 4
    row = await job_row(db, rid)
    assert (row.status, row.lease_owner) == ("cancelled", None)


class RefusingRouter(FakeRouter):
    """Takes the first batch, then refuses every later one (a 429: `in_doubt` False, or a
    timeout: True), after `on_refusal` has run (which cancels the job meanwhile)."""

    def __init__(self, settings: SendSettings, *, in_doubt: bool) -> None:
        super().__init__(settings)
        self.in_doubt = in_doubt
        self.on_refusal: Any = None

    async def submit(self, batch: list[OutgoingMessage], *args: Any, **kwargs: Any) -> Any:
        if not self.handed:
            return await super().submit(batch, *args, **kwargs)
        if self.on_refusal is not None:
            await self.on_refusal()
        raise CarrierUnavailable(
            "carrier sim: answered 429", retry_after_s=0.1, attempted=True, in_doubt=self.in_doubt
        )


@pytest.mark.parametrize(("in_doubt", "second_batch"), [(False, "cancelled"), (True, "submitted")])
async def test_a_cancel_while_a_refused_batch_waits_for_its_retry(
    db: Database, settings: SendSettings, in_doubt: bool, second_batch: str
) -> None:
    """Batch 0-1 is taken, batch 2-3 refused, and the job is cancelled before the retry.
    A refusal (429) means 2-3 never reached a carrier: they are cancelled, and every
    message ends (the tests' shared stack once kept 1,000 `submitted` for good). After a
    timeout (in doubt) they may be at the carrier: they wait for a report, or the sweep."""
    rid = await new_job(db, 6)
    router = RefusingRouter(settings, in_doubt=in_doubt)
    runner = JobRunner(db, settings, router)
    router.on_refusal = lambda: cancel(db, job)
    # Due now (the claim above dates it years back: its messages would be expired).
    job = dataclasses.replace(await claim(db, rid, runner.owner), due_at=datetime.now(UTC))
    await asyncio.wait_for(runner.send(job), timeout=30)
    assert router.handed == refs(rid, [0, 1])
    assert await statuses(db, rid) == ["submitted"] * 2 + [second_batch] * 2 + ["cancelled"] * 2
    if in_doubt:  # no report comes for 2-3 either: the sweep fails them all
        await fail_unreported(db, timeout_s=0)
        assert await statuses(db, rid) == ["failed"] * 4 + ["cancelled"] * 2
    await router.close()
