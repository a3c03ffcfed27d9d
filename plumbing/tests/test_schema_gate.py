"""Migrations before code: not ready while the schema is behind, and no dead letter
for an event that met a column the migration has not added yet."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import httpx
from sqlalchemy import MetaData, text

from msgplat.devstack.postgres import drop_database, ensure_database
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.migrations import upgrade
from msgplat.plumbing.runtime import create_service_app
from msgplat.plumbing.schema_gate import OK, SchemaGate, code_heads
from msgplat.plumbing.settings import ServiceSettings
from msgplat.plumbing.tables import plumbing_tables
from msgplat.stat.settings import StatSettings
from msgplat_testsupport.databases import fresh_database_url, postgres_server_url
from msgplat_testsupport.waiting import eventually

from .conftest import Plumbing


def test_the_code_knows_the_revision_it_needs() -> None:
    assert code_heads("stat") == {"0004"}
    assert code_heads("plumbing-test") is None  # no migrations: nothing to wait for


async def test_not_ready_while_the_schema_is_behind_then_ready_once_migrated() -> None:
    url = fresh_database_url(postgres_server_url())
    await ensure_database(url)
    settings = StatSettings(database_url=url, kafka_bootstrap_servers="127.0.0.1:9")
    db = Database(settings, None)  # type: ignore[arg-type]
    try:
        gate = SchemaGate(db.engine, "stat", interval_s=0.05)
        assert not await gate.check()
        assert gate.state.startswith("waiting for revision 0004 of schema stat (database at none)")
        await asyncio.to_thread(upgrade, "stat", url, "0002")
        assert not await gate.check()
        assert "(database at 0002)" in gate.state

        # /health/ready says what it waits for.
        app = create_service_app(
            settings=settings,
            tables=plumbing_tables(MetaData(schema="stat")),
            topics=(),
            title="stat",
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://stat") as client:
            answer = await client.get("/health/ready")
        assert answer.status_code == 503
        assert "waiting for revision 0004" in answer.json()["checks"]["schema"]
        await app.state.runtime.db.dispose()

        waiting = asyncio.create_task(gate.wait())
        await asyncio.sleep(0.2)
        assert not waiting.done(), "waits while the schema is behind"
        await asyncio.to_thread(upgrade, "stat", url)
        await asyncio.wait_for(waiting, timeout=10)
        assert gate.state == OK and gate.current.is_set()

        # A revision this code does not know: the next release's Job ran first. Fine.
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE stat.alembic_version SET version_num = '0099'"))
        assert await SchemaGate(db.engine, "stat").check()
    finally:
        await db.dispose()
        await drop_database(url)


async def test_an_undefined_column_is_retried_until_the_migration_adds_it(
    plumbing: Plumbing,
) -> None:
    """Before the migration: the handler's statement fails with undefined_column. The
    consumer retries (no dead letter); once the column exists the event is applied."""
    group = f"behind-{uuid4().hex[:8]}"
    effects = f'"{plumbing.effects.schema}".effects'

    async def needs_a_new_column(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
        await uow.conn.execute(
            text(
                f"INSERT INTO {effects} (consumer_group, event_id, aggregate_id, chunk_index, "
                "added_by_migration) VALUES (:g, :e, :a, 0, true)"
            ),
            {"g": group, "e": envelope.event_id, "a": envelope.aggregate_id},
        )

    sent = await plumbing.commit_events(uuid4(), range(3))
    relay = await plumbing.relay()
    while await relay.publish_batch():
        pass
    consumer = plumbing.consumer(group, needs_a_new_column)
    plumbing.start(consumer.run(), "consumer")
    await eventually(lambda: _started(consumer), timeout_s=15)
    await asyncio.sleep(1.0)  # it meets the missing column, and retries
    assert consumer.stats.applied == 0
    assert await plumbing.dead_letters(group) == []
    async with plumbing.db.engine.begin() as conn:  # the migration
        await conn.execute(text(f"ALTER TABLE {effects} ADD COLUMN added_by_migration boolean"))

    async def all_applied() -> bool:
        return consumer.stats.applied == len(sent)

    await eventually(all_applied, timeout_s=20)
    assert await plumbing.dead_letters(group) == []
    assert set(await plumbing.effects_per_event(group)) == {e.event_id for e in sent}


async def _started(consumer: object) -> bool:
    return bool(consumer.started.is_set())  # type: ignore[attr-defined]


def test_settings_of_a_service_without_migrations_have_no_gate() -> None:
    settings = ServiceSettings(service_name="plumbing-test", database_url="postgresql://u@h/d")
    gate = SchemaGate(Database(settings, None).engine, "plumbing-test")  # type: ignore[arg-type]
    assert gate.current.is_set() and gate.state == OK
