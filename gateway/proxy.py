"""Forwarding to one upstream service: timeouts, a circuit breaker, clear 503s.

A service with several replicas (`<NAME>_URL` lists them, comma-separated: the local
stack; behind a Kubernetes Service there is one URL) gets its requests in turn; one
whose replica refuses the connection (nothing was sent: safe for any method) goes to the
next replica.

Request bodies are streamed on as they come (MAX_BODY_BYTES is counted as they are
received, body_limit.py), and responses streamed back as they come, so Server-Sent
Events pass unbuffered. The live stream is idle between its keep-alives: it has no read
timeout (a dead service closes its connection; a keep-alive comes every LIVE_PING_S).

The client is aiohttp's: behind the same FastAPI, an httpx client took three times its
CPU per forwarded request (bench/intake.py's thinnest gateway; httpcore's pool also
scans every connection on every request). It keeps no cookies, adds no header the
client did not send, and passes bodies on as they are (no decompression).
"""

from __future__ import annotations

import asyncio
import itertools
import math
import ssl
import time
import weakref
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote_plus

import aiohttp
import certifi
import structlog
import yarl
from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from multidict import MultiDict
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
# Never added by the client library: only what the caller sent goes on.
NOT_ADDED = ("Accept", "Accept-Encoding", "Content-Type", "User-Agent")


class ReplicaRefused(Exception):
    """Every replica of the service refused the connection."""


class Proxy:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.upstreams = settings.upstreams()
        self.replicas = settings.upstream_replicas()
        self._next_replica = {name: itertools.cycle(urls) for name, urls in self.replicas.items()}
        self._tls = ssl.create_default_context(cafile=certifi.where())  # built once: ~40 ms
        connect = settings.upstream_connect_timeout_s
        read = settings.upstream_read_timeout_s
        self.timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)
        self.stream_timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect)
        # Made in the running loop, on first use (aiohttp binds a session to its loop).
        self._session: aiohttp.ClientSession | None = None
        # The connections in use: a request waits at most UPSTREAM_CONNECT_TIMEOUT_S for one.
        self._slots = asyncio.Semaphore(settings.upstream_pool_connections)
        self._finished: weakref.WeakSet[aiohttp.ClientResponse] = weakref.WeakSet()
        self.breakers = AsyncCircuitBreakerFactory(
            default_threshold=settings.breaker_threshold,
            default_ttl=settings.breaker_open_s,
            exclude=[BodyTooLarge, ClientDisconnect],  # the client's doing, not the service's
        )

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=0,  # the slots above are the limit
                    ssl=self._tls,
                    # Below uvicorn's keep-alive (5 s): a connection the service is about
                    # to close is never reused (a "disconnected" 503 the breaker counts).
                    keepalive_timeout=UPSTREAM_KEEPALIVE_S,
                ),
                cookie_jar=aiohttp.DummyCookieJar(),  # one customer's cookie is not another's
                auto_decompress=False,
                skip_auto_headers=NOT_ADDED,
                trust_env=False,
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

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
        # The path and query as the client encoded them: decoding would turn `%2F` into a
        # separator.
        raw_path = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
        query = _query_without_credentials(request)
        target = raw_path + ("?" + query if query else "")
        stream = request.method == "GET" and request.url.path == STREAM_PATH
        breaker = await self.breakers.get_breaker(service)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.settings.upstream_connect_timeout_s):
                await self._slots.acquire()
        except TimeoutError:
            # The gateway's own overload: not a failure of the service (its circuit).
            log.warning("gateway_pool_full", upstream=service)
            return _unavailable(service, "is busy: the gateway has no free connection", 1)
        upstream: aiohttp.ClientResponse | None = None
        try:
            async with breaker:
                upstream = await self._send(
                    service, request.method, target, headers=headers, content=content,
                    limits=self.stream_timeout if stream else self.timeout,
                )  # fmt: skip
        except OpenedState as exc:
            retry_after = max(
                1, math.ceil(exc.opened_at + self.settings.breaker_open_s - time.time())
            )
            return _unavailable(service, "circuit open after repeated failures", retry_after)
        except TimeoutError:
            log.warning("upstream_timeout", upstream=service)
            return _unavailable(service, "did not answer in time", 5, status=504)
        except (aiohttp.ClientError, ReplicaRefused) as exc:
            log.warning("upstream_unreachable", upstream=service, error=repr(exc))
            return _unavailable(service, "is unreachable", 5)
        finally:
            if upstream is None:
                self._slots.release()
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
                body = await upstream.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("upstream_body_failed", upstream=service, error=repr(exc))
                return _unavailable(service, "broke off its answer", 5)
            finally:
                self._done(upstream)
            return Response(body, status_code=upstream.status, headers=response_headers)
        return StreamingResponse(
            self._passed_on(upstream, service),
            status_code=upstream.status,
            headers=response_headers,
            background=BackgroundTask(self._done, upstream),
        )

    async def _passed_on(
        self, upstream: aiohttp.ClientResponse, service: str
    ) -> AsyncIterator[bytes]:
        """A long or endless answer (an export, the live stream), as its bytes come."""
        try:
            async for part in upstream.content.iter_any():
                yield part
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The headers are sent: the client sees the answer end early.
            log.warning("upstream_body_failed", upstream=service, error=repr(exc))
        finally:  # also when the client left first (the background task may not run)
            self._done(upstream)

    def _done(self, upstream: aiohttp.ClientResponse) -> None:
        """The answer is passed on or given up: its connection and its slot are free
        (once, whoever comes first)."""
        if upstream in self._finished:
            return
        self._finished.add(upstream)
        upstream.release()
        self._slots.release()

    async def _send(
        self,
        service: str,
        method: str,
        target: str,
        *,
        headers: list[tuple[str, str]],
        content: AsyncIterator[bytes] | bytes | None,
        limits: aiohttp.ClientTimeout,
    ) -> aiohttp.ClientResponse:
        """To the service's replicas in turn; on to the next one that refuses the
        connection (each replica at most once): a refused connection read nothing of a
        streamed body, so it can still go to the next one."""
        replicas = self._next_replica[service]
        for _ in range(len(self.replicas[service])):
            url = yarl.URL(next(replicas) + target, encoded=True)
            try:
                return await self.session().request(
                    method, url, headers=MultiDict(headers), data=content, timeout=limits,
                    allow_redirects=False,
                )  # fmt: skip
            except aiohttp.ClientConnectorError as exc:
                if isinstance(exc, aiohttp.ClientConnectorCertificateError):
                    raise
                log.info("upstream_replica_refused", upstream=service, error=repr(exc))
            except aiohttp.ClientConnectionError as exc:
                # Reading the client's body failed (too large, the client left): theirs.
                if isinstance(exc.__cause__, (BodyTooLarge, ClientDisconnect)):
                    raise exc.__cause__ from None
                raise
        raise ReplicaRefused(f"every replica of {service} refused the connection")

    async def get_json(self, url: str, timeout_s: float) -> tuple[int, Any]:
        """A GET of the gateway's own (readiness, the OpenAPI documents): (status, JSON)."""
        async with self.session().get(
            url, timeout=aiohttp.ClientTimeout(total=timeout_s)
        ) as response:
            return response.status, await response.json(content_type=None)

    async def report_circuits(self) -> None:
        """A scrape hook: `circuit_breaker_state{upstream=<service>}` for each service."""
        for service in self.upstreams:
            report_breaker(service, (await self.breakers.get_breaker(service)).context)

    async def ready(self, service: str) -> tuple[bool, object]:
        try:
            status, body = await self.get_json(self.upstreams[service] + "/health/ready", 2.0)
            return status == 200, body
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
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


def _query_without_credentials(request: Request) -> str:
    """The query as sent, less a stream ticket or token (credentials stay here)."""
    query: str = request.url.query
    if not CREDENTIAL_QUERY_PARAMS.intersection(request.query_params):
        return query
    kept = [
        part
        for part in query.split("&")
        if unquote_plus(part.split("=", 1)[0]) not in CREDENTIAL_QUERY_PARAMS
    ]
    return "&".join(kept)


def _unavailable(service: str, reason: str, retry_after: int, status: int = 503) -> Response:
    return error_response(
        status,
        f"the {service} service {reason}; retry after {retry_after} s",
        headers={"Retry-After": str(retry_after)},
        service=service,
    )
