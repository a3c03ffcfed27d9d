"""The SQL of `send.tallies`: the count of each job's final messages.

Kept apart from `jobs` so that delivery reports (which count) and the runner (which
holds the job's lease and cursor) never wait on each other's row lock."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.send.domain import MessageState
from msgplat.send.models import tallies

M = MessageState


START = insert(tallies).on_conflict_do_nothing()


async def start(conn: AsyncConnection, reservation_ids: list[UUID]) -> None:
    await conn.execute(START, [{"reservation_id": rid} for rid in reservation_ids])


async def add(conn: AsyncConnection, reservation_id: UUID, counts: Counter[str]) -> Row[Any]:
    """Count messages just made final (`counts`: state -> messages); the tally now."""
    return (
        await conn.execute(
            update(tallies)
            .where(tallies.c.reservation_id == reservation_id)
            .values(
                delivered=tallies.c.delivered + counts[M.DELIVERED],
                failed=tallies.c.failed + counts[M.FAILED],
                cancelled=tallies.c.cancelled + counts[M.CANCELLED],
                opted_out=tallies.c.opted_out + counts[M.OPTED_OUT],
            )
            .returning(tallies)
        )
    ).one()


async def close(conn: AsyncConnection, reservation_id: UUID, finished_at: datetime) -> None:
    await conn.execute(
        update(tallies)
        .where(tallies.c.reservation_id == reservation_id)
        .values(finished_at=finished_at)
    )
