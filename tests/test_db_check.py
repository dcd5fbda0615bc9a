"""``sop db check``, and the logbook after a SIGKILL: nothing acknowledged is lost, nothing is half-written.

The crash tests run the real ``sop`` script in subprocesses and kill them with
SIGKILL at varying moments (no sleeps decide the outcome: whatever moment the
kill lands on, the checks below must hold).
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from helpers import SOP, exited_ok, process_env, run_sop


@pytest.fixture
def walked(sop):
    """Two complaints: one walked to the end, one paused mid-way."""
    for i in (1, 2):
        exited_ok(
            sop(
                "new",
                "--sop",
                "kaltim-db",
                "--description",
                f"Gangguan {i}",
                "--reporter",
                "Sari",
                "--unit",
                "BKD",
                "--system",
                "SIMPEG",
                "--received-at",
                "2026-11-23 08:00",
            )
        )
    for step in range(1, 10):  # steps 7 and 8 are decisions
        exited_ok(sop("next", "ADU-2026-00001", *(["--decision", "ya"] if step in (7, 8) else [])))
    exited_ok(sop("next", "ADU-2026-00002"))
    exited_ok(sop("pause", "ADU-2026-00002", "--reason", "Menunggu vendor"))
    return sop


def test_a_sound_logbook_passes(walked):
    result = exited_ok(walked("db", "check"))
    engine_line, *rest = result.stdout.splitlines()
    assert engine_line in (
        "Database engine integrity check: ok (ok)",  # SQLite's integrity_check
        "Database engine integrity check: ok (postgresql)",
    )
    assert rest == [
        "Journal protections: the append-only triggers are as sop installs them.",
        "Journal chain: 13 entries, intact.",
        "Complaints against their journal: 2 agree.",
        "OK.",
    ]


@pytest.mark.sqlite_only("edits the database file directly with sqlite3")
def test_a_case_row_edited_behind_sops_back_is_named(walked, sop_env):
    with sqlite3.connect(sop_env / "sop.db") as db:
        db.execute("UPDATE complaint SET current_step = '5' WHERE number = 'ADU-2026-00002'")
    result = walked("db", "check")
    assert result.exit_code == 1
    assert "Complaints against their journal: 1 of 2 disagree:" in result.stdout
    assert "ADU-2026-00002: stored current_step differ from what its journal records" in result.stdout
    assert "Journal chain: 13 entries, intact." in result.stdout  # the chain alone could not see it


@pytest.mark.sqlite_only("edits the database file directly with sqlite3")
def test_a_journal_row_forced_past_the_triggers_breaks_the_chain(walked, sop_env):
    with sqlite3.connect(sop_env / "sop.db") as db:
        db.execute("DROP TRIGGER journal_entry_no_update")
        db.execute("UPDATE journal_entry SET note = 'Tidak ada masalah' WHERE seq = 13")
    result = walked("db", "check")
    assert result.exit_code == 1
    assert "Journal chain: BROKEN at entry 13" in result.stdout


@pytest.mark.sqlite_only("edits the database file directly with sqlite3")
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("description", "Tidak ada gangguan"),
        ("reporter", "Budi"),
        ("unit", "Inspektorat"),
        ("priority", "rendah"),
        ("channel", "surel"),
        ("ref", "ND-1"),
        ("host", "10.0.0.9"),
        ("system", "SIKD"),
        ("sop_id", "tanbu-jaringan"),
        ("created_by", "orang-lain"),
        ("received_at", "2026-11-22 08:00:00.000000"),
    ],
)
def test_a_complaints_own_detail_edited_in_the_file_is_named(walked, sop_env, column, value):
    with sqlite3.connect(sop_env / "sop.db") as db:
        db.execute(f"UPDATE complaint SET {column} = ? WHERE number = 'ADU-2026-00001'", (value,))
    result = walked("db", "check")
    assert result.exit_code == 1
    assert f"ADU-2026-00001: stored {column} differ from what its journal records" in result.stdout
    assert "Journal chain: 13 entries, intact." in result.stdout


@pytest.mark.postgres_only
def test_a_complaints_own_detail_edited_on_the_server_is_named(walked, databases, database):
    with databases.connect(database) as connection:  # as the tables' owner, past sop
        connection.exec_driver_sql("UPDATE complaint SET reporter = 'Budi' WHERE number = 'ADU-2026-00002'")
    result = walked("db", "check")
    assert result.exit_code == 1
    assert "ADU-2026-00002: stored reporter differ from what its journal records" in result.stdout


@pytest.mark.sqlite_only("edits the database file directly with sqlite3")
def test_a_corrected_detail_is_checked_against_the_correction(walked, sop_env):
    exited_ok(walked("correct", "ADU-2026-00002", "--field", "reporter=Sari Dewi", "--reason", "Salah ketik"))
    assert exited_ok(walked("db", "check")).stdout.endswith("OK.\n")
    with sqlite3.connect(sop_env / "sop.db") as db:  # back to what it was before the correction
        db.execute("UPDATE complaint SET reporter = 'Sari' WHERE number = 'ADU-2026-00002'")
    # The default run replays only the complaints with journal entries since the last check: a row edited
    # behind sop's back, with no entry, waits for --full.
    assert exited_ok(walked("db", "check")).stdout.endswith("OK.\n")
    result = walked("db", "check", "--full")
    assert result.exit_code == 1
    assert "ADU-2026-00002: stored reporter differ from what its journal records" in result.stdout


@pytest.mark.sqlite_only("edits the database file directly with sqlite3")
@pytest.mark.parametrize("number", ["ADU-2026-00001", "ADU-2026-00002"])
def test_an_erased_complaint_is_named_by_its_journal(walked, sop_env, number):
    with sqlite3.connect(sop_env / "sop.db") as db:  # the sqlite3 shell does not enforce foreign keys either
        db.execute("DELETE FROM complaint WHERE number = ?", (number,))
    result = walked("db", "check")
    assert result.exit_code == 1
    assert f"{number}: the complaint is gone, yet its journal records it" in result.stdout
    assert "Journal chain: 13 entries, intact." in result.stdout


@pytest.mark.sqlite_only("edits the database file directly with sqlite3")
@pytest.mark.parametrize(
    ("attack", "problem"),
    [
        ("DROP TRIGGER journal_entry_no_update", "trigger journal_entry_no_update is missing"),
        (
            "CREATE TRIGGER quiet BEFORE INSERT ON complaint BEGIN SELECT 1; END",
            "trigger quiet was not installed by sop",
        ),
    ],
)
def test_altered_triggers_in_the_file_are_reported(walked, sop_env, attack, problem):
    with sqlite3.connect(sop_env / "sop.db") as db:
        db.execute(attack)
    result = walked("db", "check")
    assert result.exit_code == 1
    assert f"Journal protections: ALTERED: {problem}" in result.stdout.splitlines()


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("attack", "problem"),
    [
        (
            "ALTER TABLE journal_entry DISABLE TRIGGER journal_entry_no_delete",
            "trigger journal_entry_no_delete is disabled",
        ),
        ("DROP TRIGGER journal_entry_no_truncate ON journal_entry", "trigger journal_entry_no_truncate is missing"),
        (
            "CREATE OR REPLACE FUNCTION journal_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RETURN OLD; END $$",
            "the function journal_entry_append_only that the journal's triggers call was changed",
        ),
        (
            "CREATE TRIGGER planted AFTER INSERT ON journal_entry FOR EACH ROW EXECUTE FUNCTION journal_entry_append_only()",
            "trigger planted was not installed by sop",
        ),
    ],
)
def test_altered_triggers_on_the_server_are_reported(walked, databases, database, attack, problem):
    with databases.connect(database) as connection:
        connection.exec_driver_sql(attack)
    result = walked("db", "check")
    assert result.exit_code == 1
    assert f"Journal protections: ALTERED: {problem}" in result.stdout.splitlines()


def _env(database: str) -> dict[str, str]:
    """The test's own database (a SQLite file, or a PostgreSQL schema under SOP_TEST_DATABASE_URL), real clock."""
    return process_env(SOP_DATABASE_URL=database, SOP_LANG="en", SOP_OPERATOR="budi", SOP_NOW=None)


WORKER = r"""
import subprocess, sys
sop, count = sys.argv[1], int(sys.argv[2])
for i in range(1, count + 1):
    number = f"ADU-{sys.argv[3]}-{i:05d}"
    done = subprocess.run([sop, "next", number], capture_output=True, text=True)
    if done.returncode == 0:
        print(f"ACK {number}", flush=True)  # the operator saw it done
"""


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.7, 1.1])
def test_sigkill_during_sop_next_loses_nothing_acknowledged(database, delay):
    env = _env(database)
    for i in range(12):
        assert (
            run_sop(
                env,
                "new",
                "--sop",
                "cirebon-aplikasi",
                "--description",
                f"Aplikasi {i}",
                "--reporter",
                "Sari",
                "--unit",
                "Dinas Sosial",
                "--system",
                "SIKS",
            ).returncode
            == 0
        )
    year = time.strftime("%Y")
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, SOP, "12", year],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(delay)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and the sop it is running
    acknowledged = re.findall(r"ACK (\S+)", worker.communicate()[0])

    check = run_sop(env, "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    for number in acknowledged:
        shown = run_sop(env, "show", number, "--json")
        assert '"current_step": "2"' in shown.stdout, number  # step 1 done, as acknowledged
    # and the logbook still takes work after the crash
    assert run_sop(env, "next", f"ADU-{year}-00012").returncode == 0


@pytest.mark.slow
def test_sigkill_during_import_then_check_and_rerun(tmp_path, database):
    env = _env(database)
    rows = ["ref,received_at,sop,reporter,unit,system,description"]
    rows += [f"K-{i},2026-11-20 08:00,kaltim-db,Sari,BKD,SIMPEG,Gangguan {i}" for i in range(30_000)]
    data = tmp_path / "besar.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run_sop(env, "db", "upgrade").returncode == 0
    importer = subprocess.Popen(
        [SOP, "import", str(data)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(1.0)
    importer.kill()
    importer.wait()

    check = run_sop(env, "db", "check")
    assert check.returncode == 0, check.stdout
    count = int(re.search(r"([\d,]+) agree", check.stdout).group(1).replace(",", ""))  # 30,000 for people
    assert count in (0, 30_000)  # all or nothing
    assert run_sop(env, "import", str(data)).returncode == 0
    assert "30,000 agree" in run_sop(env, "db", "check").stdout


@pytest.mark.slow
def test_sigkill_during_upgrade_leaves_a_database_that_upgrades(database):
    env = _env(database)
    upgrading = subprocess.Popen([SOP, "db", "upgrade"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.4)
    upgrading.kill()
    upgrading.wait()
    # Whatever moment it died at, the schema is all there or not at all, and sop carries on.
    assert run_sop(env, "db", "upgrade").returncode == 0
    assert (
        run_sop(
            env, "new", "--sop", "kaltim-db", "--description", "x", "--reporter", "r", "--unit", "u", "--system", "s"
        ).returncode
        == 0
    )
    assert run_sop(env, "db", "check").returncode == 0
