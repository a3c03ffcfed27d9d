"""Billing's tables, in its own schema `billing`.

Money is integer KRW (BigInteger), never floats. `accounts` holds the running
balance; `ledger` the append-only entries it is derived from; `holds` one row per
reservation (its natural key: a redelivered request can never hold twice);
`notice_charges` one row per charged notice (a status alert);
`settled_messages` one row per settled message (its natural key: a redelivered or
contradicting result can never settle a message twice); and `carrier_usage` the
captured messages per customer, Seoul day, carrier and type (the usage by carrier).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from msgplat.plumbing import columns
from msgplat.plumbing.tables import idempotency_table, plumbing_tables

SCHEMA = "billing"
metadata = MetaData(schema=SCHEMA)

accounts = Table(
    "accounts",
    metadata,
    columns.user_id_key(),
    columns.krw("available"),
    columns.krw("held"),
    columns.krw("charged"),
    # Sum of every top-up: available + held + charged == topped_up, always.
    columns.krw("topped_up"),
    columns.created_at(),
    columns.updated_at(),
    CheckConstraint("available >= 0 AND held >= 0 AND charged >= 0", name="balance_not_negative"),
)

# kind: topup (+available), hold (-available +held), capture (-held +charged),
# release (-held +available). `amount` is always >= 0; the kind gives the direction.
ledger = Table(
    "ledger",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    columns.user_id(),
    Column("kind", String(16), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("count", Integer, nullable=True, doc="Messages the entry is for"),
    Column("msg_type", String(8), nullable=True),
    Column("reservation_id", UUID(as_uuid=True), nullable=True),
    Column("event_id", UUID(as_uuid=True), nullable=True, doc="The event that caused it"),
    Column("note", String(200), nullable=True),
    # Who made a top-up: an operator's user id, `cli:<name>`, `DEMO_ACCOUNTS`, `internal`.
    Column("actor", String(100), nullable=True),
    Column("available_after", BigInteger, nullable=False),
    Column("held_after", BigInteger, nullable=False),
    Column("charged_after", BigInteger, nullable=False),
    columns.timestamp_now("at"),
    CheckConstraint("amount >= 0", name="amount_not_negative"),
    Index("ix_ledger_user_id", "user_id", "id"),
    Index("ix_ledger_user_kind_at", "user_id", "kind", "at"),
)

# status: open (something may still be held) -> closed; refused (nothing was held).
# msg_type / unit_price: the reservation's (largest) type and its price; `by_type` has
# what settlement needs per type: {"SMS": {"unit_price", "count", "captured",
# "released"}, ...} (personalised reservations mix types; prices as when held).
holds = Table(
    "holds",
    metadata,
    columns.uuid_key("reservation_id"),
    columns.user_id(),
    Column("status", String(16), nullable=False),
    Column("msg_type", String(8), nullable=False),
    Column("unit_price", Integer, nullable=False),
    Column("count", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("held", BigInteger, nullable=False),
    columns.counter("captured_count"),
    columns.krw("captured_amount"),
    columns.counter("released_count"),
    columns.krw("released_amount"),
    Column("reason", String(300), nullable=True),
    columns.created_at(),
    columns.timestamp("closed_at"),
    Column("by_type", JSONB, nullable=False, server_default="{}"),
    CheckConstraint("held >= 0", name="held_not_negative"),
)

settled_messages = Table(
    "settled_messages",
    metadata,
    columns.uuid_key("reservation_id"),
    Column("seq", Integer, primary_key=True),
    Column("captured", Boolean, nullable=False, doc="true: delivered and charged; false: released"),
)

# Captured (charged) messages per customer, Seoul day of the settlement, carrier and
# type: bumped in the settlement's transaction, read by GET /billings/usage.
carrier_usage = Table(
    "carrier_usage",
    metadata,
    columns.user_id(),
    Column("day", Date, nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("msg_type", String(8), nullable=False),
    columns.counter("count", BigInteger),
    columns.krw("amount"),
    PrimaryKeyConstraint("user_id", "day", "carrier", "msg_type"),
)

# A retried POST /billings/topups with the same Idempotency-Key answers the first result.
topup_keys = idempotency_table(metadata, "topup_keys")

# One row per charged notice (a customer's status alert, sent by send on the platform's
# account): its natural key, so a notice is charged once. `paid` is false when the
# available balance could not pay it (nothing was debited).
notice_charges = Table(
    "notice_charges",
    metadata,
    columns.uuid_key("notice_id"),
    columns.user_id(),
    Column("msg_type", String(8), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("paid", Boolean, nullable=False),
    columns.timestamp_now("at"),
    Index("ix_notice_charges_user_at", "user_id", "at"),
)

tables = plumbing_tables(metadata)
