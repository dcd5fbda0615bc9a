"""Commands that only read never create a logbook; another application's database is never written into;
a writer kept waiting by another command's lock says so.

Before: `sop --db /media/usb/sop-tpyo.db report --monthly` printed a report of
zeros from a logbook it had just created, `verify` said "OK: 0 entri", and
`sop db upgrade` added sop's tables to any SQLite file.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from sopcli import i18n

SOP = str(Path(sys.executable).parent / "sop")
READERS = [
    ["list"],
    ["show", "ADU-2026-00001"],
    ["report", "--monthly"],
    ["journal"],
    ["verify"],
    ["export", "complaints"],
    ["export", "journal"],
    ["db", "check"],
]


def _ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def _where(databases, value: str) -> str:
    """How the error names the database: the file's path, or the URL without its password."""
    from sopcli.store.database import Database, resolve_url

    database = Database(resolve_url(value))
    return str(database.path) if database.path is not None else database.display()


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_a_read_command_on_a_missing_logbook_says_so_and_creates_nothing(sop, databases, args):
    typo = databases.new("sop-tpyo.db")
    result = sop("--db", typo, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: no logbook at {_where(databases, typo)} (check --db; 'sop new' makes a new one)\n"
    )
    assert databases.tables(typo) == set()
    if not databases.is_postgres:
        assert not Path(typo).exists()


@pytest.mark.sqlite_only("a file path")
def test_backup_of_a_missing_logbook_creates_neither_file(sop, sop_env):
    typo, target = sop_env / "sop-tpyo.db", sop_env / "cadangan.db"
    result = sop("--db", str(typo), "db", "backup", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no logbook at {typo} ")
    assert sorted(p.name for p in sop_env.iterdir() if p.suffix == ".db") == []


def test_the_message_in_indonesian(sop, databases, monkeypatch):
    monkeypatch.setenv("SOP_LANG", "id")
    i18n.set_language(i18n.language_from_environment())
    typo = databases.new("sop-tpyo.db")
    result = sop("--db", typo, "report", "--monthly")
    assert result.stderr == (
        f"Kesalahan: buku log {_where(databases, typo)} tidak ada (periksa --db; 'sop new' membuat yang baru)\n"
    )


def test_writing_commands_and_db_upgrade_create_it(sop, databases):
    made_by_new, made_by_upgrade = databases.new("a.db"), databases.new("b.db")
    _ok(sop("--db", made_by_new, "new", "--sop", "kaltim-db", "--description", "x", "--reporter", "Sari",
            "--unit", "BKD", "--system", "SIMPEG"))  # fmt: skip
    assert _ok(sop("--db", made_by_new, "verify")).stdout == "OK: 1 journal entries, chain intact.\n"
    _ok(sop("--db", made_by_upgrade, "db", "upgrade"))
    assert _ok(sop("--db", made_by_upgrade, "verify")).stdout == "OK: 0 journal entries, chain intact.\n"


def test_another_applications_database_is_refused_and_left_as_it_was(sop, databases):
    other = databases.new("inventaris.db")
    with databases.connect(other) as connection:
        connection.exec_driver_sql("CREATE TABLE barang (kode TEXT PRIMARY KEY, nama TEXT)")
    for args in (["db", "upgrade"], ["list"], ["new", "--sop", "kaltim-db", "--description", "x", "--reporter",
                 "Sari", "--unit", "BKD", "--system", "SIMPEG"]):  # fmt: skip
        result = sop("--db", other, *args)
        assert result.exit_code == 1, result.stdout
        assert result.stderr == (
            f"Error: {_where(databases, other)} is not a sop logbook: it holds another application's tables "
            "(barang) (check --db; sop adds nothing to it)\n"
        )
    assert databases.tables(other) == {"barang"}


@pytest.mark.sqlite_only("SQLite's write lock, held by a second connection")
def test_a_writer_kept_waiting_says_so_then_goes_on(sop, sop_env, database):
    _ok(sop("new", "--sop", "kaltim-db", "--description", "x", "--reporter", "Sari", "--unit", "BKD",
            "--system", "SIMPEG"))  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with closing(sqlite3.connect(database, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # another command writing, for as long as this test likes
        waiting = subprocess.Popen(
            [SOP, "note", "ADU-2026-00001", "sabar"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        first = waiting.stderr.readline()  # returns once sop has waited its second and said so
        assert first == "waiting for the logbook, in use by another command …\n"
        assert waiting.poll() is None  # and it is still waiting, not failed
        holder.execute("COMMIT")
        out, rest = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, rest
    assert out == "Note added to ADU-2026-00001.\n"
    assert rest == ""
