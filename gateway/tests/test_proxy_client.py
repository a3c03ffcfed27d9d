"""What the gateway's client does to what it passes on: it keeps no cookie from one
answer for the next request (another customer's), adds no header the caller did not
send, and passes a compressed answer on as it came."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from msgplat.gateway.proxy import Proxy

from .test_upstream_replicas import proxy_for

ZIPPED = gzip.compress(b'{"compressed": true}')


class Echo(BaseHTTPRequestHandler):
    """Answers the headers it got, sets a cookie; `/zipped` answers gzip bytes."""

    def do_GET(self) -> None:
        if self.path == "/zipped":
            body, extra = ZIPPED, [("content-encoding", "gzip")]
        else:
            body, extra = json.dumps(dict(self.headers.items())).encode(), []
        self.send_response(200)
        self.send_header("set-cookie", "session=customer-a; Path=/")
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def get(proxy: Proxy, path: str, headers: list[tuple[str, str]]) -> tuple[bytes, object]:
    response = await proxy._send(
        "stat", "GET", path, headers=headers, content=None, limits=proxy.timeout
    )
    try:
        return await response.read(), response.headers
    finally:
        response.release()


async def test_no_cookie_is_kept_and_no_header_is_added(echo: str) -> None:
    proxy = proxy_for(echo)
    try:
        await get(proxy, "/stats", [("x-caller-user", "customer-a")])
        body, _ = await get(proxy, "/stats", [("x-caller-user", "customer-b")])
        seen = {k.lower(): v for k, v in json.loads(body).items()}
        assert "cookie" not in seen, "customer-a's cookie went to customer-b's request"
        assert seen["x-caller-user"] == "customer-b"
        assert not {"user-agent", "accept-encoding", "accept", "content-type"} & set(seen)

        body, _ = await get(proxy, "/stats", [("accept-encoding", "gzip"), ("accept", "x/y")])
        seen = {k.lower(): v for k, v in json.loads(body).items()}
        assert (seen["accept-encoding"], seen["accept"]) == ("gzip", "x/y")  # the caller's
    finally:
        await proxy.close()


async def test_a_compressed_answer_is_passed_on_as_it_came(echo: str) -> None:
    proxy = proxy_for(echo)
    try:
        body, headers = await get(proxy, "/zipped", [("accept-encoding", "gzip")])
        assert body == ZIPPED
        assert headers["content-encoding"] == "gzip"  # type: ignore[index]
    finally:
        await proxy.close()
