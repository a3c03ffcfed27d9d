"""The reservation service's long-lived clients: opened once when it starts, closed
after its consumers have stopped (`create_service_app(resources=...)`).

Routes reach them through `api.deps.ResourcesDep`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from msgplat.reservation.billing_check import BillingCheck
from msgplat.reservation.settings import ReservationSettings


@dataclass(frozen=True)
class Resources:
    billing_check: BillingCheck  # the balance check before accepting a reservation


@asynccontextmanager
async def open_resources(settings: ReservationSettings) -> AsyncIterator[Resources]:
    """Open the billing check (its HTTP client and circuit breaker) and close its
    connections on the way out."""
    billing_check = BillingCheck(settings)
    try:
        yield Resources(billing_check=billing_check)
    finally:
        await billing_check.close()
