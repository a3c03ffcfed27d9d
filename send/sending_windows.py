"""A customer's sending windows: stored here, read by the sender before each batch.

A change takes effect at the customer's next batch. Their paused jobs are made due at
once, so that each is checked again against the new windows (and resumes, or pauses
again until a new time).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.plumbing.db import Database
from msgplat.plumbing.errors import NotFound
from msgplat.send import domain
from msgplat.send.models import jobs, sending_windows
from msgplat.send.schemas import SendingWindowsInput, SendingWindowsView


async def put(db: Database, *, user_id: str, body: SendingWindowsInput) -> SendingWindowsView:
    values = {
        "time_zone": body.time_zone,
        "windows": [window.model_dump() for window in body.windows],
        "purposes": body.purposes,
    }
    async with db.engine.begin() as conn:
        row = (
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
        await _recheck_paused_jobs(conn, user_id)
    return _view(row)


async def get(db: Database, *, user_id: str) -> SendingWindowsView:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(select(sending_windows).where(sending_windows.c.user_id == user_id))
        ).first()
    if row is None:
        raise NotFound(f"sending windows of customer {user_id}")
    return _view(row)


async def remove(db: Database, *, user_id: str) -> None:
    async with db.engine.begin() as conn:
        gone = (
            await conn.execute(
                delete(sending_windows)
                .where(sending_windows.c.user_id == user_id)
                .returning(sending_windows.c.user_id)
            )
        ).first()
        if gone is None:
            raise NotFound(f"sending windows of customer {user_id}")
        await _recheck_paused_jobs(conn, user_id)


async def _recheck_paused_jobs(conn: AsyncConnection, user_id: str) -> None:
    await conn.execute(
        update(jobs)
        .where(
            jobs.c.user_id == user_id,
            jobs.c.pause_rule.is_not(None),
            jobs.c.status.in_([domain.JobState.SCHEDULED, domain.JobState.SENDING]),
        )
        .values(paused_until=func.now())
    )


def _view(row: Any) -> SendingWindowsView:
    return SendingWindowsView(
        user_id=row.user_id,
        time_zone=row.time_zone,
        windows=row.windows,
        purposes=row.purposes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
