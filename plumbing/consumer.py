"""The idempotent consumer runner.

Each batch polled from Kafka is applied in one database transaction: the event ids
go into the inbox (`ON CONFLICT DO NOTHING`), only the new ones reach their
handler, and the Kafka offsets are committed after the database commit. A
redelivered event finds its id in the inbox and changes nothing. A handler wrapped in
`Batched` is given every new event of its types in the batch at once, in the order
polled (a run of them between other handlers' events), so that it can apply many events
with a few statements instead of a few statements each.

A handler that fails on one event does not block the partition: the batch is
retried one event at a time, and an event that still fails is written to the
dead-letter table with its error (and logged) so an operator can replay it.
Database or broker outages are retried with backoff, never dead-lettered: a
connection refused, reset or timed out, a pool with no free connection, a server
shutting down or out of connections, a deadlock or serialisation failure; so is a
schema behind the code (an undefined column or table: the migration Job has not run
yet), which the next attempt after the migration gets right. If writing the dead
letter itself fails, the batch is retried too (what was applied is in the inbox).

A consumer polls in one loop, or with `loop_per_topic` in one loop per topic (each a
member of the same group, with the same inbox): then a long batch of one topic never
holds back another topic's events.

`started` is set once the consumer has joined its group, `assigned` once every loop holds its
partitions and knows its read position in each (readiness waits for that: a service
whose consumers are not reading yet would answer "ready" and apply events late).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import partial
from uuid import UUID

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import ValidationError
from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert

from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.kafka import make_consumer
from msgplat.plumbing.logging import bind_correlation_id, get_logger
from msgplat.plumbing.metrics import CONSUMER_EVENTS, CONSUMER_LAG
from msgplat.plumbing.outages import InfrastructureError, is_infrastructure_error, retry_forever
from msgplat.plumbing.tracing import batch_consumer_spans, consumer_span, traceparent_of

log = get_logger(__name__)

Handler = Callable[[UnitOfWork, EventEnvelope, Event], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Polled:
    """One new event of a polled batch, as a `Batched` handler is given it."""

    envelope: EventEnvelope
    event: Event
    traceparent: str | None  # the producer's span (the record's header), to carry on


BatchHandler = Callable[[UnitOfWork, list[Polled]], Awaitable[None]]


@dataclass(frozen=True)
class Batched:
    """A handler of events in bulk (see the module's docstring): the same instance for
    several event types gets their runs together."""

    handle: BatchHandler


# What a service does when an event it could not apply is dead-lettered, in the dead
# letter's own transaction (e.g. mark what waited for that event, so it does not wait
# unseen forever); it is given the envelope and the error.
DeadLetterReaction = Callable[[UnitOfWork, EventEnvelope, str], Awaitable[None]]


@dataclass
class ConsumerStats:
    applied: int = 0
    duplicates: int = 0
    dead_lettered: int = 0


class IdempotentConsumer:
    def __init__(
        self,
        db: Database,
        *,
        group_id: str,
        handlers: Mapping[type[Event], Handler | Batched],
        on_dead_letter: Mapping[type[Event], DeadLetterReaction] | None = None,
        loop_per_topic: bool = False,
    ) -> None:
        self.db = db
        self.group_id = group_id
        self.handlers = {cls.event_type: handler for cls, handler in handlers.items()}
        self.on_dead_letter = {cls.event_type: r for cls, r in (on_dead_letter or {}).items()}
        # The event classes it parses are the ones it subscribed to (each the class the
        # catalogue holds for its type, see tests/test_docs.py): plumbing knows no catalogue.
        self.event_classes = {cls.event_type: cls for cls in handlers}
        self.topics = sorted({cls.topic for cls in handlers})
        # Each loop is one member of the group polling its topics and applying what it
        # polled; with `loop_per_topic`, one per topic: a long batch of one topic (a
        # bulk send's settlement) never holds back the events of another (the next
        # reservation's hold). Same group, same inbox: each event is still applied once.
        self.loops = [[topic] for topic in self.topics] if loop_per_topic else [self.topics]
        self.inbox = db.tables.inbox
        self._record = (
            pg_insert(self.inbox).on_conflict_do_nothing().returning(self.inbox.c.event_id)
        )
        self.stats = ConsumerStats()
        self._consumers: list[AIOKafkaConsumer] = []
        self._joined = 0  # loops that hold their partitions
        # Set once the consumer is connected, and once its group gave it its partitions
        # (even none: more replicas than partitions): both part of readiness.
        self.started = asyncio.Event()
        self.assigned = asyncio.Event()
        # Set by `stop()`: finish the batch at hand, commit its offsets, leave the group.
        self.stopping = asyncio.Event()
        self._lag_reported: set[tuple[str, str, str]] = set()
        self._counted = {
            outcome: CONSUMER_EVENTS.labels(group_id, outcome)
            for outcome in ("applied", "duplicate", "dead_lettered")
        }

    def stop(self) -> None:
        """Ask `run()` to end after the batch in hand (what it has not polled is
        redelivered to whoever takes its partitions)."""
        self.stopping.set()

    async def run(self) -> None:
        """Run every loop until `stop()`; one that dies ends the others (the runtime
        starts the consumer again)."""
        self._consumers = []  # this run's Kafka clients (left in the list once closed)
        try:
            async with asyncio.TaskGroup() as loops:
                for topics in self.loops:
                    loops.create_task(self._run_loop(topics), name=f"{self.group_id}:{topics}")
        except BaseExceptionGroup as group:
            raise group.exceptions[0] from group  # the first failure, as one loop raised it

    async def _run_loop(self, topics: list[str]) -> None:
        consumer = make_consumer(self.db.settings, group_id=self.group_id, topics=topics)
        self._consumers.append(consumer)
        joined = False
        try:
            # Inside the try: a consumer cancelled while it joins its group is stopped too.
            await retry_forever(consumer.start, what=f"start consumer {self.group_id}")
            self.started.set()
            # Ready once it holds its partitions and knows where it reads in each (its
            # committed offsets, or the earliest): the next poll fetches at once.
            await retry_forever(
                partial(_positions, consumer), what=f"partitions of consumer {self.group_id}"
            )
            joined = True
            self._joined += 1
            if self._joined == len(self.loops):
                self.assigned.set()
            while not self.stopping.is_set():
                batch = await consumer.getmany(
                    timeout_ms=500, max_records=self.db.settings.consumer_batch_size
                )
                if not batch:
                    continue
                await retry_forever(partial(self.apply_batch, batch), what="apply batch")
                offsets = {tp: records[-1].offset + 1 for tp, records in batch.items()}
                try:
                    await consumer.commit(offsets)
                except Exception as exc:  # a rebalance: the events come again, deduplicated
                    log.warning("offset_commit_failed", group=self.group_id, error=repr(exc))
        finally:
            self.started.clear()
            self.assigned.clear()
            self._joined -= joined
            # Leaves the group: its partitions move to another replica at once.
            await consumer.stop()

    async def report_lag(self) -> None:
        """Refresh `consumer_lag_events` for the partitions this consumer holds."""
        if not self.started.is_set():
            return
        reported: set[tuple[str, str, str]] = set()
        for consumer in list(self._consumers):
            for tp in consumer.assignment():
                highwater = consumer.highwater(tp)
                if highwater is None:
                    continue  # nothing fetched from it yet
                with contextlib.suppress(Exception):
                    position = await asyncio.wait_for(consumer.position(tp), timeout=0.5)
                    labels = (self.group_id, tp.topic, str(tp.partition))
                    CONSUMER_LAG.labels(*labels).set(max(0, highwater - position))
                    reported.add(labels)
        # Partitions that moved to another replica are that replica's to report.
        for labels in self._lag_reported - reported:
            with contextlib.suppress(KeyError):
                CONSUMER_LAG.remove(*labels)
        self._lag_reported = reported

    async def apply_batch(self, batch: Mapping[TopicPartition, list[ConsumerRecord]]) -> None:
        records = [record for records in batch.values() for record in records]
        try:
            await self.apply(records)
        except Exception as exc:
            if is_infrastructure_error(exc):
                raise InfrastructureError(repr(exc)) from exc
            log.warning("batch_failed_isolating", group=self.group_id, error=repr(exc))
            for record in records:
                await self.apply_one_or_dead_letter(record)

    async def apply(self, records: list[ConsumerRecord]) -> None:
        """Apply the records in one transaction, skipping ids already in the inbox."""
        # The event type travels in a header: events this group does not handle are
        # skipped without parsing (a topic carries many types; most are someone else's).
        parsed = [(r, _parse(r)) for r in records if _header_type(r) in (None, *self.handlers)]
        wanted = [(r, env) for r, env in parsed if env.event_type in self.handlers]
        if not wanted:
            return
        applied = duplicates = 0
        async with self.db.unit_of_work() as uow:
            new_ids = await self._record_in_inbox(uow, [env for _, env in wanted])
            run: list[Polled] = []  # for `batched`, not handled yet
            batched: Batched | None = None
            for record, envelope in wanted:
                if envelope.event_id not in new_ids:
                    duplicates += 1
                    continue
                new_ids.discard(envelope.event_id)  # the same id twice in one batch
                bind_correlation_id(envelope.correlation_id)
                # Tolerant reader: an older version upcast, unknown fields ignored.
                event = self.event_classes[envelope.event_type].from_payload(
                    envelope.payload, version=envelope.schema_version
                )
                applied += 1
                handler = self.handlers[envelope.event_type]
                if isinstance(handler, Batched):
                    if handler is not batched:
                        await self._handle_run(uow, batched, run)
                        batched = handler
                    run.append(Polled(envelope, event, traceparent_of(record.headers)))
                    continue
                await self._handle_run(uow, batched, run)
                batched = None
                with consumer_span(record.headers, envelope.event_type, self.group_id):
                    await handler(uow, envelope, event)
            await self._handle_run(uow, batched, run)
            await uow.commit()
        # Counted once committed: a batch that fails and is retried is not counted twice.
        self.stats.applied += applied
        self.stats.duplicates += duplicates
        if applied:
            self._counted["applied"].inc(applied)
        if duplicates:
            self._counted["duplicate"].inc(duplicates)

    async def _handle_run(
        self, uow: UnitOfWork, batched: Batched | None, run: list[Polled]
    ) -> None:
        """Give a `Batched` handler the events gathered for it, in order; empty the run."""
        if batched is None or not run:
            return
        spans = [(p.traceparent, p.envelope.event_type) for p in run]
        with batch_consumer_spans(spans, self.group_id):
            await batched.handle(uow, list(run))
        run.clear()

    async def _record_in_inbox(self, uow: UnitOfWork, envelopes: list[EventEnvelope]) -> set[UUID]:
        rows = {
            e.event_id: {
                "consumer_group": self.group_id,
                "event_id": e.event_id,
                "event_type": e.event_type,
            }
            for e in envelopes
        }
        # An executemany (SQLAlchemy's "insertmanyvalues": compiled once); a multi-row
        # VALUES was compiled anew for every batch size, a third of a consumer's CPU.
        result = await uow.conn.execute(self._record, list(rows.values()))
        return set(result.scalars())

    async def apply_one_or_dead_letter(self, record: ConsumerRecord) -> None:
        try:
            await self.apply([record])
        except Exception as exc:
            if is_infrastructure_error(exc):
                raise InfrastructureError(repr(exc)) from exc
            try:
                await self.dead_letter(record, exc)
            except Exception as failed:
                # Not written: the batch is retried (what it applied is in the inbox).
                raise InfrastructureError(f"dead-lettering failed: {failed!r}") from failed

    async def dead_letter(self, record: ConsumerRecord, exc: BaseException) -> None:
        event_id = correlation_id = envelope = None
        with contextlib.suppress(ValidationError, ValueError):
            envelope = EventEnvelope.from_bytes(record.value)
            event_id, correlation_id = envelope.event_id, envelope.correlation_id
        bind_correlation_id(correlation_id)  # not the previous event's
        react = envelope and self.on_dead_letter.get(envelope.event_type)
        async with self.db.unit_of_work() as uow:
            if envelope is not None and react:
                try:  # a reaction that fails too must not keep the dead letter out
                    async with uow.conn.begin_nested():
                        await react(uow, envelope, repr(exc))
                except Exception as failed:
                    if is_infrastructure_error(failed):
                        raise
                    log.error("dead_letter_reaction_failed", error=repr(failed))
            await uow.conn.execute(
                insert(self.db.tables.dead_letters).values(
                    consumer_group=self.group_id,
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    event_id=event_id,
                    value=record.value or b"",
                    error=repr(exc)[:4000],
                )
            )
            await uow.commit()
        self.stats.dead_lettered += 1
        self._counted["dead_lettered"].inc()
        log.error(
            "event_dead_lettered",
            group=self.group_id,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            error=repr(exc),
            next_step="fix the handler, then replay the row from the dead_letters table",
        )


async def _positions(consumer: AIOKafkaConsumer) -> None:
    """Wait for the read position in each partition of the assignment (which `start()`
    waited for; none when the group has more members than partitions)."""
    async with asyncio.timeout(30):
        for tp in consumer.assignment():
            await consumer.position(tp)


def _header_type(record: ConsumerRecord) -> str | None:
    for key, value in record.headers or ():
        if key == "event_type":
            return bytes(value).decode(errors="replace")
    return None  # no header: parse the envelope to know


def _parse(record: ConsumerRecord) -> EventEnvelope:
    if record.value is None:
        raise ValueError(f"empty message at {record.topic}/{record.partition}@{record.offset}")
    return EventEnvelope.from_bytes(record.value)


if __name__ == "__main__":  # python -m msgplat.plumbing.consumer dead-letters list|replay <id>
    import sys

    from msgplat.plumbing.admin import main

    if sys.argv[1:2] != ["dead-letters"]:
        sys.exit("usage: python -m msgplat.plumbing.consumer dead-letters list|replay <id>")
    sys.exit(main("dead-letters", sys.argv[2:]))
