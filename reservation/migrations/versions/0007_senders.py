"""senders: the customers' registered and verified callback numbers, and the codes sent

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 16:00:00.000000

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
    op.create_table(
        "senders",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_attempts_left", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("codes_sent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("code_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_notice_id", sa.UUID(), nullable=True),
        sa.Column("code_delivery", sa.String(length=16), nullable=True),
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
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        schema="reservation",
    )
    op.create_index(
        "ux_senders_user_number",
        "senders",
        ["user_id", "number"],
        unique=True,
        schema="reservation",
    )
    op.create_index(
        "ix_senders_user_created",
        "senders",
        ["user_id", "created_at"],
        unique=False,
        schema="reservation",
    )

    op.create_table(
        "sender_codes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column(
            "sent_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
        schema="reservation",
    )
    op.create_index(
        "ix_sender_codes_number_sent",
        "sender_codes",
        ["number", "sent_at"],
        unique=False,
        schema="reservation",
    )
    op.create_index(
        "ix_sender_codes_user_sent",
        "sender_codes",
        ["user_id", "sent_at"],
        unique=False,
        schema="reservation",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_sender_codes_user_sent", table_name="sender_codes", schema="reservation")
    op.drop_index("ix_sender_codes_number_sent", table_name="sender_codes", schema="reservation")
    op.drop_table("sender_codes", schema="reservation")
    op.drop_index("ix_senders_user_created", table_name="senders", schema="reservation")
    op.drop_index("ux_senders_user_number", table_name="senders", schema="reservation")
    op.drop_table("senders", schema="reservation")
