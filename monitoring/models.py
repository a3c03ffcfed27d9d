"""Monitoring's tables, in schema `monitoring`: the read model (denormalised views made
for reading) and the customers' notification settings with their delivery outboxes."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Identity,
    Index,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from msgplat.plumbing import columns
from msgplat.plumbing.tables import plumbing_tables

SCHEMA = "monitoring"
metadata = MetaData(schema=SCHEMA)

# One row per reservation. A row can exist before its ReservationRequested has arrived
# (events of other topics may come first): such a placeholder has `requested_at` NULL
# and is never served; the request fills it in.
reservation_views = Table(
    "reservation_views",
    metadata,
    columns.uuid_key("reservation_id"),
    columns.user_id(),
    Column("title", String(200), nullable=True),
    Column("msg_type", String(8), nullable=True),
    Column("purpose", String(16), nullable=False, server_default="normal"),
    Column("status", String(32), nullable=False),
    Column("status_reason", Text, nullable=True),
    columns.counter("recipient_count"),
    columns.counter("recipients_received"),
    # Message counts, added up from batches (never one row per message).
    columns.counter("accepted_count"),
    columns.counter("reported_after_submit"),
    columns.counter("delivered_count"),
    columns.counter("failed_count"),
    columns.counter("cancelled_count"),
    columns.counter("opted_out_count"),
    # KRW: the hold taken, and what of it was captured (charged) or released.
    columns.krw("amount_held_total"),
    columns.krw("amount_charged"),
    columns.krw("amount_released"),
    columns.timestamp("reserve_dt"),
    columns.timestamp("requested_at"),
    columns.timestamp("scheduled_at"),
    columns.timestamp("started_at"),
    columns.timestamp("finished_at"),
    columns.timestamp("cancelled_at"),
    # The latest SendingPaused and SendingResumed, by their own times (see domain.View).
    columns.timestamp("last_pause_at"),
    columns.timestamp("last_pause_until"),
    Column("last_pause_reason", Text, nullable=True),
    columns.timestamp("last_resume_at"),
    columns.updated_at(),
    columns.counter("version"),
    Index("ix_reservation_views_user_requested", "user_id", "requested_at"),
)

webhooks = Table(
    "webhooks",
    metadata,
    columns.uuid_key("id"),
    columns.user_id(),
    Column("url", String(2000), nullable=False),
    Column("secret", String(200), nullable=False),
    columns.created_at(),
    Index("ix_webhooks_user", "user_id"),
)

# The outbox of webhook deliveries: written in the projection's transaction, sent by
# the dispatcher. One row per (webhook, reservation, status): a redelivered or replayed
# event finds it there.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("delivery_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column(
        "webhook_id",
        UUID(as_uuid=True),
        ForeignKey("monitoring.webhooks.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("reservation_id", UUID(as_uuid=True), nullable=False),
    Column("event", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("state", String(16), nullable=False, server_default="pending"),
    Column("attempts", SmallInteger, nullable=False, server_default="0"),
    columns.timestamp_now("next_attempt_at"),
    Column("last_status_code", SmallInteger, nullable=True),
    Column("last_error", Text, nullable=True),
    columns.created_at(),
    columns.timestamp("finished_at"),
    UniqueConstraint("webhook_id", "reservation_id", "status", name="uq_delivery_per_status"),
    Index("ix_webhook_deliveries_log", "webhook_id", "id"),
    Index(
        "ix_webhook_deliveries_pending",
        "webhook_id",
        "reservation_id",
        "id",
        postgresql_where=text("state = 'pending'"),
    ),
)

alert_settings = Table(
    "alert_settings",
    metadata,
    columns.user_id_key(),
    Column("callback_num", String(32), nullable=False),
    Column("enabled", Boolean, nullable=False),
    columns.updated_at(),
)

# The customers' status alerts (a short text to their own number when a reservation
# ends), one per reservation and final status (`ref` = `<reservation id>:<status>`). The
# send service sends each (ADR 0013): `notice_id` is the id of its StatusAlertRequested
# (the idempotency key up to the charge), and its NoticeResultReported moves `state`:
# requested -> delivered | failed; `skipped` when the number was no longer a verified
# sender of the customer's. (`attempts`, `next_attempt_at`, `last_error`: rows of
# `pending` and `sent` alerts sent by this service's own carrier client before 0006.)
alerts = Table(
    "alerts",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("ref", String(100), nullable=False, unique=True),
    columns.user_id(),
    Column("reservation_id", UUID(as_uuid=True), nullable=False),
    Column("to_num", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("state", String(16), nullable=False, server_default="pending"),
    Column("attempts", SmallInteger, nullable=False, server_default="0"),
    columns.timestamp_now("next_attempt_at"),
    Column("carrier_msg_id", String(64), nullable=True),
    Column("result_code", String(16), nullable=True),
    Column("last_error", Text, nullable=True),
    columns.created_at(),
    columns.timestamp("finished_at"),
    Column("notice_id", UUID(as_uuid=True), nullable=True, unique=True),
    Column("reason", Text, nullable=True),
    Index("ix_alerts_pending", "next_attempt_at", postgresql_where=text("state = 'pending'")),
    Index("ix_alerts_user_created", "user_id", "created_at"),
)

# The customers' verified sender numbers, from the reservation service's SenderVerified
# and SenderRemoved: a status alert goes only to one of them.
verified_senders = Table(
    "verified_senders",
    metadata,
    columns.user_id_key(),
    Column("number", String(20), primary_key=True),  # national digits
    Column("e164", String(20), nullable=False),
    Column("sender_id", UUID(as_uuid=True), nullable=False),
    columns.timestamp("verified_at", nullable=False),
    Index("ix_verified_senders_sender", "sender_id"),
)

tables = plumbing_tables(metadata)
