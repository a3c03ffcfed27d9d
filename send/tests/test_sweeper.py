"""A message whose delivery report never comes is failed (P003), so its reservation
finishes and its credit is released: against the real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import insert, select

from msgplat.plumbing.db import Database
from msgplat.send.models import messages, tallies
from msgplat.send.scheduler import fail_unreported
from msgplat_testsupport.send_jobs import insert_job


async def test_unreported_messages_fail_and_the_job_finishes(db: Database) -> None:
    rid = uuid.uuid4()
    now = datetime.now(UTC)
    long_ago = now - timedelta(hours=2)
    async with db.engine.begin() as conn:
        await insert_job(
            conn,
            rid,
            user_id="sweep",
            due_at=long_ago,
            status="submitted",
            recipient_count=3,
            next_seq=3,
            started_at=long_ago,
        )
        await conn.execute(insert(tallies).values(reservation_id=rid, delivered=1))
        await conn.execute(
            insert(messages),
            [
                {"reservation_id": rid, "seq": 0, "dst_num": "+821011110001",
                 "status": "delivered", "submitted_at": long_ago, "final_at": long_ago},
                {"reservation_id": rid, "seq": 1, "dst_num": "+821011110002",
                 "status": "submitted", "submitted_at": long_ago, "final_at": None},
                # still within the timeout:
                {"reservation_id": rid, "seq": 2, "dst_num": "+821011110003",
                 "status": "submitted", "submitted_at": now, "final_at": None},
            ],
        )  # fmt: skip

    assert await fail_unreported(db, timeout_s=3600) == 1
    assert await fail_unreported(db, timeout_s=3600) == 0  # each message is taken once
    assert await fail_unreported(db, timeout_s=0.001) == 1  # now the recent one too

    async with db.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(messages.c.seq, messages.c.status, messages.c.result_code)
                .where(messages.c.reservation_id == rid)
                .order_by(messages.c.seq)
            )
        ).all()
        tally = (await conn.execute(select(tallies).where(tallies.c.reservation_id == rid))).one()
        outbox = db.tables.outbox
        events = (
            await conn.execute(
                select(outbox.c.event_type, outbox.c.value)
                .where(outbox.c.key == str(rid))
                .order_by(outbox.c.id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (0, "delivered", None),
        (1, "failed", "P003"),
        (2, "failed", "P003"),
    ]
    assert (tally.delivered, tally.failed, tally.finished_at is not None) == (1, 2, True)
    assert [e.event_type for e in events] == [
        "MessageResultsReported",
        "MessageResultsReported",
        "SendingFinished",
    ]
    finished = orjson.loads(events[-1].value)["payload"]
    assert (finished["outcome"], finished["delivered"], finished["failed"]) == (
        "partially_failed",
        1,
        2,
    )
