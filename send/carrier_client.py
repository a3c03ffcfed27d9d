"""The carrier client: submits batches over HTTP to one carrier's API.

It talks to the carrier simulator by default and to any carrier with the same API
by configuration (`CARRIERS`, or `CARRIER_URL` and `CARRIER_API_KEY`): one client per
carrier (`carrier_router.py` routes batches over them). Transient failures (connection
errors, timeouts, 429 and 5xx answers) are retried with backoff; a circuit breaker
stops calling a carrier that keeps failing and lets one trial through after
`BREAKER_OPEN_S`. A retried submit is safe: the carrier deduplicates by `ref`.

A failed submit says whether the carrier may have taken the batch (`in_doubt`: a
timeout, or the connection lost once the request was out) or surely did not (it
refused to connect, answered 429, 5xx or another error, or its circuit is open).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.metrics import CARRIER_REQUESTS, CARRIER_RESULTS, report_breaker
from msgplat.send.settings import CarrierConfig, SendSettings

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    ref: str
    to: str
    text: str
    type: str
    subject: str | None
    sender: str


@dataclass(frozen=True, slots=True)
class SubmitResult:
    ref: str
    accepted: bool
    carrier: str  # the carrier that gave this answer
    message_id: str | None = None
    code: str | None = None
    reason: str | None = None


class CarrierUnavailable(Exception):
    """The batch was not handed over: nothing about its messages is known to be sent
    (with `in_doubt`, the carrier may have taken it without its answer coming back)."""

    def __init__(
        self, reason: str, *, retry_after_s: float, attempted: bool, in_doubt: bool = False
    ) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s
        # False when the circuit was open: no call was made, no attempt is spent.
        self.attempted = attempted
        # True when a call may have reached the carrier and its answer was lost (a
        # timeout): the carrier may have taken the batch after all.
        self.in_doubt = in_doubt


class _Transient(Exception):
    def __init__(self, reason: str, retry_after_s: float = 0.5, *, in_doubt: bool = False) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s
        self.in_doubt = in_doubt


class CarrierClient:
    def __init__(self, settings: SendSettings, carrier: CarrierConfig | None = None) -> None:
        carrier = carrier or settings.carrier_configs()[0]
        self.name = carrier.name
        # Each carrier reports on its own path (send/callback_auth.py).
        self.report_url = f"{settings.report_callback_url.rstrip('/')}/{carrier.name}"
        self.open_s = settings.breaker_open_s
        self.client = httpx.AsyncClient(
            base_url=carrier.url,
            headers={
                "Authorization": f"Bearer {carrier.api_key}",
                "Content-Type": "application/json",
            },
            timeout=httpx.Timeout(settings.carrier_timeout_s, connect=2.0),
        )
        self.breakers = AsyncCircuitBreakerFactory(
            default_threshold=settings.breaker_threshold, default_ttl=settings.breaker_open_s
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def circuit_state(self) -> str:
        return (await self.breakers.get_breaker(self.name)).context.state

    async def open_for_s(self) -> float:
        """How long the circuit stays open (0: closed, or open past its time, so the
        next call is the trial)."""
        context = (await self.breakers.get_breaker(self.name)).context
        if context.state != "opened" or context.opened_at is None:
            return 0.0
        return max(0.0, context.opened_at + self.open_s - time.time())

    async def report_circuit(self) -> None:
        """A scrape hook: `circuit_breaker_state{upstream="carrier:<name>"}`."""
        report_breaker(f"carrier:{self.name}", (await self.breakers.get_breaker(self.name)).context)

    async def submit(self, batch: list[OutgoingMessage]) -> list[SubmitResult]:
        body = orjson.dumps(
            {
                "reportUrl": self.report_url,
                "messages": [
                    {
                        "ref": m.ref,
                        "to": m.to,
                        "from": m.sender,
                        "type": m.type,
                        "subject": m.subject,
                        "text": m.text,
                    }
                    for m in batch
                ],
            }
        )
        attempted = in_doubt = False
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(3),
                wait=wait_exponential_jitter(multiplier=0.1, max=1.0),
                retry=retry_if_exception_type(_Transient),
                reraise=True,
            ):
                with attempt:
                    breaker = await self.breakers.get_breaker(self.name)
                    async with breaker:
                        attempted = True
                        try:
                            answer = await self._post(body)
                        except _Transient as exc:
                            in_doubt = in_doubt or exc.in_doubt
                            raise
        except OpenedState as exc:
            retry_after = max(0.1, exc.opened_at + self.open_s - time.time())
            raise CarrierUnavailable(
                f"carrier {self.name}: circuit open",
                retry_after_s=retry_after,
                attempted=attempted,
                in_doubt=in_doubt,
            ) from None
        except _Transient as exc:
            raise CarrierUnavailable(
                f"carrier {self.name}: {exc}",
                retry_after_s=exc.retry_after_s,
                attempted=True,
                in_doubt=in_doubt,
            ) from None
        results = [
            SubmitResult(
                ref=r["ref"],
                accepted=bool(r["accepted"]),
                carrier=self.name,
                message_id=r.get("messageId"),
                code=r.get("code"),
                reason=r.get("reason"),
            )
            for r in answer["results"]
        ]
        codes = Counter("accepted" if r.accepted else (r.code or "unknown") for r in results)
        for code, count in codes.items():
            CARRIER_RESULTS.labels(self.name, code).inc(count)
        if [r.ref for r in results] != [m.ref for m in batch]:
            raise CarrierUnavailable(
                f"carrier {self.name} answered for other messages than it was sent",
                retry_after_s=1.0,
                attempted=True,
                in_doubt=True,  # it answered: it may have taken them
            )
        return results

    async def _post(self, body: bytes) -> dict[str, Any]:
        started, result = time.perf_counter(), "unreachable"
        try:
            response = await self.client.post("/v1/messages", content=body)
            result = str(response.status_code)
        except (httpx.ConnectTimeout, httpx.PoolTimeout):
            raise _Transient("could not connect in time") from None  # nothing was sent
        except httpx.TimeoutException:
            result = "timeout"
            raise _Transient("timed out", in_doubt=True) from None
        except httpx.ConnectError as exc:
            raise _Transient(f"unreachable ({exc.__class__.__name__})") from None
        except httpx.TransportError as exc:  # the connection broke once the request was out
            result = "connection_lost"
            raise _Transient(f"connection lost ({exc.__class__.__name__})", in_doubt=True) from None
        finally:
            CARRIER_REQUESTS.labels(self.name, result).observe(time.perf_counter() - started)
        if response.status_code == 200:
            answer: dict[str, Any] = orjson.loads(response.content)
            return answer
        retry_after = _retry_after(response)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Transient(f"answered {response.status_code}", retry_after)
        # A 4xx other than 429 is our configuration or request: retrying will not help,
        # but the messages are not at fault either. Say what to fix, and back off.
        log.error(
            "carrier_refused_batch",
            carrier=self.name,
            status=response.status_code,
            body=response.text[:500],
            next_step="check the carrier's url and apiKey (CARRIERS or CARRIER_URL, _API_KEY)",
        )
        raise _Transient(f"refused the batch with {response.status_code}", 5.0)


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.1, float(response.headers.get("Retry-After", "0.5")))
    except ValueError:
        return 0.5
