"""Send's tables, in its own schema `send`: its copy of each reservation and message."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from msgplat.plumbing import columns
from msgplat.plumbing.tables import plumbing_tables

SCHEMA = "send"
metadata = MetaData(schema=SCHEMA)


def _carrier_answer() -> list[Column[Any]]:
    """What became of a message at the carrier (a notice is one message too): the carrier
    that took it, its id there, the result code of its report, why it failed."""
    return [
        Column("carrier", String(32), nullable=True),
        Column("carrier_msg_id", String(64), nullable=True),
        Column("result_code", String(16), nullable=True),
        Column("reason", Text, nullable=True),
    ]


def _awaiting_report(table: str) -> Index:
    """The rows at a carrier, by submit time: those whose report is overdue."""
    return Index(
        f"ix_{table}_awaiting_report",
        "submitted_at",
        postgresql_where=text("status = 'submitted'"),
    )


# One row per reservation: what to send, when, and the lease of the replica sending it.
jobs = Table(
    "jobs",
    metadata,
    columns.uuid_key("reservation_id"),
    columns.user_id(),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("msg_type", String(8), nullable=False),
    Column("callback_num", String(20), nullable=False),
    columns.timestamp("due_at", nullable=False),
    # waiting (not yet scheduled) -> scheduled -> sending -> finished | cancelled
    Column("status", String(16), nullable=False),
    Column("recipient_count", Integer, nullable=False),
    Column("chunk_count", Integer, nullable=False),
    columns.counter("chunks_received"),
    # Every message before this seq has had the carrier's answer recorded: the next
    # batch is looked for from here, not from the start of the list.
    columns.counter("next_seq"),
    Column("lease_owner", String(64), nullable=True),
    columns.timestamp("lease_until"),
    # The lease's fencing token: one more at each claim. Every write of a runner and
    # every submit names the epoch it claimed with, so a runner whose lease was taken
    # over (a long pause, a slow carrier) changes nothing and submits nothing.
    columns.counter("epoch"),
    # The last seq a runner was about to hand to a carrier (checked and set right before
    # the submit): a message claimed past the cursor but at or before it may be at the
    # carrier, so it is never submitted again (it waits for its report, else the sweep);
    # one after it never left and may be submitted (or cancelled).
    Column("handed_seq", Integer, nullable=False, server_default="-1"),
    columns.timestamp("started_at"),
    columns.created_at(),
    # The W3C traceparent of the reservation's trace (when tracing is on): the send and
    # its results, which happen later and elsewhere, join that trace.
    Column("traceparent", String(64), nullable=True),
    # normal | advertising | authentication (contracts.events.Purpose)
    Column("purpose", String(16), nullable=False, server_default="normal"),
    # Paused outside the advertising hours or the customer's sending windows: the rule
    # (advertising_hours | sending_windows) is set while paused, and the job is not
    # claimed before `paused_until` (never while it is NULL: no window opens again).
    # Set when the job cannot go on by itself (a recipient chunk was dead-lettered):
    # what the customer and the operator are told; cleared once the chunk is applied.
    Column("stuck_reason", Text, nullable=True),
    columns.timestamp("stuck_at"),
    Column("pause_rule", String(32), nullable=True),
    Column("pause_reason", Text, nullable=True),
    columns.timestamp("paused_until"),
    # When it last went on after a pause: a message's expiry counts from then, not from
    # the due time, so a send paused overnight does not expire at its first hiccup.
    columns.timestamp("resumed_at"),
    Index(
        "ix_jobs_due",
        "due_at",
        postgresql_where=text("status IN ('scheduled', 'sending')"),
    ),
    # The message search: a customer's jobs by due time.
    Index("ix_jobs_user_due", "user_id", "due_at"),
)

# The count of final messages per job. Kept apart from `jobs` so that delivery reports
# (which count) and the sender (which holds the job's lease and cursor) never wait on
# each other's row lock.
tallies = Table(
    "tallies",
    metadata,
    columns.uuid_key("reservation_id"),
    columns.counter("delivered"),
    columns.counter("failed"),
    columns.counter("cancelled"),
    columns.counter("opted_out"),
    columns.timestamp("finished_at"),
)

# One row per recipient, in list order (seq). Written with COPY from the chunk events.
messages = Table(
    "messages",
    metadata,
    Column("id", BigInteger, Identity(), unique=True, nullable=False),
    columns.uuid_key("reservation_id"),
    Column("seq", Integer, primary_key=True),
    Column("dst_num", String(20), nullable=False),
    # Personalised reservations only: this recipient's rendered text and its type (NULL:
    # the job's content and type).
    Column("text", Text, nullable=True),
    Column("msg_type", String(8), nullable=True),
    # pending -> submitted -> delivered | failed; pending -> cancelled | failed | opted_out
    Column("status", String(16), nullable=False, server_default="pending"),
    columns.counter("attempts"),
    *_carrier_answer(),
    columns.timestamp("submitted_at"),
    columns.timestamp("final_at"),
    _awaiting_report("messages"),
    # The message search: every message to a number.
    Index("ix_messages_dst_num", "dst_num", "reservation_id"),
)

# Each customer's opt-out list (numbers in E.164): advertising is never sent to them.
optouts = Table(
    "optouts",
    metadata,
    columns.user_id_key(),
    Column("number", String(20), primary_key=True),
    columns.created_at(),
)

# A customer's sending windows (at most one set): `windows` is the list as given
# ([{days, start, end}]), `purposes` the purposes they apply to.
sending_windows = Table(
    "sending_windows",
    metadata,
    columns.user_id_key(),
    Column("time_zone", String(64), nullable=False),
    Column("windows", JSONB, nullable=False),
    Column("purposes", JSONB, nullable=False),
    columns.created_at(),
    columns.updated_at(),
)

# Notices: one message each, sent on the platform's own account (notices.py): a customer's
# status alert, or the code that verifies a sender number. `notice_id` is the requester's
# idempotency key (and the carrier's ref, `notice:<id>`).
# pending -> sending -> submitted -> delivered | failed; pending | sending -> failed
notices = Table(
    "notices",
    metadata,
    columns.uuid_key("notice_id"),
    columns.user_id(),
    Column("kind", String(32), nullable=False),  # status_alert | sender_verification
    # What it is about: the reservation of a status alert, the sender of a code.
    Column("subject_id", UUID(as_uuid=True), nullable=False),
    Column("purpose", String(16), nullable=False),  # its sending windows' purpose
    Column("to_num", String(20), nullable=False),
    Column("sender", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("msg_type", String(8), nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    columns.counter("attempts"),
    # pending: when it is due; sending: until when its claim is leased.
    columns.timestamp_now("next_attempt_at"),
    # Why a pending notice waits (the customer's sending windows); NULL when it does not.
    Column("pause_reason", Text, nullable=True),
    *_carrier_answer(),
    columns.created_at(),
    columns.timestamp("submitted_at"),
    columns.timestamp("final_at"),
    Index(
        "ix_notices_due",
        "next_attempt_at",
        postgresql_where=text("status IN ('pending', 'sending')"),
    ),
    _awaiting_report("notices"),
    Index("ix_notices_user_pending", "user_id", postgresql_where=text("status = 'pending'")),
)

tables = plumbing_tables(metadata)
