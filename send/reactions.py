"""What events make send do, one function per event, each given the unit of work: the
reservation's make its copy of each reservation (a job and its messages); a status alert
(monitoring) or a sender's verification code (reservation) becomes a notice."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRequested,
    ReservationRescheduled,
    ReservationScheduled,
    SenderVerificationRequested,
    StatusAlertRequested,
)
from msgplat.plumbing import tracing
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.logging import get_logger
from msgplat.send import notices, repository
from msgplat.send.domain import NoticeKind
from msgplat.send.results import record_final

log = get_logger(__name__)


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
    await repository.stuck.clear(uow.conn, event.reservation_id)  # a replayed dead letter
    job = await repository.jobs.count_chunk(uow.conn, event.reservation_id)
    if job.chunks_received == job.chunk_count and job.chunk_count > 1:
        await repository.messages.analyze(uow.conn)


async def on_recipients_dead_lettered(uow: UnitOfWork, envelope: EventEnvelope, error: str) -> None:
    """A chunk that could not be applied: without it the job would wait unseen forever.
    It is marked stuck (the customer and the operator see it); replaying the dead letter
    applies the chunk and the job goes on."""
    reason = (
        "part of the recipient list could not be read, so sending cannot start: the "
        "operator has been alerted and will replay it"
    )
    if await repository.stuck.mark(uow.conn, envelope.aggregate_id, reason):
        log.error(
            "job_stuck",
            reservation_id=str(envelope.aggregate_id),
            event_id=str(envelope.event_id),
            error=error[:500],
            next_step="fix the cause, then: python -m msgplat.plumbing.consumer dead-letters "
            "replay <id> --service send",
        )


async def on_reservation_scheduled(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationScheduled
) -> None:
    await repository.jobs.schedule(uow.conn, event.reservation_id, event.reserve_dt)


async def on_reservation_rescheduled(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRescheduled
) -> None:
    """The job is due at the new time (the scheduler claims jobs by due time)."""
    if not await repository.jobs.reschedule(uow.conn, event.reservation_id, event.reserve_dt):
        log.warning("reschedule_too_late", reservation_id=str(event.reservation_id))


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
    # What a runner may have handed to a carrier (up to `handed_seq`) waits for its
    # report. A runner that died holding the lease: the sweep ends its job once the
    # lease expires (scheduler.finish_abandoned_cancels).
    unconfirmed = not job.leased(datetime.now(UTC))
    if unconfirmed:
        await repository.jobs.confirm_handed(uow.conn, job.reservation_id)
    cancelled = await repository.messages.cancel(
        uow.conn, job.reservation_id, pending=True, unconfirmed=unconfirmed
    )
    await record_final(uow, job, cancelled)


async def on_status_alert_requested(
    uow: UnitOfWork, envelope: EventEnvelope, event: StatusAlertRequested
) -> None:
    """A customer's status alert: a notice to their number, charged when delivered."""
    await _request_notice(uow, envelope, event, "status_alert", subject_id=event.reservation_id)


async def on_sender_verification_requested(
    uow: UnitOfWork, envelope: EventEnvelope, event: SenderVerificationRequested
) -> None:
    """The code that proves a sender number: a free notice to that number."""
    await _request_notice(uow, envelope, event, "sender_verification", subject_id=event.sender_id)


async def _request_notice(
    uow: UnitOfWork,
    envelope: EventEnvelope,
    event: StatusAlertRequested | SenderVerificationRequested,
    kind: NoticeKind,
    *,
    subject_id: UUID,
) -> None:
    await notices.request(
        uow,
        kind=kind,
        notice_id=event.notice_id,
        user_id=envelope.user_id,
        subject_id=subject_id,
        to_num=event.to_num,
        text=event.text,
    )
