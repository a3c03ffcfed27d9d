"""The job runner and the scheduler against the real PostgreSQL (and, for the
advertising hours, the carrier simulator): opt-out lists, sending windows, pauses,
personalised messages."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import insert, select, update

from msgplat.contracts.events import ReservationRecipientsAdded
from msgplat.devstack.services import ServiceProcess
from msgplat.plumbing.caller import INTERNAL
from msgplat.plumbing.consumer import Polled
from msgplat.plumbing.db import Database
from msgplat.send import batches, commands, queries, reactions, repository
from msgplat.send.carrier_client import CarrierUnavailable
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.models import jobs, messages, optouts, tallies
from msgplat.send.repository.rows import Job
from msgplat.send.runner import JobRunner
from msgplat.send.scheduler import Scheduler
from msgplat.send.schemas import SendingWindowsInput
from msgplat.send.settings import SendSettings
from msgplat_testsupport.carrier import SEND_CREDENTIALS, SIMULATOR_CREDENTIALS, running_carrier
from msgplat_testsupport.records import outbox_of
from msgplat_testsupport.send_jobs import insert_job
from msgplat_testsupport.waiting import eventually

SEOUL = ZoneInfo("Asia/Seoul")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest_asyncio.fixture
async def runner(db: Database) -> AsyncIterator[JobRunner]:
    """A runner whose claims are driven by the test (no carrier is called), advertising
    allowed all day."""
    settings = SendSettings(
        **SEND_CREDENTIALS,
        database_url=db.settings.database_url,
        carrier_batch_size=2,
        ad_sending_hours="00:00-24:00",
    )
    router = CarrierRouter(settings)
    runner = JobRunner(db, settings, router)
    yield runner
    await router.close()
    async with db.engine.begin() as conn:  # no other runner is to take its jobs on
        await conn.execute(
            update(jobs).where(jobs.c.lease_owner == runner.owner).values(status="cancelled")
        )


def numbers(count: int) -> list[str]:
    prefix = uuid.uuid4().int % 4000 + 6000  # 0106..0109: 01059[7-9] is no number
    return [f"+8210{prefix}{i:04d}" for i in range(count)]


async def new_job(
    db: Database,
    dst: list[str],
    *,
    purpose: str = "normal",
    user: str | None = None,
    owner: str | None = None,
    due_at: datetime | None = None,
) -> Job:
    """A job due now (or at `due_at`) with its messages, leased to `owner` when given."""
    rid = uuid.uuid4()
    async with db.engine.begin() as conn:
        await insert_job(
            conn,
            rid,
            user_id=user or f"u-{uuid.uuid4().hex[:8]}",
            title="title",
            content="(광고) sale 무료거부 080-123-4567",
            due_at=due_at or datetime.now(UTC),
            status="scheduled",
            recipient_count=len(dst),
            purpose=purpose,
            lease_owner=owner,
            lease_until=datetime.now(UTC) + timedelta(minutes=5) if owner else None,
        )
        await conn.execute(insert(tallies).values(reservation_id=rid))
        if dst:
            await conn.execute(
                insert(messages),
                [{"reservation_id": rid, "seq": i, "dst_num": n} for i, n in enumerate(dst)],
            )
    return Job.from_row(await load(db, rid))


async def load(db: Database, rid: uuid.UUID) -> Any:
    async with db.engine.connect() as conn:
        return (await conn.execute(select(jobs).where(jobs.c.reservation_id == rid))).one()


async def statuses(db: Database, rid: uuid.UUID) -> list[tuple[Any, ...]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(messages.c.seq, messages.c.status, messages.c.result_code, messages.c.carrier)
            .where(messages.c.reservation_id == rid)
            .order_by(messages.c.seq)
        )
        return [tuple(row) for row in rows]


async def events(db: Database, rid: uuid.UUID) -> list[tuple[str, dict[str, Any]]]:
    return await outbox_of(db, rid)


async def claimable(db: Database, rid: uuid.UUID) -> bool:
    """Would a scheduler claim the job now? (The claim is rolled back.)"""
    async with db.engine.connect() as conn:
        transaction = await conn.begin()
        claimed = await repository.leases.claim_due(
            conn,
            owner="probe",
            lease_s=1,
            running=[],
            limit=1000,
            purposes=[],
            of_purposes=False,  # every purpose
        )
        found = rid in {job.reservation_id for job in claimed}
        await transaction.rollback()
    return found


async def list_numbers(db: Database, user: str, listed: list[str]) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(insert(optouts), [{"user_id": user, "number": n} for n in listed])


async def test_an_advertising_batch_skips_opted_out_numbers_and_records_them(
    db: Database, runner: JobRunner
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    dst = numbers(6)
    await list_numbers(db, user, [dst[0], dst[1], dst[4]])
    await list_numbers(db, "someone-else", [dst[2]])  # another customer's list: no effect
    job = await new_job(db, dst, purpose="advertising", user=user, owner=runner.owner)

    # Batches of 2: the first is all opted out, so the claim goes on to the next.
    batch = await runner.claim(job, from_seq=None)
    assert batch is not None
    assert [row.seq for row in batch] == [2, 3]
    assert [m.to for m in batches.outgoing(job, batch)] == [dst[2], dst[3]]
    batch = await runner.claim(job, from_seq=4)
    assert batch is not None
    assert [row.seq for row in batch] == [5]

    assert await statuses(db, job.reservation_id) == [
        (0, "opted_out", "OPTED_OUT", None),
        (1, "opted_out", "OPTED_OUT", None),
        (2, "submitted", None, "sim"),
        (3, "submitted", None, "sim"),
        (4, "opted_out", "OPTED_OUT", None),
        (5, "submitted", None, "sim"),
    ]
    emitted = await events(db, job.reservation_id)
    assert [name for name, _ in emitted] == [
        "SendingStarted",
        "MessageResultsReported",
        "MessageResultsReported",
    ]
    results = [r for _, payload in emitted[1:] for r in payload["results"]]
    assert [(r["seq"], r["status"], r["code"], r["msg_type"]) for r in results] == [
        (0, "opted_out", "OPTED_OUT", "SMS"),
        (1, "opted_out", "OPTED_OUT", "SMS"),
        (4, "opted_out", "OPTED_OUT", "SMS"),
    ]
    assert "opt-out list" in results[0]["reason"]
    async with db.engine.connect() as conn:
        tally = (
            await conn.execute(
                select(tallies).where(tallies.c.reservation_id == job.reservation_id)
            )
        ).one()
    assert (tally.opted_out, tally.finished_at) == (3, None)


async def test_a_normal_job_is_sent_to_listed_numbers(db: Database, runner: JobRunner) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    dst = numbers(2)
    await list_numbers(db, user, dst)
    job = await new_job(db, dst, purpose="normal", user=user, owner=runner.owner)
    batch = await runner.claim(job, from_seq=None)
    assert batch is not None
    assert [row.seq for row in batch] == [0, 1]


async def test_a_job_whose_every_number_opted_out_finishes_completed(
    db: Database, runner: JobRunner
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    dst = numbers(3)
    await list_numbers(db, user, dst)
    job = await new_job(db, dst, purpose="advertising", user=user, owner=runner.owner)
    assert await runner.claim(job, from_seq=None) is None
    emitted = await events(db, job.reservation_id)
    assert [name for name, _ in emitted] == [
        "SendingStarted",
        "MessageResultsReported",
        "MessageResultsReported",
        "SendingFinished",
    ]
    finished = emitted[-1][1]
    assert (finished["outcome"], finished["opted_out"], finished["delivered"]) == (
        "completed",
        3,
        0,
    )
    assert (await load(db, job.reservation_id)).status == "finished"


def windows_input(
    start: str = "00:00", end: str = "24:00", purposes: tuple[str, ...] = ("normal", "advertising")
) -> SendingWindowsInput:
    return SendingWindowsInput.model_validate(
        {
            "timeZone": "Asia/Seoul",
            "windows": [{"days": list(DAYS), "start": start, "end": end}],
            "purposes": list(purposes),
        }
    )


def closed_now(**purposes: Any) -> tuple[SendingWindowsInput, datetime]:
    """Daily windows that open in two hours (and that moment)."""
    opens = datetime.now(SEOUL).replace(microsecond=0) + timedelta(hours=2)
    closes = opens + timedelta(hours=1)
    return windows_input(f"{opens:%H:%M:%S}", f"{closes:%H:%M:%S}", **purposes), opens


async def test_outside_its_windows_a_job_pauses_before_starting_and_resumes_on_a_change(
    db: Database, runner: JobRunner
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    later, opening = closed_now()
    await commands.put_sending_windows(db, user_id=user, body=later)
    job = await new_job(db, numbers(3), user=user, owner=runner.owner)

    assert await runner.claim(job, from_seq=None) is None
    paused = await load(db, job.reservation_id)
    assert (paused.pause_rule, paused.paused_until, paused.lease_owner) == (
        "sending_windows",
        opening,
        None,
    )
    assert paused.started_at is None
    assert [name for name, _ in await events(db, job.reservation_id)] == ["SendingPaused"]
    payload = (await events(db, job.reservation_id))[0][1]
    assert payload["rule"] == "sending_windows"
    assert datetime.fromisoformat(payload["paused_until"]) == opening
    assert not await claimable(db, job.reservation_id)
    summary = await queries.summarise(db, INTERNAL, reservation_id=job.reservation_id)
    assert (summary.pause_rule, summary.paused_until) == ("sending_windows", opening)

    # The customer opens the whole day: the paused job is due again and goes on.
    await commands.put_sending_windows(db, user_id=user, body=windows_input())
    assert await claimable(db, job.reservation_id)
    await lease(db, job.reservation_id, runner.owner)
    batch = await runner.claim(job, from_seq=None)
    assert batch is not None and [row.seq for row in batch] == [0, 1]
    resumed = await load(db, job.reservation_id)
    assert (resumed.pause_rule, resumed.paused_until, resumed.status) == (None, None, "sending")
    assert [name for name, _ in await events(db, job.reservation_id)] == [
        "SendingPaused",
        "SendingResumed",
        "SendingStarted",
    ]


async def test_a_send_resumed_after_a_long_pause_does_not_expire_at_its_first_outage(
    db: Database, runner: JobRunner
) -> None:
    """Expiry counts from the end of the pause: a job due two hours ago that was paused
    until now keeps its messages through a carrier outage; one never paused fails P001."""
    user = f"u-{uuid.uuid4().hex[:8]}"
    later, _ = closed_now()
    await commands.put_sending_windows(db, user_id=user, body=later)
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    paused_job = await new_job(db, numbers(2), user=user, owner=runner.owner, due_at=long_ago)
    plain_job = await new_job(db, numbers(2), owner=runner.owner, due_at=long_ago)
    assert await runner.claim(paused_job, from_seq=None) is None  # paused
    await commands.put_sending_windows(db, user_id=user, body=windows_input())  # opens: resume
    await lease(db, paused_job.reservation_id, runner.owner)
    outage = CarrierUnavailable("carrier sim: answered 503", retry_after_s=1, attempted=True)
    short_expiry = SendSettings(
        **SEND_CREDENTIALS,
        database_url=db.settings.database_url,
        carrier_batch_size=2,
        ad_sending_hours="00:00-24:00",
        message_expiry_s=600,
    )
    runner.settings = short_expiry
    for job in (paused_job, plain_job):
        batch = await runner.claim(job, from_seq=None)
        assert batch is not None
        await runner.record_unavailable(job, batch, outage)

    assert [row[1:3] for row in await statuses(db, paused_job.reservation_id)] == [
        ("submitted", None),
        ("submitted", None),
    ]
    assert [row[1:3] for row in await statuses(db, plain_job.reservation_id)] == [
        ("failed", "P001"),
        ("failed", "P001"),
    ]


async def test_a_message_no_carrier_takes_fails_p002_once_its_attempts_are_spent(
    db: Database, runner: JobRunner
) -> None:
    """Each call that reached no carrier spends one attempt; at MAX_ATTEMPTS the message
    fails P002 (and is final: charged nothing). A batch not even tried (every circuit
    open) spends none."""
    job = await new_job(db, numbers(2), owner=runner.owner)
    rid = job.reservation_id
    runner.settings = runner.settings.model_copy(update={"max_attempts": 2})
    down = CarrierUnavailable("carrier sim: answered 503", retry_after_s=1, attempted=True)
    not_tried = CarrierUnavailable("carrier sim: circuit open", retry_after_s=1, attempted=False)

    for outage, left in ((down, ("submitted", None)), (not_tried, ("submitted", None))):
        batch = await runner.claim(job, from_seq=None)
        assert batch is not None
        await runner.record_unavailable(job, batch, outage)
        assert [row[1:3] for row in await statuses(db, rid)] == [left, left]
    batch = await runner.claim(job, from_seq=None)
    assert batch is not None and [row.attempts for row in batch] == [1, 1]
    await runner.record_unavailable(job, batch, down)
    assert [row[1:3] for row in await statuses(db, rid)] == [("failed", "P002")] * 2
    assert await runner.claim(job, from_seq=None) is None  # nothing left to send


async def test_a_job_paused_by_windows_that_are_removed_goes_on_at_once(
    db: Database, runner: JobRunner
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    await commands.put_sending_windows(db, user_id=user, body=closed_now()[0])
    job = await new_job(db, numbers(1), user=user, owner=runner.owner)
    assert await runner.claim(job, from_seq=None) is None
    assert not await claimable(db, job.reservation_id)
    await commands.remove_sending_windows(db, user_id=user)
    assert await claimable(db, job.reservation_id)


async def test_windows_for_other_purposes_and_authentication_never_pause(
    db: Database, runner: JobRunner
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    await commands.put_sending_windows(
        db, user_id=user, body=closed_now(purposes=("advertising",))[0]
    )
    for purpose in ("normal", "authentication"):
        job = await new_job(db, numbers(1), purpose=purpose, user=user, owner=runner.owner)
        assert await runner.claim(job, from_seq=None) is not None, purpose


async def lease(db: Database, rid: uuid.UUID, owner: str) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == rid)
            .values(lease_owner=owner, lease_until=datetime.now(UTC) + timedelta(minutes=5))
        )


async def test_personalised_chunks_keep_each_messages_text_and_type(
    db: Database, runner: JobRunner
) -> None:
    job = await new_job(db, [], owner=runner.owner)
    dst = numbers(2)
    chunk = ReservationRecipientsAdded(
        reservation_id=job.reservation_id,
        chunk_index=0,
        chunk_count=1,
        first_seq=0,
        dst_nums=dst,
        texts=["hello Kim", "hello Lee, " + "x" * 100],
        msg_types=["SMS", "LMS"],
    )
    async with db.unit_of_work() as uow:
        await reactions.on_reservations_arriving(uow, [Polled(None, chunk, None)])  # type: ignore[arg-type]
        await uow.commit()
    async with db.engine.begin() as conn:
        await conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == job.reservation_id)
            .values(recipient_count=2)
        )
    batch = await runner.claim(job, from_seq=None)
    assert batch is not None
    sent = batches.outgoing(job, batch)
    assert [(m.to, m.text, m.type, m.subject) for m in sent] == [
        (dst[0], "hello Kim", "SMS", None),
        (dst[1], "hello Lee, " + "x" * 100, "LMS", "title"),
    ]
    listed, _ = await queries.search_messages(
        db, queries.MessageSearch(reservation_id=job.reservation_id), page=1, size=10
    )
    assert [(m.msg_type, m.text) for m in listed] == [
        ("SMS", "hello Kim"),
        ("LMS", "hello Lee, " + "x" * 100),
    ]


# -- the advertising hours end while a send is under way -------------------------------


@pytest.fixture(scope="module")
def slow_carrier() -> Iterator[ServiceProcess]:
    env = {
        "CARRIER_LATENCY_MS": "600",
        "CARRIER_REPORT_DELAY_MS": "3600000",
        **SIMULATOR_CREDENTIALS,
    }
    with running_carrier(env, Path("test-artifacts") / "logs") as process:
        yield process


class TimedRouter(CarrierRouter):
    """The real router, noting when each batch was handed over."""

    def __init__(self, settings: SendSettings) -> None:
        super().__init__(settings)
        self.handed: list[tuple[datetime, str]] = []

    async def submit(self, batch: Any, *args: Any, **kwargs: Any) -> Any:
        self.handed += [(datetime.now(UTC), m.ref) for m in batch]
        return await super().submit(batch, *args, **kwargs)


async def test_at_the_end_of_the_advertising_hours_the_send_pauses_until_they_open_again(
    db: Database, slow_carrier: ServiceProcess
) -> None:
    now = datetime.now(SEOUL).replace(microsecond=0)
    opens, closes = now - timedelta(hours=1), now + timedelta(seconds=3)
    settings = SendSettings(
        **SEND_CREDENTIALS,
        database_url=db.settings.database_url,
        carrier_url=slow_carrier.url,
        report_callback_url="http://127.0.0.1:9/carrier/reports",
        carrier_batch_size=5,
        scheduler_interval_s=0.05,
        ad_sending_hours=f"{opens:%H:%M:%S}-{closes:%H:%M:%S}",
        ad_sending_timezone="Asia/Seoul",
    )
    job = await new_job(db, numbers(60), purpose="advertising")  # 12 batches, 0.6 s each
    router = TimedRouter(settings)
    scheduler = Scheduler(db, settings, router)
    running = asyncio.create_task(scheduler.run())
    try:
        paused = await eventually(
            lambda: _paused(db, job.reservation_id), timeout_s=20, interval_s=0.05
        )
    finally:
        scheduler.stopping.set()
        await running
        await router.close()

    next_opening = datetime.combine(closes.date(), opens.time(), SEOUL)
    if next_opening <= closes:
        next_opening += timedelta(days=1)
    assert paused.pause_rule == "advertising_hours"
    assert paused.paused_until == next_opening
    assert paused.lease_owner is None
    assert not await claimable(db, job.reservation_id)

    # Every batch went to the carrier before the hours closed, and none after.
    mine = [(at, ref) for at, ref in router.handed if ref.startswith(str(job.reservation_id))]
    assert mine and all(at < closes for at, _ in mine)
    async with httpx.AsyncClient(base_url=slow_carrier.url) as carrier:
        received = (
            await carrier.get(
                "/admin/received", params={"refPrefix": str(job.reservation_id), "limit": 100}
            )
        ).json()["items"]
    handed_over = len(mine)
    assert 0 < len(received) == handed_over < 60
    assert sorted(int(item["ref"].rsplit(":", 1)[1]) for item in received) == list(
        range(handed_over)
    )
    assert paused.next_seq == handed_over  # the rest waits, pending or unconfirmed
    rest = [s for s in await statuses(db, job.reservation_id) if s[0] >= handed_over]
    assert {status for _, status, _, _ in rest} <= {"pending", "submitted"}

    emitted = await events(db, job.reservation_id)
    pauses = [payload for name, payload in emitted if name == "SendingPaused"]
    assert len(pauses) == 1
    assert pauses[0]["rule"] == "advertising_hours"
    assert datetime.fromisoformat(pauses[0]["paused_until"]) == next_opening
    assert "SendingFinished" not in [name for name, _ in emitted]


async def _paused(db: Database, rid: uuid.UUID) -> Any:
    job = await load(db, rid)
    return job if job.pause_rule is not None else None
