"""Kafka clients (aiokafka), built the same way for every service.

The code speaks only the Kafka protocol, so it runs against Apache Kafka in
production and the Tansu broker locally.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from msgplat.plumbing.envelope import MAX_EVENT_BYTES
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.settings import ServiceSettings

log = get_logger(__name__)

TOPIC_ALREADY_EXISTS = TopicAlreadyExistsError.errno


async def ensure_topics(settings: ServiceSettings, names: Iterable[str]) -> None:
    """Create the topics that do not exist yet (idempotent; safe from every replica)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.service_name}-admin",
        request_timeout_ms=settings.kafka_request_timeout_ms,
    )
    await admin.start()
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
        fetch_max_wait_ms=50,
    )


async def broker_reachable(producer: AIOKafkaProducer, timeout_s: float = 2.0) -> bool:
    """True when the producer's client can fetch cluster metadata right now."""
    try:
        async with asyncio.timeout(timeout_s):
            await producer.client.fetch_all_metadata()
        return True
    except Exception:
        return False
