"""sop db backup and sop db restore (SQLite logbooks)."""

from __future__ import annotations

import json
import sqlite3
import stat

import pytest

from helpers import exited_ok

pytestmark = pytest.mark.sqlite_only("backups of a PostgreSQL logbook are the server's job (pg_dump)")

TRIGGER_BODY = "BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END"


def _new(sop, description):
    exited_ok(
        sop(
            "new",
            "--sop",
            "kaltim-db",
            "--description",
            description,
            "--reporter",
            "Sari",
            "--unit",
            "BKD",
            "--system",
            "SIMPEG",
        )
    )


def test_backup_then_restore_brings_the_logbook_back(sop, sop_env):
    _new(sop, "Sebelum cadangan")
    target = sop_env / "cadangan.db"
    assert exited_ok(sop("db", "backup", str(target))).stdout == f"Backed up to {target}: 1 journal entries.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    _new(sop, "Sesudah cadangan")
    exited_ok(sop("next", "ADU-2026-00001"))
    restored = exited_ok(sop("db", "restore", str(target), "--force"))
    assert restored.stdout == f"Restored from {target}: 1 journal entries.\n"
    listed = json.loads(sop("list", "--status", "all", "--json").stdout)
    assert [(r["number"], r["current_step"]) for r in listed] == [("ADU-2026-00001", "1")]
    exited_ok(sop("db", "check"))


def test_a_backup_is_one_self_contained_file(sop, sop_env):
    # For a USB stick: nothing left beside it, and it opens from read-only media (no -wal/-shm needed).
    _new(sop, "Cadangan ke flashdisk")
    folder = sop_env / "flashdisk"
    folder.mkdir()
    exited_ok(sop("db", "backup", str(folder / "sop-2026-11-24.db")))
    assert sorted(p.name for p in folder.iterdir()) == ["sop-2026-11-24.db"]
    with sqlite3.connect(f"file:{folder / 'sop-2026-11-24.db'}?mode=ro", uri=True) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT COUNT(*) FROM complaint").fetchone()[0] == 1
    assert sorted(p.name for p in folder.iterdir()) == ["sop-2026-11-24.db"]


def test_backup_refuses_to_overwrite(sop, sop_env):
    _new(sop, "x")
    (sop_env / "ada.db").write_text("penting")
    result = sop("db", "backup", str(sop_env / "ada.db"))
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert (sop_env / "ada.db").read_text() == "penting"


def test_restore_over_complaints_needs_force_and_into_an_empty_logbook_does_not(sop, sop_env, monkeypatch):
    _new(sop, "x")
    exited_ok(sop("db", "backup", str(sop_env / "b.db")))
    result = sop("db", "restore", str(sop_env / "b.db"))
    assert result.exit_code == 1
    assert "the logbook holds 1 complaints; restoring would replace them (give --force to replace it)" in result.stderr
    monkeypatch.setenv("SOP_DATABASE_URL", str(sop_env / "baru.db"))  # a new office machine
    exited_ok(sop("db", "restore", str(sop_env / "b.db")))
    assert len(json.loads(sop("list", "--json").stdout)) == 1


def test_restore_refuses_a_broken_or_foreign_copy(sop, sop_env):
    _new(sop, "Asli")
    copy = sop_env / "rusak.db"
    exited_ok(sop("db", "backup", str(copy)))
    with sqlite3.connect(copy) as db:
        db.execute("DROP TRIGGER journal_entry_no_update")
        db.execute("UPDATE journal_entry SET note = 'diubah' WHERE seq = 1")
        db.execute(f"CREATE TRIGGER journal_entry_no_update BEFORE UPDATE ON journal_entry {TRIGGER_BODY}")
    broken = sop("db", "restore", str(copy), "--force")
    assert broken.exit_code == 1 and "journal chain is broken at entry 1; not restored" in broken.stderr

    foreign = sop_env / "lain.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE t (x)")
    result = sop("db", "restore", str(foreign), "--force")
    assert result.exit_code == 1 and "is not a sop logbook at schema" in result.stderr
    missing = sop("db", "restore", str(sop_env / "tidak-ada.db"), "--force")
    assert missing.exit_code == 1 and "no backup file" in missing.stderr
    # the live logbook is untouched by the refusals
    assert json.loads(sop("show", "ADU-2026-00001", "--json").stdout)["journal"][0]["note"] == "Asli"


@pytest.mark.parametrize(
    ("attack", "problem"),
    [
        (["DROP TRIGGER journal_entry_no_delete"], "trigger journal_entry_no_delete is missing"),
        (
            ["CREATE TRIGGER rewrite AFTER INSERT ON journal_entry BEGIN UPDATE complaint SET unit = 'X'; END"],
            "trigger rewrite was not installed by sop",
        ),
        (
            [
                "DROP TRIGGER journal_entry_no_update",
                "CREATE TRIGGER journal_entry_no_update BEFORE UPDATE OF seq ON journal_entry " + TRIGGER_BODY,
            ],
            "trigger journal_entry_no_update differs from the one sop installs",
        ),
    ],
)
def test_restore_refuses_a_copy_whose_triggers_were_altered(sop, sop_env, attack, problem):
    _new(sop, "Asli")
    copy = sop_env / "diubah.db"
    exited_ok(sop("db", "backup", str(copy)))
    with sqlite3.connect(copy) as db:
        for statement in attack:
            db.execute(statement)
    result = sop("db", "restore", str(copy), "--force")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {copy}: the journal's protections were altered ({problem}); not restored (restore another backup)\n"
    )
    assert exited_ok(sop("db", "check")).stdout.endswith("OK.\n")  # the live logbook is as it was
