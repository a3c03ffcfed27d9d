"""The send service: `uvicorn msgplat.send.app:create_app --factory`."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI
from sqlalchemy import case

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.metrics import StateCounts
from msgplat.plumbing.runtime import create_service_app
from msgplat.send.api import carrier_reports, msgs, optouts, sending_windows
from msgplat.send.consumers import ON_DEAD_LETTER, SUBSCRIPTIONS
from msgplat.send.models import jobs, tables
from msgplat.send.resources import open_resources
from msgplat.send.scheduler import run_scheduler
from msgplat.send.settings import SendSettings, get_settings

JOB_STATE = case((jobs.c.stuck_reason.is_not(None), "stuck"), else_=jobs.c.status)


def create_app() -> FastAPI:
    settings = get_settings()
    return create_service_app(
        settings=settings,
        tables=tables,
        routers=[msgs.router, optouts.router, sending_windows.router, carrier_reports.router],
        subscriptions=SUBSCRIPTIONS,
        on_dead_letter=ON_DEAD_LETTER,
        topics=ALL_TOPICS,
        title="Send service",
        resources=partial(open_resources, settings),
        background=partial(run_scheduler, settings),
        background_graceful=True,  # the scheduler's jobs end their batch in hand and return
        # A stuck job counts as `stuck`, whatever its status: the operator's alert.
        scrape_hooks=lambda runtime: [StateCounts(runtime.db, "send_job", JOB_STATE)],
    )


__all__ = ["SendSettings", "create_app"]
