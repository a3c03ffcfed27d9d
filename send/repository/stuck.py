"""Jobs that cannot go on by themselves: a recipient chunk was dead-lettered, so the job
would wait for it forever. Marked, so the customer (`/msgs/summary`) and the operator
(`saga_instances{saga="send_job",state="stuck"}`, the alert) see it; a chunk applied
later (the dead letter replayed) clears it (`jobs.count_chunks`)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.send.models import jobs


async def mark(conn: AsyncConnection, reservation_id: UUID, reason: str) -> bool:
    """True when the job exists (a chunk of an unknown job marks nothing)."""
    result = await conn.execute(
        update(jobs)
        .where(jobs.c.reservation_id == reservation_id)
        .values(stuck_reason=reason, stuck_at=func.now())
    )
    return bool(result.rowcount)
