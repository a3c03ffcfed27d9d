"""notices: status alerts and sender verification codes, sent on the platform's account

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 16:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "notices",
        sa.Column("notice_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.UUID(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("to_num", sa.String(length=20), nullable=False),
        sa.Column("sender", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("msg_type", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("carrier", sa.String(length=32), nullable=True),
        sa.Column("carrier_msg_id", sa.String(length=64), nullable=True),
        sa.Column("result_code", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("final_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("notice_id"),
        schema="send",
    )
    op.create_index(
        "ix_notices_due",
        "notices",
        ["next_attempt_at"],
        unique=False,
        schema="send",
        postgresql_where=sa.text("status IN ('pending', 'sending')"),
    )
    op.create_index(
        "ix_notices_awaiting_report",
        "notices",
        ["submitted_at"],
        unique=False,
        schema="send",
        postgresql_where=sa.text("status = 'submitted'"),
    )
    op.create_index(
        "ix_notices_user_pending",
        "notices",
        ["user_id"],
        unique=False,
        schema="send",
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_notices_user_pending", table_name="notices", schema="send")
    op.drop_index("ix_notices_awaiting_report", table_name="notices", schema="send")
    op.drop_index("ix_notices_due", table_name="notices", schema="send")
    op.drop_table("notices", schema="send")
