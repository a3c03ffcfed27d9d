"""opt-out lists, sending windows, personalised messages, pauses

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 17:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "jobs",
        sa.Column("purpose", sa.String(length=16), server_default="normal", nullable=False),
        schema="send",
    )
    op.add_column(
        "jobs", sa.Column("pause_rule", sa.String(length=32), nullable=True), schema="send"
    )
    op.add_column("jobs", sa.Column("pause_reason", sa.Text(), nullable=True), schema="send")
    op.add_column(
        "jobs",
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        schema="send",
    )
    op.add_column(
        "jobs", sa.Column("resumed_at", sa.DateTime(timezone=True), nullable=True), schema="send"
    )
    op.add_column(
        "tallies",
        sa.Column("opted_out", sa.Integer(), server_default="0", nullable=False),
        schema="send",
    )
    op.add_column("messages", sa.Column("text", sa.Text(), nullable=True), schema="send")
    op.add_column(
        "messages", sa.Column("msg_type", sa.String(length=8), nullable=True), schema="send"
    )
    op.create_table(
        "optouts",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("user_id", "number"),
        schema="send",
    )
    op.create_table(
        "sending_windows",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("windows", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("purposes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("user_id"),
        schema="send",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("sending_windows", schema="send")
    op.drop_table("optouts", schema="send")
    op.drop_column("messages", "msg_type", schema="send")
    op.drop_column("messages", "text", schema="send")
    op.drop_column("tallies", "opted_out", schema="send")
    op.drop_column("jobs", "resumed_at", schema="send")
    op.drop_column("jobs", "paused_until", schema="send")
    op.drop_column("jobs", "pause_reason", schema="send")
    op.drop_column("jobs", "pause_rule", schema="send")
    op.drop_column("jobs", "purpose", schema="send")
