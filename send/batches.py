"""One batch of a job: its claim, the messages handed to the carrier, and what the
carrier's answer changes (the runner decides when; this is what is written)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial

from msgplat.contracts.events import MessagesSubmitted, SendingStarted
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.metrics import SEND_MESSAGES
from msgplat.send import domain, repository
from msgplat.send.carrier_client import CarrierUnavailable, OutgoingMessage, SubmitResult
from msgplat.send.repository.rows import ClaimedMessage, Job, Progress
from msgplat.send.results import record_final


def outgoing(job: Job, batch: Sequence[ClaimedMessage]) -> list[OutgoingMessage]:
    """Each message's own text and type (personalised), else the job's."""
    content, default_type, title, rid = (
        job.content,
        job.msg_type,
        job.title,
        job.reservation_id,
    )
    out = []
    for row in batch:
        msg_type = row.msg_type or default_type
        out.append(
            OutgoingMessage(
                ref=domain.make_ref(rid, row.seq),
                to=row.dst_num,
                text=content if row.text is None else row.text,
                type=msg_type,
                subject=title if msg_type == "LMS" else None,
                sender=job.callback_num,
            )
        )
    return out


async def claim_next(
    uow: UnitOfWork, job: Job, progress: Progress, *, from_seq: int, carrier: str, limit: int
) -> list[ClaimedMessage]:
    """The next messages to hand over (marked `submitted`), in seq order; the first claim
    of a job starts it. For an advertising job, those to opted-out numbers are made final
    first (a batch of only those: the next one)."""
    started = progress.started_at is not None
    while True:
        claimed = await repository.messages.claim_batch(
            uow.conn, job, carrier=carrier, limit=limit, from_seq=from_seq
        )
        if claimed is None:
            return []
        if not started:
            started = True
            await _start(uow, job, progress)
        await record_final(uow, job, claimed.opted_out)
        if claimed.messages:
            return claimed.messages
        from_seq = claimed.after


async def _start(uow: UnitOfWork, job: Job, progress: Progress) -> None:
    started_at = await repository.jobs.start(uow.conn, job.reservation_id)
    uow.emit(
        SendingStarted(
            reservation_id=job.reservation_id,
            recipient_count=progress.recipient_count,
            started_at=started_at,
        ),
        aggregate_id=job.reservation_id,
        user_id=job.user_id,
    )


async def record_submitted(
    uow: UnitOfWork, job: Job, batch: Sequence[ClaimedMessage], results: list[SubmitResult]
) -> None:
    """The carriers answered for each message of `batch`: the accepted ones wait for their
    report, the rejected ones fail, and the job's cursor moves past the batch."""
    rid = job.reservation_id
    # First, so that the job's row is locked (no claim comes in between) and a runner
    # that lost the lease writes nothing: the cursor only moves forward.
    await repository.leases.advance(uow.conn, rid, batch[-1].seq + 1, epoch=job.epoch)
    accepted = [(row.seq, r) for row, r in zip(batch, results, strict=True) if r.accepted]
    rejected = [(row.seq, r) for row, r in zip(batch, results, strict=True) if not r.accepted]
    answers = Counter((r.carrier, r.accepted) for r in results)
    uow.after_commit(partial(_count_submitted, answers))
    by_carrier: dict[str, list[int]] = {}  # a batch split across carriers: one event each
    for seq, r in accepted:
        by_carrier.setdefault(r.carrier, []).append(seq)
    for carrier, seqs in by_carrier.items():
        uow.emit(
            MessagesSubmitted(
                reservation_id=rid,
                carrier=carrier,
                accepted=len(seqs),
                first_seq=seqs[0],
                last_seq=seqs[-1],
                submitted_at=datetime.now(UTC),
            ),
            aggregate_id=rid,
            user_id=job.user_id,
        )
    if rejected:
        failed = await repository.messages.reject(
            uow.conn,
            rid,
            # Explicit bounds keep the statement to the batch's slice of the index,
            # whatever the planner believes about a table that COPY has just filled.
            lo=batch[0].seq,
            hi=batch[-1].seq,
            seqs=[seq for seq, _ in rejected],
            carriers=[r.carrier for _, r in rejected],
            codes=[r.code or domain.CODE_REJECTED for _, r in rejected],
            reasons=[r.reason or domain.REJECTED_REASON for _, r in rejected],
        )
        await record_final(uow, job, failed)


async def record_unavailable(
    uow: UnitOfWork,
    job: Job,
    batch: Sequence[ClaimedMessage],
    exc: CarrierUnavailable,
    *,
    expired: bool,
    max_attempts: int,
) -> None:
    """No carrier took `batch`: spend an attempt (when a call was made) and fail what is
    out of budget (P002) or, once `expired`, all of it (P001)."""
    rid = job.reservation_id
    await repository.leases.fence(uow.conn, rid, epoch=job.epoch)
    if not exc.in_doubt:
        await repository.leases.not_handed(uow.conn, rid, batch[0].seq, epoch=job.epoch)
    seqs = [row.seq for row in batch]
    if exc.attempted:
        await repository.messages.spend_attempt(uow.conn, rid, seqs)
    exhausted = [
        row.seq for row in batch if row.attempts + (1 if exc.attempted else 0) >= max_attempts
    ]
    give_up: list[int] = seqs if expired else exhausted
    if give_up:
        code = domain.CODE_EXPIRED if expired else domain.CODE_RETRIES_EXHAUSTED
        failed = await repository.messages.give_up(
            uow.conn, rid, give_up, code=code, reason=str(exc)[:300]
        )
        await record_final(uow, job, failed)


def _count_submitted(answers: Counter[tuple[str, bool]]) -> None:
    """`answers`: (carrier, accepted) -> messages."""
    for (carrier, accepted), count in answers.items():
        SEND_MESSAGES.labels(carrier, "submitted" if accepted else "rejected").inc(count)
