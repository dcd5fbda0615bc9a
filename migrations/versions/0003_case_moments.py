"""A complaint keeps the step starts and ends its SOP's deadlines count from.

Complaints already in the logbook follow SOP texts that name none, so each
starts with none ("{}"), which is what its journal replays to.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("complaint", sa.Column("moments", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("moments")
