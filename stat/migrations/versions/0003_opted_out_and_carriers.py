"""opted out and carriers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    for table in ("daily_stats", "reservation_stats"):
        op.add_column(
            table,
            sa.Column("opted_out", sa.BigInteger(), server_default="0", nullable=False),
            schema="stat",
        )
    op.create_table(
        "daily_carrier_stats",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("delivered", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("failed", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("user_id", "day", "carrier"),
        schema="stat",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("daily_carrier_stats", schema="stat")
    for table in ("reservation_stats", "daily_stats"):
        op.drop_column(table, "opted_out", schema="stat")
