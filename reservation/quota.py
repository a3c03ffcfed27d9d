"""The daily recipient quota: a customer reserves at most N recipients per Seoul day.

Counted in the transaction that stores the reservation, so two concurrent requests
cannot both pass on the last remaining allowance, and a refused request leaves
nothing behind. Cancelling does not give recipients back (the quota bounds what a
customer may ask the platform to do in a day).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert

from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.errors import TooManyRequests
from msgplat.reservation.models import daily_recipients

SEOUL = ZoneInfo("Asia/Seoul")


async def count_against_quota(
    uow: UnitOfWork, *, user_id: str, recipients: int, limit: int, now: datetime
) -> None:
    day = now.astimezone(SEOUL).date()
    counted_so_far = daily_recipients.c.recipients
    statement = (
        insert(daily_recipients)
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
