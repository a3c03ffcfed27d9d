"""The carrier adapter: submits batches over HTTP to a carrier's API.

It talks to the carrier simulator by default and to any carrier with the same API
by configuration (`CARRIER_URL`, `CARRIER_API_KEY`). Transient failures (connection
errors, timeouts, 429 and 5xx answers) are retried with backoff; a circuit breaker
stops calling a carrier that keeps failing and lets one trial through after
`BREAKER_OPEN_S`. A retried submit is safe: the carrier deduplicates by `ref`.
"""

from __future__ import annotations

import time
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
from msgplat.plumbing.metrics import report_breaker
from msgplat.send.settings import SendSettings

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
    message_id: str | None = None
    code: str | None = None
    reason: str | None = None


class CarrierUnavailable(Exception):
    """The batch was not handed over; nothing about its messages is known to be sent."""

    def __init__(self, reason: str, *, retry_after_s: float, attempted: bool) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s
        # False when the circuit was open: no call was made, no attempt is spent.
        self.attempted = attempted


class _Transient(Exception):
    def __init__(self, reason: str, retry_after_s: float = 0.5) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class CarrierClient:
    def __init__(self, settings: SendSettings) -> None:
        self.name = settings.carrier_name
        self.report_url = settings.report_callback_url
        self.open_s = settings.breaker_open_s
        self.client = httpx.AsyncClient(
            base_url=settings.carrier_url,
            headers={
                "Authorization": f"Bearer {settings.carrier_api_key}",
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
        attempted = False
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(3),
                wait=wait_exponential_jitter(initial=0.1, max=1.0),
                retry=retry_if_exception_type(_Transient),
                reraise=True,
            ):
                with attempt:
                    breaker = await self.breakers.get_breaker(self.name)
                    async with breaker:
                        attempted = True
                        answer = await self._post(body)
        except OpenedState as exc:
            retry_after = max(0.1, exc.opened_at + self.open_s - time.time())
            raise CarrierUnavailable(
                f"carrier {self.name}: circuit open", retry_after_s=retry_after, attempted=attempted
            ) from None
        except _Transient as exc:
            raise CarrierUnavailable(
                f"carrier {self.name}: {exc}", retry_after_s=exc.retry_after_s, attempted=True
            ) from None
        results = [
            SubmitResult(
                ref=r["ref"],
                accepted=bool(r["accepted"]),
                message_id=r.get("messageId"),
                code=r.get("code"),
                reason=r.get("reason"),
            )
            for r in answer["results"]
        ]
        if [r.ref for r in results] != [m.ref for m in batch]:
            raise CarrierUnavailable(
                f"carrier {self.name} answered for other messages than it was sent",
                retry_after_s=1.0,
                attempted=True,
            )
        return results

    async def _post(self, body: bytes) -> dict[str, Any]:
        try:
            response = await self.client.post("/v1/messages", content=body)
        except httpx.TimeoutException:
            raise _Transient("timed out") from None
        except httpx.TransportError as exc:
            raise _Transient(f"unreachable ({exc.__class__.__name__})") from None
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
            next_step="check CARRIER_URL and CARRIER_API_KEY",
        )
        raise _Transient(f"refused the batch with {response.status_code}", 5.0)


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.1, float(response.headers.get("Retry-After", "0.5")))
    except ValueError:
        return 0.5
