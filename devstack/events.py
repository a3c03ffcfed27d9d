"""Watch the events on the topics, decoded: the project's own console consumer.

    python -m msgplat.devstack.events tail [--topic T ...] [--from-beginning]
        [--type X ...] [--reservation ID] [--limit N] [--json]

Follows one or every topic of the catalogue (from the end, or from the beginning), and
prints each record's envelope: topic, partition and offset, key, type and version,
trace id, and the payload. It joins no consumer group and commits nothing, so watching
never moves a service's offsets. The broker and its security are the services' own
settings (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, ...): any Kafka they name.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from msgplat.contracts.topics import ALL_TOPICS
from msgplat.plumbing.kafka import client_security
from msgplat.plumbing.settings import ServiceSettings, load_settings
from msgplat.plumbing.tracing import TRACEPARENT


class TailSettings(ServiceSettings):
    """The services' Kafka settings; this tool touches no database (any URL will do)."""

    service_name: str = "events-tail"
    database_url: str = "postgresql://unused@localhost/unused"


def decoded(record: ConsumerRecord[bytes, bytes]) -> dict[str, Any]:
    """The record as one JSON object: where it is, its envelope, and its trace id."""
    headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
    try:
        envelope: dict[str, Any] = json.loads(record.value or b"")
    except ValueError:
        envelope = {"undecodable": (record.value or b"")[:200].decode(errors="replace")}
    traceparent = headers.get(TRACEPARENT, "")
    return {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": (record.key or b"").decode(errors="replace"),
        "type": envelope.get("event_type"),
        "version": envelope.get("schema_version"),
        "traceId": traceparent.split("-")[1] if traceparent.count("-") == 3 else None,
        "correlationId": envelope.get("correlation_id"),
        "occurredAt": envelope.get("occurred_at"),
        "userId": envelope.get("user_id"),
        "payload": envelope.get("payload", envelope),
    }


def wanted(event: dict[str, Any], types: Sequence[str], reservation: str | None) -> bool:
    if types and event["type"] not in types:
        return False
    return reservation is None or reservation in (
        event["key"],
        str(event["payload"].get("reservation_id", "")),
    )


def show(event: dict[str, Any], out: TextIO, as_json: bool) -> None:
    if as_json:
        out.write(json.dumps(event, ensure_ascii=False) + "\n")
    else:
        out.write(
            f"{event['topic']}[{event['partition']}]@{event['offset']} key={event['key']} "
            f"{event['type']} v{event['version']} trace={event['traceId'] or '-'} "
            f"at={event['occurredAt']}\n  {json.dumps(event['payload'], ensure_ascii=False)}\n"
        )
    out.flush()


async def tail(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    settings = load_settings(TailSettings)
    consumer = AIOKafkaConsumer(
        *(args.topic or ALL_TOPICS),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id="events-tail",
        group_id=None,  # no group: nothing committed, no service's offsets touched
        enable_auto_commit=False,
        auto_offset_reset="earliest" if args.from_beginning else "latest",
        metadata_max_age_ms=5_000,  # topics created after the start are found soon
        **client_security(settings),
    )
    await consumer.start()
    shown = 0
    try:
        async for record in consumer:
            event = decoded(record)
            if wanted(event, args.type or (), args.reservation):
                show(event, out, args.json)
                shown += 1
                if args.limit and shown >= args.limit:
                    break
    finally:
        await consumer.stop()
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m msgplat.devstack.events", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    follow = commands.add_parser("tail", help="follow topics and print each decoded event")
    follow.add_argument("--topic", action="append", choices=ALL_TOPICS, help="repeatable; all")
    follow.add_argument("--from-beginning", action="store_true", help="else only new ones")
    follow.add_argument("--type", action="append", help="only this event type (repeatable)")
    follow.add_argument("--reservation", help="only this reservation id's events")
    follow.add_argument("--limit", type=int, default=0, help="stop after N events")
    follow.add_argument("--json", action="store_true", help="one JSON object a line")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    try:
        return asyncio.run(tail(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
