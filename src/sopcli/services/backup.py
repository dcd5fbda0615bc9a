"""``sop db backup`` and ``sop db restore`` for the embedded SQLite logbook.

Both use SQLite's online backup API: a consistent copy while operators keep
working, and a restore that replaces the whole database in one step under
SQLite's own locks. A restore is refused unless the copy is a sop logbook at
this sop's schema whose journal chain verifies. PostgreSQL logbooks are backed
up with PostgreSQL's own tools.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from sopcli.errors import DatabaseError, InputError, os_reason
from sopcli.i18n import _
from sopcli.services.runtime import Runtime


def _live_path(rt: Runtime) -> Path:
    database = rt.ready_database()
    if database.path is None:
        raise DatabaseError(
            _("sop backs up SQLite logbooks only; this one is {url}").format(url=database.display()),
            _("use the server's tools, e.g. pg_dump -Fc"),
        )
    return database.path


def backup(rt: Runtime, target: Path) -> int:
    """Copy the logbook to ``target`` (a new file, owner-only); returns its journal entry count.

    Raises:
        InputError: ``target`` exists or cannot be written.
    """
    path = _live_path(rt)
    source: Path | str = path
    if rt.database.read_only:  # a supervisor's copy of a logbook on a read-only share: read it, write nothing there
        from sopcli.store.database import read_only_uri

        source = read_only_uri(path)
    if target.exists():
        raise InputError(_("{path} already exists").format(path=target), _("choose a new file name"))
    partial = target.with_name(f".{target.name}.part")
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        with (
            closing(sqlite3.connect(source, uri=isinstance(source, str))) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.backup(copy)
            # One self-contained file: no -wal/-shm left beside it, and readable from read-only media.
            copy.execute("PRAGMA journal_mode = DELETE")
            entries = copy.execute("SELECT COUNT(*) FROM journal_entry").fetchone()[0]
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(_("cannot write {path}: {reason}").format(path=target, reason=os_reason(exc))) from None
    return entries


def restore(rt: Runtime, source: Path, force: bool = False) -> int:
    """Replace the logbook with the backup ``source``, after checking it; returns its journal entry count.

    Raises:
        InputError: ``source`` is missing, not a sop logbook, at another schema, or its chain is broken;
            or the logbook holds complaints and ``force`` is not given.
    """
    from sopcli.services.cases import verify
    from sopcli.store.database import HEAD_REVISION

    rt.database.refuse_if_read_only()  # before the checks: they cannot make a read-only logbook writable
    if not source.is_file():
        raise InputError(_("no backup file {path}").format(path=source))
    checked = Runtime(config=rt.config, db_option=str(source.resolve()), clock=rt.clock)
    revision = checked.database.current_revision()
    if revision != HEAD_REVISION:
        raise InputError(
            _("{path} is not a sop logbook at schema {head} (found {found})").format(
                path=source, head=HEAD_REVISION, found=revision or "-"
            )
        )
    result = verify(checked)
    if result.broken_seq is not None:
        raise InputError(
            _("{path}: its journal chain is broken at entry {seq}; not restored").format(
                path=source, seq=result.broken_seq
            )
        )
    target = _live_path(rt)
    with closing(sqlite3.connect(target)) as live:
        held = live.execute("SELECT COUNT(*) FROM complaint").fetchone()[0]
    if held and not force:
        raise InputError(
            _("the logbook holds {n} complaints; restoring would replace them").format(n=held),
            _("give --force to replace it"),
        )
    with closing(sqlite3.connect(source)) as backup_copy, closing(sqlite3.connect(target, timeout=5)) as live:
        backup_copy.backup(live)
    return result.checked
