"""Reservation's tables, in its own schema `reservation`."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from msgplat.plumbing.tables import plumbing_tables

SCHEMA = "reservation"
metadata = MetaData(schema=SCHEMA)

reservations = Table(
    "reservations",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("msg_type", String(8), nullable=False),
    Column("callback_num", String(20), nullable=False),
    Column("reserve_dt", DateTime(timezone=True), nullable=False),
    Column("status", String(32), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("recipient_count", Integer, nullable=False),
    Column("duplicates_dropped", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("purpose", String(16), nullable=False, server_default="normal"),
    Column("template_id", UUID(as_uuid=True), nullable=True),
    Column("personalised", Boolean, nullable=False, server_default="false"),
    # Messages per type ({"SMS": n, "LMS": m}); null on reservations older than it.
    Column("msg_counts", JSONB, nullable=True),
    Index("ix_reservations_user_created", "user_id", "created_at"),
)

# No table of recipients: the list travels once, as ordered chunk events in the outbox
# (ADR 0003), and the send service keeps it (ADR 0011).

# A retried POST with the same Idempotency-Key answers the first result.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("reservation_id", UUID(as_uuid=True), nullable=False),
    Column("response", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Recipients reserved per customer and Seoul day, against their daily quota (the
# gateway passes it on). Counted in the transaction that stores the reservation.
daily_recipients = Table(
    "daily_recipients",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("recipients", Integer, nullable=False),
)

# A customer's reusable title and content, with #{variables}; names unique per customer.
templates = Table(
    "templates",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("name", String(100), nullable=False),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ux_templates_user_name", "user_id", "name", unique=True),
    Index("ix_templates_user_created", "user_id", "created_at"),
)

tables = plumbing_tables(metadata)
