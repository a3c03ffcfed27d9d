"""Reading a `text/event-stream` response (Server-Sent Events) in tests."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
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
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "data" in fields:
                yield SseEvent(
                    event=fields.get("event", "message"),
                    id=fields.get("id", ""),
                    data=orjson.loads(fields["data"]),
                    at=time.monotonic(),
                )
            fields = {}
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            fields[name] = fields[name] + "\n" + value if name in fields else value
