"""A database that cannot take the request is a 503 with Retry-After, never a 500: a
server out of connection slots ("too many clients", SQLSTATE class 53), a server that
refuses the connection. A database error that is a bug stays a 500."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from msgplat.plumbing.errors import install_error_handlers


def as_role(url: str, role: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql+asyncpg", username=role)
        .render_as_string(hide_password=False)
    )


def app_on(database_url: str) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    engine = create_async_engine(database_url, pool_size=1, max_overflow=0)

    @app.get("/one")
    async def one() -> dict[str, Any]:
        async with engine.connect() as conn:
            return {"one": await conn.scalar(text("SELECT 1"))}

    @app.get("/bug")
    async def bug() -> dict[str, Any]:
        async with engine.connect() as conn:
            return {"x": await conn.scalar(text("SELECT no_such_function()"))}

    return app


@pytest.fixture
async def no_slots_role(database_url: str) -> AsyncIterator[str]:
    """A real role the server refuses every connection of: out of its slots (53300)."""
    role = f"full_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0")
        yield role
    finally:
        await conn.execute(f"DROP ROLE IF EXISTS {role}")
        await conn.close()


async def get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


async def test_a_server_out_of_connection_slots_is_a_503_to_retry(
    database_url: str, no_slots_role: str
) -> None:
    response = await get(app_on(as_role(database_url, no_slots_role)), "/one")
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"
    assert response.json()["code"] == "service_unavailable"
    assert "database is unavailable" in response.json()["detail"]


async def test_a_server_refusing_connections_is_a_503() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+asyncpg://x@127.0.0.1:{port}/x"
    response = await get(app_on(url), "/one")
    assert response.status_code == 503, response.text


async def test_a_database_error_that_is_a_bug_stays_a_500(database_url: str) -> None:
    url = make_url(database_url).set(drivername="postgresql+asyncpg").render_as_string(False)
    assert (await get(app_on(url), "/one")).status_code == 200
    assert (await get(app_on(url), "/bug")).status_code == 500
