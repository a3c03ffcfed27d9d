"""The SQL of `send.sending_windows`: a customer's sending windows (at most one set)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.send.models import sending_windows


async def read(conn: AsyncConnection, user_id: str) -> Row[Any] | None:
    return (
        await conn.execute(select(sending_windows).where(sending_windows.c.user_id == user_id))
    ).first()


async def put(conn: AsyncConnection, user_id: str, values: dict[str, Any]) -> Row[Any]:
    """Set the customer's windows (`time_zone`, `windows`, `purposes`), replacing any."""
    return (
        await conn.execute(
            insert(sending_windows)
            .values(user_id=user_id, **values)
            .on_conflict_do_update(
                index_elements=[sending_windows.c.user_id],
                set_={**values, "updated_at": func.now()},
            )
            .returning(sending_windows)
        )
    ).one()


async def remove(conn: AsyncConnection, user_id: str) -> bool:
    """False when the customer had none."""
    gone = (
        await conn.execute(
            delete(sending_windows)
            .where(sending_windows.c.user_id == user_id)
            .returning(sending_windows.c.user_id)
        )
    ).first()
    return gone is not None
