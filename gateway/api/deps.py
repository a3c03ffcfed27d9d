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
from msgplat.plumbing.errors import Forbidden, Unauthorized


async def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


async def get_proxy(request: Request) -> Proxy:
    proxy: Proxy = request.app.state.proxy
    return proxy


async def get_authenticator(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


async def get_password_verifier(request: Request) -> PasswordVerifier:
    verifier: PasswordVerifier = request.app.state.passwords
    return verifier


async def get_dashboard(request: Request) -> Dashboard:
    dashboard: Dashboard = request.app.state.dashboard
    return dashboard


async def get_openapi_merger(request: Request) -> OpenApiMerger:
    merger: OpenApiMerger = request.app.state.openapi
    return merger


SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
ProxyDep = Annotated[Proxy, Depends(get_proxy)]
AuthenticatorDep = Annotated[Authenticator, Depends(get_authenticator)]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
PasswordVerifierDep = Annotated[PasswordVerifier, Depends(get_password_verifier)]
DashboardDep = Annotated[Dashboard, Depends(get_dashboard)]
OpenApiMergerDep = Annotated[OpenApiMerger, Depends(get_openapi_merger)]


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
