"""The lease of a job its runner holds: kept alive while the job runs, checked right
before each batch goes to a carrier, handed back at the end.

Fencing. Each claim of a job moves its `epoch` (the fencing token); the runner names the
epoch it claimed with in every write (the write changes nothing and raises LeaseLost when
the epoch moved) and renews the lease in the background every `LEASE_S / 3`, stopping the
job when the renewal finds the lease taken. Right before a batch goes to a carrier, the
lease is checked and renewed once more and the job records `handed_seq`: the last seq
that may be at a carrier from then on. A runner that lost its lease (a long pause, a slow
carrier) so stops before the carrier. Claimed messages past the cursor and up to
`handed_seq` are never submitted again (a carrier does not deduplicate: the handset would
get them twice): the next claim moves the cursor past them, and they wait for their
reports (else the sweep fails them). Those after `handed_seq` never left: they are
handed over again from the cursor by whoever resumes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from msgplat.plumbing.db import Database
from msgplat.plumbing.logging import get_logger
from msgplat.send import repository
from msgplat.send.domain import JobState, LeaseLost
from msgplat.send.repository.rows import ClaimedMessage, Job

log = get_logger(__name__)


async def keep(
    db: Database,
    job: Job,
    *,
    owner: str,
    lease_s: float,
    lost: asyncio.Event,
    sender: asyncio.Task[Any] | None,
) -> None:
    """Renew the lease every `lease_s / 3` while the job runs; when another claim took
    it, stop the job (wherever it waits: the carrier, the rate limiter)."""
    every = max(lease_s / 3, 0.05)
    while True:
        await asyncio.sleep(every)
        try:
            async with db.engine.begin() as conn:
                progress = await repository.leases.renew_lease(
                    conn, job.reservation_id, owner=owner, epoch=job.epoch, lease_s=lease_s
                )
        except Exception as exc:  # the database is away: the writes are fenced anyway
            log.warning(
                "lease_renewal_failed", reservation_id=str(job.reservation_id), error=repr(exc)
            )
            continue
        if progress is None:
            lost.set()
            if sender is not None:
                sender.cancel()
            return


async def hand(
    db: Database, job: Job, batch: Sequence[ClaimedMessage], *, owner: str, lease_s: float
) -> bool:
    """Right before `batch` goes to a carrier: renew the lease and record that it may
    be there from now on. False: the job was cancelled (do not submit); LeaseLost:
    another runner holds the job (do not submit either)."""
    async with db.engine.begin() as conn:
        status = await repository.leases.hand(
            conn,
            job.reservation_id,
            owner=owner,
            epoch=job.epoch,
            lease_s=lease_s,
            last_seq=batch[-1].seq,
        )
    if status is None:
        raise LeaseLost(job.reservation_id, job.epoch)
    return status in (JobState.SCHEDULED, JobState.SENDING)


async def release(db: Database, job: Job, *, owner: str) -> None:
    """Hand the lease back so another replica (or this one) resumes at once."""
    rid = job.reservation_id
    try:
        async with db.engine.begin() as conn:
            await repository.leases.release(conn, rid, owner=owner, epoch=job.epoch)
    except Exception as exc:
        log.warning("lease_release_failed", reservation_id=str(rid), error=repr(exc))
