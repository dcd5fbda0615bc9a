"""The heads ``sop verify`` and ``sop db check`` last found intact, so the next run checks only what came after.

An append-only table: a row is never changed or removed (triggers refuse it,
as the journal's do), and each row's own hash links it to the row before it,
so an edit behind sop's back is seen. See ``store.verified``. And a partial
index of the seal entries, which every run reads.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TRIGGERS = {
    "verified_head_no_update": "BEFORE UPDATE ON verified_head",
    "verified_head_no_delete": "BEFORE DELETE ON verified_head",
}
_PG_TRIGGERS = {
    "verified_head_no_update": "BEFORE UPDATE ON verified_head FOR EACH ROW",
    "verified_head_no_delete": "BEFORE DELETE ON verified_head FOR EACH ROW",
    "verified_head_no_truncate": "BEFORE TRUNCATE ON verified_head FOR EACH STATEMENT",
}


def upgrade() -> None:
    op.create_table(
        "verified_head",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),  # "verify" or "check"
        sa.Column("seq", sa.Integer(), nullable=False),  # the last entry found intact
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),  # how many entries led up to it
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("whole", sa.Boolean(), nullable=False),  # the whole chain walked, or only what was new
        sa.Column("prev_row", sa.String(), nullable=False),
        sa.Column("row_hash", sa.String(), nullable=False),
    )
    op.create_index("ix_verified_head_kind", "verified_head", ["kind", "id"])
    # The seals, found without reading the journal: every run holds each seal entry to its own hash.
    seal = sa.text("action = 'seal'")
    op.create_index("ix_journal_entry_seal", "journal_entry", ["seq"], sqlite_where=seal, postgresql_where=seal)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, when in _TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END")
    elif dialect == "postgresql":  # the journal's own function (0002)
        for name, when in _PG_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION journal_entry_append_only()")


def downgrade() -> None:
    op.drop_index("ix_journal_entry_seal", table_name="journal_entry")
    op.drop_table("verified_head")  # its triggers and index go with it
