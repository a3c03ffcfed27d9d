"""Notices (ADR 0013) against the real PostgreSQL and the carrier simulator: a status
alert or a verification code, sent once through the carrier router, held by the
customer's sending windows when it is not a code, retried when no carrier takes it,
and final once, by its carrier's report, with one result event billing can charge."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update

from msgplat.devstack.broker import free_port
from msgplat.devstack.services import ServiceProcess
from msgplat.plumbing.db import Database
from msgplat.plumbing.errors import RequestInvalid
from msgplat.send import commands, domain, notices
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.domain import NoticeKind
from msgplat.send.models import notices as notices_table
from msgplat.send.notice_sender import NoticeSender
from msgplat.send.results import apply_reports
from msgplat.send.schemas import CarrierReport, SendingWindowsInput
from msgplat.send.settings import SendSettings
from msgplat_testsupport.carrier import SEND_CREDENTIALS, SIMULATOR_CREDENTIALS, running_carrier
from msgplat_testsupport.records import outbox_of

SEOUL = ZoneInfo("Asia/Seoul")
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@pytest.fixture(scope="module")
def carrier() -> Iterator[ServiceProcess]:
    """The simulator; its reports (never due during a test) go nowhere."""
    env = {**SIMULATOR_CREDENTIALS, "CARRIER_REPORT_DELAY_MS": "600000"}
    with running_carrier(env, Path("test-artifacts") / "logs") as process:
        yield process


def sender_for(db: Database, carrier_url: str, **settings: Any) -> NoticeSender:
    configured = SendSettings(
        **SEND_CREDENTIALS,
        database_url=db.settings.database_url,
        carrier_url=carrier_url,
        report_callback_url="http://127.0.0.1:9/nowhere",
        **settings,
    )
    return NoticeSender(db, configured, CarrierRouter(configured))


async def request(
    db: Database, user: str, kind: NoticeKind = "status_alert", notice_id: uuid.UUID | None = None
) -> uuid.UUID:
    notice_id = notice_id or uuid.uuid4()
    async with db.unit_of_work() as uow:
        await notices.request(
            uow,
            kind=kind,
            notice_id=notice_id,
            user_id=user,
            subject_id=uuid.uuid4(),
            to_num=f"+8210{uuid.uuid4().int % 10**8:08d}",
            text="[msgplat] 'hello' completed: 2 delivered, 0 not, of 2"
            if kind == "status_alert"
            else "[msgplat] 발신번호 인증번호 123456 (10분 안에 입력하세요)",
        )
        await uow.commit()
    return notice_id


async def row(db: Database, notice_id: uuid.UUID) -> Any:
    async with db.engine.connect() as conn:
        return (
            await conn.execute(select(notices_table).where(notices_table.c.notice_id == notice_id))
        ).one()


async def results(db: Database, notice_id: uuid.UUID) -> list[dict[str, Any]]:
    return [p for t, p in await outbox_of(db, notice_id) if t == "NoticeResultReported"]


DONE_AT = datetime(2030, 5, 1, 3, 0, 0, 250_000, tzinfo=UTC)


def report(notice_id: uuid.UUID, status: str = "DELIVERED") -> CarrierReport:
    return CarrierReport.model_validate(
        {
            "messageId": "m-1",
            "ref": domain.notice_ref(notice_id),
            "status": status,
            "code": "0000" if status == "DELIVERED" else "3001",
            "doneAt": DONE_AT.isoformat(),
        }
    )


async def test_a_notice_is_sent_once_and_final_once_by_its_carrier_s_report(
    db: Database, carrier: ServiceProcess
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    notice_id = await request(db, user)
    await request(db, user, notice_id=notice_id)  # requested again: nothing more
    sender = sender_for(db, carrier.url)
    assert await sender.send_due() == 1
    assert await sender.send_due() == 0
    sent = await row(db, notice_id)
    assert (sent.status, sent.carrier, sent.msg_type, sent.sender) == (
        "submitted",
        "sim",
        "SMS",
        "15880000",
    )
    async with httpx.AsyncClient(base_url=carrier.url) as admin:
        answer = await admin.get(
            "/admin/received", params={"refPrefix": domain.notice_ref(notice_id)}
        )
    received = answer.json()["items"]
    assert [(r["to"], r["from"], r["submitCount"]) for r in received] == [
        (sent.to_num, "15880000", 1)
    ]

    other = await apply_reports(db, [report(notice_id)], carrier="sim-b")  # not its carrier
    assert (other.applied, other.ignored) == (0, 1)
    applied = await apply_reports(db, [report(notice_id)], carrier="sim")
    assert (applied.applied, applied.ignored) == (1, 0)
    again = await apply_reports(db, [report(notice_id, "FAILED")], carrier="sim")
    assert (again.applied, again.ignored) == (0, 1)
    [result] = await results(db, notice_id)
    assert (result["status"], result["kind"], result["billable"], result["msg_type"]) == (
        "delivered",
        "status_alert",
        True,
        "SMS",
    )
    assert (result["carrier"], result["carrier_msg_id"]) == ("sim", received[0]["messageId"])
    assert datetime.fromisoformat(result["at"]) == DONE_AT  # when the carrier says
    await sender.carrier.close()


async def test_a_report_naming_an_unknown_notice_changes_nothing(db: Database) -> None:
    with pytest.raises(RequestInvalid) as refused:
        await apply_reports(db, [report(uuid.uuid4())], carrier="sim")
    assert "no such message" in refused.value.errors[0].msg


async def test_codes_go_at_once_alerts_wait_for_the_windows_and_codes_are_not_kept(
    db: Database, carrier: ServiceProcess
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    now = datetime.now(SEOUL)
    closed = {
        "days": EVERY_DAY,
        "start": f"{now + timedelta(hours=2):%H:%M}",
        "end": f"{now + timedelta(hours=3):%H:%M}",
    }
    await commands.put_sending_windows(
        db,
        user_id=user,
        body=SendingWindowsInput.model_validate({"timeZone": "Asia/Seoul", "windows": [closed]}),
    )
    alert = await request(db, user)
    code = await request(db, user, "sender_verification")
    sender = sender_for(db, carrier.url)
    assert await sender.send_due() == 2
    held, sent = await row(db, alert), await row(db, code)
    assert (sent.status, held.status) == ("submitted", "pending")
    assert "sending windows" in held.pause_reason
    assert held.next_attempt_at > datetime.now(UTC) + timedelta(minutes=30)

    await apply_reports(db, [report(code, "FAILED")], carrier="sim")
    [result] = await results(db, code)
    assert (result["status"], result["billable"], result["code"]) == ("failed", False, "3001")
    assert (await row(db, code)).text == domain.REDACTED_TEXT

    opened = {"days": EVERY_DAY, "start": "00:00", "end": "24:00"}
    await commands.put_sending_windows(
        db,
        user_id=user,
        body=SendingWindowsInput.model_validate({"timeZone": "Asia/Seoul", "windows": [opened]}),
    )
    assert await sender.send_due() == 1
    assert (await row(db, alert)).status == "submitted"
    await sender.carrier.close()


async def test_a_notice_no_carrier_takes_is_tried_again_then_fails(db: Database) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    notice_id = await request(db, user)
    nowhere = f"http://127.0.0.1:{free_port()}"
    sender = sender_for(db, nowhere, max_attempts=2, breaker_threshold=50)
    assert await sender.send_due() == 1
    waiting = await row(db, notice_id)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.next_attempt_at > datetime.now(UTC)
    assert await results(db, notice_id) == []

    async with db.engine.begin() as conn:  # its backoff is over
        await conn.execute(
            update(notices_table)
            .where(notices_table.c.notice_id == notice_id)
            .values(next_attempt_at=datetime.now(UTC))
        )
    assert await sender.send_due() == 1
    [result] = await results(db, notice_id)
    assert (result["status"], result["code"]) == ("failed", domain.CODE_RETRIES_EXHAUSTED)
    assert "unreachable" in result["reason"]
    await sender.carrier.close()
