"""Who is calling: the customer the gateway authenticated, as a FastAPI dependency.

The gateway is the only way in from outside. It authenticates the credentials, drops
any `X-Caller-*` header the client sent, and passes the caller on in two headers:

- `X-Caller-Id`: the customer's user id (from the credentials, never from the body);
- `X-Caller-Role`: `customer` (sees only their own data) or `operator` (sees all);
- `X-Caller-Recipients-Per-Day`: the customer's daily recipient quota;
- `X-Caller-Address`: on the carrier's report callback, the client's address.

A request with no caller headers comes from inside the cluster (another service, a
job, a test talking to the service directly) and is trusted like an operator: the
services are not reachable from outside (ClusterIP Services and a NetworkPolicy that
admits only the gateway; see k8s/base).

Reads of another customer's data answer 404, as if it did not exist; a body or query
naming another customer (a forged `userId`) is refused with 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Header, Query
from pydantic import Field

from msgplat.plumbing.errors import FieldError, Forbidden, NotFound, RequestInvalid

CALLER_ID_HEADER = "x-caller-id"
CALLER_ROLE_HEADER = "x-caller-role"
# The customer's daily recipient quota (their account's, or the gateway's default).
CALLER_QUOTA_HEADER = "x-caller-recipients-per-day"
# The client's address, as the gateway saw it, on the routes whose callers bring their own
# credentials (a carrier's delivery reports: checked against its `reportSources`).
CALLER_ADDRESS_HEADER = "x-caller-address"
CALLER_HEADERS = frozenset(
    {CALLER_ID_HEADER, CALLER_ROLE_HEADER, CALLER_QUOTA_HEADER, CALLER_ADDRESS_HEADER}
)

Role = Literal["customer", "operator", "internal"]

USER_ID_PATTERN = r"^[A-Za-z0-9_.@-]+$"

# The seed's `userId` in a request body: optional, since the customer comes from the
# credentials; a customer may send their own, an operator names the customer acted for
# (see Caller.claim).
ClaimedUserId = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=64,
        pattern=USER_ID_PATTERN,
        description="Optional: the customer comes from the credentials. If given, it must "
        "be the authenticated customer; an operator names the customer acted for.",
    ),
]

# The same as a query parameter (`?userId=`), of the routes that read a customer's data.
UserIdQuery = Annotated[
    str | None,
    Query(
        alias="userId",
        min_length=1,
        max_length=64,
        pattern=USER_ID_PATTERN,
        description="The customer (an operator names one; a customer may give their own)",
    ),
]

# `?userId=` of a list: an operator narrows it to one customer (`Caller.scope`).
UserIdFilter = Annotated[str | None, Query(alias="userId", max_length=64)]


@dataclass(frozen=True)
class Caller:
    role: Role
    user_id: str | None = None
    recipients_per_day: int | None = None

    @property
    def sees_all(self) -> bool:
        return self.role != "customer"

    def owns(self, owner: str) -> bool:
        return self.sees_all or owner == self.user_id

    def check_owner(self, owner: str | None, what: str) -> None:
        """404 for another customer's `what` (its existence is not revealed)."""
        if owner is None or not self.owns(owner):
            raise NotFound(what)

    def scope(self, requested: str | None) -> str | None:
        """The user id a list or a read is limited to: the customer's own (a `userId`
        naming someone else finds nothing), or what an operator asked for (None: all)."""
        if self.sees_all:
            return requested
        assert self.user_id is not None
        if requested is not None and requested != self.user_id:
            raise NotFound(f"customer {requested}")
        return self.user_id

    def scope_one(self, requested: str | None, noun: str) -> str:
        """As `scope`, for what is always one customer's (a balance, their statistics):
        an operator must name the one (`userId`); `noun` is what the error calls it."""
        scoped = self.scope(requested)
        if scoped is None:
            raise RequestInvalid([FieldError(("query", "userId"), f"name the {noun}: userId=...")])
        return scoped

    def claim(self, given: str | None, field: tuple[str | int, ...]) -> str:
        """The user id a write is for: a customer's own; a `userId` in the body that
        names someone else is refused. An operator or internal caller must name one."""
        if self.sees_all:
            if given is None:
                raise RequestInvalid(
                    [FieldError(field, "Field required: an operator acts for one", "missing")]
                )
            return given
        assert self.user_id is not None
        if given is not None and given != self.user_id:
            raise Forbidden(
                f"userId {given!r} is not the authenticated customer {self.user_id!r}; "
                "leave it out or send your own",
                field,
            )
        return self.user_id


INTERNAL = Caller(role="internal")


async def get_caller(  # async: a plain def would run in a worker thread per request
    x_caller_id: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_caller_role: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_caller_recipients_per_day: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Caller:
    quota = x_caller_recipients_per_day
    recipients_per_day = int(quota) if quota is not None and quota.isdigit() else None
    if x_caller_role == "operator":
        return Caller(role="operator", user_id=x_caller_id)
    if x_caller_id:
        return Caller(role="customer", user_id=x_caller_id, recipients_per_day=recipients_per_day)
    return INTERNAL


CallerDep = Annotated[Caller, Depends(get_caller)]
