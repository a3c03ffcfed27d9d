"""alerts sent by the send service: their notice, and the customers' verified numbers

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 16:00:00.000000

Additive only: a monitoring of the previous release still serves during the rollout and
sends the alerts it queued (`pending`) itself; the new one queues `requested` ones, which
the send service sends.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("alerts", sa.Column("notice_id", sa.UUID(), nullable=True), schema="monitoring")
    op.add_column("alerts", sa.Column("reason", sa.Text(), nullable=True), schema="monitoring")
    op.create_unique_constraint(
        "alerts_notice_id_key", "alerts", ["notice_id"], schema="monitoring"
    )
    op.create_index(
        "ix_alerts_user_created",
        "alerts",
        ["user_id", "created_at"],
        unique=False,
        schema="monitoring",
    )
    op.create_table(
        "verified_senders",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("e164", sa.String(length=20), nullable=False),
        sa.Column("sender_id", sa.UUID(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "number"),
        schema="monitoring",
    )
    op.create_index(
        "ix_verified_senders_sender",
        "verified_senders",
        ["sender_id"],
        unique=False,
        schema="monitoring",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_verified_senders_sender", table_name="verified_senders", schema="monitoring")
    op.drop_table("verified_senders", schema="monitoring")
    op.drop_index("ix_alerts_user_created", table_name="alerts", schema="monitoring")
    op.drop_constraint("alerts_notice_id_key", "alerts", schema="monitoring", type_="unique")
    op.drop_column("alerts", "reason", schema="monitoring")
    op.drop_column("alerts", "notice_id", schema="monitoring")
