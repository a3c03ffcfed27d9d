"""purpose, personalisation and templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "reservations",
        sa.Column("purpose", sa.String(length=16), server_default="normal", nullable=False),
        schema="reservation",
    )
    op.add_column(
        "reservations",
        sa.Column("template_id", sa.UUID(), nullable=True),
        schema="reservation",
    )
    op.add_column(
        "reservations",
        sa.Column("personalised", sa.Boolean(), server_default="false", nullable=False),
        schema="reservation",
    )
    op.add_column(
        "reservations",
        sa.Column("msg_counts", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        schema="reservation",
    )
    op.add_column(
        "recipients",
        sa.Column("text", sa.Text(), nullable=True),
        schema="reservation",
    )
    op.create_table(
        "templates",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
        schema="reservation",
    )
    op.create_index(
        "ux_templates_user_name",
        "templates",
        ["user_id", "name"],
        unique=True,
        schema="reservation",
    )
    op.create_index(
        "ix_templates_user_created",
        "templates",
        ["user_id", "created_at"],
        unique=False,
        schema="reservation",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_templates_user_created", table_name="templates", schema="reservation")
    op.drop_index("ux_templates_user_name", table_name="templates", schema="reservation")
    op.drop_table("templates", schema="reservation")
    op.drop_column("recipients", "text", schema="reservation")
    op.drop_column("reservations", "msg_counts", schema="reservation")
    op.drop_column("reservations", "personalised", schema="reservation")
    op.drop_column("reservations", "template_id", schema="reservation")
    op.drop_column("reservations", "purpose", schema="reservation")
