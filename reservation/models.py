"""Reservation's tables, in its own schema `reservation`."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Identity,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from msgplat.plumbing import columns
from msgplat.plumbing.tables import idempotency_table, plumbing_tables

SCHEMA = "reservation"
metadata = MetaData(schema=SCHEMA)

reservations = Table(
    "reservations",
    metadata,
    columns.uuid_key("id"),
    columns.user_id(),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("msg_type", String(8), nullable=False),
    Column("callback_num", String(20), nullable=False),
    columns.timestamp("reserve_dt", nullable=False),
    Column("status", String(32), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("recipient_count", Integer, nullable=False),
    Column("duplicates_dropped", Integer, nullable=False),
    columns.created_at(),
    columns.updated_at(),
    Column("purpose", String(16), nullable=False, server_default="normal"),
    Column("template_id", UUID(as_uuid=True), nullable=True),
    Column("personalised", Boolean, nullable=False, server_default="false"),
    # Messages per type ({"SMS": n, "LMS": m}); null on reservations older than it.
    Column("msg_counts", JSONB, nullable=True),
    Index("ix_reservations_user_created", "user_id", "created_at"),
    Index("ix_reservations_user_reserve_dt", "user_id", "reserve_dt"),
)

# No table of recipients: the list travels once, as ordered chunk events in the outbox
# (ADR 0003), and the send service keeps it (ADR 0011).

# A retried POST with the same Idempotency-Key answers the first result.
idempotency_keys = idempotency_table(
    metadata, "idempotency_keys", Column("reservation_id", UUID(as_uuid=True), nullable=False)
)

# Recipients reserved per customer and Seoul day, against their daily quota (the
# gateway passes it on). Counted in the transaction that stores the reservation.
daily_recipients = Table(
    "daily_recipients",
    metadata,
    columns.user_id_key(),
    Column("day", Date, primary_key=True),
    Column("recipients", Integer, nullable=False),
)

# A customer's reusable title and content, with #{variables}; names unique per customer.
templates = Table(
    "templates",
    metadata,
    columns.uuid_key("id"),
    columns.user_id(),
    Column("name", String(100), nullable=False),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("purpose", String(16), nullable=False),
    columns.created_at(),
    columns.updated_at(),
    Index("ux_templates_user_name", "user_id", "name", unique=True),
    Index("ix_templates_user_created", "user_id", "created_at"),
)

# A customer's sender numbers (발신번호 사전등록): a reservation's callbackNum must be one of
# theirs, verified (domain/senders.py). `number` in national digits, as callbackNum is
# kept. The outstanding code is kept only as a hash; the notice that carried it to the
# number (send) reports whether it was delivered (`code_delivery`).
senders = Table(
    "senders",
    metadata,
    columns.uuid_key("id"),
    columns.user_id(),
    Column("number", String(20), nullable=False),
    Column("status", String(16), nullable=False),  # pending | verified
    Column("method", String(16), nullable=True),  # code | operator, once verified
    Column("note", String(500), nullable=True),  # the operator's, when approved
    Column("approved_by", String(64), nullable=True),
    Column("code_hash", String(64), nullable=True),
    columns.timestamp("code_expires_at"),
    Column("code_attempts_left", SmallInteger, nullable=False, server_default="0"),
    columns.counter("codes_sent"),
    columns.timestamp("code_sent_at"),
    Column("code_notice_id", UUID(as_uuid=True), nullable=True),
    Column("code_delivery", String(16), nullable=True),  # sending | delivered | failed
    columns.created_at(),
    columns.updated_at(),
    columns.timestamp("verified_at"),
    Index("ux_senders_user_number", "user_id", "number", unique=True),
    Index("ix_senders_user_created", "user_id", "created_at"),
)

# Every code sent to a number, kept a day: the daily budgets per number (whoever asks:
# no number is flooded with codes, and guessing one takes days) and per customer (codes
# are free: they are no free channel either).
sender_codes = Table(
    "sender_codes",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    columns.user_id(),
    Column("number", String(20), nullable=False),
    columns.timestamp_now("sent_at"),
    Index("ix_sender_codes_number_sent", "number", "sent_at"),
    Index("ix_sender_codes_user_sent", "user_id", "sent_at"),
)

tables = plumbing_tables(metadata)
