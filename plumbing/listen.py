"""PostgreSQL LISTEN: one connection that hears `pg_notify` on some channels, kept open.

A notification is sent in the transaction that made the change, so PostgreSQL delivers
it after the commit, to every replica listening. Listening is a shortcut, never the only
way work is found: while the connection is lost (and until it is back) notifications
are missed, so what listens also polls, and `on_listening` is told each time it listens
anew (it may catch up then). `pg_listener_connected{listener}` says whether it listens.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable

import asyncpg

from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.metrics import LISTENING

log = get_logger(__name__)

OnNotify = Callable[[str, str], None]  # (channel, payload)


async def listen_forever(
    database_url: str,
    channels: Iterable[str],
    on_notify: OnNotify,
    *,
    name: str,
    on_listening: Callable[[bool], None] | None = None,
    on_lost: Callable[[], None] | None = None,
) -> None:
    """Listen until cancelled; reconnect with backoff after a lost connection.
    `on_listening(first)` runs once listening (first: the first time), `on_lost` once
    the connection is gone."""
    url = database_url.replace("postgresql+asyncpg://", "postgresql://")
    delay = 0.2
    first = True
    while True:
        conn: asyncpg.Connection | None = None
        try:
            conn = await asyncpg.connect(url, server_settings={"application_name": name})
            lost = asyncio.Event()
            conn.add_termination_listener(lambda _conn, lost=lost: lost.set())

            def notified(_conn: object, _pid: int, channel: str, payload: str) -> None:
                on_notify(channel, payload)

            for channel in channels:
                await conn.add_listener(channel, notified)
            delay = 0.2
            LISTENING.labels(name).set(1)
            if on_listening is not None:
                on_listening(first)
            first = False
            log.info("listening", listener=name)
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), timeout=15)
                if not lost.is_set():  # a silently dead connection shows here
                    await asyncio.wait_for(conn.execute("SELECT 1"), timeout=5)
        except Exception as exc:  # connection refused, lost, timed out: reconnect
            log.warning("listen_lost", listener=name, error=repr(exc), retry_in_s=delay)
        finally:
            LISTENING.labels(name).set(0)
            if on_lost is not None:
                on_lost()
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close(timeout=2)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 5.0)
