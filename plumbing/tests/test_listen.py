"""`listen_forever` against the real PostgreSQL: it hears what is committed, not what is
rolled back, and after its connection is killed (an RDS failover, a restart) it says it
lost it, listens anew (first=False, so its owner catches up) and hears again."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from msgplat.plumbing.listen import listen_forever
from msgplat.plumbing.metrics import LISTENING


async def test_it_hears_commits_and_comes_back_after_its_connection_is_killed(
    database_url: str,
) -> None:
    name = f"listen-{uuid.uuid4().hex[:8]}"
    channel = f"c_{uuid.uuid4().hex[:8]}"
    heard: asyncio.Queue[str] = asyncio.Queue()
    states: asyncio.Queue[str] = asyncio.Queue()
    task = asyncio.create_task(
        listen_forever(
            database_url,
            [channel],
            lambda _channel, payload: heard.put_nowait(payload),
            name=name,
            on_listening=lambda first: states.put_nowait("first" if first else "again"),
            on_lost=lambda: states.put_nowait("lost"),
        )
    )
    conn = await asyncpg.connect(database_url)
    try:
        assert await asyncio.wait_for(states.get(), 10) == "first"
        assert LISTENING.labels(name)._value.get() == 1
        async with conn.transaction():
            await conn.execute(f"SELECT pg_notify('{channel}', 'one')")
        assert await asyncio.wait_for(heard.get(), 5) == "one"

        tx = conn.transaction()
        await tx.start()
        await conn.execute(f"SELECT pg_notify('{channel}', 'rolled back')")
        await tx.rollback()

        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = $1",
            name,
        )
        assert killed == 1
        assert await asyncio.wait_for(states.get(), 10) == "lost"
        assert LISTENING.labels(name)._value.get() == 0
        assert await asyncio.wait_for(states.get(), 10) == "again"
        assert LISTENING.labels(name)._value.get() == 1
        async with conn.transaction():
            await conn.execute(f"SELECT pg_notify('{channel}', 'two')")
        assert await asyncio.wait_for(heard.get(), 5) == "two"  # not "rolled back"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await conn.close()
