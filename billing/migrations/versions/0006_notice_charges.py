"""notice charges: the customers' status alerts, charged on delivery

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "notice_charges",
        sa.Column("notice_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("msg_type", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("notice_id"),
        schema="billing",
    )
    op.create_index(
        "ix_notice_charges_user_at",
        "notice_charges",
        ["user_id", "at"],
        unique=False,
        schema="billing",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_notice_charges_user_at", table_name="notice_charges", schema="billing")
    op.drop_table("notice_charges", schema="billing")
