"""Fixtures of the gateway's own tests: a recording upstream in place of every service,
and gateways in process in front of it (`replica()` starts one more)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from msgplat_testsupport.gateways import (
    InProcessGateway,
    RecordingUpstream,
    gateway_settings,
    in_process_gateways,
    recording_upstream,
)


@pytest_asyncio.fixture
async def upstream() -> AsyncIterator[RecordingUpstream]:
    async with recording_upstream() as recorder:
        yield recorder


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """Settings of the gateways `replica` starts; a test module overrides it."""
    return {}


@pytest_asyncio.fixture
async def replica(
    database_url: str,
    tmp_path: Path,
    upstream: RecordingUpstream,
    gateway_overrides: dict[str, Any],
) -> AsyncIterator[Callable[..., InProcessGateway]]:
    settings = gateway_settings(
        database_url, tmp_path, f"http://127.0.0.1:{upstream.port}", **gateway_overrides
    )
    async with in_process_gateways(settings) as replica:
        yield replica
