"""A quick look at the customer's balance before accepting a reservation.

The one synchronous call between services: the reservation service asks billing for
a quote (`GET /billings/quote`) and refuses at once, with 402, a reservation that the
balance plainly cannot pay for. It is only a fast path: when billing is slow, down or
its circuit is open, the reservation is accepted and the saga decides (billing holds
the credit or refuses it by event), so a request never fails because billing is slow.
"""

from __future__ import annotations

import httpx
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState

from msgplat.plumbing.errors import PaymentRequired
from msgplat.plumbing.logging import get_logger
from msgplat.reservation.settings import ReservationSettings

log = get_logger(__name__)


class BillingCheck:
    def __init__(self, settings: ReservationSettings) -> None:
        self.url = settings.billing_url.rstrip("/") + "/billings/quote"
        self.enabled = settings.billing_check_timeout_s > 0
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.billing_check_timeout_s or 1.0),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )
        self.breakers = AsyncCircuitBreakerFactory(default_threshold=5, default_ttl=10.0)

    async def ensure_affordable(self, *, user_id: str, msg_type: str, count: int) -> None:
        """Raise PaymentRequired when billing says the balance is short; return quietly
        when it is enough or when billing cannot say in time (the saga decides)."""
        if not self.enabled:
            return
        try:
            async with await self.breakers.get_breaker("billing"):
                response = await self.client.get(
                    self.url, params={"userId": user_id, "msgType": msg_type, "count": count}
                )
                if response.status_code >= 500:
                    response.raise_for_status()  # counts as a failure for the breaker
        except (httpx.HTTPError, OpenedState) as exc:
            log.info("billing_check_skipped", reason=type(exc).__name__)
            return
        if response.status_code != 200:
            log.warning("billing_check_unexpected", status=response.status_code)
            return
        quote = response.json()
        if not quote["sufficient"]:
            raise PaymentRequired(
                f"the balance of {quote['available']} KRW cannot pay for this reservation "
                f"({count} x {quote['unitPrice']} KRW = {quote['required']} KRW); "
                "top up with POST /billings/topups",
                extra={"required": quote["required"], "available": quote["available"]},
            )

    async def close(self) -> None:
        await self.client.aclose()
