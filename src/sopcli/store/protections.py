"""The schema's own protection of the journal: its append-only triggers, exactly as the migrations create them.

The triggers stop an edit through the normal SQL path; whoever holds the file,
or owns the tables, can drop, disable or replace them, or plant a trigger of
their own, and then edit rows the chain does not cover. So ``sop db check`` and
``sop db restore`` read the triggers back from the database's catalog and
compare each, whitespace and case aside, with what migrations 0002 and 0008 create.
Migrations are history and never change: these texts are the current schema's,
and a test holds a freshly upgraded logbook to them.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

from sopcli.i18n import _

_SQLITE_BODY = "begin select raise(abort, 'the journal is append-only'); end"
SQLITE_TRIGGERS = {
    "journal_entry_no_update": f"create trigger journal_entry_no_update before update on journal_entry {_SQLITE_BODY}",
    "journal_entry_no_delete": f"create trigger journal_entry_no_delete before delete on journal_entry {_SQLITE_BODY}",
    # migration 0008: the heads sop verify and sop db check found intact
    "verified_head_no_update": f"create trigger verified_head_no_update before update on verified_head {_SQLITE_BODY}",
    "verified_head_no_delete": f"create trigger verified_head_no_delete before delete on verified_head {_SQLITE_BODY}",
}
_PG_CALL = "execute function journal_entry_append_only()"
POSTGRESQL_TRIGGERS = {
    "journal_entry_no_update": f"create trigger journal_entry_no_update before update on journal_entry "
    f"for each row {_PG_CALL}",
    "journal_entry_no_delete": f"create trigger journal_entry_no_delete before delete on journal_entry "
    f"for each row {_PG_CALL}",
    "journal_entry_no_truncate": f"create trigger journal_entry_no_truncate before truncate on journal_entry "
    f"for each statement {_PG_CALL}",
    "verified_head_no_update": f"create trigger verified_head_no_update before update on verified_head "
    f"for each row {_PG_CALL}",
    "verified_head_no_delete": f"create trigger verified_head_no_delete before delete on verified_head "
    f"for each row {_PG_CALL}",
    "verified_head_no_truncate": f"create trigger verified_head_no_truncate before truncate on verified_head "
    f"for each statement {_PG_CALL}",
}
POSTGRESQL_FUNCTION = (
    "journal_entry_append_only",
    "begin raise exception 'the journal is append-only' using errcode = 'restrict_violation'; end",
)


def normalised(sql: str) -> str:
    """SQL text with its whitespace collapsed and in lower case: how a trigger was written does not matter."""
    return " ".join(sql.split()).lower()


def _unqualified(sql: str) -> str:
    # pg_get_triggerdef names the table with its schema, which is each deployment's own.
    return re.sub(r'[\w"]+\.(?=[\w"])', "", sql)


def trigger_problems(connection: Connection) -> list[str]:
    """What differs between the database's triggers and the ones sop installs: [] when they are exactly those."""
    if connection.dialect.name == "postgresql":
        return _postgresql_problems(connection)
    rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"))
    found = {name: (normalised(sql or ""), "O") for name, sql in rows}
    return _compared(found, SQLITE_TRIGGERS)


def _postgresql_problems(connection: Connection) -> list[str]:
    """The triggers on this schema's tables (foreign-key ones aside), as pg_get_triggerdef writes them."""
    rows = connection.execute(
        text(
            "SELECT t.tgname, pg_get_triggerdef(t.oid), t.tgenabled, p.proname, p.prosrc "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY t.tgname"
        )
    ).all()
    found = {name: (_unqualified(normalised(definition)), enabled) for name, definition, enabled, _f, _s in rows}
    problems = _compared(found, POSTGRESQL_TRIGGERS)
    replaced = sorted({proname for name, _d, _e, proname, source in rows
                       if name in POSTGRESQL_TRIGGERS and (proname, normalised(source)) != POSTGRESQL_FUNCTION})  # fmt: skip
    problems += [_("the function {name} that the journal's triggers call was changed").format(name=f) for f in replaced]
    return problems


def _compared(found: dict[str, tuple[str, str]], shipped: dict[str, str]) -> list[str]:
    problems = []
    for name, definition in shipped.items():
        if name not in found:
            problems.append(_("trigger {name} is missing").format(name=name))
        elif found[name][0] != definition:
            problems.append(_("trigger {name} differs from the one sop installs").format(name=name))
        elif found[name][1] != "O":  # PostgreSQL: ALTER TABLE … DISABLE TRIGGER
            problems.append(_("trigger {name} is disabled").format(name=name))
    problems += [
        _("trigger {name} was not installed by sop").format(name=name) for name in sorted(set(found) - set(shipped))
    ]
    return problems
