"""The gateway in-process, for the gateway's own tests: an app on the session's database
with every upstream pointing at a small recording HTTP server on loopback, so a test sees
exactly what a service would receive, and clients for it (httpx's ASGI transport, from
any client address).

Several apps on the same database are several replicas: they share nothing but it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from msgplat.gateway import accounts
from msgplat.gateway.app import create_app
from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing.api_keys import new_api_key

SECRET = "test-secret-" + "s" * 32


@dataclass
class RecordingUpstream:
    """Answers 200 `{}` to anything (or what `answer` says) and keeps each request's
    head and body; reads bodies sent with a length or chunked."""

    port: int = 0
    heads: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    answer: bytes = b"{}"
    # Set when a request's head has come in, before its body is read.
    head_received: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                self.head_received.set()
                headers = _headers(head)
                if headers.get("transfer-encoding", "").lower() == "chunked":
                    body = await _read_chunked(reader)
                else:
                    body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.heads.append(head)
                self.bodies.append(body)
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
                writer.write(b"content-length: %d\r\n\r\n%s" % (len(self.answer), self.answer))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def last_headers(self) -> dict[str, str]:
        return _headers(self.heads[-1])

    def last_target(self) -> str:
        return self.heads[-1].split(" ")[1]


def _headers(head: str) -> dict[str, str]:
    lines = head.split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines if ln)}


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


@asynccontextmanager
async def recording_upstream() -> AsyncIterator[RecordingUpstream]:
    recorder = RecordingUpstream()
    server = await asyncio.start_server(recorder.handle, "127.0.0.1", 0)
    recorder.port = server.sockets[0].getsockname()[1]
    try:
        yield recorder
    finally:
        server.close()


def every_upstream_at(url: str) -> dict[str, str]:
    """The `<name>_url` setting of every service the gateway routes to, all `url`."""
    return {f"{name}_url": url for name in GatewaySettings.model_construct().upstreams()}


def gateway_settings(
    database_url: str, tmp_path: Path, upstream_url: str, **settings: Any
) -> GatewaySettings:
    """Every service at `upstream_url`; `settings` override the rest."""
    defaults: dict[str, Any] = {
        "database_url": database_url,
        "auth_token_secret": SECRET,
        "requests_per_second": 1000,
        "frontend_dir": str(tmp_path),
        **every_upstream_at(upstream_url),
    }
    return GatewaySettings(**{**defaults, **settings})


@dataclass
class InProcessGateway:
    """One gateway replica in this process."""

    app: FastAPI
    _exits: AsyncExitStack

    def client(
        self, address: str = "127.0.0.1", headers: dict[str, str] | None = None
    ) -> httpx.AsyncClient:
        """A client of this replica, calling from `address`; closed with the replica."""
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
        client = httpx.AsyncClient(
            transport=transport, base_url="http://gateway", headers=headers, timeout=60
        )
        self._exits.push_async_callback(client.aclose)
        return client

    async def new_customer(self, **account: Any) -> tuple[str, str]:
        """(user id, first API key) of a new customer; `account` as create_customer's."""
        user_id = f"c-{new_api_key()[3:13]}"
        key = await accounts.create_customer(
            self.app.state.authenticator.engine, user_id=user_id, **account
        )
        return user_id, key


@asynccontextmanager
async def in_process_gateways(
    settings: GatewaySettings,
) -> AsyncIterator[Callable[..., InProcessGateway]]:
    """`replica(**overrides)`: a new gateway app on `settings` (with overrides), each its
    own replica; all are closed when the block ends. The ASGI transport runs no lifespan,
    so what create_app's lifespan closes is closed here."""
    async with AsyncExitStack() as exits:

        def replica(**overrides: Any) -> InProcessGateway:
            app = create_app(settings.model_copy(update=overrides) if overrides else settings)
            exits.push_async_callback(_close, app)
            return InProcessGateway(app, exits)

        yield replica


async def _close(app: FastAPI) -> None:
    await app.state.proxy.close()
    if hasattr(app.state, "passwords"):
        app.state.passwords.close()
    await app.state.authenticator.engine.dispose()


def bearer(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}"}
