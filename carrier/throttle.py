"""The throughput cap (`max_per_second`): a token bucket of messages.

The bucket holds at most one second of messages and refills at `max_per_second`. A
request passes when the bucket holds all its messages, or is full for a request larger
than one second of messages (the bucket then goes into debt: a batch of 1,000 passes a
cap of 100/s and the next ten seconds are refused). Otherwise it is refused with the
time until the bucket holds enough.
"""

from __future__ import annotations

import time


class Throttle:
    def __init__(self, per_second: float = 0) -> None:
        self.configure(per_second)

    def configure(self, per_second: float) -> None:
        self.per_second = per_second
        self.tokens = per_second
        self.last = time.monotonic()

    def take(self, count: int) -> float:
        """0 when `count` messages may go now; otherwise seconds to wait before retrying."""
        if self.per_second <= 0:
            return 0.0
        now = time.monotonic()
        self.tokens = min(self.per_second, self.tokens + (now - self.last) * self.per_second)
        self.last = now
        need = min(count, self.per_second)
        if self.tokens < need:
            return max((need - self.tokens) / self.per_second, 0.001)
        self.tokens -= count
        return 0.0
