"""A webhook receiver: a real HTTP server on loopback that records the POSTs it gets and
answers what the test scripts."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import orjson

from msgplat_testsupport.loopback import QuietHandler, ScriptedReceiver

# The receivers listen on 127.0.0.1, which no webhook may name unless it is on the
# monitoring service's allow-list: the environment a stack needs for them (that address
# only; `localhost` or 127.0.0.2 are still refused).
RECEIVERS_ALLOWED = {"WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]'}


@dataclass(frozen=True)
class ReceivedPost:
    at: float  # time.monotonic()
    answered: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = orjson.loads(self.body)
        return data


class WebhookReceiver(ScriptedReceiver):
    """A real HTTP server on 127.0.0.1 (its own thread) that records every POST and
    answers what the test scripts: `answer_next([500])`, or `hang=True` (never answers
    until stopped: a dead endpoint); a 3xx answer sends `Location: <redirect_to>`."""

    def __init__(self, *, hang: bool = False, redirect_to: str | None = None) -> None:
        self.posts: list[ReceivedPost] = []
        self.hang = hang
        self.redirect_to = redirect_to
        self.hung_at: list[float] = []  # when each POST to a hanging receiver came in
        self._stopping = threading.Event()
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.hang:
                    with receiver._lock:
                        receiver.hung_at.append(time.monotonic())
                    receiver._stopping.wait(60)
                    return
                status = receiver._take({k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                if 300 <= status < 400 and receiver.redirect_to:
                    self.send_header("Location", receiver.redirect_to)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        super().__init__(Handler, "/hooks")

    def __enter__(self) -> WebhookReceiver:
        self._server.serve()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._server.shutdown()

    def accepted(self) -> list[ReceivedPost]:
        with self._lock:
            return [p for p in self.posts if p.answered < 300]

    def _take(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            status = self._next_status()
            self.posts.append(ReceivedPost(time.monotonic(), status, headers, body))
            return status
