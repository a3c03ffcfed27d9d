"""ledger actor: who made a top-up

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Top-ups made before this revision do not say who made them: their actor stays NULL.
    op.add_column(
        "ledger", sa.Column("actor", sa.String(length=100), nullable=True), schema="billing"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("ledger", "actor", schema="billing")
