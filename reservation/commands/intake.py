"""What a new reservation writes, in the unit of work of `create_reservation`: its row
and its events (the request, then the recipient list in ordered chunks), after counting
its recipients against the customer's daily quota."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert

from msgplat.contracts.events import ReservationRecipientsAdded, ReservationRequested
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.errors import TooManyRequests
from msgplat.reservation import domain, queries
from msgplat.reservation.models import daily_recipients, reservations
from msgplat.reservation.recipients import chunk_bounds, event_sizes
from msgplat.reservation.schemas import MsgReq
from msgplat.reservation.settings import ReservationSettings
from msgplat.reservation.validation import Validated

SEOUL = ZoneInfo("Asia/Seoul")


# Built once: every reservation runs it, and building it anew (`.values(...)`) cost more
# CPU than running it.
STORE = insert(reservations).returning(*reservations.c)


async def store(
    uow: UnitOfWork, settings: ReservationSettings, user_id: str, v: Validated
) -> MsgReq:
    """The reservation's row, then its events: the request, and the recipient list in
    ordered chunks (ADR 0003), which is the only copy of the list this service keeps
    (ADR 0011)."""
    reservation_id = uuid4()
    numbers: list[str] = v.recipients.numbers
    values = {
        "id": reservation_id,
        "user_id": user_id,
        "title": v.title,
        "content": v.content,
        "msg_type": v.msg_type,
        "callback_num": v.callback,
        "reserve_dt": v.reserve_dt,
        "status": domain.ReservationStatus.REQUESTED,
        "recipient_count": len(numbers),
        "duplicates_dropped": v.recipients.duplicates_dropped,
        "purpose": v.purpose,
        "template_id": v.template_id,
        "personalised": v.personalised,
        "msg_counts": v.msg_counts,
    }
    row = (await uow.conn.execute(STORE, values)).one()
    bounds = chunk_bounds(
        event_sizes(numbers, v.texts),
        max_count=settings.recipient_chunk_size,
        max_bytes=settings.recipient_chunk_bytes,
    )
    uow.emit(
        ReservationRequested(
            reservation_id=reservation_id,
            title=v.title,
            content=v.content,
            msg_type=v.msg_type,
            callback_num=v.callback,
            reserve_dt=v.reserve_dt,
            recipient_count=len(numbers),
            chunk_count=len(bounds),
            requested_at=row.created_at,
            purpose=v.purpose,
            personalised=v.personalised,
            msg_counts=v.msg_counts if v.personalised else None,
            template_id=v.template_id,
        ),
        aggregate_id=reservation_id,
        user_id=user_id,
    )
    for index, (start, end) in enumerate(bounds):
        uow.emit(
            ReservationRecipientsAdded(
                reservation_id=reservation_id,
                chunk_index=index,
                chunk_count=len(bounds),
                first_seq=start,
                dst_nums=numbers[start:end],
                texts=None if v.texts is None else v.texts[start:end],
                msg_types=None if v.msg_types is None else v.msg_types[start:end],
            ),
            aggregate_id=reservation_id,
            user_id=user_id,
        )
    return queries.msg_req_of(row)


async def count_against_quota(
    uow: UnitOfWork, *, user_id: str, recipients: int, limit: int, now: datetime
) -> None:
    """The daily recipient quota: a customer reserves at most `limit` recipients per Seoul
    day (TooManyRequests past it).

    Counted in the transaction that stores the reservation, so two concurrent requests
    cannot both pass on the last remaining allowance, and a refused request leaves
    nothing behind. Cancelling does not give recipients back (the quota bounds what a
    customer may ask the platform to do in a day).
    """
    day = now.astimezone(SEOUL).date()
    counted_so_far = daily_recipients.c.recipients
    statement = (
        pg_insert(daily_recipients)
        .values(user_id=user_id, day=day, recipients=recipients)
        .on_conflict_do_update(
            index_elements=[daily_recipients.c.user_id, daily_recipients.c.day],
            set_={"recipients": counted_so_far + recipients},
            where=counted_so_far + recipients <= limit,
        )
        .returning(counted_so_far)
    )
    counted = (await uow.conn.execute(statement)).first() if recipients <= limit else None
    if counted is None or counted.recipients > limit:
        retry_after = _seconds_to_next_day(now)
        raise TooManyRequests(
            f"this reservation's {recipients} recipients would pass the daily quota of "
            f"{limit} recipients (Asia/Seoul day {day}); it resets in {retry_after} s",
            retry_after_s=retry_after,
            extra={"quota": limit, "day": day.isoformat()},
        )


def _seconds_to_next_day(now: datetime) -> int:
    local = now.astimezone(SEOUL)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - local).total_seconds()) + 1)
