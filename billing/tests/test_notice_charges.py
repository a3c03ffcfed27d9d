"""A delivered status alert is charged like any message (ADR 0013): its type's price,
once per notice, never below zero; a failed notice and a verification code never are."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from msgplat.billing.models import notice_charges
from msgplat.contracts.events import NoticeResultReported
from msgplat.plumbing.envelope import EventEnvelope


def result(
    saga: Any,
    user: str,
    *,
    notice_id: uuid.UUID | None = None,
    status: str = "delivered",
    kind: str = "status_alert",
    msg_type: str = "SMS",
) -> EventEnvelope:
    notice_id = notice_id or uuid.uuid4()
    event = NoticeResultReported.model_validate(
        {
            "notice_id": notice_id,
            "kind": kind,
            "subject_id": uuid.uuid4(),
            "status": status,
            "code": "0000" if status == "delivered" else "3001",
            "carrier": "sim",
            "msg_type": msg_type,
            "billable": kind == "status_alert",
            "at": datetime.now(UTC),
        }
    )
    return saga.envelope(event, notice_id, user)


async def charge_of(saga: Any, notice_id: uuid.UUID) -> Any:
    async with saga.db.engine.connect() as conn:
        return (
            await conn.execute(
                select(notice_charges).where(notice_charges.c.notice_id == notice_id)
            )
        ).first()


async def test_a_delivered_alert_is_charged_once_at_its_type_s_price(saga: Any, user: str) -> None:
    await saga.top_up(user, 1_000)
    sms, lms = result(saga, user), result(saga, user, msg_type="LMS")
    again = result(saga, user, notice_id=sms.aggregate_id)  # the same notice, a new event
    await saga.apply(sms, lms, again, sms)

    account = await saga.account(user)
    assert (account.available, account.held, account.charged) == (1_000 - 20 - 50, 0, 70)
    entries = [(e.kind, e.amount, e.msg_type, e.note) for e in await saga.entries(user)][1:]
    assert entries == [
        ("hold", 20, "SMS", f"status alert {sms.aggregate_id}"),
        ("capture", 20, "SMS", f"status alert {sms.aggregate_id}"),
        ("hold", 50, "LMS", f"status alert {lms.aggregate_id}"),
        ("capture", 50, "LMS", f"status alert {lms.aggregate_id}"),
    ]
    assert await saga.usage_rows(user) == [("sim", "LMS", 1, 50), ("sim", "SMS", 1, 20)]


async def test_failed_notices_and_verification_codes_are_never_charged(
    saga: Any, user: str
) -> None:
    await saga.top_up(user, 1_000)
    failed = result(saga, user, status="failed")
    code = result(saga, user, kind="sender_verification")
    await saga.apply(failed, code)
    account = await saga.account(user)
    assert (account.available, account.charged) == (1_000, 0)
    assert await charge_of(saga, failed.aggregate_id) is None
    assert await charge_of(saga, code.aggregate_id) is None


async def test_an_alert_the_balance_cannot_pay_is_recorded_unpaid_never_below_zero(
    saga: Any, user: str
) -> None:
    await saga.top_up(user, 10)
    alert = result(saga, user)
    await saga.apply(alert)
    account = await saga.account(user)
    assert (account.available, account.charged) == (10, 0)
    charge = await charge_of(saga, alert.aggregate_id)
    assert charge is not None and (charge.amount, charge.paid) == (20, False)
