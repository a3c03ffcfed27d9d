"""The operator's commands on a service's plumbing tables, against a real schema:
`python -m msgplat.plumbing.consumer dead-letters list|replay <id>` and
`python -m msgplat.plumbing.outbox parked list|retry <id>|discard <id>`."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from sqlalchemy import insert, select

from msgplat.plumbing import admin
from msgplat.plumbing.db import Database
from msgplat.stat.models import tables
from msgplat.stat.settings import StatSettings

GOLDEN = Path(__file__).resolve().parents[1] / "contracts" / "tests" / "golden"


@pytest_asyncio.fixture(scope="module")
async def stat_db(database_url: str) -> AsyncIterator[Database]:
    db = Database(StatSettings(database_url=database_url), tables)
    yield db
    await db.dispose()


async def dead_letter(db: Database, value: bytes) -> int:
    d = db.tables.dead_letters
    async with db.engine.begin() as conn:
        row_id = await conn.scalar(
            insert(d)
            .values(
                consumer_group="stat-counters",
                topic="reservation.events",
                partition=0,
                offset=7,
                event_id=None,
                value=value,
                error="RuntimeError('a bug since fixed')",
            )
            .returning(d.c.id)
        )
    return int(row_id)


async def test_a_dead_letter_is_replayed_through_its_groups_handlers_once(
    stat_db: Database,
) -> None:
    rid = uuid.uuid4()
    golden = (GOLDEN / "ReservationRequested" / "v1.json").read_bytes()
    value = golden.replace(b"0b6f4a52-7e1c-4f43-9d2a-5c7d8e9f0a11", str(rid).encode()).replace(
        b"00000000-0000-0000-0000-000000000001", str(uuid.uuid4()).encode()
    )
    row_id = await dead_letter(stat_db, value)
    listed = await admin.list_dead_letters(stat_db.engine, stat_db.tables)
    assert any(line.startswith(f"{row_id}\tstat-counters\t") for line in listed)

    outcome = await admin.replay_dead_letter(stat_db, "stat", row_id)

    assert outcome.ok and "applied" in outcome.message, outcome.message
    d = stat_db.tables.dead_letters
    async with stat_db.engine.connect() as conn:
        assert await conn.scalar(select(d.c.id).where(d.c.id == row_id)) is None
    # Replayed twice (a second row of the same event): the inbox has it, nothing doubles.
    again = await dead_letter(stat_db, value)
    second = await admin.replay_dead_letter(stat_db, "stat", again)
    assert second.ok and "already applied" in second.message
    assert not (await admin.replay_dead_letter(stat_db, "stat", again)).ok


async def test_a_dead_letter_that_fails_again_stays_with_its_new_error(stat_db: Database) -> None:
    row_id = await dead_letter(stat_db, b"not an envelope")
    outcome = await admin.replay_dead_letter(stat_db, "stat", row_id)
    assert not outcome.ok
    d = stat_db.tables.dead_letters
    async with stat_db.engine.connect() as conn:
        error = await conn.scalar(select(d.c.error).where(d.c.id == row_id))
    assert error is not None and "a bug since fixed" not in error


def test_the_commands_run_as_modules(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    for module, command in (
        ("msgplat.plumbing.consumer", "dead-letters"),
        ("msgplat.plumbing.outbox", "parked"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", module, command, "list", "--service", "stat"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "msgplat.plumbing.outbox", "parked", "retry", "999999999"],
        env={**env, "SERVICE_NAME": "stat"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "no parked row 999999999" in missing.stderr
