"""Fixtures of the tests that cross services (the root conftest.py starts the stack)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from msgplat_testsupport.stack import Stack


@pytest.fixture()
def api(stack: Stack) -> Iterator[httpx.Client]:
    """The gateway as the operator, who acts for any customer named in `userId`."""
    with httpx.Client(
        base_url=stack.gateway_url, headers=stack.operator_headers, timeout=30
    ) as client:
        yield client


@pytest.fixture()
def carrier(stack: Stack) -> Iterator[httpx.Client]:
    """The carrier simulator's admin API, reset before and after each test."""
    with httpx.Client(base_url=stack.url("carrier"), timeout=10) as client:
        client.post("/admin/reset").raise_for_status()
        client.put("/admin/config", json={"report_delay_ms": 50, "report_jitter_ms": 0})
        yield client
        client.post("/admin/reset").raise_for_status()
