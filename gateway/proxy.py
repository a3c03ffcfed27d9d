"""Forwarding to one upstream service: timeouts, a circuit breaker, clear 503s.

A service with several replicas (`<NAME>_URL` lists them, comma-separated: the local
stack; behind a Kubernetes Service there is one URL) gets its requests in turn; one
whose replica refuses the connection (nothing was sent: safe for any method) goes to the
next replica.

Request bodies are streamed on as they come (MAX_BODY_BYTES is counted as they are
received, body_limit.py), and responses streamed back as they come, so Server-Sent
Events pass unbuffered. The live stream is idle between its keep-alives: it has no read
timeout (a dead service closes its connection; a keep-alive comes every LIVE_PING_S).
"""

from __future__ import annotations

import itertools
import math
import ssl
import time
from collections.abc import AsyncIterator

import certifi
import httpx
import structlog
from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from starlette.background import BackgroundTask
from starlette.requests import ClientDisconnect

from msgplat.gateway.auth import CREDENTIAL_QUERY_PARAMS, STREAM_PATH
from msgplat.gateway.body_limit import BodyTooLarge
from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing import tracing
from msgplat.plumbing.caller import CALLER_HEADERS
from msgplat.plumbing.errors import error_response
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


# uvicorn closes an idle connection after 5 s (`--timeout-keep-alive`).
UPSTREAM_KEEPALIVE_S = 4.0
# An answer of at most this declared length is read whole before it is passed on; a
# longer one, one of unknown length (an export) or the live stream goes on as it comes.
BUFFERED_MAX_BYTES = 256 * 1024


class Proxy:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.upstreams = settings.upstreams()
        self.replicas = settings.upstream_replicas()
        self._next_replica = {name: itertools.cycle(urls) for name, urls in self.replicas.items()}
        # Several small pools rather than one large one: httpcore's pool scans every
        # queued request against every connection on each request (quadratic), which at
        # 32 requests in flight costs more CPU than the forwarding itself.
        tls = ssl.create_default_context(cafile=certifi.where())  # built once: ~40 ms each
        timeouts = {
            "connect": settings.upstream_connect_timeout_s,
            "write": settings.upstream_read_timeout_s,
            "pool": settings.upstream_connect_timeout_s,
        }
        self.timeout = httpx.Timeout(read=settings.upstream_read_timeout_s, **timeouts)
        self.stream_timeout = httpx.Timeout(read=None, **timeouts)
        self.clients = [
            httpx.AsyncClient(
                verify=tls,
                timeout=self.timeout,
                limits=httpx.Limits(
                    max_connections=settings.upstream_pool_connections,
                    max_keepalive_connections=settings.upstream_pool_connections,
                    # Below uvicorn's keep-alive (5 s): a connection the service is about
                    # to close is never reused (a "disconnected" 503 the breaker counts).
                    keepalive_expiry=UPSTREAM_KEEPALIVE_S,
                ),
            )
            for _ in range(settings.upstream_pools)
        ]
        self._round_robin = itertools.cycle(self.clients)
        self.breakers = AsyncCircuitBreakerFactory(
            default_threshold=settings.breaker_threshold,
            default_ttl=settings.breaker_open_s,
            exclude=[BodyTooLarge, ClientDisconnect],  # the client's doing, not the service's
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
        dropped = NOT_FORWARDED - {"authorization"} if keep_authorization else NOT_FORWARDED
        # A list, not a dict: a header the client sent twice is forwarded twice.
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in dropped]
        headers.append((REQUEST_ID_HEADER, current_correlation_id() or ""))
        headers = tracing.outgoing_headers(headers)  # this request's span is the parent
        headers += caller
        content, length = _body(request)
        if length is not None:  # passed on as declared: the body goes on unchunked
            headers.append(("content-length", length))
        # The path as the client encoded it: decoding would turn `%2F` into a separator.
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        client = self._client()
        stream = request.method == "GET" and request.url.path == STREAM_PATH
        breaker = await self.breakers.get_breaker(service)
        started = time.perf_counter()
        try:
            async with breaker:
                try:
                    upstream = await self._send(
                        client, service, request.method, raw_path.decode("latin-1"),
                        params=_without_credentials(request), headers=headers,
                        content=content, limits=self.stream_timeout if stream else self.timeout,
                    )  # fmt: skip
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
        declared = upstream.headers.get("content-length", "")
        if not stream and declared.isdigit() and int(declared) <= BUFFERED_MAX_BYTES:
            # Most answers: small, their length known. Read whole and answered as one
            # body: a StreamingResponse's task group per request cost more CPU than the
            # forwarding itself.
            try:
                body = b"".join([part async for part in upstream.aiter_raw()])
            except httpx.HTTPError as exc:
                log.warning("upstream_body_failed", upstream=service, error=repr(exc))
                return _unavailable(service, "broke off its answer", 5)
            finally:
                await upstream.aclose()
            return Response(body, status_code=upstream.status_code, headers=response_headers)
        return StreamingResponse(
            upstream.aiter_raw(),
            status_code=upstream.status_code,
            headers=response_headers,
            background=BackgroundTask(upstream.aclose),
        )

    async def _send(
        self,
        client: httpx.AsyncClient,
        service: str,
        method: str,
        path: str,
        *,
        params: httpx.QueryParams,
        headers: list[tuple[str, str]],
        content: AsyncIterator[bytes] | bytes | None,
        limits: httpx.Timeout,
    ) -> httpx.Response:
        """To the service's replicas in turn; on to the next one that refuses the
        connection (each replica at most once): a refused connection read nothing of a
        streamed body, so it can still go to the next one."""
        replicas = self._next_replica[service]
        for attempt in range(len(self.replicas[service])):
            upstream_request = client.build_request(
                method,
                next(replicas) + path,
                params=params,
                headers=headers,
                content=content,
                timeout=limits,
            )
            try:
                return await client.send(upstream_request, stream=True)
            except httpx.ConnectError:
                if attempt == len(self.replicas[service]) - 1:
                    raise
                log.info("upstream_replica_refused", upstream=service)
        raise AssertionError("unreachable")  # every service has at least one URL

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


def _body(request: Request) -> tuple[AsyncIterator[bytes] | bytes | None, str | None]:
    """What to send on: the client's body as it comes, with its declared length if any.

    No body at all (a GET) is sent as none; an empty declared one as empty.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit():
        return (request.stream() if int(declared) else b""), str(int(declared))
    if "transfer-encoding" in request.headers:
        return request.stream(), None  # chunked on, as it came
    return None, None


def _without_credentials(request: Request) -> httpx.QueryParams:
    """The query as sent, less a stream ticket or token (credentials stay here)."""
    if not CREDENTIAL_QUERY_PARAMS.intersection(request.query_params):
        return httpx.QueryParams(request.url.query)
    return httpx.QueryParams(
        [(k, v) for k, v in request.query_params.multi_items() if k not in CREDENTIAL_QUERY_PARAMS]
    )


def _unavailable(service: str, reason: str, retry_after: int, status: int = 503) -> Response:
    return error_response(
        status,
        f"the {service} service {reason}; retry after {retry_after} s",
        headers={"Retry-After": str(retry_after)},
        service=service,
    )
