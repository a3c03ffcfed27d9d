"""The SQL of the outbox relay (outbox.py): the unpublished rows in order, those behind a
parked row of their topic and key held back; marking them published; parking a row the
broker refused for good."""

from __future__ import annotations

from sqlalchemy import Row, Table, Text, delete, exists, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.plumbing.logging import get_logger

log = get_logger("msgplat.plumbing.outbox")

# The columns a parked row keeps of its outbox row.
PARKED_COLUMNS = ("id", "event_id", "topic", "key", "event_type", "value", "headers", "created_at")


async def unpublished(conn: AsyncConnection, t: Table, p: Table, *, limit: int) -> list[Row]:
    """Up to `limit` unpublished rows in outbox order."""
    # A parked row holds back the later rows of its topic and key (their order).
    behind_parked = exists().where(p.c.topic == t.c.topic, p.c.key == t.c.key)
    result = await conn.execute(
        select(t.c.id, t.c.event_id, t.c.topic, t.c.key, t.c.value, t.c.headers)
        .where(t.c.published_at.is_(None), ~behind_parked)
        .order_by(t.c.id)
        .limit(limit)
    )
    return list(result)


async def mark_published(conn: AsyncConnection, t: Table, ids: list[int]) -> None:
    if not ids:
        return
    await conn.execute(update(t).where(t.c.id.in_(ids)).values(published_at=func.now()))


async def park(conn: AsyncConnection, t: Table, p: Table, row: Row, error: BaseException) -> None:
    """Move a refused row from the outbox `t` to the parked rows `p`, with its error."""
    await conn.execute(
        insert(p).from_select(
            [*PARKED_COLUMNS, "error"],
            select(
                *(t.c[name] for name in PARKED_COLUMNS), literal(repr(error)[:4000], Text())
            ).where(t.c.id == row.id),
        )
    )
    await conn.execute(delete(t).where(t.c.id == row.id))
    log.error(
        "outbox_row_parked",
        outbox_id=row.id,
        event_id=str(row.event_id),
        topic=row.topic,
        key=row.key,
        error=repr(error),
        next_step="fix the cause, then `python -m msgplat.plumbing.outbox parked retry "
        f"{row.id}` (or discard it); the later events of key {row.key} wait for it",
    )
