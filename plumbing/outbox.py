"""The outbox relay: publishes the outbox rows in order, then marks them sent.

Only one relay per service publishes at a time (a PostgreSQL advisory lock), so
events leave in outbox order even with many replicas. If the broker is down the
batch fails, nothing is marked, and the relay retries with backoff: nothing is
lost. If the process dies after publishing and before marking, the rows are
published again on restart; consumers absorb the duplicates by event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.plumbing.db import Database
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.metrics import OUTBOX_AGE, OUTBOX_BACKLOG, OUTBOX_FAILURES, OUTBOX_PUBLISHED

log = get_logger(__name__)


@dataclass
class RelayStats:
    published: int = 0
    failures: int = 0
    last_error: str | None = None


class OutboxRelay:
    def __init__(self, db: Database, producer: AIOKafkaProducer) -> None:
        self.db = db
        self.producer = producer
        self.table = db.tables.outbox
        self.batch_size = db.settings.outbox_batch_size
        self.poll_interval_s = db.settings.outbox_poll_interval_s
        self.linger_s = db.settings.outbox_linger_ms / 1000
        self.retention = timedelta(seconds=db.settings.outbox_retention_s)
        self.lock_key = zlib.crc32(f"outbox:{self.table.schema}".encode())
        self.stats = RelayStats()
        self.cleanup_every = timedelta(seconds=60)
        # Set by `stop()`: publish what is committed by then, then return.
        self.stopping = asyncio.Event()
        self._backlog_at = 0.0

    def stop(self) -> None:
        """Ask `run()` to return once the outbox is empty (or after the batch in hand,
        when publishing fails): the rows left are published by the next relay."""
        self.stopping.set()
        self.db.outbox_written.set()  # wake it now

    async def run(self) -> None:
        """Publish until stopped or cancelled; back off while the broker or database is
        down."""
        backoff = 0.1
        last_cleanup = datetime.now(UTC)
        while True:
            try:
                published = await self.publish_batch()
                backoff = 0.1
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.stats.failures += 1
                self.stats.last_error = repr(exc)
                OUTBOX_FAILURES.inc()
                log.warning("outbox_publish_failed", error=repr(exc), retry_in_s=backoff)
                if self.stopping.is_set():
                    return
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if published == self.batch_size:
                continue  # more are waiting
            if self.stopping.is_set():
                return
            if datetime.now(UTC) - last_cleanup >= self.cleanup_every:
                last_cleanup = datetime.now(UTC)
                try:
                    await self.delete_published()
                except Exception as exc:  # e.g. the database is down: the relay lives on
                    log.warning("outbox_cleanup_failed", error=repr(exc))
            await self._wait_for_work()

    async def _wait_for_work(self) -> None:
        event = self.db.outbox_written
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=self.poll_interval_s)
            # Woken by a commit: linger a moment so that the commits of concurrent
            # requests go out in one batch (one transaction and one produce call).
            await asyncio.sleep(self.linger_s)
        event.clear()

    async def publish_batch(self) -> int:
        """Publish one batch of unpublished rows and mark them; returns how many."""
        async with self.db.engine.begin() as conn:
            if not await self._lock(conn):
                return 0  # another replica's relay is publishing
            rows = await self.fetch_unpublished(conn)
            if not rows:
                return 0
            await self.publish(rows)
            await self.mark_published(conn, [row.id for row in rows])
        self.stats.published += len(rows)
        OUTBOX_PUBLISHED.inc(len(rows))
        return len(rows)

    async def _lock(self, conn: AsyncConnection) -> bool:
        return bool(await conn.scalar(select(func.pg_try_advisory_xact_lock(self.lock_key))))

    async def fetch_unpublished(self, conn: AsyncConnection) -> list[Row]:
        t = self.table
        result = await conn.execute(
            select(t.c.id, t.c.topic, t.c.key, t.c.value, t.c.headers)
            .where(t.c.published_at.is_(None))
            .order_by(t.c.id)
            .limit(self.batch_size)
        )
        return list(result)

    async def publish(self, rows: list[Row]) -> None:
        """Send every row and wait for the broker's acknowledgements (raises on failure)."""
        futures = [
            await self.producer.send(
                row.topic,
                value=row.value,
                key=row.key.encode(),
                headers=[(k, v.encode()) for k, v in row.headers],
            )
            for row in rows
        ]
        # Wait for every send to settle before failing: a retry must not race sends of
        # this batch still queued in the producer (that could reorder a key's events).
        outcomes = await asyncio.gather(*futures, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def mark_published(self, conn: AsyncConnection, ids: list[int]) -> None:
        await conn.execute(
            update(self.table).where(self.table.c.id.in_(ids)).values(published_at=func.now())
        )

    async def delete_published(self) -> None:
        """Drop rows published longer ago than the retention (they are on the broker)."""
        cutoff = datetime.now(UTC) - self.retention
        async with self.db.engine.begin() as conn:
            await conn.execute(
                delete(self.table).where(
                    self.table.c.published_at.is_not(None), self.table.c.published_at < cutoff
                )
            )

    async def backlog(self) -> tuple[int, float]:
        """(unpublished rows, age in seconds of the oldest) for health and metrics."""
        t = self.table
        async with self.db.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(func.count(), func.min(t.c.created_at)).where(t.c.published_at.is_(None))
                )
            ).one()
        oldest = row[1]
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        return int(row[0]), age

    async def report_backlog(self) -> None:
        """Refresh the outbox gauges (a scrape hook; at most one query a second)."""
        if time.monotonic() - self._backlog_at < 1.0:
            return
        self._backlog_at = time.monotonic()
        count, age = await self.backlog()
        OUTBOX_BACKLOG.set(count)
        OUTBOX_AGE.set(age)
