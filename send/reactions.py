"""What events make send do, each given the unit of work: the reservation's make its copy
of each reservation (a job and its messages; its arrivals a polled batch at once); a
status alert (monitoring) or a sender's verification code (reservation) becomes a
notice."""

from __future__ import annotations

from collections import Counter
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
from msgplat.plumbing.consumer import Polled
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.logging import get_logger
from msgplat.send import notices, repository
from msgplat.send.domain import NoticeKind
from msgplat.send.results import record_final

log = get_logger(__name__)


# The events that make a reservation's job, in the order each reservation has them: the
# request and its chunks are written in one transaction, the schedule after billing held
# the credit.
ARRIVAL = (ReservationRequested, ReservationRecipientsAdded, ReservationScheduled)


async def on_reservations_arriving(uow: UnitOfWork, polled: list[Polled]) -> None:
    """A polled batch of `ARRIVAL` events at once (`Batched`): the jobs made, the chunks
    copied and counted, the jobs scheduled, a few statements for the whole batch.

    Applying them kind by kind keeps each reservation's own order when its events come in
    `ARRIVAL` order, as they are written; a batch where one does not (not seen, but not
    this module's to promise) is applied one event at a time.
    """
    if not _in_arrival_order(polled):
        for one in polled:
            await _arrive(uow, [one])
        return
    await _arrive(uow, polled)


async def _arrive(uow: UnitOfWork, polled: list[Polled]) -> None:
    requested = [
        (p.event, p.envelope.user_id, p.traceparent)
        for p in polled
        if isinstance(p.event, ReservationRequested)
    ]
    chunks = [p.event for p in polled if isinstance(p.event, ReservationRecipientsAdded)]
    due = {
        p.event.reservation_id: p.event.reserve_dt
        for p in polled
        if isinstance(p.event, ReservationScheduled)
    }
    if requested:
        await repository.jobs.create(uow.conn, requested)
        await repository.tallies.start(
            uow.conn, [event.reservation_id for event, _, _ in requested]
        )
    if chunks:
        # COPY the chunks' messages (the inbox guarantees each chunk is applied once); a
        # personalised chunk brings each message's own text and type.
        await repository.messages.copy_chunks(uow.conn, chunks)
        per_job = Counter(event.reservation_id for event in chunks)
        counted = await repository.jobs.count_chunks(uow.conn, per_job)
        if any(row.chunks_received == row.chunk_count > 1 for row in counted):
            await repository.messages.analyze(uow.conn)
    if due:
        await repository.jobs.schedule(uow.conn, due)


def _in_arrival_order(polled: list[Polled]) -> bool:
    reached: dict[UUID, int] = {}
    for p in polled:
        rank = ARRIVAL.index(type(p.event))
        rid: UUID = getattr(p.event, "reservation_id")  # noqa: B009 (every ARRIVAL event)
        if rank < reached.get(rid, 0):
            return False
        reached[rid] = rank
    return True


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
