"""A service's background work and its workers, as an operator sees them: work that dies
of an error is started again (readiness says it is down meanwhile, a counter counts it);
work that returns has done its job; a worker whose rounds fail or stop coming is named
in `/health/ready` and its quiet time is on `/metrics`."""

from __future__ import annotations

import asyncio

import httpx
from prometheus_client import REGISTRY
from sqlalchemy import MetaData

from msgplat.contracts import topics
from msgplat.plumbing.runtime import ServiceRuntime, create_service_app
from msgplat.plumbing.tables import plumbing_tables
from msgplat.plumbing.workers import WorkerHealth
from msgplat_testsupport.waiting import eventually

from .conftest import Plumbing


def restarts() -> float:
    return REGISTRY.get_sample_value("work_restarts_total", {"work": "background"}) or 0.0


async def test_background_work_that_dies_is_started_again_and_readiness_says_so_meanwhile(
    plumbing: Plumbing,
) -> None:
    runtime = ServiceRuntime(plumbing.settings, plumbing.tables, {}, topics.ALL_TOPICS)
    runs = 0
    before = restarts()

    async def dies_once() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise RuntimeError("a bug in the scheduler")
        await runtime.stopping.wait()

    task = plumbing.start(runtime.supervise_background(dies_once), "background")

    async def reported_down() -> bool:
        return (runtime.background_state() or "").startswith("down: RuntimeError")

    await eventually(reported_down, timeout_s=5)
    assert restarts() == before + 1

    async def running_again() -> bool:
        return runs == 2 and runtime.background_state() == "ok"

    await eventually(running_again, timeout_s=5)
    runtime.stopping.set()
    await asyncio.wait_for(task, timeout=5)
    assert runs == 2
    await runtime.producer.stop()  # built, never started
    await runtime.db.dispose()


async def test_background_work_that_returns_is_not_run_again(plumbing: Plumbing) -> None:
    runtime = ServiceRuntime(plumbing.settings, plumbing.tables, {}, topics.ALL_TOPICS)
    assert runtime.background_state() is None  # no background: no readiness check
    runs = 0

    async def opens_the_demo_accounts() -> None:
        nonlocal runs
        runs += 1

    await asyncio.wait_for(runtime.supervise_background(opens_the_demo_accounts), timeout=5)
    assert (runs, runtime.background_state()) == (1, "ok")
    await runtime.producer.stop()  # built, never started
    await runtime.db.dispose()


async def test_a_worker_whose_rounds_fail_or_stop_is_named_in_readiness_and_metrics(
    plumbing: Plumbing,
) -> None:
    app = create_service_app(
        settings=plumbing.settings,
        tables=plumbing_tables(MetaData(schema=plumbing.tables.outbox.schema)),
        topics=(),
        title="plumbing",
    )
    runtime: ServiceRuntime = app.state.runtime
    claims = WorkerHealth("claims", stall_after_s=60)
    sweep = WorkerHealth("sweep", stall_after_s=0.05)
    runtime.watch(claims, sweep)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://plumbing") as client:

        async def checks() -> dict[str, str]:
            answer = await client.get("/health/ready")
            assert answer.status_code == 503  # the broker is never started here
            found: dict[str, str] = answer.json()["checks"]
            return found

        claims.round_failed(ConnectionError("the database went away"))
        await asyncio.sleep(0.1)  # longer than the sweep's stall_after_s
        found = await checks()
        assert found["worker:claims"] == "failing: ConnectionError('the database went away')"
        assert found["worker:sweep"].startswith("stalled: no round for ")
        assert "background" not in found  # this service has no background work

        claims.round_done()
        sweep.round_done()
        found = await checks()
        assert (found["worker:claims"], found["worker:sweep"]) == ("ok", "ok")

        metrics = (await client.get("/metrics")).text
    assert 'worker_seconds_since_round{worker="claims"}' in metrics
    assert REGISTRY.get_sample_value("worker_round_failures_total", {"worker": "claims"}) == 1
    await runtime.producer.stop()  # built, never started
    await runtime.db.dispose()
