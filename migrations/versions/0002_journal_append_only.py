"""The database itself refuses to change or remove journal rows.

The hash chain shows that the journal was edited; these triggers stop an edit
through the normal SQL path in the first place. (Someone with the file can
still drop them, and the chain still catches what follows.) PostgreSQL gets
its equivalent with the shared-logbook work.

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


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, when in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
