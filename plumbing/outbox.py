"""The outbox relay: publishes the outbox rows in order, then marks them sent.

Only one relay per service publishes at a time (a PostgreSQL advisory lock), so
events leave in outbox order even with many replicas. If the broker is down the
batch fails, nothing is marked, and the relay retries with backoff: nothing is
lost. If the process dies after publishing and before marking, the rows are
published again on restart; consumers absorb the duplicates by event id.

Faults that are not a kill:
- Every batch is bounded (`OUTBOX_PUBLISH_TIMEOUT_S`): a relay stuck on a broker that
  takes nothing gives up the batch, which releases its advisory lock and rolls its
  transaction back, then tries again.
- After a failed batch the producer is rebuilt: aiokafka's idempotent producer can stay
  broken after a broker blip (aio-libs/aiokafka#1017).
- With rows to publish and none published for `OUTBOX_STALL_S`, `stalled()` says so
  and `/health/ready` answers 503.
- A row the broker will never take (too large, topic refused or not authorised) is
  moved to `outbox_parked` with its error (`outbox_parked_total`); the later rows of
  its topic and key wait behind it, every other key goes on.
  `python -m msgplat.plumbing.outbox parked list|retry <id>|discard <id>` is the
  operator's way out (DATABASE_URL and --schema of the service).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    TopicAuthorizationFailedError,
)
from sqlalchemy import Row, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.plumbing import outbox_rows
from msgplat.plumbing.db import Database
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.metrics import (
    OUTBOX_AGE,
    OUTBOX_BACKLOG,
    OUTBOX_FAILURES,
    OUTBOX_PARKED,
    OUTBOX_PARKED_ROWS,
    OUTBOX_PUBLISHED,
)

log = get_logger(__name__)

# What the broker will never take, however often it is asked: the row is parked.
REFUSED_FOR_GOOD = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    TopicAuthorizationFailedError,
)


@dataclass
class RelayStats:
    published: int = 0
    failures: int = 0
    parked: int = 0
    producers_rebuilt: int = 0
    last_error: str | None = None


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        producer: AIOKafkaProducer,
        *,
        producer_factory: Callable[[], AIOKafkaProducer] | None = None,
    ) -> None:
        """`producer_factory` builds a fresh producer after a failed batch (none: the
        same producer is kept)."""
        self.db = db
        self.producer = producer
        self.producer_factory = producer_factory
        self.table = db.tables.outbox
        self.parked = db.tables.outbox_parked
        self.publish_timeout_s = db.settings.outbox_publish_timeout_s
        self.stall_s = db.settings.outbox_stall_s
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
        # Monotonic time of the last batch that ended well (published, or nothing to
        # publish); None until `run()` starts.
        self._progress_at: float | None = None

    def stalled(self) -> str | None:
        """Why the relay is not making progress, or None: it has had rows to publish
        and has published none for `OUTBOX_STALL_S` (an empty outbox is progress)."""
        if self._progress_at is None:
            return None
        idle = time.monotonic() - self._progress_at
        if idle < self.stall_s:
            return None
        return f"stalled: nothing published for {idle:.0f}s: {self.stats.last_error}"[:300]

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
        self._progress_at = time.monotonic()
        while True:
            try:
                # Bounded: a batch stuck on the broker or the database gives up its lock
                # and transaction (rolled back) instead of holding them.
                async with asyncio.timeout(2 * self.publish_timeout_s):
                    published = await self.publish_batch()
                backoff = 0.1
                self._progress_at = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.stats.failures += 1
                self.stats.last_error = repr(exc)
                OUTBOX_FAILURES.inc()
                log.warning("outbox_publish_failed", error=repr(exc), retry_in_s=backoff)
                if self.stopping.is_set():
                    return
                await self.rebuild_producer()
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

    async def rebuild_producer(self) -> None:
        """Replace the producer by a fresh one (a failed one may stay broken,
        aio-libs/aiokafka#1017); if the new one cannot start, the next batch fails and
        the next rebuild tries again."""
        if self.producer_factory is None:
            return
        old, self.producer = self.producer, self.producer_factory()
        self.stats.producers_rebuilt += 1
        with contextlib.suppress(Exception):
            async with asyncio.timeout(self.publish_timeout_s):
                await old.stop()
        try:
            async with asyncio.timeout(self.publish_timeout_s):
                await self.producer.start()
        except Exception as exc:
            log.warning("outbox_producer_not_started", error=repr(exc))

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
            async with asyncio.timeout(self.publish_timeout_s):
                refused = await self.publish(rows)
            parked = 0
            for row in rows:
                error = refused.get(row.id)
                if error is not None:
                    await self.park(conn, row, error)
                    parked += 1
            published = [row.id for row in rows if row.id not in refused]
            await self.mark_published(conn, published)
        self.stats.published += len(published)
        OUTBOX_PUBLISHED.inc(len(published))
        if parked:
            self.stats.parked += parked
            OUTBOX_PARKED.inc(parked)
        return len(rows)

    async def _lock(self, conn: AsyncConnection) -> bool:
        return bool(await conn.scalar(select(func.pg_try_advisory_xact_lock(self.lock_key))))

    async def fetch_unpublished(self, conn: AsyncConnection) -> list[Row]:
        return await outbox_rows.unpublished(conn, self.table, self.parked, limit=self.batch_size)

    async def publish(self, rows: list[Row]) -> dict[int, BaseException | None]:
        """Send every row and wait for the broker's acknowledgements. Returns the rows
        not published: refused for good (id -> error, to be parked) or held behind one
        of their topic and key (id -> None, left in the outbox); raises on any other
        failure."""
        refused: dict[int, BaseException | None] = {}
        held: set[tuple[str, str]] = set()  # topic and key of a row refused in this batch
        futures: list[tuple[int, asyncio.Future[object]]] = []
        for row in rows:
            if (row.topic, row.key) in held:
                refused[row.id] = None  # behind a refused row: it waits for it
                continue
            try:
                future = await self.producer.send(
                    row.topic,
                    value=row.value,
                    key=row.key.encode(),
                    headers=[(k, v.encode()) for k, v in row.headers],
                )
            except REFUSED_FOR_GOOD as exc:  # e.g. over the producer's max_request_size
                refused[row.id] = exc
                held.add((row.topic, row.key))
                continue
            futures.append((row.id, future))
        # Wait for every send to settle before failing: a retry must not race sends of
        # this batch still queued in the producer (that could reorder a key's events).
        outcomes = await asyncio.gather(*(f for _, f in futures), return_exceptions=True)
        for (row_id, _), outcome in zip(futures, outcomes, strict=True):
            if isinstance(outcome, REFUSED_FOR_GOOD):
                refused[row_id] = outcome
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, REFUSED_FOR_GOOD):
                raise outcome
        return refused

    async def park(self, conn: AsyncConnection, row: Row, error: BaseException) -> None:
        """Move a refused row to `outbox_parked`, with its error."""
        await outbox_rows.park(conn, self.table, self.parked, row, error)

    async def mark_published(self, conn: AsyncConnection, ids: list[int]) -> None:
        await outbox_rows.mark_published(conn, self.table, ids)

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
        async with self.db.engine.connect() as conn:
            OUTBOX_PARKED_ROWS.set(await conn.scalar(select(func.count()).select_from(self.parked)))


if __name__ == "__main__":  # python -m msgplat.plumbing.outbox parked list|retry|discard
    import sys

    from msgplat.plumbing.admin import main

    if sys.argv[1:2] != ["parked"]:
        sys.exit("usage: python -m msgplat.plumbing.outbox parked list|retry <id>|discard <id>")
    sys.exit(main("parked", sys.argv[2:]))
