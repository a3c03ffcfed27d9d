"""Migrations before code, at the gateway too: a gateway started before the migration Job
serves its probes (not ready, naming the revision it waits for) instead of crashing,
and becomes ready by itself once the Job has run, with the configured accounts made."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from msgplat.devstack.postgres import drop_database, ensure_database
from msgplat.gateway import accounts
from msgplat.gateway.app import create_app
from msgplat.plumbing.api_keys import new_api_key
from msgplat.plumbing.migrations import upgrade
from msgplat_testsupport.databases import fresh_database_url, postgres_server_url
from msgplat_testsupport.gateways import gateway_settings
from msgplat_testsupport.waiting import eventually

NOWHERE = "http://127.0.0.1:9"  # no service: the gateway's own readiness is tested


async def test_not_ready_until_migrated_then_ready_with_its_accounts(tmp_path: Path) -> None:
    url = fresh_database_url(postgres_server_url())
    await ensure_database(url)
    operator_key = new_api_key()
    app = create_app(gateway_settings(url, tmp_path, NOWHERE, operator_api_key=operator_key))
    app.state.schema.interval_s = 0.05
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://gateway") as client,
        ):

            async def waiting() -> str | None:
                answer = await client.get("/health/ready")
                assert answer.status_code == 503
                said: str = answer.json()["schema"]
                return said if said.startswith("waiting for revision") else None

            said = await eventually(waiting, timeout_s=15)
            assert said.endswith("of schema gateway (database at none): run the migration Job")
            assert (await client.get("/health/live")).status_code == 200

            await asyncio.to_thread(upgrade, "gateway", url)

            async def ready() -> bool:
                return (await client.get("/health/ready")).status_code == 200

            await eventually(ready, timeout_s=15)
            engine = app.state.authenticator.engine
            operator = await accounts.identity_for_key(engine, operator_key)
            assert operator is not None and operator.role == "operator"
    finally:
        app.state.passwords.close()
        await app.state.proxy.close()
        await app.state.authenticator.engine.dispose()
        await drop_database(url)
