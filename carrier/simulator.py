"""The simulator's state: the knobs in force, the ledger, the report scheduler, the cap."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

from msgplat.carrier.ledger import Incoming, Ledger
from msgplat.carrier.outcomes import Rules
from msgplat.carrier.reports import Report, Reporter
from msgplat.carrier.settings import CarrierSettings, Knobs
from msgplat.carrier.throttle import Throttle
from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)

MAX_DUPLICATE_REFS = 1000  # listed in the stats (all are counted)


class Simulator:
    def __init__(self, settings: CarrierSettings) -> None:
        self.settings = settings
        self.startup = settings.knobs()
        self.knobs = self.startup.model_copy(deep=True)
        self.ledger = Ledger()
        self.throttle = Throttle()
        self.reporter = Reporter(
            knobs=lambda: self.knobs,
            callback_token=settings.callback_token,
            concurrency=settings.report_concurrency,
            timeout_s=settings.report_timeout_s,
        )
        self._apply(self.knobs, reseed=True)
        self._zero_counters()

    def _zero_counters(self) -> None:
        self.requests = 0
        self.throttled = 0
        self.unavailable = 0

    def _apply(self, knobs: Knobs, *, reseed: bool) -> None:
        previous = self.knobs
        self.knobs = knobs
        if reseed:
            # Separate streams: turning duplicates or jitter on does not change which
            # messages fail.
            self._failure_rng = random.Random(knobs.seed)
            self._report_rng = random.Random(knobs.seed + 0x5EED)
            self.reporter.rng = self._report_rng
        self.rules = Rules(knobs, self._failure_rng)
        if reseed or knobs.max_per_second != previous.max_per_second:
            self.throttle.configure(knobs.max_per_second)

    def configure(self, knobs: Knobs, *, reseed: bool) -> None:
        self._apply(knobs, reseed=reseed)
        log.info("carrier config changed", config=knobs.model_dump())

    def reset(self) -> None:
        self.ledger.clear()
        self.reporter.reset()
        self._zero_counters()
        self._apply(self.startup.model_copy(deep=True), reseed=True)
        log.info("carrier reset")

    def queue_full(self, incoming: int) -> bool:
        return self.reporter.pending + incoming > self.settings.report_queue_max

    def submit(self, report_url: str, messages: Sequence[Incoming]) -> list[dict[str, Any]]:
        """Record and judge a batch; schedule the reports of newly accepted messages."""
        self.requests += 1
        knobs = self.knobs
        now = time.monotonic()
        delay = knobs.report_delay_ms / 1000
        jitter = knobs.report_jitter_ms / 1000
        dup_rate = knobs.duplicate_report_rate
        rng = self._report_rng
        reporter = self.reporter
        url = report_url
        due = now + delay
        together: list[Report] = []  # without jitter, a submit's reports are due together

        def on_accept(message_id: str, ref: str, code: str) -> None:
            if jitter:
                mine = due + rng.random() * jitter
                reporter.schedule(mine, url, [(message_id, ref, code, mine)])
            else:
                mine = due
                together.append((message_id, ref, code, due))
            if dup_rate and rng.random() < dup_rate:
                # The same report once more, a little later (often in another batch).
                again = mine + max(delay, 0.05) * rng.random()
                reporter.schedule(again, url, [(message_id, ref, code, mine)])

        results = self.ledger.submit(
            messages, self.rules.decide, on_accept, deduplicate=knobs.deduplicate
        )
        if together:
            reporter.schedule(due, url, together)
        return results

    def stats(self) -> dict[str, Any]:
        ledger = self.ledger
        counters = self.reporter.counters
        return {
            "requests": self.requests,
            "received": ledger.received,
            "unique": len(ledger),
            "accepted": ledger.accepted,
            "duplicates": ledger.duplicates,
            "duplicateRefs": ledger.duplicate_refs[:MAX_DUPLICATE_REFS],
            "rejected": ledger.rejected,
            "throttled": self.throttled,
            "unavailable": self.unavailable,
            "reportsScheduled": counters.scheduled,
            "reportsSent": counters.sent,
            "reportsPending": self.reporter.pending,
            "reportsFailed": counters.failed,
            "reportPosts": counters.posts,
            "reportRetries": counters.retries,
        }
