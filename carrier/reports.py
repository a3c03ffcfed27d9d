"""Delivery reports: scheduled at submit, pushed later to each message's `reportUrl`.

Submits only push a tuple on a heap (no await, nothing blocks). One background task,
the flusher, wakes every `report_flush_ms`, moves the reports that are due to a staging
area per URL, and POSTs them in batches of up to `report_batch_size` with one shared
`httpx.AsyncClient` (keep-alive), at most `report_concurrency` POSTs in flight. While
every slot is busy, due reports wait in staging and go out in full batches later.

A POST answered 2xx is done. 4xx (other than 408 and 429) is logged and dropped: the
receiver refused it. 5xx, 408, 429, timeouts and connection errors are retried with
exponential backoff (capped at 2 s) until `report_retry_for_s` has passed since the
first attempt; then the batch is dropped and counted as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import orjson

from msgplat.carrier.schemas import DELIVERED, reason_of
from msgplat.carrier.settings import Knobs
from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)

BACKOFF_FIRST_S = 0.05
BACKOFF_CAP_S = 2.0

# (message id, ref, code, done at: monotonic seconds)
Report = tuple[str, str, str, float]


@dataclass
class Batch:
    url: str
    reports: list[Report]
    first_attempt: float = 0.0
    attempts: int = 0
    generation: int = 0


@dataclass
class ReportCounters:
    scheduled: int = 0
    sent: int = 0
    failed: int = 0
    posts: int = 0
    retries: int = 0


@dataclass
class Reporter:
    knobs: Callable[[], Knobs]
    callback_token: str
    concurrency: int = 4
    timeout_s: float = 10.0
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self._headers = {
            "Authorization": f"Bearer {self.callback_token}",
            "Content-Type": "application/json",
        }
        self._wall_offset = time.time() - time.monotonic()
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._settled = asyncio.Event()  # set when a report POST ends (sent or dropped)
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.running = False
        self.in_flight = 0  # POSTs under way, of any generation
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        """Forget every report not yet sent (POSTs in flight finish but count nowhere)."""
        self.generation += 1
        self._due: list[tuple[float, int, str, list[Report]]] = []
        self._staging: dict[str, list[Report]] = {}
        self._retry: list[tuple[float, int, Batch]] = []
        self._ready: deque[Batch] = deque()
        self.pending = 0
        self.counters = ReportCounters()

    # -- scheduling (called by submits: synchronous and cheap) --

    def schedule(self, due: float, url: str, reports: list[Report]) -> None:
        """Reports for `url`, due at `due` (monotonic seconds). The list becomes ours."""
        heapq.heappush(self._due, (due, next(self._seq), url, reports))
        self.pending += len(reports)
        self.counters.scheduled += len(reports)

    # -- the flusher --

    async def run(self) -> None:
        """Runs until cancelled. Owns the HTTP client."""
        limits = httpx.Limits(
            max_connections=self.concurrency * 2, max_keepalive_connections=self.concurrency * 2
        )
        async with httpx.AsyncClient(timeout=self.timeout_s, limits=limits) as client:
            self._client = client
            self.running = True
            try:
                while True:
                    try:
                        self._collect(time.monotonic())
                        self._dispatch()
                    except Exception:
                        log.exception("report flusher step failed")
                    try:
                        async with asyncio.timeout(self.knobs().report_flush_ms / 1000):
                            await self._wake.wait()
                    except TimeoutError:
                        pass
                    self._wake.clear()
            finally:
                self.running = False
                for task in list(self._tasks):
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)

    async def drain(self, timeout_s: float) -> None:
        """Wait, at most `timeout_s`, until every scheduled report is sent or dropped
        (the flusher keeps running meanwhile)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                while self.pending and self.running:
                    self._settled.clear()
                    await self._settled.wait()

    def _collect(self, now: float) -> None:
        """Due reports to staging (per URL, in due order); due retries to the ready queue."""
        due = self._due
        staging = self._staging
        while due and due[0][0] <= now:
            _, _, url, reports = heapq.heappop(due)
            bucket = staging.get(url)
            if bucket is None:
                staging[url] = reports
            else:
                bucket.extend(reports)
        retry = self._retry
        while retry and retry[0][0] <= now:
            self._ready.append(heapq.heappop(retry)[2])

    def _dispatch(self) -> None:
        while self.in_flight < self.concurrency:
            batch = self._next_batch()
            if batch is None:
                return
            self.in_flight += 1
            task = asyncio.create_task(self._post(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _next_batch(self) -> Batch | None:
        if self._ready:
            return self._ready.popleft()
        if not self._staging:
            return None
        # Round robin over the URLs: take from the first, send it to the back.
        url = next(iter(self._staging))
        bucket = self._staging.pop(url)
        size = self.knobs().report_batch_size
        if len(bucket) > size:
            batch = bucket[:size]
            del bucket[:size]
            self._staging[url] = bucket
            bucket = batch
        return Batch(url=url, reports=bucket, generation=self.generation)

    def _body(self, reports: list[Report]) -> bytes:
        if self.knobs().reorder_reports:
            reports = list(reports)
            self.rng.shuffle(reports)
        offset = self._wall_offset
        outcomes: dict[str, tuple[str, str]] = {}
        last_done_at = -1.0
        done_at_iso = ""
        items: list[dict[str, str]] = []
        append = items.append
        for message_id, ref, code, done_at in reports:
            outcome = outcomes.get(code)
            if outcome is None:
                status = "DELIVERED" if code == DELIVERED else "FAILED"
                outcome = outcomes[code] = (status, reason_of(code))
            if done_at != last_done_at:  # the reports of one submit share their time
                last_done_at = done_at
                done_at_iso = _iso(done_at + offset)
            append(
                {
                    "messageId": message_id,
                    "ref": ref,
                    "status": outcome[0],
                    "code": code,
                    "reason": outcome[1],
                    "doneAt": done_at_iso,
                }
            )
        return orjson.dumps({"reports": items})

    async def _post(self, batch: Batch) -> None:
        status: int | None = None
        error: str | None = None
        retryable = True
        assert self._client is not None
        try:
            body = self._body(batch.reports)
            if not batch.attempts:
                batch.first_attempt = time.monotonic()
            batch.attempts += 1
            response = await self._client.post(batch.url, content=body, headers=self._headers)
            status = response.status_code
        except httpx.TransportError as exc:
            error = repr(exc)
        except Exception as exc:  # a URL httpx cannot use: no retry helps
            error = repr(exc)
            retryable = False
        finally:
            self.in_flight -= 1
            self._wake.set()
        if batch.generation != self.generation:
            return
        self._settle(batch, status, error, retryable)

    def _settle(self, batch: Batch, status: int | None, error: str | None, retryable: bool) -> None:
        self._settled.set()
        count = len(batch.reports)
        if status is not None and 200 <= status < 300:
            self.counters.sent += count
            self.counters.posts += 1
            self.pending -= count
            return
        if status is not None and status not in (408, 429) and status < 500:
            retryable = False
        what = f"HTTP {status}" if status is not None else error
        if not retryable:
            self.counters.failed += count
            self.pending -= count
            log.warning("report batch refused, dropped", url=batch.url, reports=count, error=what)
            return
        now = time.monotonic()
        if now - batch.first_attempt >= self.knobs().report_retry_for_s:
            self.counters.failed += count
            self.pending -= count
            log.error(
                "report batch retries over, dropped",
                url=batch.url,
                reports=count,
                attempts=batch.attempts,
                error=what,
            )
            return
        self.counters.retries += 1
        backoff = min(BACKOFF_CAP_S, BACKOFF_FIRST_S * 2 ** (batch.attempts - 1))
        backoff *= 0.5 + self.rng.random() / 2
        if batch.attempts == 1:
            log.warning("report batch failed, retrying", url=batch.url, reports=count, error=what)
        heapq.heappush(self._retry, (now + backoff, next(self._seq), batch))


def _iso(wall: float) -> str:
    return datetime.fromtimestamp(wall, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
