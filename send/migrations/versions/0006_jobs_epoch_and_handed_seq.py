"""jobs: the lease's fencing token (epoch) and the last seq that may be at a carrier

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:30:00.000000

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
    op.add_column(
        "jobs", sa.Column("epoch", sa.Integer(), server_default="0", nullable=False), schema="send"
    )
    op.add_column(
        "jobs",
        sa.Column("handed_seq", sa.Integer(), server_default="-1", nullable=False),
        schema="send",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("jobs", "handed_seq", schema="send")
    op.drop_column("jobs", "epoch", schema="send")
