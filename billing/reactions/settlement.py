"""Billing's reaction to message results: settling them against the reservation's hold,
in bulk.

A delivered message's price is captured (charged); a failed, cancelled or opted-out
one's is released (the saga's compensation: an opted-out message was never sent). Each
message is priced at its own type (`MessageResult.msg_type`; absent, the hold's) as
held (see `domain.settle`). Each message settles once: its (reservation id, seq) goes
into `settled_messages` with `ON CONFLICT DO NOTHING` in the same transaction, so a
redelivered event, a duplicated result or a contradicting later one (failed after
delivered) changes nothing. One event of up to 5,000 results costs a fixed handful of
statements (the hold, the settled messages, the account and its ledger entries, the
usage by carrier): one capture and one release ledger entry per message type.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import case, func, update

from msgplat.billing import repository
from msgplat.billing.domain import (
    Entry,
    HoldStatus,
    LedgerKind,
    Settlement,
    Settling,
    lines_of,
    lines_to_json,
    settle,
)
from msgplat.billing.models import holds
from msgplat.contracts.events import ChargesSettled, MessageResult, MessageResultsReported
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)

MAX_LOGGED_SEQS = 20


async def on_message_results(
    uow: UnitOfWork, envelope: EventEnvelope, event: MessageResultsReported
) -> None:
    rid = event.reservation_id
    hold = await repository.lock_open_hold(uow, rid)
    if hold is None:
        log.info(
            "results_without_open_hold_ignored",
            reservation_id=str(rid),
            results=len(event.results),
            meaning="refused, already closed, or never requested",
        )
        return
    wanted = _first_result_per_message(event.results, count=hold.count, reservation_id=rid)
    captured_flags = {seq: settling.captured for seq, settling in wanted.items()}
    settled = await repository.settle_messages(uow, rid, captured_flags)
    if len(settled) < len(wanted):
        await _log_ignored(uow, rid, captured_flags, {row.seq for row in settled})
    if not settled:
        return
    settlement = settle(
        lines_of(hold),
        (wanted[row.seq] for row in settled),
        hold_type=hold.msg_type,
    )
    if settlement.repriced:
        log.error(
            "results_of_a_type_not_held_repriced",
            reservation_id=str(rid),
            total=settlement.repriced,
            meaning="results named a type with no message of it left held; priced as "
            "another type that had one",
        )
    await _settle(uow, envelope, hold, settlement)


async def _settle(
    uow: UnitOfWork, envelope: EventEnvelope, hold: Any, settlement: Settlement
) -> None:
    captured, released = settlement.captured.total(), settlement.released.total()
    captured_amount, released_amount = settlement.captured_amount, settlement.released_amount
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
                by_type=lines_to_json(settlement.lines),
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
        Entry(
            kind,
            n * settlement.lines[msg_type].unit_price,
            count=n,
            msg_type=msg_type,
            reservation_id=hold.reservation_id,
            event_id=envelope.event_id,
        )
        for kind, counts in (
            (LedgerKind.CAPTURE, settlement.captured),
            (LedgerKind.RELEASE, settlement.released),
        )
        for msg_type, n in sorted(counts.items())
        if n
    ]
    await repository.post(uow, hold.user_id, entries)
    if settlement.by_carrier:
        await repository.add_carrier_usage(uow, hold.user_id, settlement)
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
) -> dict[int, Settling]:
    """seq -> how it settles (captured if delivered), the first result of each message
    in the event.

    A seq beyond the reservation's recipients was never held for: it is logged and
    left out, so a bad result can never take more than the hold.
    """
    wanted: dict[int, Settling] = {}
    out_of_range: list[int] = []
    for result in results:
        if result.seq >= count:
            out_of_range.append(result.seq)
            continue
        wanted.setdefault(
            result.seq,
            Settling(result.status == "delivered", result.msg_type, result.carrier),
        )
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
    before = await repository.settled_before(uow, rid, ignored)
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
