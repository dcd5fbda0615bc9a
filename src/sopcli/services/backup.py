"""``sop db backup`` and ``sop db restore`` for the embedded SQLite logbook.

Both use SQLite's online backup API: a consistent copy while operators keep
working, and a restore that replaces the whole database in one step under
SQLite's own locks. The backup API copies pages as they are, damaged ones too:
so a logbook that fails SQLite's integrity check is not backed up (unless
forced), and each new copy is checked before it is kept. A restore is refused
unless the copy passes that check and is a sop logbook at this sop's schema
whose append-only triggers are exactly sop's and whose journal chain verifies. PostgreSQL logbooks are backed up with
PostgreSQL's own tools.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sopcli.errors import DatabaseDamaged, DatabaseError, InputError, os_reason
from sopcli.i18n import _, format_number
from sopcli.services.runtime import Runtime


def _live_path(rt: Runtime) -> Path:
    database = rt.ready_database()
    if database.path is None:
        raise DatabaseError(
            _("sop backs up SQLite logbooks only; this one is {url}").format(url=database.display()),
            _("use the server's tools, e.g. pg_dump -Fc"),
        )
    return database.path


@dataclass
class BackupResult:
    entries: int | None  # journal entries in the copy; None when a forced copy of a damaged logbook cannot count them
    problems: list[str]  # SQLite's findings in the source (and so in the copy): only with force


def backup(rt: Runtime, target: Path, force: bool = False) -> BackupResult:
    """Copy the logbook to ``target`` (a new file, owner-only), after checking it, and check the copy.

    Raises:
        NoLogbook: there is no logbook to back up (nothing is created).
        DatabaseDamaged: the logbook fails SQLite's integrity check and ``force`` is not given.
        InputError: ``target`` exists or cannot be written, or the copy came out damaged (it is removed).
    """
    from sopcli.store.damage import engine_problems, file_problems
    from sopcli.store.database import is_damage, read_only_uri

    database = rt.database
    source = _live_path(rt)
    database.require_logbook()
    if target.exists():
        raise InputError(_("{path} already exists").format(path=target), _("choose a new file name"))
    # Read without writing: a supervisor's copy on a read-only share, and a damaged file, are left as they are.
    uri = read_only_uri(source)
    problems = file_problems(uri)
    if problems and not force:
        raise DatabaseDamaged(
            _("the logbook {path} fails SQLite's integrity check: {problem}; no backup written").format(
                path=source, problem=problems[0]
            ),
            _("run 'sop db check'; 'sop db backup --force' copies it as it is"),
        )
    partial = target.with_name(f".{target.name}.part")
    entries = None
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:  # another backup to this name is under way, or the folder cannot be written
        raise InputError(_("cannot write {path}: {reason}").format(path=target, reason=os_reason(exc))) from None
    try:
        with closing(sqlite3.connect(uri, uri=True)) as live, closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)
            # One self-contained file: no -wal/-shm left beside it, and readable from read-only media.
            copy.execute("PRAGMA journal_mode = DELETE")
            copied_problems = engine_problems(copy)
            if copied_problems and not problems:  # the copy was damaged on its way (a failing disk or stick)
                raise InputError(
                    _("the copy written to {path} fails SQLite's integrity check: {problem}; removed").format(
                        path=target, problem=copied_problems[0]
                    ),
                    _("try another disk"),
                )
            try:
                entries = copy.execute("SELECT COUNT(*) FROM journal_entry").fetchone()[0]
            except sqlite3.DatabaseError:
                if not problems:
                    raise
        os.replace(partial, target)
    except OSError as exc:
        raise InputError(_("cannot write {path}: {reason}").format(path=target, reason=os_reason(exc))) from None
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise database.damaged(exc) from None
        raise
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(entries, problems)


def restore(rt: Runtime, source: Path, force: bool = False) -> int:
    """Replace the logbook with the backup ``source``, after checking it; returns its journal entry count.

    Raises:
        InputError: ``source`` is missing, not a sop logbook, at another schema, its journal triggers were
            altered, or its chain is broken;
            or the logbook holds complaints and ``force`` is not given.
    """
    from sopcli.services.cases import verify
    from sopcli.store.damage import file_problems
    from sopcli.store.database import HEAD_REVISION
    from sopcli.store.protections import trigger_problems

    rt.database.refuse_if_read_only()  # before the checks: they cannot make a read-only logbook writable
    if not source.is_file():
        raise InputError(_("no backup file {path}").format(path=source))
    problems = file_problems(source)
    if problems:
        raise InputError(
            _("{path} fails SQLite's integrity check: {problem}; not restored").format(
                path=source, problem=problems[0]
            ),
            _(
                "restore another backup, or rescue what it holds with 'sop --db {path} db check --salvage NEW.db'"
            ).format(path=source),
        )
    checked = Runtime(config=rt.config, db_option=str(source.resolve()), clock=rt.clock)
    revision = checked.database.current_revision()
    if revision != HEAD_REVISION:
        raise InputError(
            _("{path} is not a sop logbook at schema {head} (found {found})").format(
                path=source, head=HEAD_REVISION, found=revision or "-"
            )
        )
    with checked.ready_database().transaction() as session:
        altered = trigger_problems(session.connection())
    if altered:
        raise InputError(
            _("{path}: the journal's protections were altered ({problem}); not restored").format(
                path=source, problem=altered[0]
            ),
            _("restore another backup"),
        )
    result = verify(checked)
    if result.broken_seq is not None:
        raise InputError(
            _("{path}: its journal chain is broken at entry {seq}; not restored").format(
                path=source, seq=result.broken_seq
            )
        )
    target = _live_path(rt)
    if rt.database.is_new:  # restoring onto a new machine: the backup becomes the logbook
        held = 0
        rt.database.create_file()
    else:
        with closing(sqlite3.connect(target)) as live:
            held = live.execute("SELECT COUNT(*) FROM complaint").fetchone()[0]
    if held and not force:
        raise InputError(
            _("the logbook holds {n} complaints; restoring would replace them").format(n=format_number(held)),
            _("give --force to replace it"),
        )
    with closing(sqlite3.connect(source)) as backup_copy, closing(sqlite3.connect(target, timeout=5)) as live:
        backup_copy.backup(live)
    return result.checked
