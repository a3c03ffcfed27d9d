"""What a failover writes, against the real PostgreSQL: the carrier recorded before a
batch goes elsewhere, the answers of a batch split across carriers, and reports from a
carrier the message does not record (ignored)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest_asyncio
from sqlalchemy import insert, select

from msgplat.plumbing.db import Database
from msgplat.send.carrier_client import SubmitResult
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.models import jobs, messages, tables, tallies
from msgplat.send.repository.rows import Job
from msgplat.send.results import apply_reports
from msgplat.send.runner import JobRunner
from msgplat.send.schemas import CarrierReport
from msgplat.send.settings import SendSettings
from msgplat_testsupport.records import outbox_of
from msgplat_testsupport.send_jobs import insert_job

CARRIERS = [
    {"name": "sim", "url": "http://127.0.0.1:1", "apiKey": "k", "callbackToken": "t"},
    {"name": "sim-b", "url": "http://127.0.0.1:2", "apiKey": "kb", "callbackToken": "tb"},
]


@pytest_asyncio.fixture(scope="module")
async def settings(own_database_url: str) -> SendSettings:
    """On a database of this module's own (see conftest): no other scheduler claims its
    jobs, and the sweep's test does not see its messages."""
    return SendSettings(database_url=own_database_url, carriers=CARRIERS)


@pytest_asyncio.fixture(scope="module")
async def db(settings: SendSettings) -> AsyncIterator[Database]:
    database = Database(settings, tables)
    yield database
    await database.dispose()


@pytest_asyncio.fixture()
async def runner(db: Database, settings: SendSettings) -> AsyncIterator[JobRunner]:
    router = CarrierRouter(settings)  # never called here: no carrier listens
    yield JobRunner(db, settings, router)
    await router.close()


async def submitted_job(db: Database, count: int, carrier: str = "sim") -> Job:
    """A sending job whose `count` messages are all claimed (submitted) for `carrier`."""
    rid = uuid.uuid4()
    now = datetime.now(UTC)
    async with db.engine.begin() as conn:
        await insert_job(
            conn,
            rid,
            user_id="failover",
            due_at=now - timedelta(seconds=1),
            status="sending",
            recipient_count=count,
            started_at=now,
        )
        await conn.execute(insert(tallies).values(reservation_id=rid))
        await conn.execute(
            insert(messages),
            [
                {
                    "reservation_id": rid,
                    "seq": seq,
                    "dst_num": f"+8210111{seq:05d}",
                    "status": "submitted",
                    "carrier": carrier,
                    "submitted_at": now,
                }
                for seq in range(count)
            ],
        )
        return Job.from_row(
            (await conn.execute(select(jobs).where(jobs.c.reservation_id == rid))).one()
        )


async def carriers_of(db: Database, rid: uuid.UUID) -> list[tuple[str | None, str]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(messages.c.carrier, messages.c.status)
            .where(messages.c.reservation_id == rid)
            .order_by(messages.c.seq)
        )
        return [(row.carrier, row.status) for row in rows]


async def events_of(db: Database, rid: uuid.UUID) -> list[tuple[str, dict[str, Any]]]:
    return await outbox_of(db, rid)


def rows(count: int) -> list[Any]:
    return [SimpleNamespace(seq=seq, attempts=0) for seq in range(count)]


async def test_the_carrier_a_batch_goes_to_is_recorded_on_those_messages_only(
    db: Database, runner: JobRunner
) -> None:
    job = await submitted_job(db, 4)
    await runner.record_carrier(job, rows(4), "sim-b", [1, 3])
    assert await carriers_of(db, job.reservation_id) == [
        ("sim", "submitted"),
        ("sim-b", "submitted"),
        ("sim", "submitted"),
        ("sim-b", "submitted"),
    ]


async def test_a_batch_split_across_carriers_is_one_submitted_event_per_carrier(
    db: Database, runner: JobRunner
) -> None:
    job = await submitted_job(db, 4)
    await runner.record_carrier(job, rows(4), "sim-b", [1, 2])
    results = [
        SubmitResult(ref="r:0", accepted=True, carrier="sim"),
        SubmitResult(ref="r:1", accepted=True, carrier="sim-b"),
        SubmitResult(ref="r:2", accepted=False, carrier="sim-b", code="1003", reason="route"),
        SubmitResult(ref="r:3", accepted=True, carrier="sim"),
    ]
    await runner.record(job, rows(4), results)

    assert await carriers_of(db, job.reservation_id) == [
        ("sim", "submitted"),
        ("sim-b", "submitted"),
        ("sim-b", "failed"),
        ("sim", "submitted"),
    ]
    events = await events_of(db, job.reservation_id)
    submitted = [payload for kind, payload in events if kind == "MessagesSubmitted"]
    assert [(e["carrier"], e["accepted"], e["first_seq"], e["last_seq"]) for e in submitted] == [
        ("sim", 2, 0, 3),
        ("sim-b", 1, 1, 1),
    ]
    [reported] = [payload for kind, payload in events if kind == "MessageResultsReported"]
    assert [(r["seq"], r["carrier"], r["code"]) for r in reported["results"]] == [
        (2, "sim-b", "1003")
    ]


async def test_a_report_from_a_carrier_the_message_does_not_record_is_refused(
    db: Database,
) -> None:
    job = await submitted_job(db, 2, carrier="sim-b")
    rid = job.reservation_id

    def report(seq: int) -> CarrierReport:
        return CarrierReport.model_validate(
            {
                "messageId": f"m-{seq}",
                "ref": f"{rid}:{seq}",
                "status": "DELIVERED",
                "code": "0000",
                "doneAt": datetime.now(UTC).isoformat(),
            }
        )

    wrong = await apply_reports(db, [report(0), report(1)], carrier="sim")
    assert (wrong.received, wrong.applied, wrong.ignored, wrong.refused) == (2, 0, 0, 2)
    assert await carriers_of(db, rid) == [("sim-b", "submitted")] * 2

    right = await apply_reports(db, [report(0)], carrier="sim-b")
    assert (right.applied, right.ignored) == (1, 0)
    assert await carriers_of(db, rid) == [("sim-b", "delivered"), ("sim-b", "submitted")]
    # The same report again, now from either carrier: the message is final once.
    again = await apply_reports(db, [report(0)], carrier="sim-b")
    late = await apply_reports(db, [report(0)], carrier="sim")
    assert (again.applied, again.ignored, again.refused) == (0, 1, 0)  # a duplicate
    assert (late.applied, late.ignored, late.refused) == (0, 0, 1)  # not its message
