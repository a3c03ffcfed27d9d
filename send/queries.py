"""The reads behind send's API: a reservation's messages and their summary, the opt-out
lists, a customer's sending windows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi.responses import StreamingResponse
from sqlalchemy import Select, String, cast, func, select

from msgplat.plumbing.api import Period
from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, fetch_page
from msgplat.plumbing.errors import FieldError, RequestInvalid
from msgplat.plumbing.export import copy_response, inert, seoul_time
from msgplat.plumbing.phones import NumberInvalid, normalise_recipient
from msgplat.send import domain, repository
from msgplat.send.models import jobs, messages, optouts, tallies
from msgplat.send.schemas import Msg, MsgSummary, Optout, SendingWindowsView

S = domain.MessageState


@dataclass(frozen=True)
class MessageSearch:
    """Which messages a list shows: one reservation's (in list order), or the customer's
    across reservations (newest first), narrowed by number, statuses and due period."""

    reservation_id: UUID | None = None
    user_id: str | None = None
    dst_num: str | None = None  # E.164
    statuses: tuple[str, ...] = ()
    period: Period = field(default_factory=Period)  # of the reservation's due time

    @property
    def narrowed(self) -> bool:
        p = self.period
        return bool(self.dst_num or self.statuses or p.start or p.end)


def search_number(raw: str) -> str:
    """The number searched for, in E.164 (as messages store it), or a 422 naming dstNum."""
    try:
        return normalise_recipient(raw)
    except NumberInvalid as exc:
        raise RequestInvalid(
            [FieldError(("query", "dstNum"), str(exc), type="phone_number", input=raw)]
        ) from None


async def check_reservation(db: Database, caller: Caller, reservation_id: UUID) -> None:
    """404 unless the reservation's messages are the caller's to read."""
    async with db.engine.connect() as conn:
        owner = await conn.scalar(
            select(jobs.c.user_id).where(jobs.c.reservation_id == reservation_id)
        )
    caller.check_owner(owner, f"reservation {reservation_id}")


def _searched(search: MessageSearch) -> Select[Any]:
    m, j = messages.c, jobs.c
    query = select(
        messages,
        j.user_id,
        j.msg_type.label("job_msg_type"),
        j.title.label("reservation_title"),
        j.due_at,
    ).join(jobs, j.reservation_id == m.reservation_id)
    return _narrowed(query, search)


def _narrowed(query: Select[Any], search: MessageSearch) -> Select[Any]:
    """`query` (of messages joined to their jobs) narrowed and ordered as `search` says."""
    m, j = messages.c, jobs.c
    if search.reservation_id is not None:
        query = query.where(m.reservation_id == search.reservation_id)
    if search.user_id is not None:
        query = query.where(j.user_id == search.user_id)
    if search.dst_num is not None:
        query = query.where(m.dst_num == search.dst_num)
    if search.statuses:
        query = query.where(m.status.in_(search.statuses))
    if search.period.start is not None:
        query = query.where(j.due_at >= search.period.start)
    if search.period.end is not None:
        query = query.where(j.due_at < search.period.end)
    if search.reservation_id is not None:
        return query.order_by(m.seq)
    return query.order_by(j.due_at.desc(), m.reservation_id, m.seq)


async def search_messages(
    db: Database, search: MessageSearch, *, page: int, size: int
) -> tuple[list[Msg], int]:
    """A page of the messages searched for, and how many there are in all (one
    reservation's, not narrowed: its recipient count, without counting)."""
    query = _searched(search)
    async with db.engine.connect() as conn:
        if search.reservation_id is not None and not search.narrowed:
            total = await conn.scalar(
                select(jobs.c.recipient_count).where(jobs.c.reservation_id == search.reservation_id)
            )
            rows = list(await conn.execute(query.offset((page - 1) * size).limit(size)))
        else:
            rows, total = await fetch_page(conn, query, page=page, size=size)
    found = search.reservation_id is None
    return [to_api(row, row.user_id, row.job_msg_type, found=found) for row in rows], int(
        total or 0
    )


def messages_csv(db: Database, search: MessageSearch) -> StreamingResponse:
    """The messages searched for, as CSV written by PostgreSQL: times in Seoul, numbers
    as Koreans write them beside their E.164 form, text a spreadsheet will not run."""
    m, j = messages.c, jobs.c
    korean = func.regexp_replace(m.dst_num, r"^\+821([0-9])([0-9]{3,4})([0-9]{4})$", r"01\1-\2-\3")
    columns = select(
        cast(m.reservation_id, String).label("reservationId"),
        inert(j.title).label("reservationTitle"),
        seoul_time(j.due_at).label("reserveDt (KST)"),
        m.seq.label("seq"),
        korean.label("dstNum"),
        inert(m.dst_num).label("dstNumE164"),
        func.coalesce(m.msg_type, j.msg_type).label("msgType"),
        m.status.label("status"),
        m.result_code.label("resultCode"),
        inert(m.reason).label("reason"),
        m.carrier.label("carrier"),
        m.carrier_msg_id.label("carrierMsgId"),
        seoul_time(m.submitted_at).label("submittedAt (KST)"),
        seoul_time(m.final_at).label("finalAt (KST)"),
        inert(m.text).label("text"),
    )
    query = _narrowed(
        columns.join_from(messages, jobs, j.reservation_id == m.reservation_id), search
    )
    name = f"messages-{search.reservation_id}.csv" if search.reservation_id else "messages.csv"
    return copy_response(db.engine, query, filename=name)


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
                    jobs.c.stuck_reason,
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
        stuck_reason=None if finished else job.stuck_reason,
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


def to_api(row: Any, user_id: str, job_msg_type: str, *, found: bool = False) -> Msg:
    """The message of `row`; `found` (a search's row): with its reservation's title and
    due time."""
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
        reservation_title=row.reservation_title if found else None,
        reserve_dt=row.due_at if found else None,
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
    """The customer's windows; none set is an empty list (sending is not limited)."""
    async with db.engine.connect() as conn:
        row = await repository.windows.read(conn, user_id)
    if row is None:
        return SendingWindowsView(user_id=user_id, time_zone="Asia/Seoul", windows=[], purposes=[])
    return windows_view(row)


def windows_view(row: Any) -> SendingWindowsView:
    return SendingWindowsView.model_validate(row, from_attributes=True)  # its columns, by name
