"""Rebuilding the views from the topics gives the same views, and sends nothing.

A new broker and a new database of its own: a rebuild truncates every view, which
would take the shared stack's views with it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.devstack.postgres import drop_database, ensure_database
from msgplat.monitoring import queries
from msgplat.monitoring.consumers import PROJECTION_GROUP
from msgplat.monitoring.models import reservation_views, tables, webhook_deliveries, webhooks
from msgplat.monitoring.reactions.projection import projection_reactions
from msgplat.monitoring.rebuild import rebuild
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import Event
from msgplat.plumbing.kafka import ensure_topics, make_producer
from msgplat.plumbing.migrations import upgrade
from msgplat_testsupport.brokers import BrokerHandle, running_broker
from msgplat_testsupport.databases import fresh_database_url, postgres_server_url
from msgplat_testsupport.events import (
    AdvertisingStory,
    Story,
    cancelled,
    envelope,
    paused,
    refused,
    rejected,
    requested,
    resumed,
)
from msgplat_testsupport.waiting import eventually

USER = "u-rebuild"


@pytest.fixture(scope="module")
def own_broker() -> Iterator[BrokerHandle]:
    with running_broker() as handle:
        yield handle


@pytest_asyncio.fixture(scope="module")
async def settings(own_broker: BrokerHandle) -> AsyncIterator[MonitoringSettings]:
    url = fresh_database_url(postgres_server_url())
    await ensure_database(url)
    await asyncio.to_thread(upgrade, "monitoring", url)
    yield MonitoringSettings(
        database_url=url,
        kafka_bootstrap_servers=own_broker.bootstrap_servers,
        kafka_topic_partitions=3,
        kafka_session_timeout_ms=6000,
    )
    await drop_database(url)


def stories() -> tuple[list[Event], uuid.UUID]:
    """Several reservations, every event type among them."""
    events: list[Event] = []
    for _ in range(3):
        events += Story(uuid.uuid4()).in_order()
    events += AdvertisingStory(uuid.uuid4()).in_order()
    gone, refused_one, on_hold = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    events += [requested(gone), cancelled(gone)]
    events += [requested(refused_one), refused(refused_one), rejected(refused_one)]
    # Still paused when rebuilt: a newer pause than the resume that follows it.
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    events += [
        requested(on_hold, purpose="advertising"),
        paused(on_hold, start + timedelta(hours=2), until=start + timedelta(hours=5)),
        resumed(on_hold, start + timedelta(hours=1)),
    ]
    return events, on_hold


async def publish(settings: MonitoringSettings, events: list[Event]) -> None:
    await ensure_topics(settings, ALL_TOPICS)
    producer = make_producer(settings)
    await producer.start()
    try:
        for event in events:
            env = envelope(event, user_id=USER)
            await producer.send_and_wait(
                type(event).topic, env.to_bytes(), key=env.key, headers=env.headers()
            )
    finally:
        await producer.stop()


async def snapshot(db: Database) -> dict[Any, dict[str, Any]]:
    """Every view, without what says when or how often it was written."""
    async with db.engine.connect() as conn:
        rows = await conn.execute(select(reservation_views))
        return {
            row.reservation_id: {
                k: v for k, v in row._mapping.items() if k not in ("updated_at", "version")
            }
            for row in rows
        }


async def count_deliveries(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(webhook_deliveries)) or 0)


async def test_a_rebuild_gives_the_same_views(settings: MonitoringSettings) -> None:
    db = Database(settings, tables)
    try:
        async with db.unit_of_work() as uow:
            await uow.conn.execute(
                webhooks.insert().values(
                    id=uuid.uuid4(), user_id=USER, url="http://127.0.0.1:9/", secret="s" * 16
                )
            )
            await uow.commit()
        events, on_hold = stories()
        await publish(settings, events)

        # The service's projection, running as it would, until it has seen everything.
        live = IdempotentConsumer(db, group_id=PROJECTION_GROUP, handlers=projection_reactions())
        task = asyncio.create_task(live.run())
        try:
            await eventually(lambda: _true(live.stats.applied == len(events)), timeout_s=60)
            before = await snapshot(db)
            queued = await count_deliveries(db)
            assert len(before) == 7
            assert before[on_hold]["last_pause_reason"] is not None
            # At least one per reservation: statuses in between are skipped when another
            # topic's later event is consumed first (the projection is commutative).
            assert queued >= 5

            # The rebuild, while the service's consumer still runs.
            report = await rebuild(settings)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        assert report.records == len(events)
        assert report.applied == len(events)
        assert report.dead_lettered == 0
        assert report.views == 7
        assert await snapshot(db) == before
        assert await count_deliveries(db) == queued  # the replay sent nothing again

        rebuilt = await queries.get_view(db, on_hold)
        assert rebuilt.purpose == "advertising"
        assert rebuilt.pause_reason == "advertising is sent 08:00-21:00 Asia/Seoul"
        assert rebuilt.paused_until == datetime(2026, 3, 1, 14, tzinfo=UTC)

        # Twice is the same as once.
        await rebuild(settings)
        assert await snapshot(db) == before
    finally:
        await db.dispose()


async def _true(value: bool) -> bool:
    return value
