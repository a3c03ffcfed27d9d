"""`/auth/customers`: customer accounts, created by operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from msgplat.gateway import accounts
from msgplat.gateway.api.deps import AuthenticatorDep, operator_identity
from msgplat.gateway.schemas import Customer, CustomerCreate, CustomerCreated, CustomerLimits
from msgplat.plumbing.api import Page, PageNumber
from msgplat.plumbing.caller import USER_ID_PATTERN
from msgplat.plumbing.responses import error_responses

router = APIRouter(prefix="/auth", tags=["authentication"])


@router.post(
    "/customers",
    status_code=201,
    response_model=CustomerCreated,
    responses=error_responses(409),
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


@router.get("/customers", response_model=Page[Customer], dependencies=[Depends(operator_identity)])
async def list_customers(
    authenticator: AuthenticatorDep,
    q: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Part of the id")
    ] = None,
    page: PageNumber = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Page[Customer]:
    """Operators only: the accounts, newest first."""
    items, total = await accounts.list_customers(authenticator.engine, text=q, page=page, size=size)
    return Page[Customer](
        items=[Customer(**info.__dict__) for info in items], page=page, size=size, total=total
    )


@router.patch(
    "/customers/{userId}", response_model=Customer, dependencies=[Depends(operator_identity)]
)
async def update_customer(
    user_id: Annotated[str, Path(alias="userId", max_length=64, pattern=USER_ID_PATTERN)],
    body: CustomerLimits,
    authenticator: AuthenticatorDep,
) -> Customer:
    """Operators only: a customer's limits (those given; null sets the default back)."""
    changes = body.model_dump(include=body.model_fields_set)
    info = await accounts.update_limits(authenticator.engine, user_id, changes)
    return Customer(**info.__dict__)
