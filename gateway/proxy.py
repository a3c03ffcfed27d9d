"""Forwarding to one upstream service: timeouts, a circuit breaker, clear 503s.

Responses are streamed back as they come, so Server-Sent Events pass unbuffered.
"""

from __future__ import annotations

import itertools
import math
import ssl
import time

import certifi
import httpx
import structlog
from fastapi import Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from starlette.background import BackgroundTask

from msgplat.gateway.auth import TOKEN_QUERY_PARAM
from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing import tracing
from msgplat.plumbing.caller import CALLER_HEADERS
from msgplat.plumbing.logging import current_correlation_id, get_logger
from msgplat.plumbing.metrics import report_breaker
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
# Not passed on: the credentials stay at the gateway, and the caller headers are the
# gateway's to set (a client sending its own would otherwise pose as anyone).
NOT_FORWARDED = HOP_BY_HOP | CALLER_HEADERS | {"authorization", "cookie", REQUEST_ID_HEADER}


class BodyTooLarge(Exception):
    pass


class Proxy:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.upstreams = settings.upstreams()
        # Several small pools rather than one large one: httpcore's pool scans every
        # queued request against every connection on each request (quadratic), which at
        # 32 requests in flight costs more CPU than the forwarding itself.
        tls = ssl.create_default_context(cafile=certifi.where())  # built once: ~40 ms each
        self.clients = [
            httpx.AsyncClient(
                verify=tls,
                timeout=httpx.Timeout(
                    connect=settings.upstream_connect_timeout_s,
                    read=settings.upstream_read_timeout_s,
                    write=settings.upstream_read_timeout_s,
                    pool=settings.upstream_connect_timeout_s,
                ),
                limits=httpx.Limits(
                    max_connections=settings.upstream_pool_connections,
                    max_keepalive_connections=settings.upstream_pool_connections,
                ),
            )
            for _ in range(settings.upstream_pools)
        ]
        self._round_robin = itertools.cycle(self.clients)
        self.breakers = AsyncCircuitBreakerFactory(
            default_threshold=settings.breaker_threshold, default_ttl=settings.breaker_open_s
        )

    def _client(self) -> httpx.AsyncClient:
        return next(self._round_robin)

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()

    async def forward(
        self,
        request: Request,
        service: str,
        caller: list[tuple[str, str]],
        *,
        keep_authorization: bool = False,
    ) -> Response:
        """Send `request` on to `service` as `caller` (the gateway's `X-Caller-*`).

        `keep_authorization`: the caller's credentials are for the service itself (see
        routing.OWN_CREDENTIALS), so they are passed on.
        """
        base = self.upstreams[service]
        dropped = NOT_FORWARDED - {"authorization"} if keep_authorization else NOT_FORWARDED
        # A list, not a dict: a header the client sent twice is forwarded twice.
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in dropped]
        headers.append((REQUEST_ID_HEADER, current_correlation_id() or ""))
        headers = tracing.outgoing_headers(headers)  # this request's span is the parent
        headers += caller
        limit = self.settings.max_body_bytes
        try:
            body = await read_body(request, limit)
        except BodyTooLarge:
            log.warning("request_body_too_large", upstream=service, limit_bytes=limit)
            return JSONResponse(
                status_code=413,
                # The rest of the body is not read: the connection cannot be reused.
                headers={"Connection": "close"},
                content={
                    "detail": f"the request body is larger than the limit of {limit} bytes",
                    "limitBytes": limit,
                },
            )
        # The path as the client encoded it: decoding would turn `%2F` into a separator.
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        client = self._client()
        upstream_request = client.build_request(
            request.method,
            base + raw_path.decode("latin-1"),
            params=_without_token(request),
            headers=headers,
            content=body,
        )
        breaker = await self.breakers.get_breaker(service)
        started = time.perf_counter()
        try:
            async with breaker:
                try:
                    upstream = await client.send(upstream_request, stream=True)
                except httpx.PoolTimeout:
                    # The gateway's own pool is full: not a failure of the service.
                    upstream = None
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
        if upstream is None:
            log.warning("gateway_pool_full", upstream=service)
            return _unavailable(service, "is busy: the gateway has no free connection", 1)
        # Carried by the request's one log line (plumbing.middleware).
        structlog.contextvars.bind_contextvars(
            upstream=service,
            upstream_headers_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        # The request id is the same both sides; the gateway's middleware adds it once.
        response_headers = {
            k: v
            for k, v in upstream.headers.items()
            if k.lower() not in HOP_BY_HOP and k.lower() != REQUEST_ID_HEADER
        }
        return StreamingResponse(
            upstream.aiter_raw(),
            status_code=upstream.status_code,
            headers=response_headers,
            background=BackgroundTask(upstream.aclose),
        )

    async def report_circuits(self) -> None:
        """A scrape hook: `circuit_breaker_state{upstream=<service>}` for each service."""
        for service in self.upstreams:
            report_breaker(service, (await self.breakers.get_breaker(service)).context)

    async def ready(self, service: str) -> tuple[bool, object]:
        try:
            response = await self._client().get(
                self.upstreams[service] + "/health/ready", timeout=2.0
            )
            return response.status_code == 200, response.json()
        except (httpx.HTTPError, ValueError) as exc:
            return False, {"status": "unreachable", "error": repr(exc)[:200]}


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused as soon as it is known to be over `limit` bytes.

    A declared `Content-Length` over the limit is refused before reading anything; a
    chunked body (no length) is refused as soon as what was read passes the limit.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def _without_token(request: Request) -> httpx.QueryParams:
    """The query as sent, less an `accessToken` (credentials stay at the gateway)."""
    if TOKEN_QUERY_PARAM not in request.query_params:
        return httpx.QueryParams(request.url.query)
    return httpx.QueryParams(
        [(k, v) for k, v in request.query_params.multi_items() if k != TOKEN_QUERY_PARAM]
    )


def _unavailable(service: str, reason: str, retry_after: int, status: int = 503) -> Response:
    return JSONResponse(
        status_code=status,
        headers={"Retry-After": str(retry_after)},
        content={
            "detail": f"the {service} service {reason}; retry after {retry_after} s",
            "service": service,
        },
    )
