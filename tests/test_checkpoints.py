"""Checkpoints kept away from the logbook, and seals that hold only their own day.

Each attack is made on the real database the way an insider would: the
append-only guards dropped first, then rows deleted or rewritten with every
hash (and seal digest) recomputed by sop's own published algorithm. On SQLite
the attacker works on the file with the ``sqlite3`` module.
"""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from helpers import exited_ok, record_complaint
from sopcli.domain import checkpoint as cp


@pytest.fixture
def logbook(sop):
    """A complaint on Monday 23 November (entries 1-2), its next step on Tuesday (3), Monday sealed (4)."""
    record_complaint(sop, "2026-11-23 08:00")
    exited_ok(sop("next", "ADU-2026-00001", "--at", "2026-11-23 08:20"))
    exited_ok(sop("next", "ADU-2026-00001", "--at", "2026-11-24 09:00"))
    exited_ok(sop("journal", "seal", "--date", "2026-11-23"))
    return sop


# --- the insider -----------------------------------------------------------------------


def journal_rows(databases, database) -> list[dict]:
    """The journal as the chain check reads it."""
    from sqlmodel import Session

    from sopcli.store.journal import hashed_entries

    with databases.connect(database) as connection:
        return list(hashed_entries(Session(bind=connection)))


@contextmanager
def insider(databases, database):
    """Run SQL on the logbook with its append-only guards dropped, as the file's holder or the table's owner can."""
    if databases.is_postgres:
        from sqlalchemy import text

        with databases.connect(database) as connection:
            connection.exec_driver_sql("DROP FUNCTION journal_entry_append_only() CASCADE")
            yield lambda sql, params=None: connection.execute(text(sql), params or {})
        return
    connection = sqlite3.connect(database)
    for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        connection.execute(f"DROP TRIGGER {name}")
    yield lambda sql, params=None: connection.execute(sql, params or {})
    connection.commit()
    connection.close()


def rewrite(databases, database, edit, *, reseal: bool) -> None:
    """Apply ``edit`` to the rows, then recompute every hash; with ``reseal``, every seal's digest too."""
    from sopcli.domain.chain import GENESIS, content_digest, entry_encoding, entry_hash
    from sopcli.services.seals import day_digest

    rows = journal_rows(databases, database)
    edit(rows)
    previous = GENESIS
    with insider(databases, database) as run:
        for index, row in enumerate(rows):
            if reseal and row["action"] == "seal":
                zone, day = ZoneInfo(row["fields"]["zone"]), row["fields"]["date"]
                covered = [
                    content_digest(entry_encoding(earlier))
                    for earlier in rows[:index]
                    if earlier["action"] != "seal" and earlier["at"].astimezone(zone).date().isoformat() == day
                ]
                row["fields"]["digest"] = day_digest(covered)
            row["prev_hash"], row["hash"] = previous, entry_hash(previous, row)
            previous = row["hash"]
            run(
                "UPDATE journal_entry SET note = :note, fields = :fields, prev_hash = :prev_hash, hash = :hash "
                "WHERE seq = :seq",
                {**row, "fields": json.dumps(row["fields"], ensure_ascii=False, sort_keys=True)},
            )


def edit_note(seq: int, note: str):
    def edit(rows):
        rows[seq - 1]["note"] = note

    return edit


def checkpoint_file(sop, path) -> str:
    exited_ok(sop("journal", "checkpoint", "-o", str(path)))
    return str(path)


# --- what the chain alone cannot show, and a checkpoint does ------------------------------------


def test_a_full_rewrite_passes_the_chain_but_not_a_checkpoint_taken_before(logbook, sop_env, databases, database):
    """The documented limit: every hash and seal recomputed after an edit is a valid chain. A checkpoint kept
    elsewhere is not fooled. (Runs on PostgreSQL too, with SOP_TEST_DATABASE_URL.)"""
    taken = checkpoint_file(logbook, sop_env / "titik.txt")
    code = re.search(r"Code: (\S+)", (sop_env / "titik.txt").read_text())[1]

    rewrite(databases, database, edit_note(2, "tidak ada gangguan"), reseal=True)

    assert exited_ok(logbook("verify")).stdout == "OK: 4 journal entries, chain intact.\n"
    for given in (taken, code):
        caught = logbook("verify", "--checkpoint", given)
        assert caught.exit_code == 1
        assert caught.stdout == (
            "OK: 4 journal entries, chain intact.\n"
            f"NOT EXTENDED: checkpoint {given}: entry 4 is not the one it recorded (the chain was rewritten)\n"
        )


def test_removing_the_newest_three_entries_is_caught(logbook, sop_env, databases, database):
    exited_ok(logbook("note", "ADU-2026-00001", "Dicek lagi"))
    taken = checkpoint_file(logbook, sop_env / "titik.txt")  # entry 5
    with insider(databases, database) as run:
        run("DELETE FROM journal_entry WHERE seq > 2")

    assert exited_ok(logbook("verify")).stdout == "OK: 2 journal entries, chain intact.\n"
    caught = logbook("verify", "--checkpoint", taken)
    assert caught.exit_code == 1
    assert caught.stdout.splitlines()[-1] == (
        f"NOT EXTENDED: checkpoint {taken}: the journal ends at entry 2; it had entry 5 (entries removed from the end)"
    )


def test_an_emptied_journal_is_caught(logbook, sop_env, databases, database):
    taken = checkpoint_file(logbook, sop_env / "titik.txt")
    with insider(databases, database) as run:
        run("DELETE FROM journal_entry")

    caught = logbook("verify", "--checkpoint", taken)
    assert caught.exit_code == 1
    assert caught.stdout == (
        "OK: 0 journal entries, chain intact.\n"
        f"NOT EXTENDED: checkpoint {taken}: the journal is empty; it had entry 4\n"
    )


def test_a_logbook_grown_after_the_checkpoint_still_extends_it(logbook, sop_env):
    taken = checkpoint_file(logbook, sop_env / "titik.txt")
    exited_ok(logbook("note", "ADU-2026-00001", "Dicek lagi"))
    exited_ok(logbook("journal", "seal"))
    assert exited_ok(logbook("verify", "--checkpoint", taken)).stdout == (
        f"OK: 6 journal entries, chain intact.\nCheckpoint {taken}: still extended (entry 4).\n"
    )


def test_the_code_on_a_seal_and_on_a_printed_journal_checks_later(logbook, sop_env, databases, database):
    sealed = exited_ok(logbook("journal", "seal"))  # Tuesday: entry 5
    [code] = re.findall(r"^Checkpoint: entry 5 · code (5/[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})$", sealed.stdout, re.M)
    printed = exited_ok(logbook("journal", "--format", "html")).stdout
    assert f"Checkpoint: entry 5 · code {code}" in printed
    report = exited_ok(logbook("report", "--format", "plain")).stdout
    assert f"Checkpoint: entry 5 · code {code}" in report

    exited_ok(logbook("verify", "--checkpoint", code))
    exited_ok(logbook("verify", "--checkpoint", code.replace("/", " ").replace("-", "").upper()))  # as read aloud
    rewrite(databases, database, edit_note(1, "Telepon"), reseal=True)
    assert logbook("verify", "--checkpoint", code).exit_code == 1


def test_a_witness_directory_checks_every_checkpoint_in_it(logbook, sop_env, databases, database):
    witness = sop_env / "usb"
    witness.mkdir()
    first = exited_ok(logbook("journal", "checkpoint", "--witness", str(witness)))
    assert first.stderr == f"Written to {witness}/titik-periksa-2026-11-24-entri-4.txt.\n"
    exited_ok(logbook("note", "ADU-2026-00001", "Dicek lagi"))
    exited_ok(logbook("journal", "checkpoint", "--witness", str(witness)))
    exited_ok(logbook("note", "ADU-2026-00001", "Dicek sekali lagi"))
    exited_ok(logbook("journal", "checkpoint", "--json", "-o", str(witness / "kemarin.json")))
    (witness / "catatan.txt").write_text("bukan titik periksa\n")
    assert sorted(p.name for p in witness.iterdir()) == [
        "catatan.txt",
        "kemarin.json",
        "titik-periksa-2026-11-24-entri-4.txt",
        "titik-periksa-2026-11-24-entri-5.txt",
    ]

    held = exited_ok(logbook("verify", "--witness", str(witness)))
    assert held.stderr == "Not checkpoints, skipped: catatan.txt\n"
    assert held.stdout.splitlines()[1:] == [
        f"Checkpoint {witness}/kemarin.json: still extended (entry 6).",
        f"Checkpoint {witness}/titik-periksa-2026-11-24-entri-4.txt: still extended (entry 4).",
        f"Checkpoint {witness}/titik-periksa-2026-11-24-entri-5.txt: still extended (entry 5).",
    ]

    with insider(databases, database) as run:
        run("DELETE FROM journal_entry WHERE seq > 4")
    caught = logbook("verify", "--witness", str(witness))
    assert caught.exit_code == 1
    assert caught.stdout.startswith("TAMPERED: the check of 2026-11-24 16:00 (entry 6) no longer holds: the journal ")
    assert [line.split(":")[0] for line in caught.stdout.splitlines()[2:]] == [
        "NOT EXTENDED",
        f"Checkpoint {witness}/titik-periksa-2026-11-24-entri-4.txt",  # older than what was removed
        "NOT EXTENDED",
    ]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("verify", "--checkpoint", "nonsense"),
            "Error: 'nonsense' is neither a checkpoint file nor a checkpoint code",
        ),
        (("verify", "--checkpoint", "4/ab12-cd34"), "Error: '4/ab12-cd34' is neither a checkpoint file nor a"),
        (("verify", "--checkpoint", "{tmp}/config.toml"), "Error: {tmp}/config.toml holds no sop checkpoint"),
        (("verify", "--witness", "{tmp}/none"), "Error: cannot read {tmp}/none: "),
        (("verify", "--witness", "{tmp}/empty"), "Error: no sop checkpoint in {tmp}/empty"),
        (
            ("verify", "--file", "x.csv", "--checkpoint", "4/ab12-cd34-ef56"),
            "Error: --checkpoint, --witness, --digest and --full",
        ),
        (("journal", "checkpoint", "--witness", "{tmp}/none"), "Error: {tmp}/none is not a directory"),
        (("journal", "checkpoint", "--witness", "{tmp}/empty", "--json"), "Error: --witness names its own file"),
    ],
)
def test_a_bad_checkpoint_or_witness_is_one_error_line(logbook, sop_env, args, line):
    (sop_env / "empty").mkdir()
    (sop_env / "config.toml").write_text('timezone = "WIB"\n')
    result = logbook(*(arg.format(tmp=sop_env) for arg in args))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(line.format(tmp=sop_env)) and result.stderr.count("\n") == 1
    assert list((sop_env / "empty").iterdir()) == []


# --- seals that raise no false alarm, and name only the day that changed ------------------------


def test_changing_the_verifiers_time_zone_raises_no_false_alarm(sop, sop_env):
    exited_ok(sop("new", "--sop", "kaltim-db", "--description", "VPN putus", "--reporter", "Ani", "--unit", "BKD",
                  "--system", "VPN", "--received-at", "2026-11-23 22:00"))  # fmt: skip
    exited_ok(sop("note", "ADU-2026-00001", "Masih putus", "--at", "2026-11-23 23:30"))  # Tuesday 00:30 in WITA
    exited_ok(sop("journal", "seal", "--date", "2026-11-23"))
    exited_ok(sop("config", "set", "timezone", "WITA"))
    assert exited_ok(sop("verify")).stdout == "OK: 3 journal entries, chain intact.\n"
    exited_ok(sop("config", "set", "timezone", "Asia/Jayapura"))
    assert exited_ok(sop("verify", "--full")).stdout == "OK: 3 journal entries, chain intact.\n"


def test_an_edited_sealed_day_is_the_only_day_named(logbook, databases, database):
    exited_ok(logbook("journal", "seal"))  # Tuesday too: entry 5
    rewrite(databases, database, edit_note(2, "tidak ada gangguan"), reseal=False)
    changed = logbook("verify")
    assert changed.exit_code == 1
    assert changed.stdout == (
        "OK: 5 journal entries, chain intact.\nCHANGED after sealing: 2026-11-23 (entries when sealed: 2, now: 2)\n"
    )


def test_a_seal_from_before_seals_recorded_their_zone_still_holds(sop, database, databases):
    """Older seals digest their day's entry hashes, the day as the office's zone bounds it."""
    from sqlmodel import Session

    from sopcli.domain import engine
    from sopcli.domain.vocabulary import Action
    from sopcli.services.seals import day_digest
    from sopcli.store import journal

    exited_ok(sop("new", "--sop", "kaltim-db", "--description", "VPN putus", "--reporter", "Ani", "--unit", "BKD",
                  "--system", "VPN", "--received-at", "2026-11-23 10:00"))  # fmt: skip
    hashes = [row["hash"] for row in journal_rows(databases, database)]
    with databases.connect(database) as connection:
        session = Session(bind=connection)
        fields = {"date": "2026-11-23", "entries": "1", "digest": day_digest(hashes)}
        journal.append(
            session,
            engine.Entry(Action.SEAL, datetime(2026, 11, 24, tzinfo=UTC), "kasie", fields=fields),
            datetime(2026, 11, 24, tzinfo=UTC),
        )
        session.commit()
    assert exited_ok(sop("verify")).stdout == "OK: 2 journal entries, chain intact.\n"


# --- the checkpoint itself ------------------------------------------------------------------


def test_a_checkpoint_reads_back_from_its_text_its_json_and_its_code():
    taken = cp.Checkpoint(42, "ab12cd34ef56" + "0" * 52, 42, datetime(2026, 11, 24, 9, tzinfo=UTC), "Diskominfo")
    zone = ZoneInfo("Asia/Jakarta")
    text = cp.format_text(taken, zone)
    assert "Code: 42/ab12-cd34-ef56\n" in text and "Time: 24/11/2026 16:00 WIB\n" in text
    assert cp.parse_file(text) == cp.Checkpoint(42, taken.hash, 42, taken.at)
    assert cp.parse_file(json.dumps(cp.to_json(taken, zone))) == taken
    for code in ("42/ab12-cd34-ef56", " 42 AB12 CD34 EF56 ", "42-ab12cd34ef56", "42:ab12-cd34-ef56"):
        assert cp.parse_code(code) == cp.Checkpoint(42, "ab12cd34ef56"), code
    for not_a_code in ("42", "ab12-cd34-ef56", "42/ab12-cd34-ef5", "42/ab12-cd34-ef56-7890", "x42/ab12-cd34-ef56"):
        assert cp.parse_code(not_a_code) is None, not_a_code
    assert cp.parse_file("Code: 42/ab12-cd34-ef56\n") is None  # the labelled lines alone are for people
    assert cp.parse_file('{"sop_checkpoint": 1, "seq": "42"}') is None
