"""Notices: when each complaint next owes one (``notify_at``), and where each operator is reached; and the
NIP each operator signs a document with.

``sop notify`` reads only the complaints whose ``notify_at`` has come, through
its index, so a logbook of ten thousand open complaints with nothing to say
costs a lookup. Open complaints already in the logbook are looked at on the
first run (from their latest entry); closed ones owe nothing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("complaint", sa.Column("notify_at", sa.DateTime(), nullable=True))
    op.create_index("ix_complaint_notify_at", "complaint", ["notify_at"])
    op.execute("UPDATE complaint SET notify_at = last_at WHERE status = 'open'")
    # JSON array of Apprise URLs: where the operator hears of the steps they act on
    op.add_column("operator", sa.Column("notify", sa.Text(), nullable=False, server_default="[]"))
    op.add_column("operator", sa.Column("nip", sa.String(), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_complaint_notify_at", table_name="complaint")
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("notify_at")
    with op.batch_alter_table("operator") as batch:
        batch.drop_column("nip")
        batch.drop_column("notify")
