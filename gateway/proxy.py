"""Forwarding to one upstream service: timeouts, a circuit breaker, clear 503s.

Responses are streamed back as they come, so Server-Sent Events pass unbuffered.
"""

from __future__ import annotations

import math
import time

import httpx
from fastapi import Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from starlette.background import BackgroundTask

from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing.logging import current_correlation_id, get_logger
from msgplat.plumbing.middleware import REQUEST_ID_HEADER

log = get_logger(__name__)

# Hop-by-hop headers are not forwarded (RFC 9110 7.6.1).
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}


class UpstreamUnavailable(Exception):
    pass


class Proxy:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.upstreams = settings.upstreams()
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                connect=settings.upstream_connect_timeout_s,
                read=settings.upstream_read_timeout_s,
                write=settings.upstream_read_timeout_s,
                pool=settings.upstream_connect_timeout_s,
            ),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=100),
        )
        self.breakers = AsyncCircuitBreakerFactory(
            default_threshold=settings.breaker_threshold, default_ttl=settings.breaker_open_s
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def forward(self, request: Request, service: str) -> Response:
        base = self.upstreams[service]
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        headers[REQUEST_ID_HEADER] = current_correlation_id() or ""
        body = await request.body()
        upstream_request = self.client.build_request(
            request.method,
            base + request.url.path,
            params=request.url.query,
            headers=headers,
            content=body,
        )
        breaker = await self.breakers.get_breaker(service)
        try:
            async with breaker:
                upstream = await self.client.send(upstream_request, stream=True)
        except OpenedState as exc:
            retry_after = max(
                1, math.ceil(exc.opened_at + self.settings.breaker_open_s - time.time())
            )
            return _unavailable(service, "circuit open after repeated failures", retry_after)
        except httpx.TimeoutException:
            log.warning("upstream_timeout", upstream=service)
            return _unavailable(service, "did not answer in time", 5, status=504)
        except httpx.TransportError as exc:
            log.warning("upstream_unreachable", upstream=service, error=repr(exc))
            return _unavailable(service, "is unreachable", 5)
        response_headers = {
            k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP
        }
        return StreamingResponse(
            upstream.aiter_raw(),
            status_code=upstream.status_code,
            headers=response_headers,
            background=BackgroundTask(upstream.aclose),
        )

    async def ready(self, service: str) -> tuple[bool, object]:
        try:
            response = await self.client.get(self.upstreams[service] + "/health/ready", timeout=2.0)
            return response.status_code == 200, response.json()
        except (httpx.HTTPError, ValueError) as exc:
            return False, {"status": "unreachable", "error": repr(exc)[:200]}


def _unavailable(service: str, reason: str, retry_after: int, status: int = 503) -> Response:
    return JSONResponse(
        status_code=status,
        headers={"Retry-After": str(retry_after)},
        content={
            "detail": f"the {service} service {reason}; retry after {retry_after} s",
            "service": service,
        },
    )
