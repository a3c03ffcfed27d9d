"""Fixtures of the tests that cross services (the root conftest.py starts the stack)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from msgplat_testsupport.stack import Customer, Stack


@pytest.fixture()
def api(stack: Stack) -> Iterator[httpx.Client]:
    """The gateway as the operator, who acts for any customer named in `userId` (and
    approves the callback number a reservation of theirs names as their sender)."""
    with stack.operator_client(timeout=30) as client:
        yield client


@pytest.fixture()
def client(stack: Stack, customer: Customer) -> Iterator[httpx.Client]:
    """The gateway as `customer`, with their own key (the module's `customer` fixture
    says who: what credit, which senders)."""
    with stack.customer_client(customer) as http:
        yield http


@pytest.fixture()
def carrier(stack: Stack) -> Iterator[httpx.Client]:
    """The carrier simulator's admin API, reset before and after each test."""
    with httpx.Client(base_url=stack.url("carrier"), timeout=10) as client:
        client.post("/admin/reset").raise_for_status()
        client.put("/admin/config", json={"report_delay_ms": 50, "report_jitter_ms": 0})
        yield client
        client.post("/admin/reset").raise_for_status()


@pytest.fixture()
def strict_carrier(carrier: httpx.Client) -> Iterator[httpx.Client]:
    """`carrier` as a real carrier: a ref submitted again is sent again (no
    deduplication); the test fails if the platform submitted any message twice."""
    carrier.put("/admin/config", json={"deduplicate": False}).raise_for_status()
    yield carrier
    assert_no_duplicates(carrier)


def assert_no_duplicates(carrier: httpx.Client) -> None:
    stats = carrier.get("/admin/stats").json()
    assert stats["duplicates"] == 0, f"submitted twice: {stats['duplicateRefs'][:20]}"
