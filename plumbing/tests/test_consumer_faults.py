"""The idempotent consumer under database faults that are not a kill, and its runtime.

A database whose pool has no free connection, that stops answering (blackholed) or
resets its connections, is an outage: the consumer retries the batch and dead-letters
no good event. Writing a dead letter that fails does not kill the consumer. A consumer
that dies anyway is restarted by the runtime, and readiness is red meanwhile; it is
"ok" only once the group gave it its partitions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit, urlunsplit
from uuid import uuid4

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from msgplat.contracts import topics
from msgplat.contracts.events import ReservationRecipientsAdded
from msgplat.devstack.broker import free_port
from msgplat.devstack.tcp_proxy import ThreadedTcpProxy
from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.runtime import ServiceRuntime
from msgplat_testsupport.waiting import eventually

from .conftest import Plumbing, chunk
from .test_outbox_faults import all_applied_once


async def publish(plumbing: Plumbing, indexes: range) -> list[EventEnvelope]:
    """Events of one reservation straight to the broker (no relay, no database)."""
    aggregate_id = uuid4()
    producer = await plumbing.producer()
    sent = []
    for i in indexes:
        envelope = EventEnvelope.wrap(
            chunk(aggregate_id, i), aggregate_id=aggregate_id, user_id="u", correlation_id="c"
        )
        await producer.send_and_wait(
            topics.RESERVATION_EVENTS, value=envelope.to_bytes(), key=envelope.key
        )
        sent.append(envelope)
    return sent


async def test_a_pool_with_no_free_connection_is_waited_out_not_dead_lettered(
    make_plumbing: object, kafka: object
) -> None:
    plumbing = await make_plumbing(kafka, db_pool_size=1, db_max_overflow=0, db_pool_timeout_s=0.5)  # type: ignore[operator]
    group = f"pool-{uuid4().hex[:8]}"
    consumer = plumbing.consumer(group)
    held = await plumbing.db.engine.connect()  # every connection of the pool
    await held.execute(text("SELECT 1"))
    plumbing.start(consumer.run(), "consumer")
    sent = await publish(plumbing, range(5))
    await asyncio.sleep(3)  # several pool timeouts
    assert consumer.stats.applied == 0
    await held.close()

    await eventually(
        lambda: all_applied_once(plumbing, group, [e.event_id for e in sent]), timeout_s=20
    )
    assert await plumbing.dead_letters(group) == []
    assert consumer.stats.dead_lettered == 0


@pytest.fixture
def database_proxy(database_url: str) -> Iterator[tuple[ThreadedTcpProxy, str]]:
    """A loopback proxy in front of PostgreSQL, and the database URL through it."""
    parts = urlsplit(database_url)
    socket_dir = parse_qs(parts.query).get("host", [""])[0]  # the embedded server's
    target_port = parts.port or 5432
    socket = f"{socket_dir}/.s.PGSQL.{target_port}" if socket_dir.startswith("/") else None
    port = free_port()
    proxy = ThreadedTcpProxy(port, target_port, socket)
    proxy.start()
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    through = parts._replace(netloc=f"{credentials}127.0.0.1:{port}", query="")
    try:
        yield proxy, urlunsplit(through)
    finally:
        proxy.stop()


@pytest.mark.parametrize("fault", ["blackhole", "cut"])
async def test_a_database_blackholed_or_cut_during_consumption_loses_and_doubles_nothing(
    plumbing: Plumbing, database_proxy: tuple[ThreadedTcpProxy, str], fault: str
) -> None:
    proxy, url = database_proxy
    db = Database(
        plumbing.settings.model_copy(update={"database_url": url, "db_pool_timeout_s": 1.0}),
        plumbing.tables,
    )
    group = f"db-{fault}-{uuid4().hex[:8]}"
    consumer = IdempotentConsumer(
        db, group_id=group, handlers={ReservationRecipientsAdded: plumbing.record_effect(group)}
    )
    plumbing.start(consumer.run(), "consumer")
    try:
        before = await publish(plumbing, range(3))
        await eventually(lambda: all_applied_once(plumbing, group, [e.event_id for e in before]))

        proxy.blackhole() if fault == "blackhole" else proxy.cut()
        during = await publish(plumbing, range(10, 20))
        await asyncio.sleep(2)
        proxy.restore()

        expected = [e.event_id for e in before + during]
        await eventually(lambda: all_applied_once(plumbing, group, expected), timeout_s=30)
        assert await plumbing.dead_letters(group) == []
        assert consumer.stats.dead_lettered == 0
    finally:
        consumer.stop()
        await asyncio.sleep(0.6)
        await db.dispose()


async def test_a_failing_dead_letter_write_does_not_kill_the_consumer(plumbing: Plumbing) -> None:
    """The dead-letter table cannot be written (here: renamed away): the consumer
    retries instead of dying, and dead-letters the event once it can."""
    group = f"dlq-{uuid4().hex[:8]}"
    schema = plumbing.tables.dead_letters.schema
    record_effect = plumbing.record_effect(group)
    sent = await publish(plumbing, range(3))
    bad = sent[1].event_id

    async def handler(uow: UnitOfWork, envelope: EventEnvelope, event: Event) -> None:
        if envelope.event_id == bad:
            raise ValueError("a bad event")
        await record_effect(uow, envelope, event)

    async with plumbing.db.engine.begin() as conn:
        await conn.execute(text(f'ALTER TABLE "{schema}".dead_letters RENAME TO dead_letters_away'))
    consumer = plumbing.consumer(group, handler)
    task = plumbing.start(consumer.run(), "consumer")
    await eventually(lambda: all_applied_once(plumbing, group, [sent[0].event_id]), timeout_s=15)
    await asyncio.sleep(1.5)
    assert not task.done(), "the consumer lives on"
    assert consumer.stats.dead_lettered == 0

    async with plumbing.db.engine.begin() as conn:
        await conn.execute(text(f'ALTER TABLE "{schema}".dead_letters_away RENAME TO dead_letters'))
    expected = [sent[0].event_id, sent[2].event_id]
    await eventually(lambda: all_applied_once(plumbing, group, expected), timeout_s=20)
    assert [row.event_id for row in await plumbing.dead_letters(group)] == [bad]


def runtime_for(plumbing: Plumbing, consumer: IdempotentConsumer) -> ServiceRuntime:
    runtime = ServiceRuntime(plumbing.settings, plumbing.tables, {}, topics.ALL_TOPICS)
    runtime.consumers = [consumer]
    return runtime


async def test_a_consumer_that_dies_is_restarted_and_readiness_says_so_meanwhile(
    plumbing: Plumbing,
) -> None:
    group = f"restart-{uuid4().hex[:8]}"
    consumer = plumbing.consumer(group)
    runtime = runtime_for(plumbing, consumer)
    real_run = consumer.run
    runs = 0

    async def dies_once() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise RuntimeError("a bug outside any event")
        await real_run()

    consumer.run = dies_once  # type: ignore[method-assign]
    task = plumbing.start(runtime._supervise(consumer), "supervisor")

    async def reported_down() -> bool:
        return runtime.consumer_state(consumer).startswith("down: RuntimeError")

    await eventually(reported_down, timeout_s=5)
    counted = REGISTRY.get_sample_value("work_restarts_total", {"work": f"consumer:{group}"})
    assert counted == 1

    async def ready_again() -> bool:
        return runtime.consumer_state(consumer) == "ok"

    await eventually(ready_again, timeout_s=20)
    assert runs == 2
    sent = await publish(plumbing, range(3))
    await eventually(lambda: all_applied_once(plumbing, group, [e.event_id for e in sent]))
    consumer.stop()
    await asyncio.wait_for(task, timeout=10)
    await runtime.db.dispose()


async def test_readiness_waits_for_the_partitions_of_the_group(plumbing: Plumbing) -> None:
    """Connected is not ready: "ok" only once the consumer holds its partitions and
    knows where it reads in each; it says what it waits for meanwhile."""
    group = f"assign-{uuid4().hex[:8]}"
    consumer = plumbing.consumer(group)
    runtime = runtime_for(plumbing, consumer)
    assert runtime.consumer_state(consumer) == "joining"
    consumer.started.set()  # what the state is between joining and reading
    assert runtime.consumer_state(consumer) == f"waiting for partitions of {group}"
    consumer.started.clear()

    plumbing.start(consumer.run(), "consumer")

    async def ready() -> bool:
        return runtime.consumer_state(consumer) == "ok"

    await eventually(ready, timeout_s=20)
    [client] = consumer._consumers
    assert client.assignment()
    for tp in client.assignment():  # every position already known: no wait
        await asyncio.wait_for(client.position(tp), timeout=0.05)
    await runtime.db.dispose()
