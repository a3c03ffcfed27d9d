"""Billing's reaction to a notice's result: a delivered status alert is charged like any
message, at its type's price, when it is delivered.

A notice (ADR 0013) has no hold before it: it is one message, sent by the send service on
the platform's account. When its `NoticeResultReported` says delivered and billable, its
price is held and captured at once (a `hold` and a `capture` ledger entry, noted
`status alert <notice id>`), so the account, the ledger, the monthly usage and the usage
by carrier count it as one more delivered message. A failed notice, and a verification
code (not billable), are never charged.

Each notice is charged once: its id goes into `notice_charges` (`ON CONFLICT DO
NOTHING`) in the charging transaction. The balance never goes below zero: when the
available balance cannot pay the alert (it was delivered already), nothing is debited
and the charge is recorded unpaid (`paid = false`) and logged.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert

from msgplat.billing import repository
from msgplat.billing.domain import UNKNOWN_CARRIER, Entry, LedgerKind, Line, Settling, settle
from msgplat.billing.models import notice_charges
from msgplat.billing.reactions.holds import settings_of
from msgplat.contracts.events import NoticeResultReported
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import EventEnvelope
from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)


async def on_notice_result(
    uow: UnitOfWork, envelope: EventEnvelope, event: NoticeResultReported
) -> None:
    if not event.billable or event.status != "delivered":
        return
    user_id, msg_type = envelope.user_id, event.msg_type
    price = settings_of(uow).unit_price(msg_type)
    carrier = (event.carrier or UNKNOWN_CARRIER)[:64]
    first = await uow.conn.execute(
        insert(notice_charges)
        .values(
            notice_id=event.notice_id,
            user_id=user_id,
            msg_type=msg_type,
            amount=price,
            carrier=carrier,
            paid=True,
        )
        .on_conflict_do_nothing()
        .returning(notice_charges.c.notice_id)
    )
    if first.first() is None:  # the natural key: this notice was charged before
        log.info("notice_already_charged", notice_id=str(event.notice_id))
        return
    note = f"{event.kind.replace('_', ' ')} {event.notice_id}"
    entries = [
        Entry(kind, price, count=1, msg_type=msg_type, event_id=envelope.event_id, note=note)
        for kind in (LedgerKind.HOLD, LedgerKind.CAPTURE)
    ]
    if await repository.post(uow, user_id, entries, needs_available=price) is None:
        await uow.conn.execute(
            update(notice_charges)
            .where(notice_charges.c.notice_id == event.notice_id)
            .values(paid=False)
        )
        log.warning(
            "notice_not_paid",
            notice_id=str(event.notice_id),
            user_id=user_id,
            amount=price,
            meaning="delivered, but the available balance could not pay it (or no account)",
        )
        return
    one = settle(
        {msg_type: Line(price, 1)}, [Settling(True, msg_type, carrier)], hold_type=msg_type
    )
    await repository.add_carrier_usage(uow, user_id, one)
