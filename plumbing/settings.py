"""The settings every service shares, read from the environment (pydantic-settings).

Each service subclasses `ServiceSettings` and adds its own fields. Every variable is
documented in the README; the names are the field names in upper case.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Self, TypeVar
from urllib.parse import parse_qs, urlsplit

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

S = TypeVar("S", bound=BaseSettings)

KafkaSecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_SSL"]
KafkaSaslMechanism = Literal["SCRAM-SHA-512", "OAUTHBEARER"]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    service_name: str = Field(description="Name used in logs, client ids and the DB schema")
    database_url: str = Field(
        description="PostgreSQL URL, e.g. postgresql://user:pass@host:5432/msgplat"
    )
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_pool_timeout_s: float = Field(
        default=30,
        gt=0,
        le=600,
        description="How long a transaction waits for a free pooled connection before it "
        "fails (a consumer then retries its batch, it never dead-letters it)",
    )
    db_max_overflow: int | None = Field(
        default=None,
        ge=0,
        le=200,
        description="Connections a process may open beyond DB_POOL_SIZE under load "
        "(default: as many as DB_POOL_SIZE); a pod holds at most the sum of the two, "
        "the figure of the connection budget in docs/deploy-eks.md",
    )

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092")
    kafka_topic_partitions: int = Field(default=6, ge=1, le=1000)
    kafka_replication_factor: int = Field(default=1, ge=1, le=7)
    # Off for the local Tansu broker, on for Apache Kafka. Correctness never depends
    # on it: the outbox and the idempotent consumers make effects exactly-once.
    kafka_enable_idempotence: bool = False
    kafka_fetch_max_wait_ms: int = Field(
        default=50,
        ge=0,
        le=10_000,
        description="How long a consumer's fetch may wait at the broker for new events. "
        "Apache Kafka answers once one arrives; the local Tansu broker holds every fetch "
        "this long, which adds up to it to each hop of an event (bench/latency.py)",
    )
    kafka_request_timeout_ms: int = Field(default=10_000, ge=1_000)
    # How long a silent consumer keeps its partitions. Tansu holds a group's first
    # JoinGroup for half of it, so it is also about twice a consumer's start-up time.
    kafka_session_timeout_ms: int = Field(default=10_000, ge=1_000, le=300_000)
    # The broker connection: every producer, consumer and admin client uses these
    # (plumbing/kafka.py). Amazon MSK: SASL_SSL with OAUTHBEARER (IAM, port 9098) or
    # SCRAM-SHA-512 (port 9096), or SSL (port 9094, mutual TLS with a client certificate).
    kafka_security_protocol: KafkaSecurityProtocol = Field(
        default="PLAINTEXT",
        description="`PLAINTEXT` (local broker), `SSL` (TLS; with KAFKA_SSL_CERTFILE, "
        "mutual TLS) or `SASL_SSL` (TLS and KAFKA_SASL_MECHANISM)",
    )
    kafka_sasl_mechanism: KafkaSaslMechanism | None = Field(
        default=None,
        description="With SASL_SSL: `SCRAM-SHA-512` (KAFKA_SASL_USERNAME and "
        "KAFKA_SASL_PASSWORD) or `OAUTHBEARER` (Amazon MSK IAM: tokens signed with the "
        "pod's AWS credentials, e.g. its IRSA role)",
    )
    kafka_sasl_username: str | None = Field(default=None, description="SCRAM user name")
    kafka_sasl_password: str | None = Field(
        default=None, description="SCRAM password, from a Secret"
    )
    kafka_aws_region: str | None = Field(
        default=None,
        description="Region of the MSK cluster for OAUTHBEARER (default: AWS_REGION, "
        "which EKS sets in a pod with an IRSA role)",
    )
    kafka_ssl_cafile: str | None = Field(
        default=None,
        description="PEM file of the CAs that sign the brokers' certificates (default: "
        "the system's CAs, which sign Amazon MSK's); hostnames are always verified",
    )
    kafka_ssl_certfile: str | None = Field(
        default=None, description="PEM client certificate for mutual TLS (may hold the key)"
    )
    kafka_ssl_keyfile: str | None = Field(
        default=None, description="PEM private key of KAFKA_SSL_CERTFILE, if not in it"
    )

    outbox_batch_size: int = Field(default=500, ge=1, le=10_000)
    outbox_linger_ms: float = Field(
        default=5, ge=0, le=1000, description="Wait after a commit to batch the next ones"
    )
    outbox_poll_interval_s: float = Field(default=0.2, gt=0, le=10)
    outbox_retention_s: float = Field(default=3600, ge=0)
    outbox_publish_timeout_s: float = Field(
        default=30,
        gt=0,
        le=600,
        description="Longest wait for the broker to take a batch of outbox rows; past it "
        "the relay gives up the batch (its lock and transaction), rebuilds its producer "
        "and tries again",
    )
    outbox_stall_s: float = Field(
        default=60,
        gt=0,
        description="With rows to publish and none published for this long, the relay "
        "reports the service not ready (`outbox` in /health/ready)",
    )
    worker_stall_s: float = Field(
        default=60,
        gt=0,
        description="A background worker (send's scheduler, its housekeeping, the notice "
        "sender, monitoring's webhook dispatcher) that has finished no round for this long "
        "reports the service not ready (`worker:<name>` in /health/ready)",
    )
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

    otel_traces_sampler_arg: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="Share of new traces recorded (parent-based trace-id ratio: a "
        "reservation is traced across every service or not at all)",
    )

    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("database_url")
    @classmethod
    def _asyncpg_driver(cls, value: str) -> str:
        return asyncpg_url(value)

    @model_validator(mode="after")
    def _kafka_security(self) -> Self:
        check_kafka_security(self)
        return self

    def kafka_region(self) -> str | None:
        """The MSK cluster's region for OAUTHBEARER tokens."""
        return (
            self.kafka_aws_region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
        )

    def db_overflow(self) -> int:
        return self.db_pool_size if self.db_max_overflow is None else self.db_max_overflow


def check_kafka_security(s: ServiceSettings) -> None:
    """Refuse a broker connection that cannot work, or would send secrets in the
    clear, at start-up, naming the variables to change."""
    protocol, mechanism = s.kafka_security_protocol, s.kafka_sasl_mechanism
    files = {
        "KAFKA_SSL_CAFILE": s.kafka_ssl_cafile,
        "KAFKA_SSL_CERTFILE": s.kafka_ssl_certfile,
        "KAFKA_SSL_KEYFILE": s.kafka_ssl_keyfile,
    }
    scram = {
        "KAFKA_SASL_USERNAME": s.kafka_sasl_username,
        "KAFKA_SASL_PASSWORD": s.kafka_sasl_password,
    }
    if protocol == "PLAINTEXT":
        given = [name for name, value in {**files, **scram}.items() if value]
        if mechanism or given:
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL=PLAINTEXT ignores {given or ['KAFKA_SASL_MECHANISM']}: "
                "set KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL (credentials never go in the clear)"
            )
        return
    if protocol == "SSL" and mechanism:
        raise ValueError(
            f"KAFKA_SASL_MECHANISM={mechanism} needs KAFKA_SECURITY_PROTOCOL=SASL_SSL, not SSL"
        )
    if protocol == "SASL_SSL" and not mechanism:
        raise ValueError(
            "KAFKA_SECURITY_PROTOCOL=SASL_SSL needs KAFKA_SASL_MECHANISM: "
            "SCRAM-SHA-512 or OAUTHBEARER (MSK IAM)"
        )
    if mechanism == "SCRAM-SHA-512":
        missing = [name for name, value in scram.items() if not value]
        if missing:
            raise ValueError(f"KAFKA_SASL_MECHANISM=SCRAM-SHA-512 needs {' and '.join(missing)}")
    elif any(scram.values()):
        raise ValueError(
            "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are for SCRAM-SHA-512 only "
            f"(KAFKA_SASL_MECHANISM={mechanism})"
        )
    if mechanism == "OAUTHBEARER" and not s.kafka_region():
        raise ValueError(
            "KAFKA_SASL_MECHANISM=OAUTHBEARER (MSK IAM) needs the cluster's region: "
            "KAFKA_AWS_REGION or AWS_REGION"
        )
    if s.kafka_ssl_keyfile and not s.kafka_ssl_certfile:
        raise ValueError("KAFKA_SSL_KEYFILE needs KAFKA_SSL_CERTFILE (the client certificate)")
    for name, value in files.items():
        if value and not Path(value).is_file():
            raise ValueError(f"{name}={value}: no such file")


LIBPQ_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def check_libpq_tls(url: str) -> None:
    """libpq's TLS parameters of a PostgreSQL URL (`?sslmode=verify-full&sslrootcert=
    /path/ca.pem`), checked at start-up: asyncpg reads them when it connects."""
    query = parse_qs(urlsplit(url).query)
    mode = query.get("sslmode", ["prefer"])[-1]
    if mode not in LIBPQ_SSLMODES:
        raise ValueError(f"sslmode={mode}: one of {', '.join(LIBPQ_SSLMODES)}")
    for name in ("sslrootcert", "sslcert", "sslkey", "sslcrl"):
        for value in query.get(name, []):
            if not Path(value).is_file():
                raise ValueError(f"{name}={value} (DATABASE_URL): no such file")
    if mode in ("verify-ca", "verify-full") and "sslrootcert" not in query:
        raise ValueError(
            f"sslmode={mode} needs sslrootcert=<CA bundle> in DATABASE_URL "
            "(for Amazon RDS its global-bundle.pem, see docs/deploy-eks.md)"
        )


def asyncpg_url(value: str) -> str:
    """Accept the usual `postgresql://` form and use the asyncpg driver; its libpq TLS
    parameters are checked now (asyncpg reads them when it connects)."""
    check_libpq_tls(value)
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if value.startswith(prefix):
            return "postgresql+asyncpg://" + value[len(prefix) :]
    raise ValueError("must be a PostgreSQL URL starting with postgresql://")


class SettingsError(Exception):
    """A service's environment does not let it start: the variables to set or mend."""


def load_settings(settings: type[S]) -> S:
    """`settings` read from the environment, or SettingsError naming each variable that
    is missing or refused (by its environment name, e.g. `CARRIER_API_KEY`, with what it
    is for); the values given are never shown (they may be secrets)."""
    try:
        return settings()
    except ValidationError as exc:
        problems = [_problem(settings, error) for error in exc.errors(include_url=False)]
    raise SettingsError(
        f"{settings.__name__}: the environment does not let this service start:\n  "
        + "\n  ".join(problems)
    )


def _problem(settings: type[BaseSettings], error: object) -> str:
    assert isinstance(error, dict)
    loc = [str(part) for part in error.get("loc", ())]
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if not loc:  # a rule across fields: its message names the variables
        return message
    name, *inner = loc
    info = settings.model_fields.get(name)
    env = env_name(settings, name) if info is not None else name.upper()
    where = env + "".join(f"[{part}]" for part in inner)
    if error.get("type") == "missing":
        return f"{where} is required: {info.description if info else ''}".rstrip(": ")
    return f"{where}: {message}"


def env_name(settings: type[BaseSettings], field: str) -> str:
    """The environment variable a settings field is read from (its alias, or its name
    with the class's `env_prefix`), upper case."""
    info = settings.model_fields[field]
    alias = info.validation_alias or info.alias
    if isinstance(alias, str):
        return alias.upper()
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0].upper()
    return (str(settings.model_config.get("env_prefix", "")) + field).upper()
