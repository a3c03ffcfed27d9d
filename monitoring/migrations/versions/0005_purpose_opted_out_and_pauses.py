"""purpose, opted out and pauses

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def new_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("purpose", sa.String(length=16), server_default="normal", nullable=False),
        sa.Column("opted_out_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_pause_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_pause_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_pause_reason", sa.Text(), nullable=True),
        sa.Column("last_resume_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    """Upgrade schema."""
    for column in new_columns():
        op.add_column("reservation_views", column, schema="monitoring")


def downgrade() -> None:
    """Downgrade schema."""
    for column in reversed(new_columns()):
        op.drop_column("reservation_views", column.name, schema="monitoring")
