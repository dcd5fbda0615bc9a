"""The queue oldest first reads an index in its order: (status, received_at, id).

Without it the database takes the status index and sorts every open complaint
to show the first hundred.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_complaint_status_received", "complaint", ["status", "received_at", "id"])
    op.execute("ANALYZE complaint")  # this table only: a bare ANALYZE on PostgreSQL takes every schema's tables


def downgrade() -> None:
    op.drop_index("ix_complaint_status_received", table_name="complaint")
