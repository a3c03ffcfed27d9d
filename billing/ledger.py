"""Moving money on an account: one balance update and its ledger entries, together.

Every change of a balance goes through `post`, so the ledger can never miss one:
the account row is updated once (for all the entries of a step) and the entries
are appended with the balance after each of them, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from msgplat.billing.domain import LedgerKind
from msgplat.billing.models import accounts, ledger
from msgplat.plumbing.db import UnitOfWork

K = LedgerKind


@dataclass(frozen=True)
class Entry:
    kind: LedgerKind
    amount: int
    count: int | None = None
    msg_type: str | None = None
    reservation_id: UUID | None = None
    event_id: UUID | None = None
    note: str | None = None

    def deltas(self) -> tuple[int, int, int, int]:
        """(available, held, charged, topped_up) change of this entry."""
        a = self.amount
        return {
            K.TOPUP: (a, 0, 0, a),
            K.HOLD: (-a, a, 0, 0),
            K.CAPTURE: (0, -a, a, 0),
            K.RELEASE: (a, -a, 0, 0),
        }[self.kind]


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


async def post(
    uow: UnitOfWork, user_id: str, entries: Sequence[Entry], *, needs_available: int = 0
) -> tuple[Balance, list[int]] | None:
    """Apply `entries` to the account and append them to the ledger.

    Returns the balance after them and the new entry ids, or None when the account
    does not exist or has less than `needs_available` available (nothing changes).
    """
    da, dh, dc, dt = (sum(d) for d in zip(*(e.deltas() for e in entries), strict=True))
    conditions = [accounts.c.user_id == user_id]
    if needs_available:
        conditions.append(accounts.c.available >= needs_available)
    row = (
        await uow.conn.execute(
            update(accounts)
            .where(*conditions)
            .values(
                available=accounts.c.available + da,
                held=accounts.c.held + dh,
                charged=accounts.c.charged + dc,
                topped_up=accounts.c.topped_up + dt,
                updated_at=func.now(),
            )
            .returning(
                accounts.c.available, accounts.c.held, accounts.c.charged, accounts.c.topped_up
            )
        )
    ).first()
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
                "available_after": available,
                "held_after": held,
                "charged_after": charged,
            }
        )
    ids = (await uow.conn.execute(insert(ledger).values(rows).returning(ledger.c.id))).scalars()
    balance = Balance(
        available=row.available, held=row.held, charged=row.charged, topped_up=row.topped_up
    )
    return balance, list(ids)


async def available_of(uow: UnitOfWork, user_id: str) -> int:
    """The account's available balance; 0 for a customer without an account."""
    value = await uow.conn.scalar(select(accounts.c.available).where(accounts.c.user_id == user_id))
    return int(value or 0)
