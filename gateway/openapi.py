"""One OpenAPI document for the whole public API: the gateway's own routes plus every
service's public paths (those the gateway routes), with their schemas.

Built from each service's `/openapi.json` when asked, and kept for OPENAPI_CACHE_S.
A service that does not answer is left out and named in `x-unavailable-services`.
"""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any, Protocol

import aiohttp

from msgplat.gateway.routing import upstream_for


class JsonGetter(Protocol):
    """What fetches the services' documents: the gateway's proxy."""

    async def get_json(self, url: str, timeout_s: float) -> tuple[int, Any]: ...


BEARER = {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "API key or token"}}


class OpenApiMerger:
    def __init__(self, own: dict[str, Any], upstreams: dict[str, str], cache_s: float) -> None:
        self.own = own
        self.upstreams = upstreams
        self.cache_s = cache_s
        self._cached: tuple[float, dict[str, Any]] | None = None

    async def document(self, client: JsonGetter) -> dict[str, Any]:
        if self._cached is not None and self._cached[0] > time.monotonic():
            return self._cached[1]
        names = list(self.upstreams)
        fetched = await asyncio.gather(*(self._fetch(client, n) for n in names))
        merged = merge(self.own, dict(zip(names, fetched, strict=True)))
        self._cached = (time.monotonic() + self.cache_s, merged)
        return merged

    async def _fetch(self, client: JsonGetter, service: str) -> dict[str, Any] | None:
        try:
            status, document = await client.get_json(self.upstreams[service] + "/openapi.json", 3.0)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None
        return document if status == 200 and isinstance(document, dict) else None


def merge(own: dict[str, Any], services: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    document = copy.deepcopy(own)
    paths: dict[str, Any] = document.setdefault("paths", {})
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    missing = []
    for service, spec in services.items():
        if spec is None:
            missing.append(service)
            continue
        for path, operations in spec.get("paths", {}).items():
            if upstream_for(path) == service:  # public routes only (not health, callbacks)
                paths[path] = operations
        for name, schema in spec.get("components", {}).get("schemas", {}).items():
            # Same-named schemas (the shared error shapes, Page[...]) are the same model.
            schemas.setdefault(name, schema)
    document["components"]["securitySchemes"] = BEARER
    document["security"] = [{"bearerAuth": []}]
    for path in ("/auth/login", "/health/live", "/health/ready", "/openapi.json"):
        for operation in paths.get(path, {}).values():
            operation["security"] = []  # these need no credentials
    if missing:
        document["x-unavailable-services"] = missing
    return document
