"""The billing service: `uvicorn msgplat.billing.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from msgplat.billing.api import billings
from msgplat.billing.commands import ensure_demo_accounts_with_retry
from msgplat.billing.consumers import LOOP_PER_TOPIC, SUBSCRIPTIONS
from msgplat.billing.models import holds, tables
from msgplat.billing.settings import BillingSettings, get_settings
from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.metrics import StateCounts
from msgplat.plumbing.runtime import ServiceRuntime, create_service_app


def create_app() -> FastAPI:
    settings = get_settings()

    async def open_demo_accounts(runtime: ServiceRuntime, _: None) -> None:
        await ensure_demo_accounts_with_retry(runtime.db, settings.demo_accounts)

    return create_service_app(
        settings=settings,
        tables=tables,
        routers=[billings.router],
        subscriptions=SUBSCRIPTIONS,
        loop_per_topic=LOOP_PER_TOPIC,
        topics=ALL_TOPICS,
        scrape_hooks=lambda runtime: [StateCounts(runtime.db, "billing_hold", holds.c.status)],
        title="Billing service",
        background=open_demo_accounts,
    )


__all__ = ["BillingSettings", "create_app"]
