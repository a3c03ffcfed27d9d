"""Monitoring's tables, in schema `monitoring`: the read model (denormalised views made
for reading) and the customers' notification settings with their delivery outboxes."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from msgplat.plumbing.tables import plumbing_tables

SCHEMA = "monitoring"
metadata = MetaData(schema=SCHEMA)

# One row per reservation. A row can exist before its ReservationRequested has arrived
# (events of other topics may come first): such a placeholder has `requested_at` NULL
# and is never served; the request fills it in.
reservation_views = Table(
    "reservation_views",
    metadata,
    Column("reservation_id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("title", String(200), nullable=True),
    Column("msg_type", String(8), nullable=True),
    Column("purpose", String(16), nullable=False, server_default="normal"),
    Column("status", String(32), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("recipient_count", Integer, nullable=False, server_default="0"),
    Column("recipients_received", Integer, nullable=False, server_default="0"),
    # Message counts, added up from batches (never one row per message).
    Column("accepted_count", Integer, nullable=False, server_default="0"),
    Column("reported_after_submit", Integer, nullable=False, server_default="0"),
    Column("delivered_count", Integer, nullable=False, server_default="0"),
    Column("failed_count", Integer, nullable=False, server_default="0"),
    Column("cancelled_count", Integer, nullable=False, server_default="0"),
    Column("opted_out_count", Integer, nullable=False, server_default="0"),
    # KRW: the hold taken, and what of it was captured (charged) or released.
    Column("amount_held_total", BigInteger, nullable=False, server_default="0"),
    Column("amount_charged", BigInteger, nullable=False, server_default="0"),
    Column("amount_released", BigInteger, nullable=False, server_default="0"),
    Column("reserve_dt", DateTime(timezone=True), nullable=True),
    Column("requested_at", DateTime(timezone=True), nullable=True),
    Column("scheduled_at", DateTime(timezone=True), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("cancelled_at", DateTime(timezone=True), nullable=True),
    # The latest SendingPaused and SendingResumed, by their own times (see domain.View).
    Column("last_pause_at", DateTime(timezone=True), nullable=True),
    Column("last_pause_until", DateTime(timezone=True), nullable=True),
    Column("last_pause_reason", Text, nullable=True),
    Column("last_resume_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("version", Integer, nullable=False, server_default="0"),
    Index("ix_reservation_views_user_requested", "user_id", "requested_at"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("secret", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_status_code", SmallInteger, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True), nullable=True),
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
    Column("user_id", String(64), primary_key=True),
    Column("callback_num", String(32), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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
    Column("user_id", String(64), nullable=False),
    Column("reservation_id", UUID(as_uuid=True), nullable=False),
    Column("to_num", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("state", String(16), nullable=False, server_default="pending"),
    Column("attempts", SmallInteger, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("carrier_msg_id", String(64), nullable=True),
    Column("result_code", String(16), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True), nullable=True),
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
    Column("user_id", String(64), primary_key=True),
    Column("number", String(20), primary_key=True),  # national digits
    Column("e164", String(20), nullable=False),
    Column("sender_id", UUID(as_uuid=True), nullable=False),
    Column("verified_at", DateTime(timezone=True), nullable=False),
    Index("ix_verified_senders_sender", "sender_id"),
)

tables = plumbing_tables(metadata)
