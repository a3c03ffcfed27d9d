"""`/auth/login` and `/auth/me`: a token for the dashboard, and who the caller is."""

from __future__ import annotations

from fastapi import APIRouter

from msgplat.gateway import accounts
from msgplat.gateway.api.deps import (
    AuthenticatorDep,
    CurrentIdentity,
    RateLimiterDep,
    SettingsDep,
)
from msgplat.gateway.credentials import Identity, issue_token
from msgplat.gateway.schemas import Login, Me, Token
from msgplat.plumbing.errors import FieldError, RequestInvalid, TooManyRequests, Unauthorized

router = APIRouter(prefix="/auth", tags=["authentication"])


@router.post(
    "/login",
    response_model=Token,
    responses={401: {"description": "Wrong credentials"}, 429: {"description": "Too many"}},
)
async def login(
    body: Login,
    settings: SettingsDep,
    authenticator: AuthenticatorDep,
    limiter: RateLimiterDep,
) -> Token:
    """A token for the dashboard, from userId and password, or from an API key."""
    identity: Identity | None
    if body.api_key is not None:
        identity = await accounts.identity_for_key(authenticator.engine, body.api_key)
    elif body.user_id is not None and body.password is not None:
        retry_after = limiter.login_retry_after(body.user_id)
        if retry_after is not None:
            raise TooManyRequests(
                f"too many login attempts; retry after {retry_after} s", retry_after_s=retry_after
            )
        identity = await accounts.identity_for_login(
            authenticator.engine, body.user_id, body.password
        )
    else:
        raise RequestInvalid(
            [FieldError(("body",), "send userId and password, or apiKey", type="missing")]
        )
    if identity is None:
        raise Unauthorized("wrong userId, password or API key")
    token = issue_token(
        identity,
        secret=settings.auth_token_secret.get_secret_value(),
        ttl_s=settings.auth_token_ttl_s,
    )
    return Token(
        access_token=token,
        expires_in=settings.auth_token_ttl_s,
        user_id=identity.user_id,
        role=identity.role,
    )


@router.get("/me", response_model=Me)
async def me(identity: CurrentIdentity, settings: SettingsDep) -> Me:
    return Me(
        user_id=identity.user_id,
        role=identity.role,
        requests_per_second=identity.requests_per_second or settings.requests_per_second,
        recipients_per_day=identity.recipients_per_day or settings.recipients_per_day,
    )
