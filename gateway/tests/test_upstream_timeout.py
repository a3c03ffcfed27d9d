"""A service that takes the request and never answers: the gateway answers 504 after its
read timeout, saying which service and when to retry, and keeps serving the others."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from msgplat_testsupport.gateways import (
    InProcessGateway,
    RecordingUpstream,
    bearer,
    gateway_settings,
    in_process_gateways,
    recording_upstream,
)


@pytest_asyncio.fixture
async def silent_url() -> AsyncIterator[str]:
    """Reads each request and holds the connection open without a word."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await reader.read(65536)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    for writer in held:
        writer.close()
    server.close()


@pytest_asyncio.fixture
async def gateway(
    database_url: str, tmp_path: Path, silent_url: str
) -> AsyncIterator[tuple[InProcessGateway, RecordingUpstream]]:
    async with recording_upstream() as others:
        settings = gateway_settings(
            database_url,
            tmp_path,
            f"http://127.0.0.1:{others.port}",
            reservation_url=silent_url,
            upstream_read_timeout_s=0.5,
        )
        async with in_process_gateways(settings) as replica:
            yield replica(), others


async def test_a_service_that_never_answers_is_a_504_naming_it(
    gateway: tuple[InProcessGateway, RecordingUpstream],
) -> None:
    replica, others = gateway
    _, key = await replica.new_customer()
    client = replica.client(headers=bearer(key))
    started = time.monotonic()
    answer = await client.get("/msgReqs")
    took = time.monotonic() - started
    assert answer.status_code == 504
    assert answer.headers["Retry-After"] == "5"
    assert answer.json() == {
        "detail": "the reservation service did not answer in time; retry after 5 s",
        "code": "service_timeout",
        "service": "reservation",
    }
    assert 0.5 <= took < 10, took  # the read timeout, not a hang
    # The other services are served meanwhile.
    assert (await client.get("/stats/daily")).status_code == 200
    assert others.heads and others.last_target().startswith("/stats")
