"""Open complaints by deadline read one index in its order: (status, due_at, id) replaces (status).

The report's most overdue cases (status open, deadline passed, by deadline) were
read through the status index and sorted whole whenever the database had no
statistics, as a logbook grown one complaint at a time never has. An index led
by status serves every query the status index served.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_complaint_status_due", "complaint", ["status", "due_at", "id"])
    op.drop_index("ix_complaint_status", table_name="complaint")
    op.execute("ANALYZE complaint")  # this table only: a bare ANALYZE on PostgreSQL takes every schema's tables


def downgrade() -> None:
    op.create_index("ix_complaint_status", "complaint", ["status"])
    op.drop_index("ix_complaint_status_due", table_name="complaint")
