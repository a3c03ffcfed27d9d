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
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from msgplat.plumbing.tables import idempotency_table, plumbing_tables

SCHEMA = "billing"
metadata = MetaData(schema=SCHEMA)

accounts = Table(
    "accounts",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("available", BigInteger, nullable=False, server_default="0"),
    Column("held", BigInteger, nullable=False, server_default="0"),
    Column("charged", BigInteger, nullable=False, server_default="0"),
    # Sum of every top-up: available + held + charged == topped_up, always.
    Column("topped_up", BigInteger, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("available >= 0 AND held >= 0 AND charged >= 0", name="balance_not_negative"),
)

# kind: topup (+available), hold (-available +held), capture (-held +charged),
# release (-held +available). `amount` is always >= 0; the kind gives the direction.
ledger = Table(
    "ledger",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", String(64), nullable=False),
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
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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
    Column("reservation_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("msg_type", String(8), nullable=False),
    Column("unit_price", Integer, nullable=False),
    Column("count", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("held", BigInteger, nullable=False),
    Column("captured_count", Integer, nullable=False, server_default="0"),
    Column("captured_amount", BigInteger, nullable=False, server_default="0"),
    Column("released_count", Integer, nullable=False, server_default="0"),
    Column("released_amount", BigInteger, nullable=False, server_default="0"),
    Column("reason", String(300), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("by_type", JSONB, nullable=False, server_default="{}"),
    CheckConstraint("held >= 0", name="held_not_negative"),
)

settled_messages = Table(
    "settled_messages",
    metadata,
    Column("reservation_id", UUID(as_uuid=True), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("captured", Boolean, nullable=False, doc="true: delivered and charged; false: released"),
)

# Captured (charged) messages per customer, Seoul day of the settlement, carrier and
# type: bumped in the settlement's transaction, read by GET /billings/usage.
carrier_usage = Table(
    "carrier_usage",
    metadata,
    Column("user_id", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("msg_type", String(8), nullable=False),
    Column("count", BigInteger, nullable=False, server_default="0"),
    Column("amount", BigInteger, nullable=False, server_default="0"),
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
    Column("notice_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("msg_type", String(8), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("paid", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_notice_charges_user_at", "user_id", "at"),
)

tables = plumbing_tables(metadata)
