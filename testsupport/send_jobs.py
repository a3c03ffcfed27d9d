"""Send's jobs as the tests of its runner, scheduler and sweep write them straight into
its tables: one chunk, every chunk received, an SMS from the tests' callback number."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.send.models import jobs
from msgplat_testsupport.senders import TEST_CALLBACK_NUM


async def insert_job(
    conn: AsyncConnection,
    reservation_id: UUID,
    *,
    user_id: str,
    status: str,
    due_at: datetime,
    recipient_count: int,
    title: str = "t",
    content: str = "c",
    **values: Any,
) -> None:
    """A job row (no tally, no messages: the test adds what it needs)."""
    await conn.execute(
        insert(jobs).values(
            reservation_id=reservation_id,
            user_id=user_id,
            title=title,
            content=content,
            msg_type="SMS",
            callback_num=TEST_CALLBACK_NUM,
            due_at=due_at,
            status=status,
            recipient_count=recipient_count,
            chunk_count=1,
            chunks_received=1,
            **values,
        )
    )
