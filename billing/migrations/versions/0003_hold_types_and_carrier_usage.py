"""hold types and carrier usage

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "holds",
        sa.Column(
            "by_type",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        schema="billing",
    )
    # Every hold so far had one type: its line is the whole hold.
    op.execute(
        """
        UPDATE billing.holds SET by_type = jsonb_build_object(
            msg_type,
            jsonb_build_object(
                'unit_price', unit_price, 'count', count,
                'captured', captured_count, 'released', released_count
            )
        )
        """
    )
    op.create_table(
        "carrier_usage",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("msg_type", sa.String(length=8), nullable=False),
        sa.Column("count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("user_id", "day", "carrier", "msg_type"),
        schema="billing",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("carrier_usage", schema="billing")
    op.drop_column("holds", "by_type", schema="billing")
