"""Small real HTTP servers for the tests (standard library, a thread of their own) on a
free port of 127.0.0.1: the carrier's report receiver, the webhook receiver."""

from __future__ import annotations

import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1, and no line on stderr per request."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LoopbackServer:
    """`handler` served on a free loopback port (`port`) once `serve()` is called, until
    `shutdown()`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def serve(self) -> None:
        self._thread.start()

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class ScriptedReceiver:
    """A `LoopbackServer` of `handler` at `url` (`path` on it), for a handler that records
    what it is sent and answers what the test scripts: `answer_next([503, 503])`, then
    200 again. The subclass's records go under `_lock`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], path: str) -> None:
        self._script: deque[int] = deque()
        self._lock = threading.Lock()
        self._server = LoopbackServer(handler)
        self.port = self._server.port
        self._path = path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self._path}"

    def answer_next(self, statuses: list[int]) -> None:
        with self._lock:
            self._script.extend(statuses)

    def _next_status(self) -> int:
        """The status to answer now (the script's next, else 200); under `_lock`."""
        return self._script.popleft() if self._script else 200
