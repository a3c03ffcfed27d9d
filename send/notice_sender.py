"""The worker that sends notices (notices.py): it claims the due ones with a lease, holds
back those outside their customer's sending windows, hands the rest to the carriers and
records their answers."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from functools import partial

from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.workers import WorkerHealth
from msgplat.send import domain, repository
from msgplat.send.carrier_client import CarrierUnavailable, OutgoingMessage, SubmitResult
from msgplat.send.gating import CustomerWindows, customer_windows, pause_for
from msgplat.send.notices import fail_unreported, record_final
from msgplat.send.repository.notices import Notice
from msgplat.send.settings import MSG_TYPES
from msgplat.send.worker import Worker

log = get_logger(__name__)

CLAIM_LIMIT = 100
SWEEP_EVERY_S = 30.0
# A held notice looks at its customer's windows again at least this often.
RECHECK_CLOSED_S = 3600.0


class NoticeSender(Worker):
    """Sends the due notices through `carrier`, until `stopping` is set."""

    def __post_init__(self) -> None:
        self.ad_hours = self.settings.advertising_hours
        # A claim outlives a submit and its retries (3 calls of CARRIER_TIMEOUT_S), so
        # another replica does not take a notice whose answer is still on its way.
        self.lease_s = self.settings.lease_s + 3 * self.settings.carrier_timeout_s
        self.health = WorkerHealth("notices", self.settings.worker_stall_s)

    async def run(self) -> None:
        last_sweep = 0.0
        loop = asyncio.get_running_loop()
        while not self.stopping.is_set():
            claimed = 0
            try:
                claimed = await self.send_due()
                if loop.time() - last_sweep > SWEEP_EVERY_S:
                    last_sweep = loop.time()
                    await fail_unreported(self.db, timeout_s=self.settings.report_timeout_s)
                self.health.round_done()
            except Exception as exc:
                log.warning("notices_round_failed", error=repr(exc))
                self.health.round_failed(exc)
            if claimed:
                continue
            with suppress(TimeoutError):
                await asyncio.wait_for(
                    self.stopping.wait(), timeout=self.settings.scheduler_interval_s
                )

    async def send_due(self) -> int:
        """Claim the due notices, hold back those outside their windows, send the rest;
        how many were claimed."""
        carriers = {t: self.carrier.first_choice(t) for t in MSG_TYPES}
        async with self.db.unit_of_work() as uow:
            claimed = await repository.notices.claim_due(
                uow.conn, lease_s=self.lease_s, limit=CLAIM_LIMIT, carriers=carriers
            )
            ready = await self._gate(uow, claimed)
            await uow.commit()
        by_type: dict[str, list[Notice]] = defaultdict(list)
        for notice in ready:
            by_type[notice.msg_type].append(notice)
        for msg_type, batch in sorted(by_type.items()):
            await self._send(batch, recorded=carriers.get(msg_type, carriers["SMS"]))
        return len(claimed)

    async def _gate(self, uow: UnitOfWork, claimed: list[Notice]) -> list[Notice]:
        """The notices that may go now; the others wait for their customer's windows (or
        fail when none ever opens)."""
        now = datetime.now(UTC)
        ready: list[Notice] = []
        never: list[Notice] = []
        windows: dict[str, CustomerWindows | None] = {}
        for notice in claimed:
            if notice.purpose == "authentication":
                ready.append(notice)
                continue
            if notice.user_id not in windows:
                row = await repository.windows.read(uow.conn, notice.user_id)
                windows[notice.user_id] = (
                    None
                    if row is None
                    else customer_windows(row.time_zone, row.windows, row.purposes)
                )
            pause = pause_for(
                notice.purpose,
                now,
                ad_hours=self.ad_hours,
                ad_label="",
                customer=windows[notice.user_id],
            )
            if pause is None:
                ready.append(notice)
            elif pause.until is None:
                never.append(notice)
            else:
                until = min(pause.until, now + timedelta(seconds=RECHECK_CLOSED_S))
                await repository.notices.pause(
                    uow.conn, notice.notice_id, until=until, reason=pause.reason
                )
                log.info("notice_held", notice_id=str(notice.notice_id), until=until.isoformat())
        if never:
            failed = await repository.notices.fail(
                uow.conn,
                [n.notice_id for n in never],
                codes=[domain.CODE_NO_WINDOW] * len(never),
                reasons=["outside the customer's sending windows, and none opens again"]
                * len(never),
                carriers=[None] * len(never),
            )
            record_final(uow, failed)
        return ready

    async def _send(self, batch: list[Notice], *, recorded: str) -> None:
        outgoing = [
            OutgoingMessage(
                ref=domain.notice_ref(n.notice_id),
                to=n.to_num,
                text=n.text,
                type=n.msg_type,
                subject=None,
                sender=n.sender,
            )
            for n in batch
        ]
        try:
            results = await self.carrier.submit(
                outgoing, recorded=recorded, record_carrier=partial(self._record_carrier, batch)
            )
        except CarrierUnavailable as exc:
            log.warning("notices_not_handed_over", count=len(batch), error=str(exc))
            await self._record_unavailable(batch, exc)
            return
        await self._record_answers(batch, results)

    async def _record_carrier(
        self, batch: list[Notice], carrier: str, positions: list[int]
    ) -> None:
        async with self.db.engine.begin() as conn:
            await repository.notices.record_carrier(
                conn, [batch[i].notice_id for i in positions], carrier
            )

    async def _record_answers(self, batch: list[Notice], results: list[SubmitResult]) -> None:
        pairs = list(zip(batch, results, strict=True))
        accepted = [(n, r) for n, r in pairs if r.accepted]
        rejected = [(n, r) for n, r in pairs if not r.accepted]
        async with self.db.unit_of_work() as uow:
            await repository.notices.accepted(
                uow.conn, [n.notice_id for n, _ in accepted], [r.message_id for _, r in accepted]
            )
            failed = await repository.notices.fail(
                uow.conn,
                [n.notice_id for n, _ in rejected],
                codes=[r.code or domain.CODE_REJECTED for _, r in rejected],
                reasons=[r.reason or domain.REJECTED_REASON for _, r in rejected],
                carriers=[r.carrier for _, r in rejected],
            )
            record_final(uow, failed)
            await uow.commit()
        log.info("notices_handed_over", accepted=len(accepted), rejected=len(rejected))

    async def _record_unavailable(self, batch: list[Notice], exc: CarrierUnavailable) -> None:
        spent = 1 if exc.attempted else 0
        out = [n for n in batch if n.attempts + spent >= self.settings.max_attempts]
        again = [n for n in batch if n.attempts + spent < self.settings.max_attempts]
        async with self.db.unit_of_work() as uow:
            for attempts in sorted({n.attempts for n in again}):
                await repository.notices.retry(
                    uow.conn,
                    [n.notice_id for n in again if n.attempts == attempts],
                    spent=spent,
                    delay_s=domain.notice_retry_delay_s(attempts + spent, exc.retry_after_s),
                    reason=str(exc)[:300],
                )
            failed = await repository.notices.fail(
                uow.conn,
                [n.notice_id for n in out],
                codes=[domain.CODE_RETRIES_EXHAUSTED] * len(out),
                reasons=[str(exc)[:300]] * len(out),
                carriers=[None] * len(out),
            )
            record_final(uow, failed)
            await uow.commit()
