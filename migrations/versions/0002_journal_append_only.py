"""The database itself refuses to change or remove journal rows.

The hash chain shows that the journal was edited; these triggers stop an edit
through the normal SQL path in the first place. (Someone with the file, or the
table's owner, can still drop them, and the chain still catches what follows.)
No released sop ever created a PostgreSQL database, so its triggers live here
too rather than in a later migration.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TRIGGERS = {
    "journal_entry_no_update": "BEFORE UPDATE ON journal_entry",
    "journal_entry_no_delete": "BEFORE DELETE ON journal_entry",
}
# PostgreSQL can also empty a table with TRUNCATE, which row triggers do not see.
_PG_TRIGGERS = {
    "journal_entry_no_update": "BEFORE UPDATE ON journal_entry FOR EACH ROW",
    "journal_entry_no_delete": "BEFORE DELETE ON journal_entry FOR EACH ROW",
    "journal_entry_no_truncate": "BEFORE TRUNCATE ON journal_entry FOR EACH STATEMENT",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, when in _TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END")
    elif dialect == "postgresql":
        # An integrity-class error, as SQLite's RAISE(ABORT) gives.
        op.execute(
            "CREATE FUNCTION journal_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the journal is append-only' USING ERRCODE = 'restrict_violation'; END $$"
        )
        for name, when in _PG_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION journal_entry_append_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS journal_entry_append_only() CASCADE")  # and its triggers
