"""When a job may send: the advertising hours and the customer's sending windows, and
the pauses they cause. (The third gate, the customer's opt-out list, is applied in the
batch claim itself: see `repository.messages.ADVERTISING_BATCH_SQL`.)

The rules need no I/O (the calendar arithmetic is `plumbing.windows`). Authentication
messages are never paused. Advertising needs the advertising hours open; a purpose
the customer's windows list needs those open too. A closed job pauses until the
first moment every rule that applies to it is open.

`Gate` applies them to the jobs a runner holds, before each batch: it reads a
customer's windows again only when they changed, pauses a job (handing its lease back,
so no runner claims it before the pause ends) and resumes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

from msgplat.contracts.events import SendingPaused, SendingResumed
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.windows import DAYS, Span, Windows, parse_clock, zone
from msgplat.send import repository
from msgplat.send.domain import Pause, Rule
from msgplat.send.repository.rows import Job, Progress
from msgplat.send.settings import SendSettings

log = get_logger(__name__)

# Two weekly patterns (possibly in two zones) that share no moment within this long
# never will (up to a daylight-saving shift): the job stays paused until they change.
_HORIZON = timedelta(days=15)
_MAX_STEPS = 200
# Customers whose windows a gate keeps in memory (then it forgets them all).
_MAX_CACHED = 10_000


@dataclass(frozen=True)
class CustomerWindows:
    """A customer's sending windows and the purposes they hold back."""

    windows: Windows
    purposes: frozenset[str]

    @property
    def zone_name(self) -> str:
        return str(self.windows.zone)


def customer_windows(
    time_zone: str, windows: Iterable[dict[str, Any]], purposes: Iterable[str]
) -> CustomerWindows:
    """From the stored (already validated) form: `[{days, start, end}]`."""
    spans = tuple(
        Span(
            frozenset(DAYS.index(day) for day in window["days"]),
            parse_clock(window["start"]) or time(0),
            parse_clock(window["end"], end=True),
        )
        for window in windows
    )
    return CustomerWindows(Windows(zone(time_zone), spans), frozenset(purposes))


def pause_for(
    purpose: str,
    now: datetime,
    *,
    ad_hours: Windows,
    ad_label: str,
    customer: CustomerWindows | None,
) -> Pause | None:
    """None when a job of `purpose` may send at `now`; else why not and until when.
    `ad_label` names the advertising hours in the reason (e.g. `08:00-21:00 Asia/Seoul`)."""
    if purpose == "authentication":
        return None
    rules: list[tuple[Rule, Windows, str]] = []
    if purpose == "advertising":
        rules.append(("advertising_hours", ad_hours, f"advertising may be sent only {ad_label}"))
    if customer is not None and purpose in customer.purposes:
        rules.append(
            (
                "sending_windows",
                customer.windows,
                f"outside the customer's sending windows ({customer.zone_name}) "
                f"for {purpose} messages",
            )
        )
    closed = [rule for rule in rules if not rule[1].is_open(now)]
    if not closed:
        return None
    rule, _, reason = closed[0]
    return Pause(rule, reason, next_open_all([windows for _, windows, _ in rules], now))


def next_open_all(windows: Sequence[Windows], moment: datetime) -> datetime | None:
    """The first moment at or after `moment` when every one of `windows` is open."""
    limit = moment + _HORIZON
    for _ in range(_MAX_STEPS):
        start = moment
        for each in windows:
            opens = each.next_open(moment)
            if opens is None or opens > limit:
                return None
            moment = opens
        if moment == start:
            return moment
    return None


class Gate:
    """The rules as one runner (lease `owner`) applies them to the jobs it holds."""

    def __init__(self, settings: SendSettings, owner: str) -> None:
        self.owner = owner
        self.ad_hours = settings.advertising_hours
        self.ad_label = f"{settings.ad_sending_hours} ({settings.ad_sending_timezone})"
        # Each customer's windows as last read (by their updated_at), and the windows
        # each running job's last claim read.
        self.customers: dict[str, tuple[datetime, CustomerWindows]] = {}
        self.rules: dict[UUID, CustomerWindows | None] = {}
        # When a job this runner holds went on after a pause (its claimed row is older).
        self.resumed_at: dict[UUID, datetime] = {}

    def forget(self, reservation_id: UUID) -> None:
        """The job is no longer held."""
        self.rules.pop(reservation_id, None)
        self.resumed_at.pop(reservation_id, None)

    async def admit(self, uow: UnitOfWork, job: Job, progress: Progress) -> bool:
        """At a claim (the lease just renewed, `progress` read): may `job` send its next
        batch? If not, it pauses here; if it was paused, it resumes."""
        customer = await self._customer_windows(uow, job.user_id, progress.windows_at)
        self.rules[job.reservation_id] = customer
        now = datetime.now(UTC)
        pause = self._pause_at(job, customer, now)
        if pause is not None:
            await self.pause(uow, job, pause, now, previous=progress)
            return False
        if progress.pause_rule is not None:
            await self._resume(uow, job, now)
        return True

    def closed_now(self, job: Job) -> Pause | None:
        """Why `job` may not send at this moment (by the rules its last claim read)."""
        if job.purpose == "authentication":
            return None
        return self._pause_at(job, self.rules.get(job.reservation_id), datetime.now(UTC))

    def _pause_at(self, job: Job, customer: CustomerWindows | None, now: datetime) -> Pause | None:
        return pause_for(
            job.purpose, now, ad_hours=self.ad_hours, ad_label=self.ad_label, customer=customer
        )

    async def _customer_windows(
        self, uow: UnitOfWork, user_id: str, updated_at: datetime | None
    ) -> CustomerWindows | None:
        """The customer's windows, read again only when they changed (by updated_at)."""
        if updated_at is None:
            self.customers.pop(user_id, None)
            return None
        cached = self.customers.get(user_id)
        if cached is not None and cached[0] == updated_at:
            return cached[1]
        row = await repository.windows.read(uow.conn, user_id)
        if row is None:
            return None
        parsed = customer_windows(row.time_zone, row.windows, row.purposes)
        if len(self.customers) > _MAX_CACHED:
            self.customers.clear()
        self.customers[user_id] = (row.updated_at, parsed)
        return parsed

    async def pause(
        self,
        uow: UnitOfWork,
        job: Job,
        pause: Pause,
        now: datetime,
        *,
        previous: Progress | None,
    ) -> None:
        """Store the pause and hand the lease back: no runner claims the job before
        `pause.until`. SendingPaused is emitted when the pause is new or changed
        (`previous`: the job as its claim read it, None: mid-send)."""
        rid = job.reservation_id
        if not await repository.leases.pause(
            uow.conn, rid, pause, owner=self.owner, epoch=job.epoch
        ):
            return
        if previous is not None and (previous.pause_rule, previous.paused_until) == (
            pause.rule,
            pause.until,
        ):
            return
        uow.emit(
            SendingPaused(
                reservation_id=rid,
                rule=pause.rule,
                reason=pause.reason,
                paused_until=pause.until,
                paused_at=now,
            ),
            aggregate_id=rid,
            user_id=job.user_id,
        )
        log.info(
            "job_paused",
            reservation_id=str(rid),
            rule=pause.rule,
            paused_until=pause.until and pause.until.isoformat(),
        )

    async def _resume(self, uow: UnitOfWork, job: Job, now: datetime) -> None:
        rid = job.reservation_id
        await repository.jobs.resume(uow.conn, rid, now)
        self.resumed_at[rid] = now
        uow.emit(
            SendingResumed(reservation_id=rid, resumed_at=now),
            aggregate_id=rid,
            user_id=job.user_id,
        )
        log.info("job_resumed", reservation_id=str(rid))
