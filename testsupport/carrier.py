"""Helpers for tests that use the simulator: run it as a process, receive its reports.

`ReportReceiver` is a small real HTTP server (standard library, its own thread) that
takes the simulator's report POSTs, records them, and answers what the test scripts
(e.g. 503 twice, then 200).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

from msgplat.devstack.broker import free_port
from msgplat.devstack.services import ServiceProcess, ServiceSpec
from msgplat_testsupport.loopback import QuietHandler, ScriptedReceiver
from msgplat_testsupport.waiting import wait_until

T = TypeVar("T")

# The carrier's credentials in tests: nothing has a default, so every run names its own.
API_KEY = "test-key"
CALLBACK_TOKEN = "test-callback"
SEND_CREDENTIALS = {"carrier_api_key": API_KEY, "carrier_callback_token": CALLBACK_TOKEN}
SIMULATOR_CREDENTIALS = {"CARRIER_API_KEY": API_KEY, "CARRIER_CALLBACK_TOKEN": CALLBACK_TOKEN}


def poll(condition: Callable[[], T | None], timeout_s: float = 10.0, interval_s: float = 0.02) -> T:
    """Call `condition` until it returns something truthy; return that."""
    return wait_until(condition, timeout_s=timeout_s, interval_s=interval_s)


@contextmanager
def running_carrier(env: dict[str, str], log_dir: Path) -> Iterator[ServiceProcess]:
    """The simulator as a uvicorn process on a free loopback port."""
    port = free_port()
    process = ServiceProcess(
        ServiceSpec("carrier", port), env=env, log_file=log_dir / f"carrier-{port}.log", port=port
    )
    process.start()
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


@dataclass(frozen=True)
class Post:
    at: float  # time.monotonic() when it arrived
    path: str
    authorization: str | None
    reports: list[dict[str, Any]]


class ReportReceiver(ScriptedReceiver):
    """Collects report POSTs on `url`; `answer_next([503, 503])` scripts the next answers."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = receiver._take(self.path, self.headers.get("Authorization"), body)
                payload = b'{"ok": true}' if status < 300 else b'{"detail": "scripted"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        super().__init__(Handler, "/reports")

    def start(self) -> ReportReceiver:
        self._server.serve()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def clear(self) -> None:
        with self._lock:
            self.posts = []
            self._script.clear()

    def _take(self, path: str, authorization: str | None, body: bytes) -> int:
        with self._lock:
            status = self._next_status()
            if status < 300:
                reports = json.loads(body)["reports"]
                self.posts.append(Post(time.monotonic(), path, authorization, reports))
            return status

    def reports(self) -> list[dict[str, Any]]:
        """Every report acknowledged so far, in arrival order (duplicates included)."""
        with self._lock:
            return [report for post in self.posts for report in post.reports]

    def wait_reports(self, count: int, timeout_s: float = 10.0) -> list[dict[str, Any]]:
        def enough() -> list[dict[str, Any]] | None:
            reports = self.reports()
            return reports if len(reports) >= count else None

        return poll(enough, timeout_s)


@dataclass
class CarrierClient:
    """An HTTP client to the simulator, with the calls tests repeat."""

    http: httpx.Client
    report_url: str
    api_key: str

    def submit(
        self, messages: list[dict[str, Any]], *, key: str | None = None, timeout: float = 10
    ) -> httpx.Response:
        return self.http.post(
            "/v1/messages",
            json={"reportUrl": self.report_url, "messages": messages},
            headers={"Authorization": f"Bearer {key or self.api_key}"},
            timeout=timeout,
        )

    def configure(self, **knobs: Any) -> dict[str, Any]:
        response = self.http.put("/admin/config", json=knobs)
        assert response.status_code == 200, response.text
        config: dict[str, Any] = response.json()
        return config

    def reset(self) -> None:
        response = self.http.post("/admin/reset")
        assert response.status_code == 200, response.text

    def received(self, **params: Any) -> dict[str, Any]:
        response = self.http.get("/admin/received", params=params)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    def stats(self) -> dict[str, Any]:
        response = self.http.get("/admin/stats")
        assert response.status_code == 200, response.text
        stats: dict[str, Any] = response.json()
        return stats


def message(
    ref: str, to: str = "+821012345678", *, type: str = "SMS", text: str = "hello"
) -> dict[str, Any]:
    """One message of a submit body."""
    return {"ref": ref, "to": to, "from": "0212345678", "type": type, "text": text}
