"""The plumbing tables every service has in its own schema: outbox, inbox, dead letters,
parked outbox rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from msgplat.plumbing import columns


@dataclass(frozen=True)
class PlumbingTables:
    outbox: Table
    inbox: Table
    dead_letters: Table
    outbox_parked: Table


def _event_columns() -> list[Column[Any]]:
    """An event as the outbox holds it (and a parked row keeps it)."""
    return [
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("value", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    ]


def plumbing_tables(metadata: MetaData) -> PlumbingTables:
    """Declare the outbox, inbox and dead-letter tables on a service's metadata."""
    outbox = Table(
        "outbox",
        metadata,
        # Identity order is publish order: the relay reads by id.
        Column("id", BigInteger, Identity(), primary_key=True),
        *_event_columns(),
        columns.created_at(),
        columns.timestamp("published_at"),
        Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer_group", String(200), primary_key=True),
        columns.uuid_key("event_id"),
        Column("event_type", String(200), nullable=False),
        columns.timestamp_now("applied_at"),
    )
    dead_letters = Table(
        "dead_letters",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("consumer_group", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("event_id", UUID(as_uuid=True), nullable=True),
        Column("value", LargeBinary, nullable=False),
        Column("error", Text, nullable=False),
        columns.created_at(),
    )
    # Outbox rows the broker will never take (too large, topic refused): moved here with
    # the error, keeping their outbox id, so that `retry` puts them back in their place.
    # The later rows of the same topic and key wait behind them (plumbing/outbox.py).
    outbox_parked = Table(
        "outbox_parked",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=False),
        *_event_columns(),
        columns.timestamp("created_at", nullable=False),
        Column("error", Text, nullable=False),
        columns.timestamp_now("parked_at"),
        Index("ix_outbox_parked_topic_key", "topic", "key"),
    )
    return PlumbingTables(
        outbox=outbox, inbox=inbox, dead_letters=dead_letters, outbox_parked=outbox_parked
    )


def idempotency_table(metadata: MetaData, name: str, *extra: Column[Any]) -> Table:
    """The table of a service's `Idempotency-Key`s (`plumbing.idempotency`): per customer
    and key, the hash of the request body and the response first given; `extra` columns
    after the hash."""
    return Table(
        name,
        metadata,
        columns.user_id_key(),
        Column("key", String(200), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        *extra,
        Column("response", JSONB, nullable=False),
        columns.created_at(),
    )
