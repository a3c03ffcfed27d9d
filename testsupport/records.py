"""Event envelopes as the Kafka records a consumer polls, for driving
`IdempotentConsumer.apply()` without a broker."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from aiokafka import ConsumerRecord

from msgplat.contracts.events import CATALOGUE
from msgplat.plumbing.envelope import EventEnvelope

_offsets = itertools.count()


def as_records(envelopes: Iterable[EventEnvelope]) -> list[ConsumerRecord]:
    """Envelopes as the Kafka records a consumer polls (each delivery a new offset),
    for driving `IdempotentConsumer.apply()` without a broker in projection tests."""
    records = []
    for envelope in envelopes:
        value = envelope.to_bytes()
        records.append(
            ConsumerRecord(
                topic=CATALOGUE[envelope.event_type].topic,
                partition=0,
                offset=next(_offsets),
                timestamp=0,
                timestamp_type=0,
                key=envelope.key,
                value=value,
                checksum=None,
                serialized_key_size=len(envelope.key),
                serialized_value_size=len(value),
                headers=envelope.headers(),
            )
        )
    return records
