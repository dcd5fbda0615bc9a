"""Initial schema: SOP versions, complaints, the journal, operators.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operator",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=True),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "sop_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sop_id", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("first_used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_index(op.f("ix_sop_version_sop_id"), "sop_version", ["sop_id"], unique=False)

    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(), nullable=True),
        sa.Column("sop_version_id", sa.Integer(), nullable=False),
        sa.Column("sop_id", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("system", sa.String(), nullable=False),
        sa.Column("host", sa.String(), nullable=True),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("current_step", sa.String(), nullable=True),
        sa.Column("step_started_at", sa.DateTime(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("paused_since", sa.DateTime(), nullable=True),
        sa.Column("paused_minutes", sa.Float(), nullable=False),
        sa.Column("total_paused_minutes", sa.Float(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("resolution_minutes", sa.Float(), nullable=True),
        sa.Column("overall_on_time", sa.Boolean(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sop_version_id"],
            ["sop_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("ref"),
        sa.UniqueConstraint("year", "serial", name="uq_complaint_year_serial"),
    )
    op.create_index(op.f("ix_complaint_closed_at"), "complaint", ["closed_at"], unique=False)
    op.create_index(op.f("ix_complaint_due_at"), "complaint", ["due_at"], unique=False)
    op.create_index(op.f("ix_complaint_received_at"), "complaint", ["received_at"], unique=False)
    op.create_index(op.f("ix_complaint_sop_id"), "complaint", ["sop_id"], unique=False)
    op.create_index(op.f("ix_complaint_status"), "complaint", ["status"], unique=False)

    op.create_table(
        "journal_entry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("complaint_number", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("step", sa.String(), nullable=True),
        sa.Column("decision", sa.String(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("output", sa.String(), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("took_minutes", sa.Float(), nullable=True),
        sa.Column("standard_minutes", sa.Integer(), nullable=True),
        sa.Column("next_step", sa.String(), nullable=True),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
        ),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_journal_entry_at", "journal_entry", ["at"], unique=False)
    op.create_index("ix_journal_entry_complaint", "journal_entry", ["complaint_id", "seq"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes.
    op.drop_table("journal_entry")
    op.drop_table("complaint")
    op.drop_table("sop_version")
    op.drop_table("operator")
