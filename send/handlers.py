"""Send's event handlers (its copy of each reservation) and its queries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRequested,
    ReservationScheduled,
)
from msgplat.plumbing import tracing
from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.send import domain
from msgplat.send.models import SCHEMA, jobs, messages, tallies
from msgplat.send.results import record_final, start_tally
from msgplat.send.schemas import Msg, MsgSummary

S = domain.MessageState


async def on_reservation_requested(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRequested
) -> None:
    await uow.conn.execute(
        insert(jobs)
        .values(
            reservation_id=event.reservation_id,
            user_id=envelope.user_id,
            title=event.title,
            content=event.content,
            msg_type=event.msg_type,
            callback_num=event.callback_num,
            due_at=event.reserve_dt,
            status=domain.JobState.WAITING,
            recipient_count=event.recipient_count,
            chunk_count=event.chunk_count,
            purpose=event.purpose,
            traceparent=tracing.current_traceparent(),
        )
        .on_conflict_do_nothing()
    )
    await start_tally(uow, event.reservation_id)


async def on_recipients_added(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRecipientsAdded
) -> None:
    """COPY the chunk's messages (the inbox guarantees each chunk is applied once); a
    personalised chunk brings each message's own text and type."""
    raw = await uow.conn.get_raw_connection()
    rid, first = event.reservation_id, event.first_seq
    columns = ["reservation_id", "seq", "dst_num"]
    records: list[tuple[Any, ...]]
    if event.texts is None and event.msg_types is None:
        records = [(rid, first + i, number) for i, number in enumerate(event.dst_nums)]
    else:
        columns += ["text", "msg_type"]
        count = len(event.dst_nums)
        texts = event.texts or [None] * count
        types = event.msg_types or [None] * count
        records = [
            (rid, first + i, number, texts[i], types[i]) for i, number in enumerate(event.dst_nums)
        ]
    await raw.driver_connection.copy_records_to_table(
        "messages", schema_name=SCHEMA, columns=columns, records=records
    )
    job = (
        await uow.conn.execute(
            update(jobs)
            .where(jobs.c.reservation_id == event.reservation_id)
            .values(chunks_received=jobs.c.chunks_received + 1)
            .returning(jobs.c.chunks_received, jobs.c.chunk_count)
        )
    ).one()
    if job.chunks_received == job.chunk_count and job.chunk_count > 1:
        # Fresh statistics before sending: a plan made for an "empty" table would scan
        # the whole list for every batch.
        await uow.conn.execute(text(f"ANALYZE {SCHEMA}.messages"))


async def on_reservation_scheduled(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationScheduled
) -> None:
    await uow.conn.execute(
        update(jobs)
        .where(
            jobs.c.reservation_id == event.reservation_id,
            jobs.c.status == domain.JobState.WAITING,
        )
        .values(status=domain.JobState.SCHEDULED, due_at=event.reserve_dt)
    )


async def on_reservation_rejected(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRejected
) -> None:
    """Never to be sent: the job is closed without results (nothing was held)."""
    await uow.conn.execute(
        update(jobs)
        .where(
            jobs.c.reservation_id == event.reservation_id,
            jobs.c.status == domain.JobState.WAITING,
        )
        .values(status=domain.JobState.REJECTED)
    )


async def on_reservation_cancelled(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationCancelled
) -> None:
    """Stop the remaining messages: every one not yet handed to a carrier is cancelled.

    Messages already with the carrier finish with their delivery report. The chunks
    always arrive before the cancel: they share the reservation's partition.
    """
    job = (
        await uow.conn.execute(
            update(jobs)
            .where(
                jobs.c.reservation_id == event.reservation_id,
                jobs.c.status != domain.JobState.FINISHED,
            )
            .values(status=domain.JobState.CANCELLED)
            .returning(jobs)
        )
    ).first()
    if job is None:
        return
    # Pending messages are cancelled. Messages claimed but not confirmed handed over
    # (at or after the job's cursor) are too, when no live sender holds the lease; a
    # live sender cancels its own unconfirmed ones when it sees the cancel.
    cancelled = (
        await uow.conn.execute(
            text(
                f"""
                UPDATE {SCHEMA}.messages m
                SET status = 'cancelled', result_code = 'CANCELLED',
                    reason = 'cancelled by the customer', final_at = now()
                WHERE m.reservation_id = :rid
                  AND (m.status = 'pending'
                       OR (m.status = 'submitted' AND m.seq >= :cursor AND NOT :leased))
                RETURNING seq, status, result_code, reason, carrier, carrier_msg_id, final_at,
                          msg_type
                """
            ),
            {
                "rid": event.reservation_id,
                "cursor": job.next_seq,
                "leased": job.lease_owner is not None
                and job.lease_until is not None
                and job.lease_until > datetime.now(UTC),
            },
        )
    ).all()
    await record_final(uow, job, cancelled)


async def list_messages(
    db: Database, caller: Caller, *, reservation_id: UUID, page: int, size: int
) -> tuple[list[Msg], int]:
    async with db.engine.connect() as conn:
        job = (
            await conn.execute(
                select(jobs.c.user_id, jobs.c.recipient_count, jobs.c.msg_type).where(
                    jobs.c.reservation_id == reservation_id
                )
            )
        ).first()
        caller.check_owner(job and job.user_id, f"reservation {reservation_id}")
        assert job is not None
        rows = await conn.execute(
            select(messages)
            .where(messages.c.reservation_id == reservation_id)
            .order_by(messages.c.seq)
            .offset((page - 1) * size)
            .limit(size)
        )
        return [to_api(row, job.user_id, job.msg_type) for row in rows], job.recipient_count


async def summarise(db: Database, caller: Caller, *, reservation_id: UUID) -> MsgSummary:
    async with db.engine.connect() as conn:
        job = (
            await conn.execute(
                select(
                    jobs.c.user_id,
                    jobs.c.recipient_count,
                    jobs.c.pause_rule,
                    jobs.c.pause_reason,
                    jobs.c.paused_until,
                    tallies.c.finished_at,
                )
                .join(tallies, tallies.c.reservation_id == jobs.c.reservation_id)
                .where(jobs.c.reservation_id == reservation_id)
            )
        ).first()
        caller.check_owner(job and job.user_id, f"reservation {reservation_id}")
        assert job is not None
        counts = dict(
            (
                await conn.execute(
                    select(messages.c.status, func.count())
                    .where(messages.c.reservation_id == reservation_id)
                    .group_by(messages.c.status)
                )
            ).all()
        )
    finished = job.finished_at is not None
    return MsgSummary(
        reservation_id=reservation_id,
        user_id=job.user_id,
        recipient_count=job.recipient_count,
        pending=counts.get(S.PENDING, 0),
        submitted=counts.get(S.SUBMITTED, 0),
        delivered=counts.get(S.DELIVERED, 0),
        failed=counts.get(S.FAILED, 0),
        cancelled=counts.get(S.CANCELLED, 0),
        opted_out=counts.get(S.OPTED_OUT, 0),
        finished=finished,
        pause_rule=None if finished else job.pause_rule,
        pause_reason=None if finished else job.pause_reason,
        paused_until=None if finished else job.paused_until,
    )


async def get_message(db: Database, caller: Caller, message_id: int) -> Msg:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                select(messages, jobs.c.user_id, jobs.c.msg_type.label("job_msg_type"))
                .join(jobs, jobs.c.reservation_id == messages.c.reservation_id)
                .where(messages.c.id == message_id)
            )
        ).first()
    caller.check_owner(row and row.user_id, f"message {message_id}")
    assert row is not None
    return to_api(row, row.user_id, row.job_msg_type)


def to_api(row: Any, user_id: str, job_msg_type: str) -> Msg:
    return Msg(
        id=row.id,
        reservation_id=row.reservation_id,
        user_id=user_id,
        seq=row.seq,
        dst_num=row.dst_num,
        msg_type=row.msg_type or job_msg_type,
        text=row.text,
        status=row.status,
        attempts=row.attempts,
        carrier=row.carrier,
        carrier_msg_id=row.carrier_msg_id,
        result_code=row.result_code,
        reason=row.reason,
        submitted_at=row.submitted_at,
        final_at=row.final_at,
    )
