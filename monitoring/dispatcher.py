"""The dispatcher: sends the queued webhook deliveries (a background task of every
monitoring replica; replicas share the work through row locks).

Webhooks
- A delivery is claimed (attempt counted, leased until its timeout has passed) in a
  short transaction, POSTed outside any transaction, then recorded: delivered on a 2xx;
  otherwise retried after an exponential backoff, and failed after
  `webhook_max_attempts`. A replica that dies mid-POST leaves a lease that expires, and
  the delivery is tried again (receivers deduplicate by `X-Msgplat-Delivery`).
- Order: only the oldest pending delivery of a (webhook, reservation) is due, so a later
  status is never delivered before an earlier one (a failed one stops blocking).
- Isolation: each POST is its own task with a hard timeout; at most
  `webhook_per_endpoint` are in flight per webhook and `webhook_concurrency` in all, so a
  dead endpoint holds a few slots and never delays another endpoint's deliveries.
- Destination (SSRF): before each POST the webhook's host is resolved and every address
  checked (`pinning`); the POST connects to the address checked, never follows a
  redirect, and a refused destination fails the delivery at once. The log keeps the
  status code, and the start of the body only of a public address's answer.

(The status alerts are not sent from here: the send service sends them, ADR 0013.)
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import orjson
from sqlalchemy import text

from msgplat.monitoring import domain, pinning, signing
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.db import Database
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.workers import WorkerHealth

log = get_logger(__name__)

CLAIM_DELIVERIES_SQL = text(
    """
    UPDATE monitoring.webhook_deliveries d
    SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => :lease_s)
    FROM monitoring.webhooks w
    WHERE w.id = d.webhook_id AND d.id IN (
        SELECT c.id FROM monitoring.webhook_deliveries c
        WHERE c.id IN (
            SELECT id FROM (
                SELECT h.id, row_number() OVER (PARTITION BY h.webhook_id ORDER BY h.id) AS n
                FROM monitoring.webhook_deliveries h
                WHERE h.state = 'pending' AND h.next_attempt_at <= now()
                  AND NOT (h.webhook_id = ANY(:busy))
                  AND NOT EXISTS (
                      SELECT 1 FROM monitoring.webhook_deliveries e
                      WHERE e.webhook_id = h.webhook_id AND e.reservation_id = h.reservation_id
                        AND e.state = 'pending' AND e.id < h.id)
            ) AS due WHERE due.n <= :per_endpoint)
        ORDER BY c.id LIMIT :limit
        FOR UPDATE OF c SKIP LOCKED)
    RETURNING d.id, d.delivery_id, d.webhook_id, d.event, d.payload, d.attempts, w.url, w.secret
    """
)

RECORD_DELIVERY_SQL = text(
    """
    UPDATE monitoring.webhook_deliveries
    SET state = CAST(:state AS varchar), last_status_code = :code, last_error = :error,
        next_attempt_at = now() + make_interval(secs => :retry_in_s),
        finished_at = CASE WHEN CAST(:state AS varchar) = 'pending' THEN NULL ELSE now() END
    WHERE id = :id AND attempts = :attempts AND state = 'pending'
    """
)


# What is read of an answer: enough for the start the log shows of a public one.
ANSWER_BYTES_READ = 1024


@dataclass(frozen=True)
class Attempt:
    """What one POST came to: delivered (a 2xx), or an error to retry, or a final one."""

    status_code: int | None
    error: str | None = None
    final: bool = False  # no retry: the destination was refused


class Dispatcher:
    def __init__(
        self,
        db: Database,
        settings: MonitoringSettings,
        *,
        wake: asyncio.Event | None = None,
        resolver: pinning.Resolver = pinning.system_resolver,
    ) -> None:
        self.db = db
        self.settings = settings
        # How a webhook's host is resolved before each POST (a test gives its own).
        self.resolver = resolver
        self.wake = wake or asyncio.Event()
        self.in_flight: Counter[UUID] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        self.health = WorkerHealth("webhook-dispatcher", settings.worker_stall_s)

    async def run(self) -> None:
        s = self.settings
        limits = httpx.Limits(
            max_connections=s.webhook_concurrency, max_keepalive_connections=s.webhook_concurrency
        )
        async with httpx.AsyncClient(
            timeout=s.webhook_timeout_s, limits=limits, follow_redirects=False
        ) as client:
            self._client = client
            try:
                await self._webhook_loop()
            finally:
                for task in self._tasks:
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _webhook_loop(self) -> None:
        while True:
            self.wake.clear()
            claimed = 0
            try:
                claimed = await self.dispatch_due()
                self.health.round_done()
            except Exception as exc:  # the database is away: try again later
                log.warning("dispatch_failed", error=repr(exc))
                self.health.round_failed(exc)
            if claimed:
                await asyncio.sleep(0)  # more may be due: claim again at once
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=self.settings.dispatch_poll_s)

    async def dispatch_due(self) -> int:
        """Claim the due deliveries there are free slots for; each is POSTed by a task."""
        s = self.settings
        free = s.webhook_concurrency - sum(self.in_flight.values())
        if free <= 0:
            return 0
        busy = [w for w, n in self.in_flight.items() if n >= s.webhook_per_endpoint]
        async with self.db.unit_of_work() as uow:
            rows = (
                await uow.conn.execute(
                    CLAIM_DELIVERIES_SQL,
                    {
                        "lease_s": s.webhook_timeout_s + 10,
                        "busy": busy,
                        "per_endpoint": s.webhook_per_endpoint,
                        "limit": free,
                    },
                )
            ).all()
            await uow.commit()
        for row in rows:
            self.in_flight[row.webhook_id] += 1
            task = asyncio.create_task(self._deliver(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(rows)

    async def wait_idle(self) -> None:
        """Until no POST is in flight (for tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver(self, row: Any) -> None:
        try:
            await self._record(row, await self._post(row))
        except Exception as exc:
            log.warning("delivery_not_recorded", delivery=str(row.delivery_id), error=repr(exc))
        finally:
            self.in_flight[row.webhook_id] -= 1
            if self.in_flight[row.webhook_id] <= 0:
                del self.in_flight[row.webhook_id]
            self.wake.set()  # a slot is free, and the next status of its reservation is due

    async def _post(self, row: Any) -> Attempt:
        """Resolve and check the host (`pinning`), then POST to the address checked."""
        assert self._client is not None
        s = self.settings
        payload = row.payload if isinstance(row.payload, dict) else orjson.loads(row.payload)
        body = orjson.dumps(payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "msgplat-webhooks/1",
            signing.SIGNATURE_HEADER: signing.sign(row.secret, body),
            signing.DELIVERY_HEADER: str(row.delivery_id),
            signing.EVENT_HEADER: row.event,
            signing.ATTEMPT_HEADER: str(row.attempts),
        }
        try:
            async with asyncio.timeout(s.webhook_timeout_s):
                to = await pinning.resolve(
                    row.url, allowed=s.webhook_allowed_hosts, resolver=self.resolver
                )
                async with self._client.stream(
                    "POST",
                    to.pinned_url,
                    content=body,
                    headers={**headers, **to.headers},
                    extensions=to.extensions,
                ) as response:
                    code = response.status_code
                    # Never all of it: a big answer is not read (nor its connection kept).
                    start = await _first_bytes(response, ANSWER_BYTES_READ)
        except pinning.Refused as exc:
            log.warning("webhook_refused", delivery=str(row.delivery_id), reason=exc.reason)
            return Attempt(None, f"refused: {exc.reason}"[:500], final=True)
        except pinning.Unresolved as exc:
            return Attempt(None, str(exc)[:500])
        except TimeoutError:
            return Attempt(None, f"no answer within {s.webhook_timeout_s} s")
        except httpx.HTTPError as exc:
            return Attempt(None, f"{type(exc).__name__}: {exc}"[:500])
        if 200 <= code < 300:
            return Attempt(code)
        # The body only from a public address: the log never shows what a host on the
        # allow-list (on this machine or network) answered.
        shown = start.decode("utf-8", "replace") if to.public else ""
        return Attempt(code, domain.answer_logged(code, shown))

    async def _record(self, row: Any, attempt: Attempt) -> None:
        s = self.settings
        if attempt.error is None:
            state, retry_in_s = "delivered", 0.0
        elif attempt.final or row.attempts >= s.webhook_max_attempts:
            state, retry_in_s = "failed", 0.0
        else:
            state = "pending"
            delay = domain.retry_delay_s(
                row.attempts, base_s=s.webhook_retry_base_s, max_s=s.webhook_retry_max_s
            )
            retry_in_s = delay * random.uniform(0.8, 1.0)  # jitter: no synchronised retries
        async with self.db.unit_of_work() as uow:
            await uow.conn.execute(
                RECORD_DELIVERY_SQL,
                {
                    "id": row.id,
                    "attempts": row.attempts,
                    "state": state,
                    "code": attempt.status_code,
                    "error": attempt.error,
                    "retry_in_s": retry_in_s,
                },
            )
            await uow.commit()
        log.info(
            "webhook_delivery",
            delivery=str(row.delivery_id),
            state=state,
            attempt=row.attempts,
            status_code=attempt.status_code,
        )


async def _first_bytes(response: httpx.Response, limit: int) -> bytes:
    read = b""
    async for chunk in response.aiter_bytes():
        read += chunk
        if len(read) >= limit:
            break
    return read[:limit]
