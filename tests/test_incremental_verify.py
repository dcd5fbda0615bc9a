"""``sop verify`` checks from the last verified head; ``--full`` walks everything; a head that no longer holds
is a tamper alarm.

The trade-off, documented: an entry before the last check, edited by someone
holding the file, is not seen by the incremental run (it walks only what is
new), and is by ``--full``. What the incremental run does hold again is the
head it starts from, how many entries lead up to it, and every seal entry.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from helpers import exited_ok, record_complaint
from test_checkpoints import insider

SINCE = "OK: chain intact. New journal entries since the check of 2026-11-24 16:00 (entry {seq}): {n}; {total} in all."


@pytest.fixture
def checked(sop):
    """Five entries and a seal (entry 4), verified: the head recorded is entry 5."""
    record_complaint(sop, "2026-11-23 08:00")
    exited_ok(sop("next", "ADU-2026-00001", "--at", "2026-11-23 08:20"))
    exited_ok(sop("next", "ADU-2026-00001", "--at", "2026-11-24 09:00"))
    exited_ok(sop("journal", "seal", "--date", "2026-11-23"))
    exited_ok(sop("note", "ADU-2026-00001", "Dicek"))
    assert exited_ok(sop("verify")).stdout == "OK: 5 journal entries, chain intact.\n"  # the first run: all of it
    return sop


def test_the_next_run_walks_only_the_new_entries_and_says_so(checked):
    exited_ok(checked("note", "ADU-2026-00001", "Dicek lagi"))
    exited_ok(checked("note", "ADU-2026-00001", "Dicek sekali lagi"))
    assert exited_ok(checked("verify")).stdout == (
        SINCE.format(seq=5, n=2, total=7) + "\nLast full walk: 2026-11-24 (sop verify --full).\n"
    )
    assert exited_ok(checked("verify")).stdout.startswith(SINCE.format(seq=7, n=0, total=7))
    assert exited_ok(checked("verify", "--full")).stdout == "OK: 7 journal entries, chain intact.\n"


def test_an_old_entry_edited_is_missed_by_the_incremental_run_and_caught_by_full(checked, databases, database):
    exited_ok(checked("note", "ADU-2026-00001", "Dicek lagi"))
    with insider(databases, database) as run:
        run("UPDATE journal_entry SET note = 'diubah' WHERE seq = 2")
    assert exited_ok(checked("verify")).stdout.startswith(SINCE.format(seq=5, n=1, total=6))  # only entry 6 walked
    full = checked("verify", "--full")
    assert full.exit_code == 1
    assert full.stdout == "BROKEN at journal entry 2: its content does not match its hash (edited)\n"


@pytest.mark.parametrize(
    ("tamper", "what"),
    [
        ("UPDATE journal_entry SET note = 'diubah' WHERE seq = 5", "its entry's content does not match its hash"),
        ("DELETE FROM journal_entry WHERE seq = 5", "the journal ends at entry 4 (entries removed from the end)"),
        ("DELETE FROM journal_entry WHERE seq >= 3", "the journal ends at entry 2 (entries removed from the end)"),
        (
            "DELETE FROM journal_entry WHERE seq = 2",
            "5 entries led up to it when checked, 4 now (an entry was removed)",
        ),
        ("UPDATE journal_entry SET note = 'diubah' WHERE seq = 4", "the seal at entry 4 does not match its hash"),
        ("UPDATE verified_head SET seq = 3", "the record of this check was changed"),
    ],
)
def test_a_head_that_no_longer_holds_is_an_alarm_and_stays_one(checked, databases, database, tamper, what):
    with insider(databases, database) as run:
        run(tamper)
    for _run in range(2):  # nothing is recorded while it is wrong: the next run says it again
        alarmed = checked("verify")
        assert alarmed.exit_code == 1
        assert alarmed.stdout.startswith("TAMPERED: the check of 2026-11-24 16:00 (entry ")
        assert f") no longer holds: {what}" in alarmed.stdout
    assert checked("verify", "--full").exit_code == 1


def test_a_rechained_journal_passes_a_full_walk_but_not_the_recorded_head(checked, databases, database):
    """Someone edits entry 2 and recomputes every hash after it: the chain verifies, the recorded head does not."""
    from sopcli.domain.chain import GENESIS, entry_hash
    from sopcli.store.journal import hashed_entries

    with databases.connect(database) as connection:
        from sqlmodel import Session

        entries = list(hashed_entries(Session(bind=connection)))
    entries[1]["note"] = "tidak ada gangguan"
    previous = GENESIS
    with insider(databases, database) as run:
        for entry in entries:
            entry["prev_hash"], entry["hash"] = previous, entry_hash(previous, entry)
            run(
                "UPDATE journal_entry SET note = :note, prev_hash = :prev_hash, hash = :hash WHERE seq = :seq",
                {k: entry[k] for k in ("note", "prev_hash", "hash", "seq")},
            )
            previous = entry["hash"]
    full = checked("verify", "--full")
    assert full.exit_code == 1
    assert full.stdout.splitlines()[:2] == [
        "TAMPERED: the check of 2026-11-24 16:00 (entry 5) no longer holds: its entry is not the one checked "
        "(the chain was rewritten). Find what changed: sop verify --full, sop db check.",
        "OK: 5 journal entries, chain intact.",
    ]


def test_the_recorded_heads_cannot_be_changed_or_removed(checked, databases, database):
    from sqlalchemy.exc import DatabaseError

    for statement in ["UPDATE verified_head SET seq = 1", "DELETE FROM verified_head"]:
        with pytest.raises(DatabaseError, match="append-only"), databases.connect(database) as connection:
            connection.execute(text(statement))


def test_a_logbook_at_schema_0007_upgrades_and_downgrades(checked, databases, database):
    from alembic import command
    from sqlalchemy import inspect

    from sopcli.store.database import alembic_config

    with databases.connect(database) as connection:
        command.downgrade(alembic_config(connection), "0007")
    with databases.connect(database) as connection:
        assert "verified_head" not in inspect(connection).get_table_names()
    exited_ok(checked("db", "upgrade"))
    assert exited_ok(checked("verify")).stdout == "OK: 5 journal entries, chain intact.\n"  # no head yet: all of it
    assert exited_ok(checked("verify")).stdout.startswith(SINCE.format(seq=5, n=0, total=5))
    assert "OK" in exited_ok(checked("db", "check")).stdout


def test_db_check_checks_from_its_last_check_and_full_checks_everything(checked, databases):
    first = exited_ok(checked("db", "check"))
    assert "Journal chain: 5 entries, intact." in first.stdout
    assert first.stdout.startswith("Database engine integrity check: ok")
    record_complaint(checked, "2026-11-24 10:00")
    again = exited_ok(checked("db", "check")).stdout.splitlines()
    if not databases.is_postgres:  # SQLite's checks read the whole file: left to --full
        assert again[0] == "Database engine integrity check: not run (sop db check --full runs it)."
    assert again[2:] == [
        "Journal chain: 1 new entries since the check of 2026-11-24 16:00 (entry 5), intact; 6 in all.",
        "Complaints with new journal entries, against their journal: 1 agree.",
        "OK.",
    ]
    full = exited_ok(checked("db", "check", "--full")).stdout
    assert "Journal chain: 6 entries, intact." in full and "Complaints against their journal: 2 agree." in full


def test_db_check_names_a_head_that_no_longer_holds_and_checks_everything(checked, databases, database):
    exited_ok(checked("db", "check"))
    with insider(databases, database) as run:
        run("DELETE FROM journal_entry WHERE seq = 5")
    for _run in range(2):
        alarmed = checked("db", "check")
        assert alarmed.exit_code == 1
        assert alarmed.stdout.startswith(
            "TAMPERED: the check of 2026-11-24 16:00 (entry 5) no longer holds: the journal ends at entry 4"
        )
        assert "Journal chain: 4 entries, intact." in alarmed.stdout
