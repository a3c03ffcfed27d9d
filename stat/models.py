"""Stat's tables, in its own schema `stat`: counters per customer-day and per reservation.

Counters are plain integer columns bumped with `count = count + excluded.count`, so a
batch of results is a handful of upserts, never a re-count. `counted_results` is the
natural-key guard that makes each message's result count once, whatever arrives twice.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import UUID

from msgplat.plumbing import columns
from msgplat.plumbing.tables import plumbing_tables

SCHEMA = "stat"
metadata = MetaData(schema=SCHEMA)


def _counter(name: str) -> Column[int]:
    return columns.counter(name, BigInteger)


# One row per customer and Asia/Seoul day.
daily_stats = Table(
    "daily_stats",
    metadata,
    columns.user_id(),
    Column("day", Date, nullable=False),
    _counter("requested"),
    _counter("delivered"),
    _counter("failed"),
    _counter("cancelled"),
    _counter("rejected"),
    _counter("opted_out"),
    PrimaryKeyConstraint("user_id", "day"),
)

# Delivered and failed messages per customer, day and carrier (the carrier that took
# them; a result naming none is in no carrier's counts).
daily_carrier_stats = Table(
    "daily_carrier_stats",
    metadata,
    columns.user_id(),
    Column("day", Date, nullable=False),
    Column("carrier", String(64), nullable=False),
    _counter("delivered"),
    _counter("failed"),
    PrimaryKeyConstraint("user_id", "day", "carrier"),
)

# Failed messages per customer, day and result code (a child table, not a JSONB map:
# concurrent upserts of different codes then never rewrite each other's counts).
daily_failures = Table(
    "daily_failures",
    metadata,
    columns.user_id(),
    Column("day", Date, nullable=False),
    Column("code", String(32), nullable=False),
    _counter("count"),
    PrimaryKeyConstraint("user_id", "day", "code"),
)

# One row per reservation. A result may overtake its reservation's request (they come
# on different topics), so a row can exist before `requested_at` is known.
reservation_stats = Table(
    "reservation_stats",
    metadata,
    columns.uuid_key("reservation_id"),
    columns.user_id(),
    _counter("requested"),
    _counter("delivered"),
    _counter("failed"),
    _counter("cancelled"),
    _counter("rejected"),
    _counter("opted_out"),
    columns.timestamp("requested_at"),
    columns.timestamp("rejected_at"),
    columns.updated_at(),
)

reservation_failures = Table(
    "reservation_failures",
    metadata,
    Column("reservation_id", UUID(as_uuid=True), nullable=False),
    Column("code", String(32), nullable=False),
    _counter("count"),
    PrimaryKeyConstraint("reservation_id", "code"),
)

# Every (reservation, seq) whose result has been counted: the per-message guard.
counted_results = Table(
    "counted_results",
    metadata,
    Column("reservation_id", UUID(as_uuid=True), nullable=False),
    Column("seq", Integer, nullable=False),
    PrimaryKeyConstraint("reservation_id", "seq"),
)

tables = plumbing_tables(metadata)
