"""Monitoring's tables: denormalised views made for reading, in schema `monitoring`."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text, func
from sqlalchemy.dialects.postgresql import UUID

from msgplat.plumbing.tables import plumbing_tables

SCHEMA = "monitoring"
metadata = MetaData(schema=SCHEMA)

reservation_views = Table(
    "reservation_views",
    metadata,
    Column("reservation_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("msg_type", String(8), nullable=False),
    Column("status", String(32), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("recipient_count", Integer, nullable=False),
    Column("recipients_received", Integer, nullable=False, server_default="0"),
    Column("reserve_dt", DateTime(timezone=True), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("scheduled_at", DateTime(timezone=True), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("cancelled_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_reservation_views_user_requested", "user_id", "requested_at"),
)

tables = plumbing_tables(metadata)
