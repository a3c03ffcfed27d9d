"""Event handlers that project into the views, and the queries that read them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationFinished,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRequested,
    ReservationScheduled,
    ReservationSendingStarted,
)
from msgplat.monitoring.domain import FINAL_STATUSES
from msgplat.monitoring.models import reservation_views as views
from msgplat.monitoring.schemas import ReservationView
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.errors import NotFound


async def on_reservation_requested(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRequested
) -> None:
    await uow.conn.execute(
        insert(views)
        .values(
            reservation_id=event.reservation_id,
            user_id=envelope.user_id,
            title=event.title,
            msg_type=event.msg_type,
            status="requested",
            recipient_count=event.recipient_count,
            reserve_dt=event.reserve_dt,
            requested_at=event.requested_at,
        )
        .on_conflict_do_nothing()
    )


async def on_recipients_added(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRecipientsAdded
) -> None:
    await uow.conn.execute(
        update(views)
        .where(views.c.reservation_id == event.reservation_id)
        .values(
            recipients_received=views.c.recipients_received + len(event.dst_nums),
            updated_at=func.now(),
        )
    )


async def on_reservation_cancelled(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationCancelled
) -> None:
    await uow.conn.execute(
        update(views)
        .where(
            views.c.reservation_id == event.reservation_id, views.c.status.not_in(FINAL_STATUSES)
        )
        .values(status="cancelled", cancelled_at=event.cancelled_at, updated_at=func.now())
    )


async def on_reservation_scheduled(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationScheduled
) -> None:
    await _set_status(event.reservation_id, uow, "scheduled", scheduled_at=event.scheduled_at)


async def on_reservation_sending_started(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationSendingStarted
) -> None:
    await _set_status(event.reservation_id, uow, "sending", started_at=event.started_at)


async def on_reservation_finished(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationFinished
) -> None:
    await _set_status(event.reservation_id, uow, event.status, finished_at=event.finished_at)


async def on_reservation_rejected(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRejected
) -> None:
    await _set_status(
        event.reservation_id,
        uow,
        "rejected",
        status_reason=event.reason,
        finished_at=event.rejected_at,
    )


async def _set_status(reservation_id: UUID, uow: UnitOfWork, status: str, **stamps: Any) -> None:
    """Move a view forward; a final view stays as it is (see domain.FINAL_STATUSES)."""
    await uow.conn.execute(
        update(views)
        .where(views.c.reservation_id == reservation_id, views.c.status.not_in(FINAL_STATUSES))
        .values(status=status, updated_at=func.now(), **stamps)
    )


async def get_view(db: Database, reservation_id: UUID) -> ReservationView:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(select(views).where(views.c.reservation_id == reservation_id))
        ).first()
    if row is None:
        raise NotFound(f"reservation {reservation_id}")
    return to_api(row)


async def list_views(
    db: Database, *, user_id: str | None, page: int, size: int
) -> tuple[list[ReservationView], int]:
    conditions = [] if user_id is None else [views.c.user_id == user_id]
    async with db.engine.connect() as conn:
        total = await conn.scalar(select(func.count()).select_from(views).where(*conditions))
        rows = await conn.execute(
            select(views)
            .where(*conditions)
            .order_by(views.c.requested_at.desc(), views.c.reservation_id)
            .offset((page - 1) * size)
            .limit(size)
        )
    return [to_api(row) for row in rows], int(total or 0)


def to_api(row: Any) -> ReservationView:
    return ReservationView(
        reservation_id=row.reservation_id,
        user_id=row.user_id,
        msg_title=row.title,
        msg_type=row.msg_type,
        status=row.status,
        status_reason=row.status_reason,
        recipient_count=row.recipient_count,
        recipients_received=row.recipients_received,
        reserve_dt=row.reserve_dt,
        requested_at=row.requested_at,
        scheduled_at=row.scheduled_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        cancelled_at=row.cancelled_at,
        updated_at=row.updated_at,
    )
