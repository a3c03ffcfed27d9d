"""Outages of the database or the broker, told apart from errors of an event: a consumer
retries the first (with backoff, for as long as they last) and dead-letters only the
second; and the retry loops of what waits for them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiokafka.errors import KafkaConnectionError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")


class InfrastructureError(Exception):
    """The database or broker is unreachable: retry later, never dead-letter."""


# SQLSTATEs of a schema behind the code: undefined_table, undefined_column.
SCHEMA_BEHIND = frozenset({"42P01", "42703"})
# SQLSTATE classes of a database that is unavailable for now, not of a bad event:
# 08 connection exception, 53 insufficient resources (too many connections, disk full),
# 57 operator intervention (admin shutdown, cannot connect now), 40 transaction rollback
# (serialisation failure, deadlock), 58 system error (I/O).
UNAVAILABLE_CLASSES = frozenset({"08", "53", "57", "40", "58"})


def _sqlstate(exc: BaseException) -> str | None:
    state = getattr(getattr(exc, "orig", None), "sqlstate", None) or getattr(exc, "sqlstate", None)
    return state if isinstance(state, str) else None


def is_infrastructure_error(exc: BaseException) -> bool:
    """The database or broker is unavailable (or the schema behind): retry, never
    dead-letter. Looks through the causes: asyncpg's errors travel wrapped."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(
            current,
            OSError  # refused, reset, timed out (TimeoutError is an OSError)
            | InterfaceError
            | OperationalError
            | PoolTimeoutError  # no free connection in the pool
            | InfrastructureError,
        ):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        state = _sqlstate(current)
        if state is not None and (state in SCHEMA_BEHIND or state[:2] in UNAVAILABLE_CLASSES):
            return True
        if (
            type(current).__module__.startswith("asyncpg")
            and "Connection" in type(current).__name__
        ):
            return True  # asyncpg's ConnectionDoesNotExistError and the like
        current = current.__cause__ or current.__context__
    return False


async def retry_forever(action: Callable[[], Awaitable[object]], *, what: str) -> None:
    delay = 0.2
    while True:
        try:
            await action()
            return
        except (InfrastructureError, KafkaConnectionError, OSError) as exc:
            log.warning("retrying", what=what, error=repr(exc), retry_in_s=delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 5.0)


async def until_done(step: Callable[[], Awaitable[T]], *, failed: str) -> T:
    """At start-up, beside serving: `step` again until it succeeds (a database not
    reachable yet), each failure logged as `failed`, waiting 0.2 s doubling to 5 s."""
    delay = 0.2
    while True:
        try:
            return await step()
        except Exception as exc:
            log.warning(failed, error=repr(exc), retry_in_s=delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 5.0)
