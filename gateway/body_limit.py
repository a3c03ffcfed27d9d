"""MAX_BODY_BYTES on every route of the gateway: one ASGI middleware, before any route.

A declared `Content-Length` over the limit is answered 413 before the request reaches a
route. Otherwise the bytes are counted as the route receives them (a chunked body has
no length): once past the limit, receiving raises `BodyTooLarge`, and whatever the route
would have answered is replaced by the 413. The proxy streams a body on to its service
as it comes, so an upload is bounded without being held whole at the gateway.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msgplat.plumbing.errors import error_response
from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)


class BodyTooLarge(Exception):
    """Raised on receiving the byte past the limit."""


def too_large(limit: int) -> JSONResponse:
    return error_response(
        413,
        f"the request body is larger than the limit of {limit} bytes",
        # The rest of the body is not read: the connection cannot be reused.
        headers={"Connection": "close"},
        limitBytes=limit,
    )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send, declared=int(declared))
            return
        received = 0
        exceeded = started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the route's own answer to a cut body (a 400, a 500): replaced
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, sending)
        except Exception:
            if not exceeded or started:
                raise
        if exceeded and not started:
            await self._refuse(scope, receive, send, declared=None)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, declared: int | None
    ) -> None:
        log.warning(
            "request_body_too_large",
            path=scope.get("path"),
            limit_bytes=self.limit,
            declared_bytes=declared,
        )
        await too_large(self.limit)(scope, receive, send)
