"""Rebuild the read model: empty the views and replay the topics from the beginning.

    python -m msgplat.monitoring.rebuild        (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS)

1. In one transaction: the views are truncated and the projection's inbox rows deleted.
2. Every partition of the projected topics is read from its first offset (where the
   broker still has it) to the end offset it had when the rebuild began, without a
   consumer group (nothing is committed to Kafka), through the projection's own
   idempotent apply, under the projection's inbox name.

It may run while the service runs: the service's consumer and the replay share the
inbox, so an event that both see is applied once, and the projection is commutative
(see `domain`), so the order in which the two apply events does not change the result.
Meanwhile the views fill up again from empty. The replay queues no webhook delivery or
alert (those were sent when the events first came); live streams see the views refill.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import delete, text

from msgplat.monitoring.consumers import PROJECTION_GROUP
from msgplat.monitoring.models import reservation_views, tables
from msgplat.monitoring.reactions.projection import projection_reactions
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.kafka import client_security
from msgplat.plumbing.logging import configure_logging


@dataclass
class RebuildReport:
    records: int
    applied: int
    duplicates: int
    dead_lettered: int
    views: int
    seconds: float


async def rebuild(settings: MonitoringSettings) -> RebuildReport:
    started = time.monotonic()
    db = Database(settings, tables)
    try:
        replay = IdempotentConsumer(
            db, group_id=PROJECTION_GROUP, handlers=projection_reactions(notify=False)
        )
        async with db.unit_of_work() as uow:
            await uow.conn.execute(text("TRUNCATE monitoring.reservation_views"))
            await uow.conn.execute(
                delete(tables.inbox).where(tables.inbox.c.consumer_group == PROJECTION_GROUP)
            )
            await uow.commit()
        records = await _replay(settings, replay)
        async with db.engine.connect() as conn:
            count = await conn.scalar(
                text(f"SELECT count(*) FROM monitoring.{reservation_views.name}")
            )
        return RebuildReport(
            records=records,
            applied=replay.stats.applied,
            duplicates=replay.stats.duplicates,
            dead_lettered=replay.stats.dead_lettered,
            views=int(count or 0),
            seconds=time.monotonic() - started,
        )
    finally:
        await db.dispose()


async def _replay(settings: MonitoringSettings, replay: IdempotentConsumer) -> int:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.service_name}-rebuild",
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=2 * 1024 * 1024,  # an event is up to 1 MB
        request_timeout_ms=max(settings.kafka_request_timeout_ms, 40_000),
        **client_security(settings),
    )
    await consumer.start()
    records = 0
    try:
        await consumer.topics()  # loads the metadata of every topic
        partitions = [
            TopicPartition(topic, p)
            for topic in replay.topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(
                *remaining, timeout_ms=500, max_records=settings.consumer_batch_size
            )
            wanted = {
                tp: [r for r in batch_records if r.offset < ends[tp]]
                for tp, batch_records in batch.items()
            }
            wanted = {tp: rs for tp, rs in wanted.items() if rs}
            if wanted:
                await replay.apply_batch(wanted)
                records += sum(len(rs) for rs in wanted.values())
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return records


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    settings = MonitoringSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    report = asyncio.run(rebuild(settings))
    print(
        f"rebuilt {report.views} views from {report.records} records in {report.seconds:.1f} s "
        f"(applied {report.applied}, already applied {report.duplicates}, "
        f"dead-lettered {report.dead_lettered})"
    )


if __name__ == "__main__":
    main()
