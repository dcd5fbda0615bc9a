"""A complaint keeps the steps current beside its current step (a fork's branches) and the sign-offs so far.

Complaints already in the logbook follow SOP texts without forks or joint
sign-off, so each starts with none ("[]"), which is what its journal replays to.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("complaint", sa.Column("branches", sa.Text(), nullable=False, server_default="[]"))
    op.add_column("complaint", sa.Column("approvals", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("approvals")
        batch.drop_column("branches")
