"""A service that breaks off its answer (fewer bytes than its Content-Length, then the
connection closed): the gateway, which reads a small answer whole before passing it on,
answers 503 naming the service, never a truncated body or a 500."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from msgplat_testsupport.gateways import (
    InProcessGateway,
    bearer,
    gateway_settings,
    in_process_gateways,
    recording_upstream,
)


@pytest_asyncio.fixture
async def breaking_url() -> AsyncIterator[str]:
    """Answers every request with 10 of the 1,000 bytes it declares, then hangs up."""

    async def break_off(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
        writer.write(b"content-length: 1000\r\n\r\n" + b'{"items":[')
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(break_off, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    server.close()


@pytest_asyncio.fixture
async def gateway(
    database_url: str, tmp_path: Path, breaking_url: str
) -> AsyncIterator[InProcessGateway]:
    async with recording_upstream() as others:
        settings = gateway_settings(
            database_url, tmp_path, f"http://127.0.0.1:{others.port}", reservation_url=breaking_url
        )
        async with in_process_gateways(settings) as replica:
            yield replica()


async def test_an_answer_broken_off_is_a_503_naming_the_service(
    gateway: InProcessGateway,
) -> None:
    _, key = await gateway.new_customer()
    answer = await gateway.client(headers=bearer(key)).get("/msgReqs")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert answer.json() == {
        "detail": "the reservation service broke off its answer; retry after 5 s",
        "code": "service_unavailable",
        "service": "reservation",
    }
