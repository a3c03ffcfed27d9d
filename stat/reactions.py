"""Stat's reactions: each event bumps the counters of its day and its reservation.

The inbox applies each event once; on top of that every reaction guards its own natural
key (a reservation's request and rejection are counted once, a message's result once),
so a fact re-emitted under a new event id cannot be counted twice either.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import cast
from uuid import UUID

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert

from msgplat.contracts.events import (
    MessageResultsReported,
    ReservationRejected,
    ReservationRequested,
)
from msgplat.plumbing.consumer import Polled
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.logging import get_logger
from msgplat.stat import domain, repository
from msgplat.stat.models import daily_stats, reservation_stats

log = get_logger(__name__)


# Built once and run as executemany (compiled once; a multi-row VALUES was compiled anew
# for every batch size).
_requested = insert(reservation_stats)
COUNT_REQUESTED = _requested.on_conflict_do_update(
    index_elements=[reservation_stats.c.reservation_id],
    set_={
        "requested": _requested.excluded.requested,
        "requested_at": _requested.excluded.requested_at,
        "updated_at": func.now(),
    },
    # A row made by results that overtook the request has no requested_at; one with it
    # was counted before (the same request under another event id).
    where=reservation_stats.c.requested_at.is_(None),
).returning(reservation_stats.c.reservation_id)


async def on_reservations_requested(uow: UnitOfWork, polled: list[Polled]) -> None:
    """Their recipients count as requested on the Seoul day each was requested (a polled
    batch at once, `Batched`: one statement for the reservations, one for the days)."""
    # One row per reservation: a statement may touch a row only once.
    first: dict[UUID, tuple[str, ReservationRequested]] = {}
    for p in polled:
        event = cast(ReservationRequested, p.event)
        first.setdefault(event.reservation_id, (p.envelope.user_id, event))
    rows = [
        {
            "reservation_id": rid,
            "user_id": user_id,
            "requested": event.recipient_count,
            "requested_at": event.requested_at,
        }
        for rid, (user_id, event) in sorted(first.items())
    ]
    counted = await uow.conn.execute(COUNT_REQUESTED, rows)
    days: Counter[tuple[str, date]] = Counter()
    for rid in counted.scalars():
        user_id, event = first[rid]
        days[user_id, domain.local_day(event.requested_at)] += event.recipient_count
    await _add_to_days(uow, days, "requested")


async def on_reservation_rejected(
    uow: UnitOfWork, envelope: EventEnvelope, event: ReservationRejected
) -> None:
    """A refused reservation's recipients will never be sent: count them as rejected.

    The request comes first on the same partition, so the reservation is known here.
    """
    row = (
        await uow.conn.execute(
            update(reservation_stats)
            .where(
                reservation_stats.c.reservation_id == event.reservation_id,
                reservation_stats.c.rejected_at.is_(None),
            )
            .values(
                rejected=reservation_stats.c.requested,
                rejected_at=event.rejected_at,
                updated_at=func.now(),
            )
            .returning(reservation_stats.c.user_id, reservation_stats.c.rejected)
        )
    ).first()
    if row is None:
        log.warning("stat_rejection_skipped", reservation_id=str(event.reservation_id))
        return
    day = (row.user_id, domain.local_day(event.rejected_at))
    await _add_to_days(uow, Counter({day: row.rejected}), "rejected")


async def on_message_results_reported(
    uow: UnitOfWork, envelope: EventEnvelope, event: MessageResultsReported
) -> None:
    await repository.count_results(
        uow,
        reservation_id=event.reservation_id,
        user_id=envelope.user_id,
        results=event.results,
    )


async def _add_to_days(uow: UnitOfWork, days: Counter[tuple[str, date]], counter: str) -> None:
    """Add to one counter of customers' Seoul days ((user id, day) -> how many), at once
    and in key order (every replica locks the rows in the same order)."""
    if not days:
        return
    stmt = insert(daily_stats)
    await uow.conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[daily_stats.c.user_id, daily_stats.c.day],
            set_={counter: daily_stats.c[counter] + stmt.excluded[counter]},
        ),
        [
            {"user_id": user_id, "day": day, counter: n}
            for (user_id, day), n in sorted(days.items())
        ],
    )
