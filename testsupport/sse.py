"""Reading a `text/event-stream` response (Server-Sent Events) in tests."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson


@dataclass(frozen=True)
class SseEvent:
    event: str
    id: str
    data: dict[str, Any]
    at: float  # time.monotonic() when it was read


async def read_sse(response: httpx.Response) -> AsyncIterator[SseEvent]:
    """The events of an open `text/event-stream` response (comments and pings skipped)."""
    parser = _Parser()
    async for line in response.aiter_lines():
        if (event := parser.feed(line)) is not None:
            yield event


def iter_sse(response: httpx.Response) -> Iterator[SseEvent]:
    """`read_sse` for a synchronous client."""
    parser = _Parser()
    for line in response.iter_lines():
        if (event := parser.feed(line)) is not None:
            yield event


class _Parser:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def feed(self, line: str) -> SseEvent | None:
        """The event a blank line ends, if any."""
        fields = self.fields
        if line == "":
            self.fields = {}
            if "data" not in fields:
                return None
            return SseEvent(
                event=fields.get("event", "message"),
                id=fields.get("id", ""),
                data=orjson.loads(fields["data"]),
                at=time.monotonic(),
            )
        if not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            fields[name] = fields[name] + "\n" + value if name in fields else value
        return None
