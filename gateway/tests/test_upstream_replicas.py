"""Several replicas of one upstream (`<NAME>_URL` lists them, comma-separated): taken in
turn, and a replica that refuses the connection is skipped."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from msgplat.devstack.broker import free_port
from msgplat.gateway.proxy import Proxy, ReplicaRefused
from msgplat.gateway.settings import GatewaySettings


def replica(name: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            body = name.encode()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def replicas() -> Iterator[list[str]]:
    servers = [replica("one"), replica("two")]
    yield [f"http://127.0.0.1:{s.server_address[1]}" for s in servers]
    for server in servers:
        server.shutdown()


def proxy_for(stat_url: str) -> Proxy:
    return Proxy(
        GatewaySettings(
            auth_token_secret="x" * 40,
            database_url="postgresql://u@127.0.0.1:1/none",
            stat_url=stat_url,
        )
    )


async def answers(proxy: Proxy, count: int) -> list[str]:
    out = []
    for _ in range(count):
        response = await proxy._send(
            "stat", "POST", "/stats", headers=[], content=b"{}", limits=proxy.timeout
        )
        out.append(await response.text())
        response.release()
    return out


async def test_replicas_are_taken_in_turn(replicas: list[str]) -> None:
    proxy = proxy_for(",".join(replicas))
    try:
        assert await answers(proxy, 4) == ["one", "two", "one", "two"]
    finally:
        await proxy.close()


async def test_a_replica_that_refuses_the_connection_is_skipped(replicas: list[str]) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    proxy = proxy_for(f"{dead}, {replicas[0]}")
    try:
        assert await answers(proxy, 3) == ["one", "one", "one"]
    finally:
        await proxy.close()
    only_dead = proxy_for(dead)
    try:
        with pytest.raises(ReplicaRefused):
            await answers(only_dead, 1)
    finally:
        await only_dead.close()
