"""The settings every service shares, read from the environment (pydantic-settings).

Each service subclasses `ServiceSettings` and adds its own fields. Every variable is
documented in the README; the names are the field names in upper case.
"""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    service_name: str = Field(description="Name used in logs, client ids and the DB schema")
    database_url: str = Field(
        description="PostgreSQL URL, e.g. postgresql://user:pass@host:5432/msgplat"
    )
    db_pool_size: int = Field(default=10, ge=1, le=200)

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092")
    kafka_topic_partitions: int = Field(default=6, ge=1, le=1000)
    kafka_replication_factor: int = Field(default=1, ge=1, le=7)
    # Off for the local Tansu broker, on for Apache Kafka. Correctness never depends
    # on it: the outbox and the idempotent consumers make effects exactly-once.
    kafka_enable_idempotence: bool = False
    kafka_request_timeout_ms: int = Field(default=10_000, ge=1_000)
    # How long a silent consumer keeps its partitions. Tansu holds a group's first
    # JoinGroup for half of it, so it is also about twice a consumer's start-up time.
    kafka_session_timeout_ms: int = Field(default=10_000, ge=1_000, le=300_000)

    outbox_batch_size: int = Field(default=500, ge=1, le=10_000)
    outbox_linger_ms: float = Field(
        default=5, ge=0, le=1000, description="Wait after a commit to batch the next ones"
    )
    outbox_poll_interval_s: float = Field(default=0.2, gt=0, le=10)
    outbox_retention_s: float = Field(default=3600, ge=0)
    consumer_batch_size: int = Field(default=500, ge=1, le=10_000)

    shutdown_grace_s: float = Field(
        default=20,
        gt=0,
        le=600,
        description="On SIGTERM, how long the service may take to finish its work in hand "
        "(a send batch, a consumer batch, the outbox) before it abandons the rest to be "
        "redone; keep it below the pod's terminationGracePeriodSeconds minus its preStop",
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP collector base URL (e.g. `http://otel-collector:4318`): traces "
        "are exported there (the gateway's too); unset, tracing is off",
    )

    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("database_url")
    @classmethod
    def _asyncpg_driver(cls, value: str) -> str:
        return asyncpg_url(value)


def asyncpg_url(value: str) -> str:
    """Accept the usual `postgresql://` form and use the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if value.startswith(prefix):
            return "postgresql+asyncpg://" + value[len(prefix) :]
    raise ValueError("must be a PostgreSQL URL starting with postgresql://")
