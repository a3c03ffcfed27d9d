"""`/auth/keys`: the caller's own API keys."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from msgplat.gateway import accounts
from msgplat.gateway.api.deps import AuthenticatorDep, CurrentIdentity, PasswordLoginIdentity
from msgplat.gateway.schemas import ApiKey, ApiKeyCreate, ApiKeyCreated
from msgplat.plumbing.responses import error_responses

router = APIRouter(prefix="/auth", tags=["authentication"])


@router.post(
    "/keys",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=error_responses(
        403, said={403: "Not a password login (an API key, or a token from one)"}
    ),
)
async def create_key(
    body: ApiKeyCreate, identity: PasswordLoginIdentity, authenticator: AuthenticatorDep
) -> ApiKeyCreated:
    """A new API key for the caller; the key is in this answer only. Needs a token from a
    password login: a key, or a token obtained with one, cannot make more keys."""
    info, key = await accounts.create_key(authenticator.engine, identity.user_id, body.name)
    return ApiKeyCreated(**info.__dict__, api_key=key)


@router.get("/keys", response_model=list[ApiKey])
async def list_keys(identity: CurrentIdentity, authenticator: AuthenticatorDep) -> list[ApiKey]:
    keys = await accounts.list_keys(authenticator.engine, identity.user_id)
    return [ApiKey(**info.__dict__) for info in keys]


@router.delete("/keys/{key_id}", response_model=ApiKey)
async def revoke_key(
    key_id: UUID, identity: CurrentIdentity, authenticator: AuthenticatorDep
) -> ApiKey:
    """Revoke one of the caller's keys, and the tokens obtained with it: refused at once
    by this gateway replica, by every other within API_KEY_CACHE_S seconds."""
    info = await accounts.revoke_key(authenticator.engine, identity.user_id, key_id)
    authenticator.forget(api_key_id=info.id)
    return ApiKey(**info.__dict__)
