"""Bodies of the gateway's own routes: login, API keys, customer accounts and stream
tickets."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field
from pydantic.config import JsonDict

from msgplat.plumbing.api import ApiInput, ApiModel, NoNulText
from msgplat.plumbing.caller import USER_ID_PATTERN


class Login(ApiInput):
    """Either userId and password (the dashboard) or an API key, for a token."""

    # As the route reads it: an apiKey (then userId and password are not looked at), or
    # both userId and password; null is as absent.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"apiKey": "mp_Xq3v9TzK2bLw7RfA1cYdE5hN8uJ0sGpM"},
                {"userId": "acme", "password": "correct horse battery staple"},
            ],
            "anyOf": [
                {"required": ["apiKey"], "properties": {"apiKey": {"type": "string"}}},
                {
                    "required": ["userId", "password"],
                    "properties": {"userId": {"type": "string"}, "password": {"type": "string"}},
                },
            ],
        },
    )

    # No NUL character (every body's rule: ApiInput), stated: the route answers 422.
    user_id: NoNulText | None = Field(default=None, min_length=1, max_length=64)
    password: NoNulText | None = Field(default=None, min_length=1, max_length=200)
    api_key: NoNulText | None = Field(default=None, min_length=1, max_length=200)


class Token(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "accessToken": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY21lIn0.c2lnbmF0dXJl",
                    "tokenType": "bearer",
                    "expiresIn": 3600,
                    "userId": "acme",
                    "role": "customer",
                }
            ]
        }
    )

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")
    user_id: str
    role: str


class StreamTicket(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"ticket": "st_kJ8f2LmQ9xV3nB7cR1tY5wE0pA4sD6gH", "expiresIn": 30}]
        }
    )

    ticket: str = Field(description="For one `GET /monitorings/stream?ticket=<ticket>`")
    expires_in: int = Field(description="Seconds the ticket may be used in")


class Me(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "acme",
                    "role": "customer",
                    "requestsPerSecond": 50,
                    "recipientsPerDay": 100000,
                }
            ]
        }
    )

    user_id: str
    role: str
    requests_per_second: int
    recipients_per_day: int


class CustomerCreate(ApiInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "userId": "acme",
                    "role": "customer",
                    "password": "correct horse battery staple",
                    "requestsPerSecond": 50,
                    "recipientsPerDay": 100000,
                }
            ]
        },
    )

    user_id: str = Field(min_length=1, max_length=64, pattern=USER_ID_PATTERN)
    role: Literal["customer", "operator"] = "customer"
    password: str | None = Field(
        default=None, min_length=8, max_length=200, description="For the dashboard's login"
    )
    requests_per_second: int | None = Field(default=None, ge=1, le=100_000)
    recipients_per_day: int | None = Field(default=None, ge=1, le=100_000_000)


class Customer(ApiModel):
    """An account as operators see it (never its password or keys)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "acme",
                    "role": "customer",
                    "hasPassword": True,
                    "requestsPerSecond": 50,
                    "recipientsPerDay": None,
                    "createdAt": "2027-01-10T02:00:00Z",
                    "activeKeys": 1,
                }
            ]
        }
    )

    user_id: str
    role: str
    has_password: bool = Field(description="Can log in to the console")
    requests_per_second: int | None = Field(description="null: the gateway's default")
    recipients_per_day: int | None = Field(description="null: the gateway's default")
    created_at: datetime
    active_keys: int


class CustomerLimits(ApiInput):
    """`PATCH /auth/customers/{userId}`: the limits given are set (null: the default)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"requestsPerSecond": 100, "recipientsPerDay": 500000}]},
    )

    requests_per_second: int | None = Field(default=None, ge=1, le=100_000)
    recipients_per_day: int | None = Field(default=None, ge=1, le=100_000_000)


class CustomerCreated(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "acme",
                    "role": "customer",
                    "apiKey": "mp_Xq3v9TzK2bLw7RfA1cYdE5hN8uJ0sGpM",
                }
            ]
        }
    )

    user_id: str
    role: str
    api_key: str = Field(description="Shown once: only its hash is stored")


class ApiKeyCreate(ApiInput):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "crm"}]})

    name: str = Field(default="api key", min_length=1, max_length=100)


_API_KEY_EXAMPLE: JsonDict = {
    "id": "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
    "name": "crm",
    "prefix": "mp_Xq3v9T",
    "createdAt": "2027-01-10T02:00:00Z",
    "revokedAt": None,
}


class ApiKey(ApiModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_API_KEY_EXAMPLE]})

    id: UUID
    name: str
    prefix: str = Field(description="The key's first characters, to tell keys apart")
    created_at: datetime
    revoked_at: datetime | None = None


class ApiKeyCreated(ApiKey):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**_API_KEY_EXAMPLE, "apiKey": "mp_Xq3v9TzK2bLw7RfA1cYdE5hN8uJ0sGpM"}]
        }
    )

    api_key: str = Field(description="Shown once: only its hash is stored")
