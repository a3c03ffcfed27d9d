"""Waiting for a condition in tests: poll it until it holds, or fail saying which."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T | None], *, timeout_s: float = 10.0, interval_s: float = 0.02
) -> T:
    """Poll `condition` until it returns something truthy; fail with a clear message."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s: {condition}")
        time.sleep(interval_s)


async def eventually(
    condition: Callable[[], Awaitable[T | None]],
    *,
    timeout_s: float = 10.0,
    interval_s: float = 0.02,
) -> T:
    """`wait_until` for async conditions."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s: {condition}")
        await asyncio.sleep(interval_s)
