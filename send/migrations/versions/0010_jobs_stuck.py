"""jobs stuck: why a job cannot go on (a dead-lettered recipient chunk)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("stuck_reason", sa.Text(), nullable=True), schema="send")
    op.add_column(
        "jobs", sa.Column("stuck_at", sa.DateTime(timezone=True), nullable=True), schema="send"
    )


def downgrade() -> None:
    op.drop_column("jobs", "stuck_at", schema="send")
    op.drop_column("jobs", "stuck_reason", schema="send")
