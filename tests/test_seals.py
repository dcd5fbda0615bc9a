"""Sealing a day of the jurnal harian, and sop verify holding the day to its seal."""

from __future__ import annotations

import json
import re

import pytest

from helpers import exited_ok, record_complaint


@pytest.fixture
def monday(sop):
    record_complaint(sop, "2026-11-23 08:00")
    exited_ok(sop("next", "ADU-2026-00001", "--at", "2026-11-23 08:20"))
    return sop


def test_seal_prints_the_digest_and_verify_holds_the_day_to_it(monday):
    sealed = exited_ok(monday("journal", "seal", "--date", "2026-11-23"))
    assert re.match(
        r"Sealed 2026-11-23: 2 entries \(journal entry 3\)\.\nDigest: [0-9a-f]{64}\n"
        r"Checkpoint: entry 3 · code 3/[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}\n$",
        sealed.stdout,
    )
    again = exited_ok(monday("journal", "seal", "--date", "2026-11-23"))
    assert again.stdout.startswith("2026-11-23 was already sealed as it stands (2 entries).")
    assert again.stdout.splitlines()[1] == sealed.stdout.splitlines()[1]  # the same digest
    assert exited_ok(monday("verify")).stdout == "OK: 3 journal entries, chain intact.\n"


def test_a_sealed_day_rewritten_with_a_rehashed_chain_is_named(monday, sop_env, database, databases):
    """Someone with the database edits a sealed entry and recomputes every hash after it: the
    chain verifies, but the day no longer matches the digest written on the signed journal."""
    from sqlalchemy import text

    from sopcli.domain.chain import GENESIS, entry_hash
    from sopcli.services.exporter import read_journal_export

    exited_ok(monday("journal", "seal", "--date", "2026-11-23"))
    exited_ok(monday("export", "journal", "-o", str(sop_env / "jurnal.json")))
    entries = list(read_journal_export(str(sop_env / "jurnal.json")))
    entries[1]["note"] = "tidak ada gangguan"
    previous = GENESIS
    with databases.connect(database) as connection:
        connection.execute(text(_DROP_GUARDS[connection.dialect.name]))
        for entry in entries:
            entry["prev_hash"], entry["hash"] = previous, entry_hash(previous, entry)
            connection.execute(
                text("UPDATE journal_entry SET note = :note, prev_hash = :prev_hash, hash = :hash WHERE seq = :seq"),
                entry,
            )
            previous = entry["hash"]
    changed = monday("verify")
    assert changed.exit_code == 1
    assert changed.stdout == (
        "OK: 3 journal entries, chain intact.\nCHANGED after sealing: 2026-11-23 (entries when sealed: 2, now: 2)\n"
    )


_DROP_GUARDS = {  # the append-only guards, as an attacker with the file (or the table's owner) would drop them
    "sqlite": "DROP TRIGGER journal_entry_no_update",
    "postgresql": "DROP FUNCTION journal_entry_append_only() CASCADE",
}


def test_an_entry_for_a_sealed_day_recorded_later_is_counted_not_an_alarm(monday):
    """Yesterday's phone complaint entered this morning: the signed journal lacks it, nothing was changed."""
    exited_ok(monday("journal", "seal", "--date", "2026-11-23"))
    exited_ok(
        monday(
            "new",
            "--sop",
            "kaltim-db",
            "--description",
            "Telepon kemarin sore",
            "--reporter",
            "Ani",
            "--unit",
            "BKD",
            "--system",
            "SIMPEG",
            "--received-at",
            "2026-11-23 15:00",
        )
    )
    exited_ok(monday("note", "ADU-2026-00001", "Ditambahkan belakangan", "--at", "2026-11-23 09:00"))
    verified = exited_ok(monday("verify"))
    assert verified.stdout == (
        "OK: 5 journal entries, chain intact.\n"
        "2026-11-23: entries recorded after the seal: 2 (not on the signed journal; "
        "'sop journal seal --date 2026-11-23' covers them)\n"
    )

    resealed = exited_ok(monday("journal", "seal", "--date", "2026-11-23"))
    assert resealed.stdout.startswith("Sealed 2026-11-23: 4 entries")
    # The new seal covers entries the last check already walked: their digests are read for it.
    assert exited_ok(monday("verify")).stdout == (
        "OK: chain intact. New journal entries since the check of 2026-11-24 16:00 (entry 5): 1; 6 in all.\n"
        "Last full walk: 2026-11-24 (sop verify --full).\n"
    )
    assert exited_ok(monday("verify", "--full")).stdout == "OK: 6 journal entries, chain intact.\n"  # the first too


def test_entries_of_later_days_do_not_disturb_a_seal(monday):
    exited_ok(monday("journal", "seal", "--date", "2026-11-23"))
    exited_ok(monday("next", "ADU-2026-00001"))  # Tuesday, now
    assert exited_ok(monday("verify")).stdout == "OK: 4 journal entries, chain intact.\n"


def test_the_seal_is_in_the_journal_of_the_day_it_was_made(monday):
    exited_ok(monday("journal", "seal", "--date", "2026-11-23", "--as", "kasie"))
    [seal] = json.loads(exited_ok(monday("journal", "--format", "json")).stdout)["entries"]  # today, Tuesday
    assert (seal["action"], seal["actor"], seal["number"]) == ("seal", "kasie", None)
    assert seal["note"] == "jurnal harian 2026-11-23 sealed"
    assert seal["fields"]["date"] == "2026-11-23" and seal["fields"]["entries"] == "2"


def test_sealing_an_unparseable_day_is_one_error_line(sop):
    result = sop("journal", "seal", "--date", "besok lusa")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_work_after_a_seal_of_today_does_not_disturb_it(monday):
    # Tuesday 16:00: the supervisor seals the day, and work goes on after it.
    exited_ok(monday("next", "ADU-2026-00001", "--at", "2026-11-24 09:00"))
    exited_ok(monday("journal", "seal"))
    exited_ok(monday("note", "ADU-2026-00001", "Dicek lagi sore hari"))  # now, after the seal
    assert exited_ok(monday("verify")).stdout == (
        "OK: 5 journal entries, chain intact.\n"
        "2026-11-24: entries recorded after the seal: 1 (not on the signed journal; "
        "'sop journal seal --date 2026-11-24' covers them)\n"
    )

    # Sealing again at the end of the evening covers the later work too.
    resealed = exited_ok(monday("journal", "seal"))
    assert resealed.stdout.startswith("Sealed 2026-11-24: 2 entries")
    assert exited_ok(monday("verify", "--full")).stdout == "OK: 6 journal entries, chain intact.\n"


def test_an_entry_backdated_before_a_seal_of_today_is_counted_as_recorded_after_it(monday):
    exited_ok(monday("journal", "seal"))  # Tuesday 16:00, no entry yet today
    exited_ok(monday("note", "ADU-2026-00001", "Ditambahkan belakangan", "--at", "2026-11-24 10:00"))
    assert "2026-11-24: entries recorded after the seal: 1 " in exited_ok(monday("verify")).stdout


def test_a_day_that_has_not_begun_cannot_be_sealed(monday):
    result = monday("journal", "seal", "--date", "2026-11-25")  # Wednesday; it is Tuesday
    assert result.exit_code == 1
    assert result.stderr == "Error: 2026-11-25 has not come yet: only a day that has begun can be sealed\n"
    assert exited_ok(monday("verify")).stdout == "OK: 2 journal entries, chain intact.\n"
