"""`/auth/customers`: customer accounts, created by operators."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from msgplat.gateway import accounts
from msgplat.gateway.api.deps import AuthenticatorDep, operator_identity
from msgplat.gateway.schemas import CustomerCreate, CustomerCreated

router = APIRouter(prefix="/auth", tags=["authentication"])


@router.post(
    "/customers",
    status_code=201,
    response_model=CustomerCreated,
    dependencies=[Depends(operator_identity)],
)
async def create_customer(body: CustomerCreate, authenticator: AuthenticatorDep) -> CustomerCreated:
    """Operators only: a new customer account and its first API key."""
    key = await accounts.create_customer(
        authenticator.engine,
        user_id=body.user_id,
        role=body.role,
        password=body.password,
        requests_per_second=body.requests_per_second,
        recipients_per_day=body.recipients_per_day,
    )
    return CustomerCreated(user_id=body.user_id, role=body.role, api_key=key)
