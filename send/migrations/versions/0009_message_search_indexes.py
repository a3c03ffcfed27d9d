"""indexes of the message search (`GET /msgs?dstNum=&status=&from=&to=`): a number's
messages, and a customer's jobs by due time

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-20 10:00:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index("ix_messages_dst_num", "messages", ["dst_num", "reservation_id"], schema="send")
    op.create_index("ix_jobs_user_due", "jobs", ["user_id", "due_at"], schema="send")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_jobs_user_due", table_name="jobs", schema="send")
    op.drop_index("ix_messages_dst_num", table_name="messages", schema="send")
