"""The gateway's own API: log in, who am I, API keys, and (operators) customer accounts."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse

from msgplat.gateway import accounts
from msgplat.gateway.auth import Authenticator, RateLimiter
from msgplat.gateway.credentials import Identity, issue_token
from msgplat.gateway.schemas import (
    ApiKey,
    ApiKeyCreate,
    ApiKeyCreated,
    CustomerCreate,
    CustomerCreated,
    Login,
    Me,
    Token,
)
from msgplat.gateway.settings import GatewaySettings

router = APIRouter(prefix="/auth", tags=["authentication"])

UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def _authenticator(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


async def current_identity(request: Request) -> Identity:
    identity = await _authenticator(request).identify(request)
    if identity is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail=missing_credentials_detail(request),
            headers=UNAUTHORIZED,
        )
    return identity


def missing_credentials_detail(request: Request) -> str:
    if "authorization" in request.headers:
        return "the credentials are not valid (unknown or revoked API key, or expired token)"
    return (
        "authentication required: send `Authorization: Bearer <API key or token>` "
        "(a token comes from POST /auth/login)"
    )


CurrentIdentity = Annotated[Identity, Depends(current_identity)]


async def operator_identity(identity: CurrentIdentity) -> Identity:
    if identity.role != "operator":
        raise HTTPException(status_code=403, detail="only an operator may manage customers")
    return identity


@router.post(
    "/login",
    response_model=Token,
    responses={401: {"description": "Wrong credentials"}, 429: {"description": "Too many"}},
)
async def login(body: Login, request: Request) -> Token | JSONResponse:
    """A token for the dashboard, from userId and password, or from an API key."""
    settings: GatewaySettings = request.app.state.settings
    authenticator = _authenticator(request)
    identity: Identity | None
    if body.api_key is not None:
        identity = await accounts.identity_for_key(authenticator.engine, body.api_key)
    elif body.user_id is not None and body.password is not None:
        limiter: RateLimiter = request.app.state.rate_limiter
        retry_after = limiter.login_retry_after(body.user_id)
        if retry_after is not None:
            return JSONResponse(
                status_code=429,
                headers={"Retry-After": str(retry_after)},
                content={"detail": f"too many login attempts; retry after {retry_after} s"},
            )
        identity = await accounts.identity_for_login(
            authenticator.engine, body.user_id, body.password
        )
    else:
        raise HTTPException(
            status_code=422,
            detail=[
                {
                    "loc": ["body"],
                    "msg": "send userId and password, or apiKey",
                    "type": "missing",
                    "input": None,
                }
            ],
        )
    if identity is None:
        raise HTTPException(
            status_code=401, detail="wrong userId, password or API key", headers=UNAUTHORIZED
        )
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
async def me(identity: CurrentIdentity, request: Request) -> Me:
    settings: GatewaySettings = request.app.state.settings
    return Me(
        user_id=identity.user_id,
        role=identity.role,
        requests_per_second=identity.requests_per_second or settings.requests_per_second,
        recipients_per_day=identity.recipients_per_day or settings.recipients_per_day,
    )


@router.post("/keys", status_code=201, response_model=ApiKeyCreated)
async def create_key(
    body: ApiKeyCreate, identity: CurrentIdentity, request: Request
) -> ApiKeyCreated:
    """A new API key for the caller; the key is in this answer only."""
    info, key = await accounts.create_key(
        _authenticator(request).engine, identity.user_id, body.name
    )
    return ApiKeyCreated(**info.__dict__, api_key=key)


@router.get("/keys", response_model=list[ApiKey])
async def list_keys(identity: CurrentIdentity, request: Request) -> list[ApiKey]:
    keys = await accounts.list_keys(_authenticator(request).engine, identity.user_id)
    return [ApiKey(**info.__dict__) for info in keys]


@router.delete("/keys/{key_id}", response_model=ApiKey)
async def revoke_key(key_id: UUID, identity: CurrentIdentity, request: Request) -> ApiKey:
    """Revoke one of the caller's keys (every gateway replica refuses it within
    API_KEY_CACHE_S seconds)."""
    info = await accounts.revoke_key(_authenticator(request).engine, identity.user_id, key_id)
    return ApiKey(**info.__dict__)


@router.post(
    "/customers",
    status_code=201,
    response_model=CustomerCreated,
    dependencies=[Depends(operator_identity)],
)
async def create_customer(body: CustomerCreate, request: Request) -> CustomerCreated:
    """Operators only: a new customer account and its first API key."""
    key = await accounts.create_customer(
        _authenticator(request).engine,
        user_id=body.user_id,
        role=body.role,
        password=body.password,
        requests_per_second=body.requests_per_second,
        recipients_per_day=body.recipients_per_day,
    )
    return CustomerCreated(user_id=body.user_id, role=body.role, api_key=key)
