"""Notices: one message each, sent on the platform's own account through the same
carriers as every reservation (ADR 0013).

Two kinds come in as events, each with an id that is the idempotency key all the way
to the charge (and the carrier's ref, `notice:<id>`):

- `StatusAlertRequested` (monitoring): a customer's status alert, to their own verified
  number; purpose `normal`, so their sending windows hold it back; billable.
- `SenderVerificationRequested` (reservation): the code that proves a sender number;
  purpose `authentication`, never held back; free. Its text is blanked once final.

`NoticeSender` (notice_sender.py), a background worker of every replica beside the
scheduler, claims the
due notices with a lease, holds back those outside their customer's sending windows
(until the windows open: `gating.pause_for`, the jobs' own rule), and hands the rest to
the `CarrierRouter` (its retries, circuit breakers and failover), a batch per message
type. The answers are recorded as for a job's batch: accepted ones wait for their
delivery report (`apply_reports`, called by `results.apply_reports` for `notice:` refs),
rejected ones fail; a notice no carrier took is tried again after a backoff and fails
after `MAX_ATTEMPTS` attempts (P002). Every notice that becomes final emits one
`NoticeResultReported`, which billing charges and monitoring and reservation show.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from msgplat.contracts.events import NoticeResultReported
from msgplat.contracts.messages import message_type
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.logging import get_logger
from msgplat.send import domain, repository
from msgplat.send.domain import NoticeKind, NoticeState
from msgplat.send.repository.notices import FinalNotice
from msgplat.send.schemas import CarrierReport
from msgplat.send.settings import SendSettings

log = get_logger(__name__)

# -- requests -----------------------------------------------------------------------------


async def request(
    uow: UnitOfWork,
    *,
    kind: NoticeKind,
    notice_id: UUID,
    user_id: str,
    subject_id: UUID,
    to_num: str,
    text: str,
) -> None:
    """Store a requested notice, due at once (a repeated id changes nothing)."""
    settings = uow.settings
    assert isinstance(settings, SendSettings)  # send's database is built with them
    added = await repository.notices.add(
        uow.conn,
        {
            "notice_id": notice_id,
            "user_id": user_id,
            "kind": kind,
            "subject_id": subject_id,
            "purpose": domain.NOTICE_PURPOSE[kind],
            "to_num": to_num,
            "sender": settings.notice_sender_num,
            "text": text,
            "msg_type": message_type(text, strict=False),
        },
    )
    if not added:
        log.info("notice_requested_again", notice_id=str(notice_id))


# -- results ------------------------------------------------------------------------------


def record_final(uow: UnitOfWork, rows: Sequence[FinalNotice]) -> None:
    """`rows` just became final: one result event each, keyed by the notice."""
    for row in rows:
        uow.emit(
            NoticeResultReported(
                notice_id=row.notice_id,
                kind=row.kind,
                subject_id=row.subject_id,
                status=row.status,
                code=row.result_code,
                reason=row.reason,
                carrier=row.carrier,
                carrier_msg_id=row.carrier_msg_id,
                msg_type=row.msg_type,
                billable=domain.NOTICE_BILLABLE[row.kind],
                at=row.final_at,
            ),
            aggregate_id=row.notice_id,
            user_id=row.user_id,
        )


async def unknown_refs(uow: UnitOfWork, ids: list[UUID]) -> list[UUID]:
    """Which of `ids` name no notice (a report batch naming one is refused whole)."""
    if not ids:
        return []
    known = await repository.notices.known(uow.conn, ids)
    return [i for i in ids if i not in known]


async def apply_reports(
    uow: UnitOfWork, reports: dict[UUID, CarrierReport], *, carrier: str
) -> int:
    """Apply the delivery reports of notices sent by `carrier`; how many became final."""
    if not reports:
        return 0
    ids = list(reports)
    values = [reports[i] for i in ids]
    statuses = [
        (NoticeState.DELIVERED if r.status == "DELIVERED" else NoticeState.FAILED).value
        for r in values
    ]
    finals = await repository.notices.apply_reports(
        uow.conn,
        ids,
        carrier=carrier,
        statuses=statuses,
        codes=[r.code for r in values],
        reasons=[r.reason or status for r, status in zip(values, statuses, strict=True)],
        mids=[r.message_id for r in values],
        done=[r.done_at for r in values],
    )
    record_final(uow, finals)
    return len(finals)


async def fail_unreported(db: Database, *, timeout_s: float, limit: int = 1000) -> int:
    """The sweep: notices a carrier took and never reported on fail (P003)."""
    async with db.unit_of_work() as uow:
        rows = await repository.notices.fail_unreported(
            uow.conn,
            code=domain.CODE_NO_REPORT,
            reason=f"no delivery report within {timeout_s:.0f} s of submit",
            timeout_s=timeout_s,
            limit=limit,
        )
        record_final(uow, rows)
        await uow.commit()
    return len(rows)
