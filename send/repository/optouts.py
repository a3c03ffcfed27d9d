"""The SQL of `send.optouts`: each customer's opt-out list (numbers in E.164).

(The batch claim of an advertising job reads it: `messages.ADVERTISING_BATCH_SQL`.)"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.send.models import SCHEMA

ADD_SQL = text(
    f"""
    INSERT INTO {SCHEMA}.optouts (user_id, number)
    SELECT :uid, unnest(CAST(:numbers AS text[]))
    ON CONFLICT DO NOTHING
    RETURNING number
    """
)

REMOVE_SQL = text(
    f"""
    DELETE FROM {SCHEMA}.optouts
    WHERE user_id = :uid AND number = ANY(CAST(:numbers AS text[]))
    RETURNING number
    """
)


async def add(conn: AsyncConnection, user_id: str, numbers: list[str]) -> int:
    """List `numbers` (distinct); how many were not listed before."""
    return len((await conn.execute(ADD_SQL, {"uid": user_id, "numbers": numbers})).all())


async def remove(conn: AsyncConnection, user_id: str, numbers: list[str]) -> int:
    """Take `numbers` (distinct) off the list; how many were on it."""
    return len((await conn.execute(REMOVE_SQL, {"uid": user_id, "numbers": numbers})).all())
