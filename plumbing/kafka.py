"""Kafka clients (aiokafka), built the same way for every service.

The code speaks only the Kafka protocol, so it runs against Apache Kafka (Amazon MSK)
in production and the Tansu broker locally.

Every producer, consumer and admin client connects with `client_security(settings)`:
plaintext, TLS (optionally mutual, with a client certificate), or SASL over TLS with
SCRAM-SHA-512 or OAUTHBEARER. OAUTHBEARER is Amazon MSK's IAM authentication: the
token is signed with the pod's AWS credentials (its IRSA role) by the
`aws-msk-iam-sasl-signer-python` package, and renewed before it expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.abc import AbstractTokenProvider
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context

from msgplat.plumbing.envelope import MAX_EVENT_BYTES
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.settings import ServiceSettings

log = get_logger(__name__)

TOPIC_ALREADY_EXISTS = TopicAlreadyExistsError.errno


class MskIamTokenProvider(AbstractTokenProvider):
    """OAUTHBEARER tokens for Amazon MSK IAM, signed with the default AWS credentials
    (in EKS: the pod's IRSA role). A token lasts 15 minutes; it is reused until a
    minute before it expires. Signing may fetch credentials (STS): off the loop."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or time.time() > self._expires_at - 60:
                from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

                token, expiry_ms = await asyncio.to_thread(
                    MSKAuthTokenProvider.generate_auth_token, self.region
                )
                self._token, self._expires_at = token, expiry_ms / 1000
            return self._token


def ssl_context(settings: ServiceSettings) -> ssl.SSLContext:
    """TLS to the brokers: their certificates verified against KAFKA_SSL_CAFILE (or
    the system's CAs) and their host names checked; a client certificate if given."""
    return create_ssl_context(
        cafile=settings.kafka_ssl_cafile,
        certfile=settings.kafka_ssl_certfile,
        keyfile=settings.kafka_ssl_keyfile,
    )


def client_security(settings: ServiceSettings) -> dict[str, Any]:
    """The keyword arguments of every aiokafka client for the configured security
    (the combination was checked when the settings were read)."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return {"security_protocol": "PLAINTEXT"}
    options: dict[str, Any] = {
        "security_protocol": protocol,
        "ssl_context": ssl_context(settings),
    }
    if settings.kafka_sasl_mechanism == "SCRAM-SHA-512":
        options |= {
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": settings.kafka_sasl_username,
            "sasl_plain_password": settings.kafka_sasl_password,
        }
    elif settings.kafka_sasl_mechanism == "OAUTHBEARER":
        region = settings.kafka_region()
        assert region is not None  # checked with the settings
        options |= {
            "sasl_mechanism": "OAUTHBEARER",
            "sasl_oauth_token_provider": MskIamTokenProvider(region),
        }
    return options


async def explain_tls_failure(settings: ServiceSettings, timeout_s: float = 5.0) -> str | None:
    """Why TLS to the first bootstrap broker fails (None: it does not, or no TLS).

    aiokafka reports a failed handshake as `Unable to bootstrap`; this names the
    cause, e.g. `certificate verify failed: unable to get local issuer certificate`.
    """
    if settings.kafka_security_protocol == "PLAINTEXT":
        return None
    first = settings.kafka_bootstrap_servers.split(",")[0].strip()
    host, _, port = first.rpartition(":")
    hint = (
        f"check KAFKA_SSL_CAFILE={settings.kafka_ssl_cafile or '<system CAs>'}, "
        "KAFKA_SSL_CERTFILE and the broker's host name"
    )
    try:
        async with asyncio.timeout(timeout_s):
            reader, writer = await asyncio.open_connection(
                host, int(port), ssl=ssl_context(settings), server_hostname=host
            )
    except ssl.SSLError as exc:
        return f"TLS to {first} failed: {exc.reason or exc} ({hint})"
    except (OSError, TimeoutError):
        return None  # unreachable: not a TLS matter
    try:
        # TLS 1.3: a broker that wants a client certificate says so after the handshake.
        async with asyncio.timeout(1.0):
            closed = await reader.read(1) == b""
    except ssl.SSLError as exc:
        return f"TLS to {first} failed: {exc.reason or exc} ({hint})"
    except (OSError, TimeoutError):
        closed = False
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    if closed:
        return f"TLS to {first}: the broker closed the connection after the handshake ({hint})"
    return None


async def ensure_topics(settings: ServiceSettings, names: Iterable[str]) -> None:
    """Create the topics that do not exist yet (idempotent; safe from every replica)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.service_name}-admin",
        request_timeout_ms=settings.kafka_request_timeout_ms,
        **client_security(settings),
    )
    try:
        await admin.start()
    except KafkaConnectionError as exc:
        reason = await explain_tls_failure(settings)
        await admin.close()
        if reason is not None:
            raise KafkaConnectionError(f"{exc}: {reason}") from exc
        raise
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(
                name,
                num_partitions=settings.kafka_topic_partitions,
                replication_factor=settings.kafka_replication_factor,
            )
            for name in names
            if name not in existing
        ]
        if missing:
            response = await admin.create_topics(missing)
            for topic, code, message in response.topic_errors:
                if code not in (0, TOPIC_ALREADY_EXISTS):
                    raise RuntimeError(f"cannot create topic {topic}: {message} ({code})")
            log.info("topics_created", topics=[t.name for t in missing])
    finally:
        await admin.close()


def make_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.service_name}-producer",
        acks="all",
        enable_idempotence=settings.kafka_enable_idempotence,
        linger_ms=5,
        max_batch_size=512 * 1024,
        max_request_size=MAX_EVENT_BYTES + 64 * 1024,
        request_timeout_ms=settings.kafka_request_timeout_ms,
        **client_security(settings),
    )


def make_consumer(
    settings: ServiceSettings, *, group_id: str, topics: Iterable[str]
) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.service_name}-{group_id}",
        group_id=group_id,
        # Offsets are committed by hand, after the database commit.
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=2 * 1024 * 1024,
        request_timeout_ms=max(settings.kafka_request_timeout_ms, 40_000),
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=max(settings.kafka_session_timeout_ms // 5, 100),
        metadata_max_age_ms=30_000,
        # Short fetch waits: a new event reaches its consumer in tens of milliseconds.
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        **client_security(settings),
    )


async def broker_reachable(producer: AIOKafkaProducer, timeout_s: float = 2.0) -> bool:
    """True when the producer's client can fetch cluster metadata right now."""
    try:
        async with asyncio.timeout(timeout_s):
            await producer.client.fetch_all_metadata()
        return True
    except Exception:
        return False
