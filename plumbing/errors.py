"""Errors a route raises, answered in one shape across every service.

422 bodies use FastAPI's own shape (`detail: [{loc, msg, type, input}]`), so a
client handles the framework's validation errors and ours the same way. Every body has
a stable `code` (plumbing/responses.py: the shape, and how it is documented).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.methods import allowed_methods
from msgplat.plumbing.outages import is_infrastructure_error
from msgplat.plumbing.responses import code_for

MAX_ECHOED_INPUT = 100


@dataclass(frozen=True)
class FieldError:
    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"
    input: Any = None
    # What a client needs to say it in its own words (and language), e.g. the earliest
    # accepted time: JSON values, named in camelCase.
    ctx: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        shown = self.input
        if isinstance(shown, str) and len(shown) > MAX_ECHOED_INPUT:
            shown = shown[:MAX_ECHOED_INPUT] + "..."  # never echo a huge value back
        body = {"loc": list(self.loc), "msg": self.msg, "type": self.type, "input": shown}
        if self.ctx:
            body["ctx"] = jsonable_encoder(self.ctx)
        return body


@dataclass
class RequestInvalid(Exception):
    errors: list[FieldError]
    # More errors than listed (e.g. thousands of bad phone numbers): say how many.
    total: int | None = None


@dataclass
class NotFound(Exception):
    what: str


@dataclass
class Unauthorized(Exception):
    """401: no valid credentials; `WWW-Authenticate: Bearer` says what to send."""

    msg: str


@dataclass
class Forbidden(Exception):
    """403: the caller may not do this (e.g. a body naming another customer)."""

    msg: str
    field: tuple[str | int, ...] = ()


@dataclass
class TooManyRequests(Exception):
    """429: over a limit; `retry_after_s` says when the caller may try again."""

    msg: str
    retry_after_s: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class PaymentRequired(Exception):
    """402: the customer's balance cannot pay for this."""

    msg: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class UnsupportedMediaType(Exception):
    """415: the body is not in a form the route reads."""

    msg: str


@dataclass
class MethodNotAllowed(Exception):
    """405: the resource is there, not for this method; `Allow` lists the ones it takes."""

    allow: list[str]
    msg: str = "method not allowed"


@dataclass
class Conflict(Exception):
    msg: str
    code: str = "conflict"
    extra: dict[str, Any] = field(default_factory=dict)


def json_safe(value: Any) -> Any:
    """The value with every infinite or NaN float as text: JSON has neither, and a body
    may still hold one (`1e400` is valid JSON, read as infinity), echoed in a 422."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def error_response(
    status: int,
    detail: Any,
    /,
    *,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """The one error body: `detail` for people, `code` for programs, then any `extra`."""
    body = {"detail": detail, "code": code or code_for(status), **extra}
    return JSONResponse(status_code=status, content=body, headers=headers)


def invalid_fields(errors: list[FieldError], total: int | None = None) -> JSONResponse:
    """A 422 naming each field."""
    extra: dict[str, Any] = {}
    if total is not None and total > len(errors):
        extra["errorCount"] = total
    return error_response(422, json_safe([e.as_dict() for e in errors]), **extra)


# Seconds a client is told to wait when the database is unavailable for the moment.
UNAVAILABLE_RETRY_AFTER_S = 1

log = get_logger(__name__)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SQLAlchemyError)
    # asyncpg raises a refused connection as it is (OSError, "Multiple exceptions" when a
    # host name has several addresses), not wrapped by SQLAlchemy.
    @app.exception_handler(OSError)
    async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
        """The database refused or dropped the connection, has no free slot ("too many
        clients"), or the pool has none: a 503 the client may retry, not a 500. Any other
        database error is a bug and stays a 500."""
        if not is_infrastructure_error(exc):
            raise exc
        log.warning("database_unavailable", error=repr(exc)[:300])
        return error_response(
            503,
            "the database is unavailable for the moment; retry after "
            f"{UNAVAILABLE_RETRY_AFTER_S} s",
            headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """The framework's own: no route (404), an undeclared method (405, with `Allow`
        listing every method the path takes)."""
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app.router.routes, request.scope))
        return error_response(exc.status_code, exc.detail, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's 422, less pydantic's "Value error, " before the messages our own
        validators write: they say what is wrong, the prefix says nothing."""
        errors = []
        for error in exc.errors():
            error = dict(error)
            if error.get("type") == "value_error":
                error["msg"] = str(error.get("msg", "")).removeprefix("Value error, ")
                error.pop("ctx", None)  # only the exception object, which has no JSON form
            errors.append(error)
        return error_response(422, json_safe(jsonable_encoder(errors)))

    @app.exception_handler(RequestInvalid)
    async def _invalid(_: Request, exc: RequestInvalid) -> JSONResponse:
        return invalid_fields(exc.errors, exc.total)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return error_response(404, f"{exc.what} not found")

    @app.exception_handler(Unauthorized)
    async def _unauthorized(_: Request, exc: Unauthorized) -> JSONResponse:
        return error_response(401, exc.msg, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        extra: dict[str, Any] = {"loc": list(exc.field)} if exc.field else {}
        return error_response(403, exc.msg, **extra)

    @app.exception_handler(TooManyRequests)
    async def _too_many(_: Request, exc: TooManyRequests) -> JSONResponse:
        return error_response(
            429, exc.msg, headers={"Retry-After": str(exc.retry_after_s)}, **exc.extra
        )

    @app.exception_handler(PaymentRequired)
    async def _payment_required(_: Request, exc: PaymentRequired) -> JSONResponse:
        return error_response(402, exc.msg, **exc.extra)

    @app.exception_handler(UnsupportedMediaType)
    async def _unsupported_media_type(_: Request, exc: UnsupportedMediaType) -> JSONResponse:
        return error_response(415, exc.msg)

    @app.exception_handler(MethodNotAllowed)
    async def _method_not_allowed(_: Request, exc: MethodNotAllowed) -> JSONResponse:
        return error_response(405, exc.msg, headers={"Allow": ", ".join(exc.allow)})

    @app.exception_handler(Conflict)
    async def _conflict(_: Request, exc: Conflict) -> JSONResponse:
        return error_response(409, exc.msg, code=exc.code, **exc.extra)
