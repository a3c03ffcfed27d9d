"""Request id middleware (pure ASGI, so streaming responses pass through untouched)."""

from __future__ import annotations

import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msgplat.plumbing.logging import bind_correlation_id, get_logger

log = get_logger("msgplat.request")

REQUEST_ID_HEADER = "x-request-id"


class RequestIdMiddleware:
    """Take `X-Request-ID` from the caller (or make one), log with it, echo it back.

    One log line per request (method, path, status, duration), carrying the id, so a
    request can be followed from the gateway into every service's log. Health probes
    are logged at debug level only.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _header(scope, REQUEST_ID_HEADER.encode()) or uuid.uuid4().hex
        bind_correlation_id(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k != REQUEST_ID_HEADER.encode()
                ]
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path = scope.get("path", "")
            emit = log.debug if path.startswith("/health") else log.info
            emit(
                "request",
                method=scope.get("method"),
                path=path,
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            decoded: str = value.decode("latin-1")[:128]
            return decoded or None
    return None
