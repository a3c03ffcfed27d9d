"""`/auth/login`, `/auth/logout` and `/auth/me`: a token for the dashboard, its end, and
who the caller is."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request, Response

from msgplat.gateway import accounts, sessions
from msgplat.gateway.api.deps import (
    AuthenticatorDep,
    CurrentIdentity,
    PasswordVerifierDep,
    RateLimiterDep,
    SettingsDep,
)
from msgplat.gateway.auth import client_address
from msgplat.gateway.credentials import Identity, issue_token
from msgplat.gateway.schemas import Login, Me, Token
from msgplat.plumbing.errors import (
    FieldError,
    Forbidden,
    RequestInvalid,
    TooManyRequests,
    Unauthorized,
)
from msgplat.plumbing.responses import error_responses

router = APIRouter(prefix="/auth", tags=["authentication"])


@router.post(
    "/login",
    response_model=Token,
    responses=error_responses(401, 429, said={401: "Wrong credentials"}),
)
async def login(
    body: Login,
    request: Request,
    settings: SettingsDep,
    authenticator: AuthenticatorDep,
    limiter: RateLimiterDep,
    passwords: PasswordVerifierDep,
) -> Token:
    """A token for the dashboard, from userId and password, or from an API key.

    Limited per client address, and for passwords per account and per gateway replica
    (429 with Retry-After, before any password is hashed)."""
    identity: Identity | None
    if body.api_key is not None:
        limiter.check_login(client_address(request), None)
        identity = await accounts.identity_for_key(authenticator.engine, body.api_key)
        if identity is not None:
            identity = replace(identity, via="api_key_login")
    elif body.user_id is not None and body.password is not None:
        limiter.check_login(client_address(request), body.user_id)
        identity, password_hash = await accounts.password_login(authenticator.engine, body.user_id)
        if passwords.busy:  # checked right before verify: nothing awaited in between
            raise TooManyRequests(
                "the gateway is busy verifying passwords; retry after 1 s", retry_after_s=1
            )
        # Verified even for an unknown user or one without a password: the same cost.
        if not await passwords.verify(password_hash, body.password):
            identity = None
        elif identity is not None:
            identity = replace(identity, via="password_login")
    else:
        raise RequestInvalid(
            [FieldError(("body",), "send userId and password, or apiKey", type="missing")]
        )
    if identity is None:
        raise Unauthorized("wrong userId, password or API key")
    session_id = await sessions.open_session(
        authenticator.engine, identity, settings.auth_token_ttl_s
    )
    token = issue_token(
        identity,
        session_id=session_id,
        secret=settings.auth_token_secret.get_secret_value(),
        ttl_s=settings.auth_token_ttl_s,
    )
    return Token(
        access_token=token,
        expires_in=settings.auth_token_ttl_s,
        user_id=identity.user_id,
        role=identity.role,
    )


@router.post("/logout", status_code=204, response_class=Response)
async def logout(identity: CurrentIdentity, authenticator: AuthenticatorDep) -> Response:
    """End the caller's login token: refused at once by this gateway replica, by every
    other within API_KEY_CACHE_S."""
    if identity.session_id is None:
        raise Forbidden(
            "logout ends a login token, and this credential is an API key: "
            "revoke a key with DELETE /auth/keys/{id}"
        )
    await sessions.end_session(authenticator.engine, identity.session_id)
    authenticator.forget(session_id=identity.session_id)
    return Response(status_code=204)


@router.get("/me", response_model=Me)
async def me(identity: CurrentIdentity, settings: SettingsDep) -> Me:
    return Me(
        user_id=identity.user_id,
        role=identity.role,
        requests_per_second=identity.requests_per_second or settings.requests_per_second,
        recipients_per_day=identity.recipients_per_day or settings.recipients_per_day,
    )
