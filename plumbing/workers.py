"""The health of a background worker that works in rounds (send's scheduler, its
housekeeping, the notice sender, monitoring's webhook dispatcher): readiness and
`/metrics` say when its rounds fail, or stop coming at all (a round stuck on a lock or a
dead connection raises nothing).

A worker calls `round_done()` after each round and `round_failed(exc)` when one fails;
the runtime lists every `WorkerHealth` it was given (`ServiceRuntime.watch`) in
`/health/ready` as `worker:<name>` and refreshes `worker_seconds_since_round` at scrape.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from msgplat.plumbing.metrics import WORKER_ROUND_FAILURES, WORKER_SINCE_ROUND


@dataclass(eq=False)
class WorkerHealth:
    name: str
    # No round, done or failed, for this long: stalled (WORKER_STALL_S).
    stall_after_s: float
    last_round_at: float = field(default_factory=time.monotonic)
    last_error: str | None = None

    def round_done(self) -> None:
        self.last_round_at = time.monotonic()
        self.last_error = None

    def round_failed(self, exc: BaseException) -> None:
        self.last_round_at = time.monotonic()
        self.last_error = repr(exc)[:300]
        WORKER_ROUND_FAILURES.labels(self.name).inc()

    def seconds_since_round(self) -> float:
        return time.monotonic() - self.last_round_at

    def state(self) -> str:
        """For readiness: "ok", or what is wrong (the last round's error wins: a worker
        that fails every round is not stalled, it is failing)."""
        if self.last_error is not None:
            return f"failing: {self.last_error}"
        quiet = self.seconds_since_round()
        if quiet > self.stall_after_s:
            return f"stalled: no round for {quiet:.0f} s"
        return "ok"

    def report(self) -> None:
        WORKER_SINCE_ROUND.labels(self.name).set(round(self.seconds_since_round(), 3))
