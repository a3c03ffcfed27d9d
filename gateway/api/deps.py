"""Typed dependencies of the gateway's routes: its settings and the long-lived objects
`create_app` builds (proxy, authenticator, rate limiter, password verifier, dashboard,
OpenAPI merger), and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from msgplat.gateway.auth import (
    STREAM_PATH,
    TICKET_QUERY_PARAM,
    TOKEN_QUERY_PARAM,
    Authenticator,
    RateLimiter,
)
from msgplat.gateway.credentials import Identity
from msgplat.gateway.dashboard import Dashboard
from msgplat.gateway.openapi import OpenApiMerger
from msgplat.gateway.passwords import PasswordVerifier
from msgplat.gateway.proxy import Proxy
from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing.api import app_state
from msgplat.plumbing.errors import Forbidden, Unauthorized

SettingsDep = Annotated[GatewaySettings, Depends(app_state("settings"))]
ProxyDep = Annotated[Proxy, Depends(app_state("proxy"))]
AuthenticatorDep = Annotated[Authenticator, Depends(app_state("authenticator"))]
RateLimiterDep = Annotated[RateLimiter, Depends(app_state("rate_limiter"))]
PasswordVerifierDep = Annotated[PasswordVerifier, Depends(app_state("passwords"))]
DashboardDep = Annotated[Dashboard, Depends(app_state("dashboard"))]
OpenApiMergerDep = Annotated[OpenApiMerger, Depends(app_state("openapi"))]


TICKET_HOWTO = (
    f"get a ticket with POST {STREAM_PATH}/tickets (valid 30 s, for one stream) and open "
    f"{STREAM_PATH}?{TICKET_QUERY_PARAM}=<ticket>"
)


def missing_credentials_detail(request: Request) -> str:
    if "authorization" in request.headers:
        return (
            "the credentials are not valid (unknown or revoked API key, or a token that "
            "expired or was logged out)"
        )
    if request.url.path == STREAM_PATH:
        if TICKET_QUERY_PARAM in request.query_params:
            return f"the stream ticket is unknown, used or expired: {TICKET_HOWTO}"
        if TOKEN_QUERY_PARAM in request.query_params:
            return f"a token in the URL is not accepted (URLs end up in logs): {TICKET_HOWTO}"
        return (
            "authentication required: send `Authorization: Bearer <API key or token>`, "
            f"or, where no header can be sent (a browser's EventSource), {TICKET_HOWTO}"
        )
    return (
        "authentication required: send `Authorization: Bearer <API key or token>` "
        "(a token comes from POST /auth/login)"
    )


async def current_identity(request: Request, authenticator: AuthenticatorDep) -> Identity:
    """The caller, from their API key or token; 401 without valid credentials."""
    identity = await authenticator.identify(request)
    if identity is None:
        raise Unauthorized(missing_credentials_detail(request))
    return identity


CurrentIdentity = Annotated[Identity, Depends(current_identity)]


async def operator_identity(identity: CurrentIdentity) -> Identity:
    """The caller if they are an operator; 403 for a customer."""
    if identity.role != "operator":
        raise Forbidden("only an operator may manage customers")
    return identity


OperatorIdentity = Annotated[Identity, Depends(operator_identity)]


async def password_login_identity(identity: CurrentIdentity) -> Identity:
    """The caller if they logged in with their password; 403 for an API key or a token
    obtained with one (a leaked key must not be able to make more keys)."""
    if identity.via != "password_login":
        raise Forbidden(
            "creating an API key needs a password login (a token from POST /auth/login "
            "with userId and password): an API key, or a token obtained with one, "
            "cannot create keys"
        )
    return identity


PasswordLoginIdentity = Annotated[Identity, Depends(password_login_identity)]
