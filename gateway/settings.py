from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import Field, SecretStr, ValidationInfo, create_model, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from msgplat.contracts.services import SERVICES, Service, upstreams
from msgplat.gateway.routing import UPSTREAMS
from msgplat.plumbing.api_keys import KEY_RULE, is_api_key
from msgplat.plumbing.settings import asyncpg_url, load_settings


def upstream_settings(services: Iterable[Service]) -> type[BaseSettings]:
    """A settings class with a `<name>_url` field (environment `<NAME>_URL`, default the
    service's local port) for every service the gateway routes to in `services`."""
    fields: dict[str, Any] = {
        f"{s.name}_url": (
            str,
            Field(
                default=f"http://127.0.0.1:{s.port}",
                description=f"Base URL of the {s.name} service (several replicas: "
                "their URLs, comma-separated, taken in turn)",
            ),
        )
        for s in upstreams(services)
    }
    return create_model("GatewayUpstreamSettings", __base__=BaseSettings, **fields)


# The registry's upstreams as fields of their own (RESERVATION_URL, SEND_URL, ...); for
# the type checker, a plain base (the fields are read through `upstreams()`).
if TYPE_CHECKING:
    _UpstreamSettings = BaseSettings
else:
    _UpstreamSettings = upstream_settings(SERVICES)


class GatewaySettings(_UpstreamSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    service_name: str = "gateway"

    database_url: str = Field(
        description="PostgreSQL URL of the gateway's own tables (customers, API keys)"
    )
    db_pool_size: int = Field(default=5, ge=1, le=100)

    auth_token_secret: SecretStr = Field(
        min_length=32,
        description="Signs the dashboard's login tokens (HS256); 32+ random characters, "
        "the same on every gateway replica, from a Secret",
    )
    auth_token_ttl_s: int = Field(
        default=12 * 3600, ge=60, le=30 * 86400, description="Lifetime of a login token"
    )
    api_key_cache_s: float = Field(
        default=30,
        ge=0,
        le=3600,
        description="How long a verified API key or login token is trusted without asking "
        "the database (also how long a revoked key, or a token after its logout or its "
        "key's revocation, may still work on another replica)",
    )
    login_hash_workers: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Threads verifying passwords (argon2id: about 0.2 s of CPU and 64 MiB "
        "each), off the event loop; up to 4 logins per thread wait, more are answered 429",
    )
    login_attempts_per_account: int = Field(
        default=10,
        ge=1,
        le=10_000,
        description="Password logins per minute to one account, from anywhere (429 above)",
    )
    login_attempts_per_address: int = Field(
        default=60,
        ge=1,
        le=100_000,
        description="Logins per minute from one client address (429 above). Behind a load "
        "balancer, set uvicorn's FORWARDED_ALLOW_IPS to its addresses, or every client has "
        "the balancer's address",
    )
    login_attempts_per_second: int = Field(
        default=20,
        ge=1,
        le=100_000,
        description="Password logins per second of one gateway replica, all accounts and "
        "addresses together (429 above): what its password hashing can take",
    )
    requests_per_second: int = Field(
        default=50,
        ge=1,
        le=100_000,
        description="Requests a customer may make per second (per gateway replica), "
        "unless their account says otherwise; operators are not limited",
    )
    recipients_per_day: int = Field(
        default=1_000_000,
        ge=1,
        description="Recipients a customer may reserve per Seoul day, unless their account "
        "says otherwise (counted by the reservation service)",
    )
    demo_api_key: SecretStr | None = Field(
        default=None,
        description="If set, the customer `demo` is created at start with this API key "
        "(local runs and demos; leave unset in production)",
    )
    demo_password: SecretStr | None = Field(
        default=None, description="If set with DEMO_API_KEY, the dashboard password of `demo`"
    )
    operator_api_key: SecretStr | None = Field(
        default=None,
        description="If set, the operator account `operator` is created at start with this "
        "API key (bootstrap: create customers with it, then rotate it)",
    )
    frontend_dir: str = Field(
        default="frontend/dist", description="The built dashboard, served at `/`"
    )
    openapi_cache_s: float = Field(
        default=60, ge=0, description="How long the merged OpenAPI document is reused"
    )

    upstream_connect_timeout_s: float = Field(default=2.0, gt=0)
    upstream_read_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Read (and write) timeout from the gateway to a service: the longest "
        "wait for its next bytes; not on the live stream, idle between its keep-alives",
    )
    # Consecutive failures that open a service's circuit, and how long it stays open.
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_open_s: float = Field(default=10.0, gt=0)
    upstream_pool_connections: int = Field(
        default=512,
        ge=1,
        le=10_000,
        description="Most requests the gateway has in flight to the services at once; "
        "one more waits UPSTREAM_CONNECT_TIMEOUT_S for a free connection, then is answered "
        "503 (the gateway's overload: not counted against the service's circuit)",
    )
    # Larger request bodies are refused with 413 (100,000 recipients take about 1.4 MB).
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=1024,
        description="Largest request body passed on (413 above): 100,000 personalised "
        "recipients with their variables take about 6 MB of JSON",
    )

    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("database_url")
    @classmethod
    def _asyncpg_driver(cls, value: str) -> str:
        return asyncpg_url(value)

    @field_validator("demo_api_key", "operator_api_key")
    @classmethod
    def _a_key(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """Stored at start, a value that is not a key would never authenticate."""
        if value is not None and not is_api_key(value.get_secret_value()):
            variable = (info.field_name or "").upper()
            raise ValueError(f"{variable} is not an API key: a key is {KEY_RULE}")
        return value

    def upstreams(self) -> dict[str, str]:
        """Service -> its (first) base URL, for every service the gateway routes to."""
        return {name: urls[0] for name, urls in self.upstream_replicas().items()}

    def upstream_replicas(self) -> dict[str, list[str]]:
        """Service -> the base URLs of its replicas (`<NAME>_URL`, comma-separated)."""
        return {
            name: [url.strip() for url in getattr(self, f"{name}_url").split(",") if url.strip()]
            for name in UPSTREAMS
        }


def get_settings() -> GatewaySettings:
    return load_settings(GatewaySettings)  # SettingsError names what is missing
