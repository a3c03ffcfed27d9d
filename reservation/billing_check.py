"""A quick look at the customer's balance before accepting a reservation.

The one synchronous call between services: the reservation service asks billing for
a quote (`GET /billings/quote`) and refuses at once, with 402, a reservation that the
balance plainly cannot pay for. It is only a fast path: when billing is slow, down or
its circuit is open, the reservation is accepted and the saga decides (billing holds
the credit or refuses it by event), so a request never fails because billing is slow.

A busy customer is not asked about on every request: the last answer (their available
balance, and the unit price per message type) is kept for BILLING_CHECK_CACHE_S, less
what this replica has accepted since, and a reservation it plainly covers goes ahead
without a call. Only a reservation near or over that remembered balance asks again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState

from msgplat.plumbing.errors import PaymentRequired
from msgplat.plumbing.logging import get_logger
from msgplat.reservation.settings import ReservationSettings

log = get_logger(__name__)


@dataclass
class Remembered:
    available: int
    expires_at: float
    unit_prices: dict[str, int] = field(default_factory=dict)


class BillingCheck:
    def __init__(self, settings: ReservationSettings) -> None:
        self.url = settings.billing_url.rstrip("/") + "/billings/quote"
        self.enabled = settings.billing_check_timeout_s > 0
        self.cache_s = settings.billing_check_cache_s
        self._remembered: dict[str, Remembered] = {}
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.billing_check_timeout_s or 1.0),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )
        self.breakers = AsyncCircuitBreakerFactory(default_threshold=5, default_ttl=10.0)

    async def ensure_affordable(self, *, user_id: str, msg_type: str, count: int) -> None:
        """Raise PaymentRequired when billing says the balance is short; return quietly
        when it is enough or when billing cannot say in time (the saga decides)."""
        if not self.enabled or self._covered(user_id, msg_type, count):
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
        self._remember(user_id, msg_type, quote)
        if not quote["sufficient"]:
            raise PaymentRequired(
                f"the balance of {quote['available']} KRW cannot pay for this reservation "
                f"({count} x {quote['unitPrice']} KRW = {quote['required']} KRW); "
                "top up with POST /billings/topups",
                extra={"required": quote["required"], "available": quote["available"]},
            )

    def _covered(self, user_id: str, msg_type: str, count: int) -> bool:
        """The remembered balance covers this reservation: count it and go ahead."""
        known = self._remembered.get(user_id)
        price = known.unit_prices.get(msg_type) if known else None
        if known is None or price is None or known.expires_at < time.monotonic():
            return False
        if known.available < price * count:
            return False
        known.available -= price * count
        return True

    def _remember(self, user_id: str, msg_type: str, quote: dict[str, int]) -> None:
        if self.cache_s <= 0:
            return
        if len(self._remembered) > 100_000:  # bounded, whatever the number of customers
            self._remembered.clear()
        known = self._remembered.get(user_id)
        prices = known.unit_prices if known else {}
        prices[msg_type] = quote["unitPrice"]
        available = quote["available"] - (quote["required"] if quote["sufficient"] else 0)
        self._remembered[user_id] = Remembered(
            available=available, expires_at=time.monotonic() + self.cache_s, unit_prices=prices
        )

    async def close(self) -> None:
        await self.client.aclose()
