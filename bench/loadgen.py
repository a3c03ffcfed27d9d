"""A load generator cheap enough to measure a platform on the same two cores.

httpx costs the caller ~0.5 ms of CPU per request: at a thousand requests a second the
load generator would take half a core from what it measures. This speaks HTTP/1.1 over
kept-alive loopback connections itself (a request is a few bytes written, a response a
status line, headers and a body read by length or by chunks), as wrk does.

`paced()` runs a steady rate: request n is due at `start + n / rate`; each connection
takes the next due request, waits for its time, sends it and reads the answer. A
platform that falls behind gets no more than `connections` requests in flight, no
request is sent after `seconds`, and the figures say how far behind it fell (`late`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


class Connection:
    """One kept-alive HTTP/1.1 connection."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (
            f"{method} {path} HTTP/1.1\r\nhost: {self.host}:{self.port}\r\n{self.fixed}{extra}"
            f"content-type: application/json\r\ncontent-length: {len(payload)}\r\n\r\n"
        )
        reused = self.writer is not None
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(head.encode() + payload)
        try:
            return await self._response(self.reader)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            await self.close()
            nothing_read = isinstance(exc, ConnectionError) or not exc.partial
            if reused and nothing_read:
                # The server had closed the idle kept-alive connection (uvicorn does after
                # 5 s) before it read the request: send it again on a new one, as browsers do.
                return await self.request(method, path, body, headers)
            raise

    async def _response(self, reader: asyncio.StreamReader) -> tuple[int, bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            chunks = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")  # the empty trailer
            body = b"".join(chunks)
        else:
            body = b""
        if headers.get("connection") == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Outcome:
    """What a run of requests gave: status counts, latencies (s), bodies of 2xx answers."""

    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    late: list[float] = field(default_factory=list)  # how long after its due time each left
    answered: list[tuple[float, bytes]] = field(default_factory=list)  # (wall clock, body)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def rate(self) -> float:
        return self.ok / self.wall_s if self.wall_s else 0.0


async def paced(
    base_url: str,
    *,
    rate: float,
    seconds: float,
    connections: int,
    request: Callable[[int], tuple[str, str, Any]],
    headers: dict[str, str] | None = None,
    keep_bodies: bool = True,
) -> Outcome:
    """`rate` requests a second for `seconds`; `request(n)` gives (method, path, body)."""
    total = int(rate * seconds)
    outcome = Outcome()
    next_n = 0
    started = time.perf_counter()
    stop_at = started + seconds  # a platform behind the rate gets fewer, not a longer run

    async def worker() -> None:
        nonlocal next_n
        conn = Connection(base_url, headers or {})
        try:
            while next_n < total and time.perf_counter() < stop_at:
                n, next_n = next_n, next_n + 1
                due = started + n / rate
                if (wait := due - time.perf_counter()) > 0:
                    await asyncio.sleep(wait)
                method, path, body = request(n)
                sent = time.perf_counter()
                outcome.late.append(max(0.0, sent - due))
                try:
                    status, answer = await conn.request(method, path, body)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    outcome.errors.append(repr(exc))
                    continue
                outcome.latencies.append(time.perf_counter() - sent)
                outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
                if 200 <= status < 300:
                    if keep_bodies:
                        outcome.answered.append((time.time(), answer))
                elif len(outcome.errors) < 20:
                    outcome.errors.append(f"{status} {answer[:200]!r}")
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    outcome.wall_s = time.perf_counter() - started
    return outcome
