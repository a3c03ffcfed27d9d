"""Billing's SQL, each statement held once: moving money on an account, the open hold
of a reservation, the messages settled and the usage by carrier.

Every change of a balance goes through `post`, so the ledger can never miss one:
the account row is updated once (for all the entries of a step) and the entries
are appended with the balance after each of them, in the caller's transaction.

Each message settles once: its (reservation id, seq) goes into `settled_messages` with
`ON CONFLICT DO NOTHING` in the settling transaction (`settle_messages` answers the ones
it really inserted), so a redelivered event, a duplicated result or a contradicting
later one changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from msgplat.billing.domain import SEOUL, Entry, HoldStatus, Settlement
from msgplat.billing.models import SCHEMA, accounts, holds, ledger
from msgplat.plumbing.db import UnitOfWork

# --- accounts and their ledger ----------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    available: int
    held: int
    charged: int
    topped_up: int


async def open_account(uow: UnitOfWork, user_id: str) -> bool:
    """Create the account if it does not exist; True if it was created."""
    created = await uow.conn.execute(
        pg_insert(accounts)
        .values(user_id=user_id)
        .on_conflict_do_nothing()
        .returning(accounts.c.user_id)
    )
    return created.first() is not None


# Built once (every hold, settlement and release posts): building a statement anew cost
# more CPU than running it, and a multi-row VALUES was compiled again for every count.
MOVE = (
    update(accounts)
    .where(accounts.c.user_id == bindparam("b_user"))
    .values(
        available=accounts.c.available + bindparam("b_da"),
        held=accounts.c.held + bindparam("b_dh"),
        charged=accounts.c.charged + bindparam("b_dc"),
        topped_up=accounts.c.topped_up + bindparam("b_dt"),
        updated_at=func.now(),
    )
    .returning(accounts.c.available, accounts.c.held, accounts.c.charged, accounts.c.topped_up)
)
MOVE_IF_AVAILABLE = MOVE.where(accounts.c.available >= bindparam("b_needs"))
APPEND = insert(ledger).returning(ledger.c.id, sort_by_parameter_order=True)


async def post(
    uow: UnitOfWork, user_id: str, entries: Sequence[Entry], *, needs_available: int = 0
) -> tuple[Balance, list[int]] | None:
    """Apply `entries` to the account and append them to the ledger.

    Returns the balance after them and the new entry ids, or None when the account
    does not exist or has less than `needs_available` available (nothing changes).
    """
    da, dh, dc, dt = (sum(d) for d in zip(*(e.deltas() for e in entries), strict=True))
    params = {"b_user": user_id, "b_da": da, "b_dh": dh, "b_dc": dc, "b_dt": dt}
    if needs_available:
        moved = await uow.conn.execute(MOVE_IF_AVAILABLE, {**params, "b_needs": needs_available})
    else:
        moved = await uow.conn.execute(MOVE, params)
    row = moved.first()
    if row is None:
        return None
    # Walk back to the balance before the step, then forward entry by entry.
    available, held, charged = row.available - da, row.held - dh, row.charged - dc
    rows: list[dict[str, Any]] = []
    for entry in entries:
        a, h, c, _ = entry.deltas()
        available, held, charged = available + a, held + h, charged + c
        rows.append(
            {
                "user_id": user_id,
                "kind": entry.kind.value,
                "amount": entry.amount,
                "count": entry.count,
                "msg_type": entry.msg_type,
                "reservation_id": entry.reservation_id,
                "event_id": entry.event_id,
                "note": entry.note,
                "actor": entry.actor,
                "available_after": available,
                "held_after": held,
                "charged_after": charged,
            }
        )
    ids = (await uow.conn.execute(APPEND, rows)).scalars()
    balance = Balance(
        available=row.available, held=row.held, charged=row.charged, topped_up=row.topped_up
    )
    return balance, list(ids)


async def available_of(uow: UnitOfWork, user_id: str) -> int:
    """The account's available balance; 0 for a customer without an account."""
    value = await uow.conn.scalar(select(accounts.c.available).where(accounts.c.user_id == user_id))
    return int(value or 0)


# --- holds and the messages settled against them ----------------------------------------


async def lock_open_hold(uow: UnitOfWork, reservation_id: UUID) -> Any:
    """The reservation's open hold, locked for this transaction; None if refused,
    closed or never requested."""
    return (
        await uow.conn.execute(
            select(holds)
            .where(holds.c.reservation_id == reservation_id, holds.c.status == HoldStatus.OPEN)
            .with_for_update()
        )
    ).first()


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

# Captured messages per carrier and type, on the Seoul day of the settlement (the day
# of the ledger's capture entry, whose `at` is the same transaction's now()).
CARRIER_USAGE_SQL = text(
    f"""
    INSERT INTO {SCHEMA}.carrier_usage AS u (user_id, day, carrier, msg_type, count, amount)
    SELECT :uid, (now() AT TIME ZONE '{SEOUL.key}')::date, v.carrier, v.msg_type, v.n, v.amount
    FROM unnest(
        CAST(:carriers AS text[]), CAST(:types AS text[]),
        CAST(:counts AS bigint[]), CAST(:amounts AS bigint[])
    ) AS v(carrier, msg_type, n, amount)
    ORDER BY v.carrier, v.msg_type
    ON CONFLICT (user_id, day, carrier, msg_type) DO UPDATE SET
        count = u.count + excluded.count,
        amount = u.amount + excluded.amount
    """
)


async def settle_messages(
    uow: UnitOfWork, reservation_id: UUID, captured: Mapping[int, bool]
) -> list[Any]:
    """Record each message (seq -> captured) as settled; the rows (seq, captured) of those
    not settled before."""
    rows = await uow.conn.execute(
        SETTLE_SQL,
        {"rid": reservation_id, "seqs": list(captured), "captured": list(captured.values())},
    )
    return list(rows.all())


async def settled_before(uow: UnitOfWork, reservation_id: UUID, seqs: list[int]) -> dict[int, bool]:
    """seq -> captured, of the messages among `seqs` that were settled before."""
    rows = await uow.conn.execute(SETTLED_BEFORE_SQL, {"rid": reservation_id, "seqs": seqs})
    return {row.seq: row.captured for row in rows}


async def add_carrier_usage(uow: UnitOfWork, user_id: str, settlement: Settlement) -> None:
    """Add the settlement's captured messages to the usage by carrier of today (Seoul)."""
    keys = sorted(settlement.by_carrier)
    await uow.conn.execute(
        CARRIER_USAGE_SQL,
        {
            "uid": user_id,
            "carriers": [carrier for carrier, _ in keys],
            "types": [msg_type for _, msg_type in keys],
            "counts": [settlement.by_carrier[key] for key in keys],
            "amounts": [
                settlement.by_carrier[key] * settlement.lines[key[1]].unit_price for key in keys
            ],
        },
    )
