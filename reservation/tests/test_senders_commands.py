"""Sender-number commands against the real PostgreSQL: what a code costs, and who may
approve a number (the whole flow through the gateway is tests/test_senders.py)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database
from msgplat.plumbing.errors import Forbidden, NotFound, TooManyRequests
from msgplat.reservation import domain
from msgplat.reservation.commands import senders as commands
from msgplat.reservation.models import senders, tables
from msgplat.reservation.schemas import SenderApprove, SenderCreate
from msgplat.reservation.settings import ReservationSettings
from msgplat_testsupport.records import database_fixture, outbox_of

OPERATOR = Caller(role="operator", user_id="op")


db = database_fixture(ReservationSettings, tables)


def settings(db: Database, **values: Any) -> ReservationSettings:
    return ReservationSettings(database_url=db.settings.database_url, **values)


def customer() -> Caller:
    return Caller(role="customer", user_id=f"u-{uuid.uuid4().hex[:8]}")


def new_number() -> str:
    return f"010{uuid.uuid4().int % 3000 + 2000}{uuid.uuid4().int % 10_000:04d}"


async def requested_codes(db: Database, sender_id: uuid.UUID) -> list[dict[str, Any]]:
    events = await outbox_of(db, sender_id)
    return [p for t, p in events if t == "SenderVerificationRequested"]


async def test_a_code_goes_to_the_number_as_an_event_and_is_kept_only_hashed(db: Database) -> None:
    caller, number = customer(), new_number()
    sender = await commands.register_sender(
        db, settings(db), caller, SenderCreate.model_validate({"number": number})
    )
    [asked] = await requested_codes(db, sender.id)
    assert asked["to_num"] == "+82" + number[1:]
    found = re.search(r"\b(\d{6})\b", asked["text"])
    assert found is not None
    code = found.group(1)
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(senders).where(senders.c.id == sender.id))).one()
    assert code not in (row.code_hash or "")
    assert row.code_hash == domain.code_hash(sender.id, code)
    verified = await commands.verify_sender(db, caller, sender.id, code)
    assert (verified.status, verified.method) == ("verified", "code")


async def test_a_number_gets_a_few_codes_a_day_whoever_asks_and_deleting_resets_nothing(
    db: Database,
) -> None:
    tight = settings(db, sender_codes_per_number_day=2, sender_code_resend_s=0)
    number, first, second = new_number(), customer(), customer()
    body = SenderCreate.model_validate({"number": number})
    sender = await commands.register_sender(db, tight, first, body)
    await commands.resend_code(db, tight, first, sender.id)
    with pytest.raises(TooManyRequests) as refused:
        await commands.resend_code(db, tight, first, sender.id)
    assert "this number was sent 2 codes" in refused.value.msg
    assert refused.value.retry_after_s > 80_000

    await commands.delete_sender(db, first, sender.id)
    with pytest.raises(TooManyRequests):  # registered again: still the same number's budget
        await commands.register_sender(db, tight, first, body)
    with pytest.raises(TooManyRequests):  # by someone else: the same
        await commands.register_sender(db, tight, second, body)
    # Nothing was stored by the refused registrations; an operator may still approve it.
    waiting = await commands.register_sender(
        db, tight, second, SenderCreate.model_validate({"number": number, "verifyBy": "operator"})
    )
    assert waiting.status == "pending"


async def test_a_customer_gets_a_few_codes_a_day(db: Database) -> None:
    tight = settings(db, sender_codes_per_customer_day=2)
    caller = customer()
    for _ in range(2):
        await commands.register_sender(
            db, tight, caller, SenderCreate.model_validate({"number": new_number()})
        )
    with pytest.raises(TooManyRequests) as refused:
        await commands.register_sender(
            db, tight, caller, SenderCreate.model_validate({"number": new_number()})
        )
    assert "this customer was sent 2 codes" in refused.value.msg


async def test_only_an_operator_approves_and_only_their_own_is_a_customer_s(db: Database) -> None:
    owner, other = customer(), customer()
    sender = await commands.register_sender(
        db,
        settings(db),
        owner,
        SenderCreate.model_validate({"number": new_number(), "verifyBy": "operator"}),
    )
    assert await requested_codes(db, sender.id) == []  # no code for an operator's approval
    note = SenderApprove.model_validate({"note": "subscription certificate checked"})
    with pytest.raises(Forbidden):
        await commands.approve_sender(db, owner, sender.id, note)
    with pytest.raises(NotFound):
        await commands.delete_sender(db, other, sender.id)
    approved = await commands.approve_sender(db, OPERATOR, sender.id, note)
    assert (approved.status, approved.method, approved.note) == (
        "verified",
        "operator",
        "subscription certificate checked",
    )
