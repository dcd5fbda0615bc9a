"""A damaged SQLite logbook: every command answers in one line, nothing is written, and what can be read is saved.

Real files are damaged at real places (the header, a page of the journal
table, a page of one of its indexes, the -wal a crash left behind) and each
command is run on them. Before this, the same files gave a 940-character
internal error (exit 70) from `list` and `sop db check`, "OK" from `verify`,
and a backup that copied the damage.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only("damages the bytes of a SQLite file")

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "pengaduan-november-2026.csv"
SOP = str(Path(sys.executable).parent / "sop")
READERS = [
    ["list", "--status", "all"],
    ["show", "ADU-2026-00001"],
    ["report", "--monthly"],
    ["journal", "--date", "2026-11-02"],
    ["export", "complaints"],
]


def _ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A logbook of 300 imported complaints, some walked on, made once: (path, journal entries)."""
    import os

    folder = tmp_path_factory.mktemp("pristine")
    path = folder / "sop.db"
    env = {**os.environ, "SOP_NOW": "2026-11-24T16:00:00+07:00", "SOP_OPERATOR": "budi", "SOP_LANG": "en"}
    env["SOP_CONFIG"] = str(folder / "config.toml")
    subprocess.run([SOP, "--db", str(path), "import", str(SAMPLE)], env=env, check=True, capture_output=True)
    with closing(sqlite3.connect(path)) as db:
        entries = db.execute("SELECT COUNT(*) FROM journal_entry").fetchone()[0]
    return path, entries


@pytest.fixture
def logbook(pristine, sop_env, monkeypatch):
    """A fresh copy of the pristine logbook, as this test's database."""
    path = sop_env / "logbook" / "sop.db"
    path.parent.mkdir()
    shutil.copy(pristine[0], path)
    monkeypatch.setenv("SOP_DATABASE_URL", str(path))
    return path


def _pages(path: Path, name: str, kind: str = "leaf") -> list[int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as db:
        try:
            return [
                row[0] for row in db.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ?", (name, kind))
            ]
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to find pages with")


def _overwrite(path: Path, offset: int, length: int) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(b"\xab" * length)


def _damage_page(path: Path, name: str, which: int = 1) -> None:
    page = _pages(path, name)[which]
    _overwrite(path, (page - 1) * 4096 + 8, 4000)  # the page header and its cells


def _state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _one_line(result, *fragments: str, code: int = 1) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def test_a_damaged_header_gets_one_line_from_every_command_and_nothing_is_written(sop, logbook):
    _overwrite(logbook, 0, 100)
    before = _state(logbook.parent)
    for args in [*READERS, ["verify"], ["note", "ADU-2026-00001", "x"], ["db", "backup", str(logbook) + ".bak"]]:
        _one_line(sop(*args), f"the logbook {logbook} is damaged", "'sop db check'")
    checked = sop("db", "check")
    assert checked.exit_code == 1, checked.stderr
    assert checked.stdout.splitlines()[0] == "Database engine integrity check: FAILED (file is not a database)"
    assert "The file is damaged: restore a backup" in checked.stdout
    assert _state(logbook.parent) == before


def test_a_damaged_journal_page_is_found_refused_and_salvaged(sop, logbook, pristine, sop_env):
    _damage_page(logbook, "journal_entry")
    before = _state(logbook.parent)

    verified = sop("verify")  # was "OK" on such a file
    _one_line(verified, "is damaged", "'sop db check'")
    checked = sop("db", "check")
    assert checked.exit_code == 1 and checked.stderr == ""
    assert checked.stdout.startswith("Database engine integrity check: FAILED (")
    backup = sop_env / "cadangan.db"
    _one_line(sop("db", "backup", str(backup)), "fails SQLite's integrity check", "--force")
    assert not backup.exists()
    assert _state(logbook.parent) == before

    forced = _ok(sop("db", "backup", "--force", str(backup)))
    assert "as it is: it fails the integrity check" in forced.stdout
    _one_line(sop("db", "restore", "--force", str(backup)), "fails SQLite's integrity check", "not restored")
    assert _state(logbook.parent) == before

    out = sop_env / "diselamatkan.db"
    salvaged = sop("db", "check", "--salvage", str(out))
    assert salvaged.exit_code == 1, salvaged.stderr
    lines = salvaged.stdout.splitlines()
    [counts] = [line for line in lines if line.startswith("Salvaged into")]
    [lost] = [line for line in lines if line.startswith("Lost journal entries: ")]
    with closing(sqlite3.connect(out)) as copy:
        kept = copy.execute("SELECT COUNT(*) FROM journal_entry").fetchone()[0]
        seqs = {row[0] for row in copy.execute("SELECT seq FROM journal_entry")}
    total = pristine[1]
    assert 0 < kept < total
    assert counts.startswith(f"Salvaged into {out}: {kept} of {total} journal entries")
    missing = sorted(set(range(1, total + 1)) - seqs)
    assert lost.startswith(f"Lost journal entries: {missing[0]}–{missing[-1]}.")  # one page: one run of entries
    assert "Recovered journal chain: intact in each of its 2 unbroken runs" in salvaged.stdout
    assert _state(logbook.parent) == before

    # The salvaged copy is a sound file: its engine check passes, and its chain breaks only at the gap.
    copied = sop("--db", str(out), "db", "check")
    assert copied.stdout.splitlines()[0] == "Database engine integrity check: ok (ok)"
    assert f"Journal chain: BROKEN at entry {missing[-1] + 1}" in copied.stdout

    again = out.read_bytes()
    _one_line(sop("db", "check", "--salvage", str(out)), f"{out} already exists")
    assert out.read_bytes() == again  # never overwritten


def test_a_damaged_index_page_loses_nothing_in_a_salvage(sop, logbook, sop_env):
    _damage_page(logbook, "ix_journal_entry_at", which=0)
    checked = sop("db", "check")
    assert checked.exit_code == 1
    assert checked.stdout.startswith("Database engine integrity check: FAILED (")
    out = sop_env / "diselamatkan.db"
    salvaged = _ok(sop("db", "check", "--salvage", str(out)))
    assert salvaged.stdout.splitlines()[-2:] == ["Recovered journal chain: intact.", "Nothing was lost."]
    assert _ok(sop("--db", str(out), "db", "check")).stdout.endswith("OK.\n")
    _ok(sop("db", "restore", "--force", str(out)))  # a whole copy is a logbook to restore
    assert _ok(sop("db", "check")).stdout.endswith("OK.\n")


def test_a_damaged_complaint_page_names_the_lost_complaints(sop, logbook, sop_env):
    _damage_page(logbook, "complaint", which=3)
    _one_line(sop("list", "--status", "all"), "is damaged")
    out = sop_env / "diselamatkan.db"
    salvaged = sop("db", "check", "--salvage", str(out))
    assert salvaged.exit_code == 1
    [lost] = [line for line in salvaged.stdout.splitlines() if line.startswith("Lost complaints: ")]
    with closing(sqlite3.connect(out)) as copy:
        kept = {row[0] for row in copy.execute("SELECT number FROM complaint")}
        journaled = {row[0] for row in copy.execute("SELECT complaint_number FROM journal_entry")}
    assert lost == "Lost complaints: " + ", ".join(sorted(journaled - kept)) + "."
    assert "Nothing was lost." not in salvaged.stdout


def _with_wal(logbook: Path, sop) -> Path:
    """A copy of the logbook and the -wal a crash leaves: five notes committed to the -wal only."""
    holder = sqlite3.connect(logbook)
    holder.execute("BEGIN")
    holder.execute("SELECT COUNT(*) FROM complaint").fetchone()  # a reader keeps the checkpoint back
    for i in range(5):
        _ok(sop("note", "ADU-2026-00001", f"catatan {i}"))
    crashed = logbook.parent.parent / "crashed"
    crashed.mkdir()
    shutil.copy(logbook, crashed / "sop.db")
    shutil.copy(f"{logbook}-wal", crashed / "sop.db-wal")
    holder.rollback()
    holder.close()
    return crashed / "sop.db"


def test_an_intact_wal_left_by_a_crash_is_read_as_usual(sop, logbook, pristine, monkeypatch):
    copy = _with_wal(logbook, sop)
    monkeypatch.setenv("SOP_DATABASE_URL", str(copy))
    assert _ok(sop("verify")).stdout == f"OK: {pristine[1] + 5} journal entries, chain intact.\n"


def test_a_damaged_wal_is_reported_and_kept_not_silently_dropped(sop, logbook, monkeypatch):
    copy = _with_wal(logbook, sop)
    wal = Path(f"{copy}-wal")
    _overwrite(wal, 32 + 24 + 100, 2000)  # the first frame's page: every commit in the -wal is past it
    monkeypatch.setenv("SOP_DATABASE_URL", str(copy))
    before = _state(copy.parent)
    for args in [*READERS, ["verify"], ["note", "ADU-2026-00001", "x"]]:
        _one_line(sop(*args), "is damaged: sop.db-wal: frame 1 is damaged", "'sop db check'")
    checked = sop("db", "check")
    assert checked.exit_code == 1
    assert checked.stdout.splitlines()[:2] == [
        "Database engine integrity check: FAILED (sop.db-wal: frame 1 is damaged; 5 later commit(s) cannot be read)",
        "Journal chain and complaints: not checked: sop.db-wal: frame 1 is damaged; 5 later commit(s) cannot be read",
    ]
    _one_line(sop("db", "backup", str(copy.parent / "b.db")), "is damaged")
    assert _state(copy.parent) == before  # the -wal is still there, for an expert or a salvage


def test_backup_checks_its_copy_and_restore_its_source(sop, logbook, sop_env):
    backup = sop_env / "cadangan.db"
    _ok(sop("db", "backup", str(backup)))
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    _damage_page(backup, "journal_entry")
    _one_line(sop("db", "restore", "--force", str(backup)), "fails SQLite's integrity check", "--salvage")
    assert json.loads(_ok(sop("list", "--status", "all", "--json")).stdout)  # the logbook is as it was
