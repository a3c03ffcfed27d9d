"""Settling final message results against the reservation's hold, in bulk.

A delivered message's price is captured (charged); a failed or cancelled one's is
released (the saga's compensation). Each message settles once: its (reservation id,
seq) goes into `settled_messages` with `ON CONFLICT DO NOTHING` in the same
transaction, so a redelivered event, a duplicated result or a contradicting later one
(failed after delivered) changes nothing. One event of up to 5,000 results costs a
fixed handful of statements, and one capture and one release ledger entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import case, func, text, update

from msgplat.billing import ledger
from msgplat.billing.domain import HoldStatus, LedgerKind
from msgplat.billing.handlers import lock_open_hold
from msgplat.billing.models import SCHEMA, holds
from msgplat.contracts.events import ChargesSettled, MessageResult, MessageResultsReported
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)

SETTLE_SQL = text(
    f"""
    INSERT INTO {SCHEMA}.settled_messages (reservation_id, seq, captured)
    SELECT :rid, v.seq, v.captured
    FROM unnest(CAST(:seqs AS int[]), CAST(:captured AS bool[])) AS v(seq, captured)
    ON CONFLICT DO NOTHING
    RETURNING seq, captured
    """
)

SETTLED_BEFORE_SQL = text(
    f"""
    SELECT seq, captured FROM {SCHEMA}.settled_messages
    WHERE reservation_id = :rid AND seq = ANY(CAST(:seqs AS int[]))
    """
)

MAX_LOGGED_SEQS = 20


async def on_message_results(
    uow: UnitOfWork, envelope: EventEnvelope, event: MessageResultsReported
) -> None:
    rid = event.reservation_id
    hold = await lock_open_hold(uow, rid)
    if hold is None:
        log.info(
            "results_without_open_hold_ignored",
            reservation_id=str(rid),
            results=len(event.results),
            meaning="refused, already closed, or never requested",
        )
        return
    wanted = _first_result_per_message(event.results, count=hold.count, reservation_id=rid)
    settled = (
        await uow.conn.execute(
            SETTLE_SQL,
            {"rid": rid, "seqs": list(wanted), "captured": list(wanted.values())},
        )
    ).all()
    if len(settled) < len(wanted):
        await _log_ignored(uow, rid, wanted, {row.seq for row in settled})
    if not settled:
        return
    captured = sum(1 for row in settled if row.captured)
    released = len(settled) - captured
    await _settle(uow, envelope, hold, captured=captured, released=released)


async def _settle(
    uow: UnitOfWork, envelope: EventEnvelope, hold: Any, *, captured: int, released: int
) -> None:
    price = hold.unit_price
    captured_amount, released_amount = captured * price, released * price
    settled_count = hold.captured_count + hold.released_count + captured + released
    held_remaining = (
        await uow.conn.execute(
            update(holds)
            .where(holds.c.reservation_id == hold.reservation_id)
            .values(
                held=holds.c.held - captured_amount - released_amount,
                captured_count=holds.c.captured_count + captured,
                captured_amount=holds.c.captured_amount + captured_amount,
                released_count=holds.c.released_count + released,
                released_amount=holds.c.released_amount + released_amount,
                # Every message settled: nothing can be held any more.
                status=case(
                    (settled_count >= holds.c.count, HoldStatus.CLOSED.value),
                    else_=holds.c.status,
                ),
                closed_at=case(
                    (settled_count >= holds.c.count, func.now()), else_=holds.c.closed_at
                ),
            )
            .returning(holds.c.held)
        )
    ).scalar_one()
    entries = [
        ledger.Entry(
            kind,
            amount,
            count=count,
            msg_type=hold.msg_type,
            reservation_id=hold.reservation_id,
            event_id=envelope.event_id,
        )
        for kind, count, amount in (
            (LedgerKind.CAPTURE, captured, captured_amount),
            (LedgerKind.RELEASE, released, released_amount),
        )
        if count
    ]
    await ledger.post(uow, hold.user_id, entries)
    uow.emit(
        ChargesSettled(
            reservation_id=hold.reservation_id,
            captured_count=captured,
            captured_amount=captured_amount,
            released_count=released,
            released_amount=released_amount,
            held_remaining=held_remaining,
            settled_at=datetime.now(UTC),
        ),
        aggregate_id=hold.reservation_id,
        user_id=hold.user_id,
    )


def _first_result_per_message(
    results: Iterable[MessageResult], *, count: int, reservation_id: UUID
) -> dict[int, bool]:
    """seq -> captured (delivered), the first result of each message in the event.

    A seq beyond the reservation's recipients was never held for: it is logged and
    left out, so a bad result can never take more than the hold.
    """
    wanted: dict[int, bool] = {}
    out_of_range: list[int] = []
    for result in results:
        if result.seq >= count:
            out_of_range.append(result.seq)
            continue
        wanted.setdefault(result.seq, result.status == "delivered")
    if out_of_range:
        log.error(
            "results_beyond_recipient_list_ignored",
            reservation_id=str(reservation_id),
            recipient_count=count,
            seqs=out_of_range[:MAX_LOGGED_SEQS],
            total=len(out_of_range),
        )
    return wanted


async def _log_ignored(
    uow: UnitOfWork, rid: UUID, wanted: dict[int, bool], applied: set[int]
) -> None:
    """Say which results were ignored because their message was settled before:
    a contradiction (failed after delivered, or the reverse) is a warning."""
    ignored = [seq for seq in wanted if seq not in applied]
    rows = await uow.conn.execute(SETTLED_BEFORE_SQL, {"rid": rid, "seqs": ignored})
    before = {row.seq: row.captured for row in rows}
    contradicting = [seq for seq in ignored if before.get(seq) != wanted[seq]]
    if contradicting:
        log.warning(
            "contradicting_results_ignored",
            reservation_id=str(rid),
            seqs=contradicting[:MAX_LOGGED_SEQS],
            total=len(contradicting),
            meaning="a message already settled got a different final status; the first stands",
        )
    duplicates = len(ignored) - len(contradicting)
    if duplicates:
        log.info("duplicate_results_ignored", reservation_id=str(rid), total=duplicates)
