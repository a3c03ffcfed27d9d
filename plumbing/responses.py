"""The one error body of every service and the gateway, and the OpenAPI `responses=` that
document it: a client generated from the document knows every status it may get.

Every error answers `{"detail": ..., "code": ...}`: `code` is stable and machine-readable
(what a client branches on), `detail` says it for people (a list of field errors on a 422,
in FastAPI's own shape, so the framework's errors and ours read the same). Some errors
add fields (`retryAfterS`-style context, `limitBytes`, `service`): documented as allowed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The `code` of each status that has one meaning; 409 has its own codes (Conflict.code).
CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    402: "payment_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "request_invalid",
    429: "rate_limited",
    503: "service_unavailable",
    504: "service_timeout",
}


def code_for(status: int) -> str:
    return CODES.get(status, "client_error" if status < 500 else "server_error")


class FieldErrorItem(BaseModel):
    """One problem of a request: where (`loc`), what (`msg`), its kind (`type`)."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(description='Where: e.g. ["body", "dstNum", 3]')
    msg: str
    type: str = Field(description="The kind of problem, stable: e.g. missing, phone_invalid")
    input: Any = Field(default=None, description="The value refused (long text cut)")
    ctx: dict[str, Any] | None = Field(default=None, description="Values to word it with")


class ValidationErrorBody(BaseModel):
    """422: the request is well-formed but some fields are wrong, each listed."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "detail": [
                        {
                            "loc": ["body", "dstNum", 1],
                            "msg": "is not a valid phone number",
                            "type": "phone_number",
                            "input": "010-0000",
                        }
                    ],
                    "code": "request_invalid",
                }
            ]
        },
    )

    detail: list[FieldErrorItem]
    code: str = Field(description="request_invalid")
    error_count: int | None = Field(
        default=None, alias="errorCount", description="When more errors than listed were found"
    )


class ErrorBody(BaseModel):
    """Every other error: what went wrong, for people and for programs."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"detail": "Not found", "code": "not_found"},
                {
                    "detail": "too late to cancel: the reservation is due in less than 60 s",
                    "code": "cancel_cutoff",
                },
            ]
        },
    )

    detail: str = Field(description="What went wrong, in words")
    code: str = Field(description="Stable and machine-readable: e.g. not_found, cancel_cutoff")
    loc: list[str | int] | None = Field(default=None, description="The field at fault, if one")


DESCRIPTIONS: dict[int, str] = {
    400: "The body is not well-formed (e.g. not JSON)",
    401: "No valid credentials (`WWW-Authenticate: Bearer`)",
    402: "The customer's balance cannot pay for this",
    403: "The caller may not do this",
    404: "Not found (or not the caller's)",
    409: "In a state that does not allow this; `code` says which rule",
    413: "The body is larger than MAX_BODY_BYTES (the gateway's limit)",
    415: "The body is not in a form this operation reads",
    422: "Invalid fields, each named with its reason",
    429: "Over a rate limit; `Retry-After` says when to try again",
    503: "The service is unavailable or its circuit is open (the gateway); `Retry-After`",
    504: "The service did not answer in time (the gateway)",
}

RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


def error_responses(
    *statuses: int, said: dict[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a router or a route: each status with the error body's schema;
    `said` words a status for this route (e.g. what its 403 means here)."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        model = ValidationErrorBody if status == 422 else ErrorBody
        description = (said or {}).get(status, DESCRIPTIONS[status])
        response: dict[str, Any] = {"model": model, "description": description}
        if status in (429, 503, 504):
            response["headers"] = RETRY_AFTER
        responses[status] = response
    return responses


# What any public operation may answer. The gateway's: no credentials, over the rate
# limit, a NUL in the query (422), a body too large, the service down or slow. The
# services': a customer naming another customer's `userId` or an operator's operation
# (403), an id or a `userId` that is not the caller's to see (404, as for one that does
# not exist: a customer learns nothing of the others).
# A body that is not JSON at all is FastAPI's 400.
GATEWAY_ERRORS = (400, 401, 403, 404, 413, 422, 429, 503, 504)
PUBLIC_RESPONSES = error_responses(*GATEWAY_ERRORS)
