"""drop recipients: the list travels as ordered chunk events only (ADR 0011)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_table("recipients", schema="reservation")


def downgrade() -> None:
    """Downgrade schema: the table comes back empty (the lists are with the send service)."""
    op.create_table(
        "recipients",
        sa.Column("reservation_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("dst_num", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("reservation_id", "seq"),
        schema="reservation",
    )
