"""The gateway's tables, in schema `gateway`: customers, their API keys, the sessions
their login tokens name, and the live stream's tickets.

The gateway is the only service that knows credentials; the others receive the
authenticated customer in the `X-Caller-*` headers (plumbing/caller.py).
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import UUID

from msgplat.plumbing import columns

SCHEMA = "gateway"
metadata = MetaData(schema=SCHEMA)

customers = Table(
    "customers",
    metadata,
    columns.user_id_key(),
    Column("role", String(16), nullable=False, server_default="customer"),
    # argon2id; null: the customer has no dashboard login, only API keys.
    Column("password_hash", String(200), nullable=True),
    Column("requests_per_second", Integer, nullable=True),
    Column("recipients_per_day", Integer, nullable=True),
    columns.created_at(),
    CheckConstraint("role IN ('customer', 'operator')", name="ck_customers_role"),
)


def _customer_id() -> Column[str]:
    """The customer a row belongs to (it goes with its customer)."""
    return Column(
        "user_id",
        String(64),
        ForeignKey(customers.c.user_id, ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


api_keys = Table(
    "api_keys",
    metadata,
    columns.uuid_key("id"),
    _customer_id(),
    Column("name", String(100), nullable=False),
    # The key's first characters, shown in listings so a customer can tell keys apart.
    Column("prefix", String(16), nullable=False),
    # SHA-256 of the whole key: keys are 256-bit random, so a slow hash adds nothing.
    Column("key_hash", String(64), nullable=False, unique=True),
    columns.created_at(),
    columns.timestamp("revoked_at"),
)

# One row per login token (its `jti`): a token works while its session is neither revoked
# (`POST /auth/logout`) nor made from a key that was revoked since.
sessions = Table(
    "sessions",
    metadata,
    columns.uuid_key("id"),
    _customer_id(),
    # The API key exchanged for the token; null: a password login.
    Column("api_key_id", UUID(as_uuid=True), ForeignKey(api_keys.c.id, ondelete="CASCADE")),
    columns.created_at(),
    columns.timestamp("expires_at", nullable=False),
    columns.timestamp("revoked_at"),
)

# Short-lived, single-use credentials of the live stream (a browser's EventSource puts
# its credential in the URL): stored as SHA-256, used once on whichever replica.
stream_tickets = Table(
    "stream_tickets",
    metadata,
    Column("ticket_hash", String(64), primary_key=True),
    Column(
        "user_id",
        String(64),
        ForeignKey(customers.c.user_id, ondelete="CASCADE"),
        nullable=False,
    ),
    columns.created_at(),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    columns.timestamp("used_at"),
)
