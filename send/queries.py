"""The reads behind send's API: a reservation's messages and their summary, the opt-out
lists, a customer's sending windows."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, fetch_page
from msgplat.plumbing.errors import NotFound
from msgplat.send import domain, repository
from msgplat.send.models import jobs, messages, optouts, tallies
from msgplat.send.schemas import Msg, MsgSummary, Optout, SendingWindowsView

S = domain.MessageState


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


async def list_optouts(
    db: Database, caller: Caller, *, user_id: str | None, number: str | None, page: int, size: int
) -> tuple[list[Optout], int]:
    """A page of the list in number order (an operator naming no customer sees all)."""
    scope = caller.scope(user_id)
    where = []
    if scope is not None:
        where.append(optouts.c.user_id == scope)
    if number is not None:
        where.append(optouts.c.number == number)
    async with db.engine.connect() as conn:
        query = select(optouts).where(*where).order_by(optouts.c.user_id, optouts.c.number)
        rows, total = await fetch_page(conn, query, page=page, size=size)
        items = [
            Optout(user_id=row.user_id, number=row.number, created_at=row.created_at)
            for row in rows
        ]
    return items, total


async def get_sending_windows(db: Database, *, user_id: str) -> SendingWindowsView:
    async with db.engine.connect() as conn:
        row = await repository.windows.read(conn, user_id)
    if row is None:
        raise NotFound(f"sending windows of customer {user_id}")
    return windows_view(row)


def windows_view(row: Any) -> SendingWindowsView:
    return SendingWindowsView(
        user_id=row.user_id,
        time_zone=row.time_zone,
        windows=row.windows,
        purposes=row.purposes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
