"""The columns that recur across the services' tables, each declared once: the same type,
nullability and default wherever it stands, so the tables (and their migrations) agree.

Each call returns a new `Column`: a column belongs to one table.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, func
from sqlalchemy.dialects.postgresql import UUID


def user_id() -> Column[str]:
    """The customer a row belongs to (their user id, as the gateway authenticates it)."""
    return Column("user_id", String(64), nullable=False)


def user_id_key() -> Column[str]:
    """The customer, as the (first part of the) primary key: one row per customer."""
    return Column("user_id", String(64), primary_key=True)


def uuid_key(name: str) -> Column[uuid.UUID]:
    """A UUID primary key, or a part of one (the row's own id, an event's, the reservation's)."""
    return Column(name, UUID(as_uuid=True), primary_key=True)


def timestamp(name: str, *, nullable: bool = True) -> Column[datetime]:
    """A time with its zone (`timestamptz`); by default one that may not have come yet
    (null until it has)."""
    return Column(name, DateTime(timezone=True), nullable=nullable)


def timestamp_now(name: str) -> Column[datetime]:
    """A time the database sets to now when the row is inserted, unless it is given."""
    return Column(name, DateTime(timezone=True), nullable=False, server_default=func.now())


def created_at() -> Column[datetime]:
    return timestamp_now("created_at")


def updated_at() -> Column[datetime]:
    """Set on insert; the code that changes the row sets it again."""
    return timestamp_now("updated_at")


def counter(name: str, type_: type[Integer] = Integer) -> Column[int]:
    """A count that starts at 0 (`BigInteger` where it may pass two billion)."""
    return Column(name, type_, nullable=False, server_default="0")


def krw(name: str) -> Column[int]:
    """A sum of money, integer KRW (never a float), that starts at 0."""
    return counter(name, BigInteger)
