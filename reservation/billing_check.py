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
Requests of one customer that arrive together while nothing is remembered wait for the
first one's answer instead of each asking (at intake, 64 connections of one customer
asked billing 64 times each time the memory expired).

A personalised reservation mixes SMS and LMS: it asks with `smsCount` and `lmsCount`
(which replace `msgType` and `count`), and is covered from memory only when the unit
price of each type is known.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
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
        # Per customer: set when the quote being asked for now has its answer.
        self._asking: dict[str, asyncio.Event] = {}
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.billing_check_timeout_s or 1.0),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )
        self.breakers = AsyncCircuitBreakerFactory(default_threshold=5, default_ttl=10.0)

    async def ensure_affordable(
        self,
        *,
        user_id: str,
        msg_type: str,
        count: int,
        msg_counts: Mapping[str, int] | None = None,
    ) -> None:
        """Raise PaymentRequired when billing says the balance is short; return quietly
        when it is enough or when billing cannot say in time (the saga decides).
        `msg_counts` (messages per type) replaces `msg_type` x `count` when given."""
        counts = dict(msg_counts) if msg_counts is not None else {msg_type: count}
        if not self.enabled or self._covered(user_id, counts):
            return
        asking = self._asking.get(user_id)
        if self.cache_s <= 0:
            await self._ask(user_id, msg_type, count, counts, msg_counts)
        elif asking is None:  # the first: ask, the others wait for what billing answers
            asking = self._asking[user_id] = asyncio.Event()
            try:
                await self._ask(user_id, msg_type, count, counts, msg_counts)
            finally:
                asking.set()
                del self._asking[user_id]
        else:
            await asking.wait()  # bounded by that call's timeout
            if not self._covered(user_id, counts):
                await self._ask(user_id, msg_type, count, counts, msg_counts)

    async def _ask(
        self,
        user_id: str,
        msg_type: str,
        count: int,
        counts: dict[str, int],
        msg_counts: Mapping[str, int] | None,
    ) -> None:
        params: dict[str, str | int]
        if msg_counts is None:
            params = {"userId": user_id, "msgType": msg_type, "count": count}
        else:
            params = {
                "userId": user_id,
                "smsCount": counts.get("SMS", 0),
                "lmsCount": counts.get("LMS", 0),
            }
        try:
            async with await self.breakers.get_breaker("billing"):
                response = await self.client.get(self.url, params=params)
                if response.status_code >= 500:
                    response.raise_for_status()  # counts as a failure for the breaker
        except (httpx.HTTPError, OpenedState) as exc:
            log.info("billing_check_skipped", reason=type(exc).__name__)
            return
        if response.status_code != 200:
            log.warning("billing_check_unexpected", status=response.status_code)
            return
        quote = response.json()
        self._remember(user_id, msg_type if msg_counts is None else None, quote)
        if not quote["sufficient"]:
            if msg_counts is None:
                asked = f"{count} x {quote['unitPrice']} KRW"
            else:
                asked = " + ".join(f"{n} {kind}" for kind, n in counts.items() if n)
            raise PaymentRequired(
                f"the balance of {quote['available']} KRW cannot pay for this reservation "
                f"({asked} = {quote['required']} KRW); "
                "top up with POST /billings/topups",
                extra={"required": quote["required"], "available": quote["available"]},
            )

    def _covered(self, user_id: str, counts: dict[str, int]) -> bool:
        """The remembered balance covers this reservation: count it and go ahead."""
        known = self._remembered.get(user_id)
        if known is None or known.expires_at < time.monotonic():
            return False
        wanted = {kind: n for kind, n in counts.items() if n}
        if not wanted.keys() <= known.unit_prices.keys():
            return False
        cost = sum(known.unit_prices[kind] * n for kind, n in wanted.items())
        if known.available < cost:
            return False
        known.available -= cost
        return True

    def _remember(self, user_id: str, msg_type: str | None, quote: dict[str, int]) -> None:
        """Keep the balance (less this reservation's price) and, from a one-type quote,
        the unit price of `msg_type`."""
        if self.cache_s <= 0:
            return
        if len(self._remembered) > 100_000:  # bounded, whatever the number of customers
            self._remembered.clear()
        known = self._remembered.get(user_id)
        prices = known.unit_prices if known else {}
        if msg_type is not None:
            prices[msg_type] = quote["unitPrice"]
        available = quote["available"] - (quote["required"] if quote["sufficient"] else 0)
        self._remembered[user_id] = Remembered(
            available=available, expires_at=time.monotonic() + self.cache_s, unit_prices=prices
        )

    async def close(self) -> None:
        await self.client.aclose()
