"""Messages' final results: recorded the same way whatever made them final, and the
carrier's delivery reports, which make most of them final.

Recording. Every path that makes messages final (a carrier rejection at submit, a
delivery report, a cancel, an expiry, the sweep, an opt-out) goes through
`record_final`, in the caller's unit of work, so the tally, the events and the finish
are written together. The tally row is updated last, just before the commit, so
concurrent report batches hold its lock for as short a time as possible.

Reports. Delivery reports from a carrier (authenticated by callback_auth.py: its own
path and token) are applied idempotently in one transaction a batch. A report applies
to a message that is not final yet (it may even overtake the recording of the carrier's
answer to the submit) and that records the reporting carrier. Duplicates and reports
that arrive after the message's first final state are ignored; reports of a message
another carrier holds (one that had it before a failover, see carrier_router.py, or a
carrier reporting what it never had) are refused, counted in the answer and in
`send_carrier_reports_refused_total`: a message is final once, by one carrier. A batch
naming any message we do not know is refused whole (422) and changes nothing.
Reports of notices (`notice:<id>` refs) take the same rules, in `notices.apply_reports`,
in the same transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import UUID

from msgplat.contracts.events import MessageResultsReported, SendingFinished
from msgplat.plumbing import tracing
from msgplat.plumbing.db import Database, UnitOfWork
from msgplat.plumbing.errors import FieldError, RequestInvalid
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.metrics import CARRIER_REPORTS_REFUSED, SEND_MESSAGES
from msgplat.send import domain, notices, repository
from msgplat.send.domain import JobState, MessageState
from msgplat.send.repository.rows import FinalRow, Job, JobFinalRow
from msgplat.send.schemas import CarrierReport, ReportsApplied

log = get_logger(__name__)

RESULTS_PER_EVENT = 5000
MAX_LISTED = 100


async def record_final(uow: UnitOfWork, job: Job, rows: Sequence[FinalRow]) -> None:
    """`rows` just became final: emit their results, tally them, finish the job if done."""
    if not rows:
        return
    # Delivery reports come in the carrier's request: their results join the
    # reservation's trace (a no-op when tracing is off).
    with tracing.continue_trace(job.traceparent, "record results"):
        await _record_final(uow, job, rows)


async def record_final_by_job(uow: UnitOfWork, rows: Sequence[JobFinalRow]) -> int:
    """`record_final` for rows of any jobs, job by job in a fixed order (no deadlock
    between two batches); returns how many jobs they belong to."""
    by_reservation: dict[UUID, list[JobFinalRow]] = defaultdict(list)
    for row in rows:
        by_reservation[row.reservation_id].append(row)
    for rid in sorted(by_reservation):
        job = await repository.jobs.load(uow.conn, rid)
        await record_final(uow, job, by_reservation[rid])
    return len(by_reservation)


async def _record_final(uow: UnitOfWork, job: Job, rows: Sequence[FinalRow]) -> None:
    ordered = sorted(rows, key=lambda row: row.seq)
    for start in range(0, len(ordered), RESULTS_PER_EVENT):
        uow.emit_payload(
            MessageResultsReported,
            results_payload(
                job.reservation_id, ordered[start : start + RESULTS_PER_EVENT], job.msg_type
            ),
            aggregate_id=job.reservation_id,
            user_id=job.user_id,
        )
    by_carrier = Counter((row.carrier or "none", row.status) for row in rows)
    uow.after_commit(partial(_count_final, by_carrier))
    counts: Counter[str] = Counter()
    for (_, status), count in by_carrier.items():
        counts[status] += count
    tally = await repository.tallies.add(uow.conn, job.reservation_id, counts)
    if tally.finished_at is None and (
        tally.delivered + tally.failed + tally.cancelled + tally.opted_out >= job.recipient_count
    ):
        await _finish(uow, job, tally)


def _count_final(by_carrier: Counter[tuple[str, str]]) -> None:
    for (carrier, status), count in by_carrier.items():
        SEND_MESSAGES.labels(carrier, status).inc(count)


async def _finish(uow: UnitOfWork, job: Job, tally: Any) -> None:
    now = datetime.now(UTC)
    await repository.tallies.close(uow.conn, job.reservation_id, now)
    cancelled_job = await repository.jobs.finish(uow.conn, job.reservation_id) == JobState.CANCELLED
    uow.emit(
        SendingFinished(
            reservation_id=job.reservation_id,
            outcome=domain.outcome(
                delivered=tally.delivered, failed=tally.failed, job_cancelled=cancelled_job
            ),
            delivered=tally.delivered,
            failed=tally.failed,
            cancelled=tally.cancelled,
            opted_out=tally.opted_out,
            finished_at=now,
        ),
        aggregate_id=job.reservation_id,
        user_id=job.user_id,
    )


def results_payload(
    reservation_id: UUID, rows: Sequence[FinalRow], msg_type: str
) -> dict[str, Any]:
    """The payload of a MessageResultsReported, built straight from message rows: the
    hot path of every delivery report (tests validate it against the model). Each
    result carries its message's own type (personalised), else `msg_type`, the job's."""
    return {
        "reservation_id": reservation_id,
        "results": [
            {
                "seq": row.seq,
                "status": row.status,
                "code": row.result_code,
                "reason": row.reason,
                "carrier": row.carrier,
                "carrier_msg_id": row.carrier_msg_id,
                "at": row.final_at,
                "msg_type": row.msg_type or msg_type,
            }
            for row in rows
        ],
    }


# -- the carrier's delivery reports ------------------------------------------------------


async def apply_reports(
    db: Database, reports: list[CarrierReport], *, carrier: str
) -> ReportsApplied:
    """Apply `reports` sent by `carrier` (authenticated on its own path): the reports of
    messages here, those of notices (`notice:<id>` refs) in `notices`."""
    keyed: dict[tuple[UUID, int], CarrierReport] = {}
    of_notices: dict[UUID, CarrierReport] = {}
    errors: list[FieldError] = []
    for index, report in enumerate(reports):
        try:
            notice_id = domain.parse_notice_ref(report.ref)
            if notice_id is not None:
                of_notices.setdefault(notice_id, report)
                continue
            rid, seq = domain.parse_ref(report.ref)
            key = (UUID(rid), seq)
        except ValueError as exc:
            errors.append(FieldError(("body", "reports", index, "ref"), str(exc), input=report.ref))
            continue
        keyed.setdefault(key, report)  # the first report of a message in a batch wins
    if errors:
        raise RequestInvalid(errors[:MAX_LISTED], total=len(errors))

    keys = list(keyed)
    async with db.unit_of_work() as uow:
        known = await repository.reports.known(uow.conn, keys) if keys else {}
        unknown = [domain.make_ref(*k) for k in keys if k not in known]
        unknown += [domain.notice_ref(i) for i in await notices.unknown_refs(uow, list(of_notices))]
        if unknown:
            raise RequestInvalid(
                [
                    FieldError(
                        ("body", "reports", "ref"),
                        "no such message: nothing in this batch was applied",
                        input=ref,
                    )
                    for ref in unknown[:MAX_LISTED]
                ],
                total=len(unknown),
            )
        others = [k for k in keys if known[k] != carrier]
        if others:
            log.warning(
                "carrier_reports_refused",
                carrier=carrier,
                reason="other_carrier",
                refused=len(others),
                refs=[domain.make_ref(*k) for k in others[:10]],
            )
            uow.after_commit(partial(_count_refused, carrier, len(others)))
            keys = [k for k in keys if known[k] == carrier]
        changed: Sequence[JobFinalRow] = []
        if keys:
            values = [keyed[k] for k in keys]
            changed = await repository.reports.apply_reports(
                uow.conn,
                keys,
                carrier=carrier,
                statuses=[_state(r) for r in values],
                codes=[r.code for r in values],
                reasons=[r.reason or _state(r) for r in values],
                mids=[r.message_id for r in values],
                done=[r.done_at for r in values],
            )
            await record_final_by_job(uow, changed)
        finished_notices = await notices.apply_reports(uow, of_notices, carrier=carrier)
        await uow.commit()
    refused = len(keyed) - len(keys)
    applied = len(changed) + finished_notices
    return ReportsApplied(
        received=len(reports),
        applied=applied,
        ignored=len(reports) - applied - refused,
        refused=refused,
    )


def _count_refused(carrier: str, count: int) -> None:
    CARRIER_REPORTS_REFUSED.labels(carrier, "other_carrier").inc(count)


def _state(report: CarrierReport) -> str:
    """The message's final state by its report; also the reason when it gives none."""
    delivered = report.status == "DELIVERED"
    return (MessageState.DELIVERED if delivered else MessageState.FAILED).value
