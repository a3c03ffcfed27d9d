"""index of a customer's reservations by reserved time (the list's period filter and the
upcoming view)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-20 10:00:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        "ix_reservations_user_reserve_dt",
        "reservations",
        ["user_id", "reserve_dt"],
        unique=False,
        schema="reservation",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(
        "ix_reservations_user_reserve_dt", table_name="reservations", schema="reservation"
    )
