"""What the reservation's events make send do: its copy of each reservation (a job and
its messages), one function per event, each given the unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRequested,
    ReservationScheduled,
)
from msgplat.plumbing import tracing
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.send import repository
from msgplat.send.results import record_final


async def on_reservation_requested(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRequested
) -> None:
    await repository.jobs.create(
        uow.conn, event, user_id=envelope.user_id, traceparent=tracing.current_traceparent()
    )
    await repository.tallies.start(uow.conn, event.reservation_id)


async def on_recipients_added(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRecipientsAdded
) -> None:
    """COPY the chunk's messages (the inbox guarantees each chunk is applied once); a
    personalised chunk brings each message's own text and type."""
    await repository.messages.copy_chunk(uow.conn, event)
    job = await repository.jobs.count_chunk(uow.conn, event.reservation_id)
    if job.chunks_received == job.chunk_count and job.chunk_count > 1:
        await repository.messages.analyze(uow.conn)


async def on_reservation_scheduled(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationScheduled
) -> None:
    await repository.jobs.schedule(uow.conn, event.reservation_id, event.reserve_dt)


async def on_reservation_rejected(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRejected
) -> None:
    """Never to be sent: the job is closed without results (nothing was held)."""
    await repository.jobs.reject(uow.conn, event.reservation_id)


async def on_reservation_cancelled(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationCancelled
) -> None:
    """Stop the remaining messages: every one not yet handed to a carrier is cancelled.

    Messages already with the carrier finish with their delivery report. The chunks
    always arrive before the cancel: they share the reservation's partition.
    """
    job = await repository.jobs.cancel(uow.conn, event.reservation_id)
    if job is None:
        return
    # Pending messages are cancelled. Messages claimed but not confirmed handed over
    # (at or after the job's cursor) are too, when no live runner holds the lease; a
    # live runner cancels its own unconfirmed ones when it sees the cancel.
    cancelled = await repository.messages.cancel(
        uow.conn, job.reservation_id, pending=True, unconfirmed=not job.leased(datetime.now(UTC))
    )
    await record_final(uow, job, cancelled)
