"""Casework commands through the CLI: new, next, note, pause, resume, cancel, show, list, verify.

Every test runs ``sop`` in-process (Typer's CliRunner) against its own
empty database (SQLite, or PostgreSQL: see conftest) with a fixed clock: Tuesday 24 November 2026,
16:00 WIB (``conftest.FIXED_NOW``). Office hours are the default
Mon–Thu 07:30–16:00, Fri 07:30–16:30, so one working day holds 510 minutes.
Standard input is never a terminal here, so a missing value is an error.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from helpers import no_logbook, no_traceback, ok, sqlite_plan, statements_run

NOW = "2026-11-24T16:00:00+07:00"
JOURNAL_ACTIONS = {"received", "step", "note", "pause", "resume", "cancel"}
JOURNAL_KEYS = {
    "seq",
    "action",
    "step",
    "decision",
    "fields",
    "actor",
    "at",
    "recorded_at",
    "note",
    "output",
    "on_time",
    "hash",
}
CASE_KEYS = {"number", "sop", "status", "current_step", "due_at", "received_at", "journal"}
REQUIRED = {
    "--sop": "kaltim-db",
    "--description": "Database SIMPEG tidak bisa diakses",
    "--reporter": "Ani",
    "--unit": "BKD",
    "--system": "SIMPEG",
}

USER_SOP_V1 = """\
id = "contoh"
version = "1"
nomor = "001/SOP/2026"
nama = "Contoh SOP Pengguna"
instansi = "Diskominfo Kota Contoh"
waktu = "1 hari"

[[roles]]
key = "operator"
nama = "Operator Layanan"

[[steps]]
id = "1"
kegiatan = "Menerima pengaduan"
pelaksana = ["operator"]
waktu = "15 menit"

[[steps]]
id = "2"
kegiatan = "Memperbaiki gangguan"
pelaksana = ["operator"]
waktu = "1 jam"

[[steps]]
id = "3"
kegiatan = "Melaporkan penyelesaian"
pelaksana = ["operator"]
waktu = "30 menit"
end = "resolved"
"""

# The same SOP, revised: one step that closes the case at once.
USER_SOP_V2 = """\
id = "contoh"
version = "2"
nomor = "001/SOP/2026"
nama = "Contoh SOP Pengguna"
instansi = "Diskominfo Kota Contoh"
waktu = "1 hari"

[[roles]]
key = "operator"
nama = "Operator Layanan"

[[steps]]
id = "1"
kegiatan = "Menerima dan menyelesaikan pengaduan"
pelaksana = ["operator"]
waktu = "15 menit"
end = "resolved"
"""

# An office SOP that runs round the clock: its working day is 24 hours, in every view of a case.
NONSTOP_SOP = """\
id = "nonstop"
version = "1"
nomor = "002/SOP/2026"
nama = "Pemulihan Jaringan 24 Jam"
instansi = "Diskominfo Kota Contoh"
calendar = "24x7"
waktu = "3 hari"

[[roles]]
key = "noc"
nama = "Petugas NOC"

[[steps]]
id = "1"
kegiatan = "Memulihkan jaringan"
pelaksana = ["noc"]
waktu = "2 hari"

[[steps]]
id = "2"
kegiatan = "Melaporkan pemulihan"
pelaksana = ["noc"]
waktu = "1 hari"
end = "resolved"
"""


# --- helpers -----------------------------------------------------------------------


def assert_error(result, *fragments: str, code: int | None = None) -> str:
    """Non-zero exit, exactly one ``Error:`` line on stderr, no traceback; returns the line."""
    assert result.exit_code != 0, result.stdout
    if code is not None:
        assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    no_traceback(result)
    return lines[0]


def js(result):
    return json.loads(ok(result).stdout)


def new_args(**overrides: str | None) -> list[str]:
    options = {**REQUIRED, **{f"--{k.replace('_', '-')}": v for k, v in overrides.items()}}
    args = ["new"]
    for option, value in options.items():
        if value is not None:
            args += [option, value]
    return args


def create(run, **overrides) -> dict:
    """``sop new … --json``; returns the complaint."""
    return js(run(*new_args(**overrides), "--json"))


def step(sop, number: str, at: str, *extra: str) -> dict:
    """``sop next NUMBER --at AT … --json``."""
    return js(sop("next", number, "--at", at, *extra, "--json"))


def all_complaints(sop) -> list[dict]:
    result = sop("list", "--status", "all", "--json")
    if no_logbook(result):  # a refused first command does not even create the logbook
        return []
    return js(result)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def walk_kaltim(sop, number: str, day: str = "2026-11-23") -> dict:
    """Drive a kaltim-db complaint received at 08:00 on ``day`` to its end, through one 7 → 5 loop."""
    plan = [
        ("1", "08:20", ()),
        ("2", "09:00", ()),
        ("3", "13:00", ()),
        ("4", "14:00", ()),
        ("5", "14:10", ()),
        ("6", "14:30", ()),
        ("7", "14:40", ("--decision", "tidak")),
        ("5", "14:50", ()),
        ("6", "15:00", ()),
        ("7", "15:10", ("--decision", "ya")),
        ("8", "15:20", ("--decision", "ya")),
        ("9", "15:30", ()),
    ]
    view = None
    for step_id, time, extra in plan:
        view = step(sop, number, f"{day}T{time}", "--step", step_id, *extra)
    return view


# --- sop new -----------------------------------------------------------------------


def test_new_with_every_option(sop):
    view = create(
        sop,
        description="Database SIMPEG tidak bisa diakses sejak pagi",
        reporter="Ani Lestari",
        unit="BKD",
        system="SIMPEG",
        host="db-01.kaltimprov.go.id",
        channel="email",
        priority="tinggi",
        received_at="2026-11-24T08:00",
        ref="SURAT/123/BKD/2026",
        **{"as": "siti"},
    )
    assert view["number"] == "ADU-2026-00001"
    assert view["sop"]["id"] == "kaltim-db" and view["sop"]["version"] == "4"
    assert view["status"] == "open"
    assert view["current_step"] == "1"
    assert view["received_at"] == "2026-11-24T08:00:00+07:00"
    assert view["due_at"] == "2026-11-24T08:30:00+07:00"  # step 1: 30 menit
    assert view["ref"] == "SURAT/123/BKD/2026"
    assert (view["description"], view["reporter"], view["unit"], view["system"], view["host"]) == (
        "Database SIMPEG tidak bisa diakses sejak pagi",
        "Ani Lestari",
        "BKD",
        "SIMPEG",
        "db-01.kaltimprov.go.id",
    )
    assert (view["channel"], view["priority"]) == ("email", "tinggi")
    [received] = view["journal"]
    assert received["action"] == "received"
    assert received["actor"] == "siti"
    assert received["at"] == "2026-11-24T08:00:00+07:00"
    assert received["recorded_at"] == NOW
    assert received["fields"]["ref"] == "SURAT/123/BKD/2026"
    assert received["fields"]["host"] == "db-01.kaltimprov.go.id"


def test_new_plain_output_names_the_number_and_what_to_do_next(sop):
    result = ok(sop(*new_args()))
    assert "ADU-2026-00001" in result.stdout
    assert "sop next ADU-2026-00001" in result.stdout


def test_new_defaults_channel_priority_operator_and_time(sop):
    view = create(sop)
    assert view["received_at"] == NOW
    assert view["channel"] == "telepon" and view["priority"] == "sedang"
    assert view["host"] is None and view["ref"] is None
    assert view["journal"][0]["actor"] == "budi"  # SOP_OPERATOR


def test_numbers_are_ordered_and_per_year(sop):
    numbers = [create(sop)["number"] for _ in range(3)]
    assert numbers == ["ADU-2026-00001", "ADU-2026-00002", "ADU-2026-00003"]
    # Received in 2025: its own series, even though it is recorded in 2026.
    assert create(sop, received_at="2025-12-30T09:00")["number"] == "ADU-2025-00001"
    assert create(sop, received_at="2025-12-31T10:00")["number"] == "ADU-2025-00002"
    # 00:30 WIB on 1 January is still 31 December in UTC: the office's year counts.
    assert create(sop, received_at="2026-01-01T00:30")["number"] == "ADU-2026-00004"
    assert [c["number"] for c in all_complaints(sop)] == [
        "ADU-2025-00001",
        "ADU-2025-00002",
        "ADU-2026-00004",
        "ADU-2026-00001",
        "ADU-2026-00002",
        "ADU-2026-00003",
    ]


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_new_missing_required_option_without_terminal(sop, missing):
    result = sop(*new_args(**{missing.lstrip("-"): None}))
    line = assert_error(result, missing, code=1)
    assert "terminal" in line
    assert result.stdout == ""
    assert all_complaints(sop) == []


@pytest.mark.parametrize("option", ["--description", "--reporter", "--unit", "--system"])
def test_new_blank_value_is_refused(sop, option):
    assert_error(sop(*new_args(**{option.lstrip("-"): "   "})), option, code=1)
    assert all_complaints(sop) == []


def test_new_duplicate_ref_names_the_existing_complaint(sop):
    first = create(sop, ref="SURAT/1/2026")
    result = sop(*new_args(ref="SURAT/1/2026"))
    assert_error(result, first["number"], "SURAT/1/2026")
    assert [c["number"] for c in all_complaints(sop)] == [first["number"]]


def test_new_future_received_at_is_refused(sop):
    assert_error(sop(*new_args(received_at="2026-11-24T16:30")), "future", code=1)
    assert_error(sop(*new_args(received_at="25/11/2026 08:00")), "future", code=1)
    assert all_complaints(sop) == []


@pytest.mark.parametrize(
    ("received_at", "reason"),
    [
        ("24/11/2016 08:00", "is more than 5 years ago (check the year)"),
        ("1900-01-01", "year 1900 is out of range: '1900-01-01' (check the year)"),
        ("0001-01-01", "year 1 is out of range: '0001-01-01' (check the year)"),
    ],
)
def test_new_received_years_ago_is_refused_before_anything_is_written(sop, received_at, reason):
    # 2016 for 2026 is a typo; left in, such a date broke every later report (a working-time span too long).
    result = sop(*new_args(received_at=received_at))
    assert_error(result, reason, code=1)
    assert no_logbook(sop("verify"))  # not even the logbook was created
    assert all_complaints(sop) == []


def test_new_with_an_empty_received_at_is_refused_not_taken_as_now(sop):
    assert_error(sop(*new_args(received_at="")), "empty date", code=1)
    assert all_complaints(sop) == []


def test_new_with_a_ref_that_looks_like_a_complaint_number_is_refused(sop):
    # ADU-… is always read as a complaint number: a complaint with such a ref could never be found by it.
    assert_error(sop(*new_args(ref="ADU-2026-00001")), "looks like a complaint number", code=1)
    assert all_complaints(sop) == []


def test_new_received_at_within_a_minute_of_now_is_accepted(sop):
    # Clocks a little apart are forgiven.
    assert create(sop, received_at="2026-11-24T16:00:30")["received_at"] == "2026-11-24T16:00:30+07:00"


def test_new_day_first_received_at_is_local_time(sop, databases, database):
    view = create(sop, received_at="20/11/2026 08:15")
    assert view["received_at"] == "2026-11-20T08:15:00+07:00"
    assert view["journal"][0]["at"] == "2026-11-20T08:15:00+07:00"
    # Stored in UTC (SQLite: text; PostgreSQL: a timestamp without zone).
    with databases.connect(database) as con:
        stored = con.execute(text("SELECT received_at FROM complaint")).scalar()
    assert str(stored).startswith("2026-11-20 01:15:00")


def test_new_unparseable_received_at(sop):
    assert_error(sop(*new_args(received_at="kemarin sore-sore")), "kemarin sore-sore", code=1)
    assert all_complaints(sop) == []


def test_new_unknown_sop_id(sop):
    assert_error(sop(*new_args(sop="kaltim-dbx")), "kaltim-dbx", "kaltim-db", code=1)
    assert all_complaints(sop) == []


def test_new_missing_sop_file(sop, tmp_path):
    assert_error(sop(*new_args(sop=str(tmp_path / "nope.toml"))), "nope.toml", code=1)


def test_new_unknown_priority_is_refused(sop):
    # The help names the four priorities; anything else would poison reports.
    assert_error(sop(*new_args(priority="urgent-banget")), "urgent-banget", code=1)
    assert all_complaints(sop) == []


def test_new_bad_operator_name(sop):
    assert_error(sop(*new_args(**{"as": "bu\tdi"})), "--as", code=1)
    assert all_complaints(sop) == []


def test_new_user_sop_file_is_pinned(sop, tmp_path):
    path = tmp_path / "contoh.toml"
    path.write_text(USER_SOP_V1, encoding="utf-8")
    old = create(sop, sop=str(path))
    assert old["sop"] == {**old["sop"], "id": "contoh", "version": "1"}
    assert old["current_step"] == "1"
    assert old["due_at"] == "2026-11-25T07:45:00+07:00"  # 15 menit from 16:00 Tuesday: next opening + 15

    # The office revises its SOP file after the complaint started.
    path.write_text(USER_SOP_V2, encoding="utf-8")

    # The running case still follows the steps it started with.
    moved = step(sop, old["number"], NOW)
    assert moved["status"] == "open"
    assert moved["current_step"] == "2"
    assert moved["sop"]["version"] == "1"
    assert moved["due_at"] == "2026-11-25T08:30:00+07:00"  # step 2 of version 1: 1 jam
    moved = step(sop, old["number"], NOW)
    assert moved["current_step"] == "3"
    done = step(sop, old["number"], NOW)
    assert done["status"] == "resolved"
    assert [e["step"] for e in done["journal"] if e["action"] == "step"] == ["1", "2", "3"]

    # A new complaint gets the revised SOP.
    fresh = create(sop, sop=str(path))
    assert fresh["sop"]["version"] == "2"
    assert step(sop, fresh["number"], NOW)["status"] == "resolved"
    assert js(sop("show", old["number"], "--json"))["sop"]["version"] == "1"


def test_a_user_sop_file_changed_without_a_new_version_is_refused(sop, tmp_path):
    path = tmp_path / "contoh.toml"
    path.write_text(USER_SOP_V1, encoding="utf-8")
    first = create(sop, sop=str(path))
    # Edited (a time standard changed), but still version 1: two different "v1"s would mix in reports.
    path.write_text(USER_SOP_V1.replace('waktu = "1 jam"', 'waktu = "2 jam"', 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != USER_SOP_V1
    assert_error(
        sop(*new_args(sop=str(path))),
        f"{path}: SOP contoh version 1 is already in use with different content",
        "raise 'version' in the file",
        "2",
        code=3,
    )
    assert [c["number"] for c in all_complaints(sop)] == [first["number"]]
    # The unchanged text, and a raised version, are both fine.
    path.write_text(USER_SOP_V1, encoding="utf-8")
    assert create(sop, sop=str(path))["sop"]["version"] == "1"
    path.write_text(
        USER_SOP_V1.replace('waktu = "1 jam"', 'waktu = "2 jam"', 1).replace('version = "1"', 'version = "1.1"'),
        encoding="utf-8",
    )
    assert create(sop, sop=str(path))["sop"]["version"] == "1.1"


def test_new_invalid_user_sop_file(sop, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(
        USER_SOP_V1.replace('pelaksana = ["operator"]\nwaktu = "1 jam"', 'pelaksana = ["nobody"]\nwaktu = "1 jam"'),
        encoding="utf-8",
    )
    assert_error(sop(*new_args(sop=str(path))), "broken.toml", code=1)
    assert all_complaints(sop) == []


def test_new_with_a_user_sop_file_taking_a_built_in_id_is_refused(sop, tmp_path):
    path = tmp_path / "kaltim-salinan.toml"
    path.write_text(USER_SOP_V1.replace('id = "contoh"', 'id = "kaltim-db"'), encoding="utf-8")
    assert_error(
        sop(*new_args(sop=str(path))),
        f"Error: {path}:1: id kaltim-db is the id of a built-in SOP; choose another id",
        code=1,
    )
    assert all_complaints(sop) == []
    assert create(sop, sop="kaltim-db")["sop"]["id"] == "kaltim-db"  # the built-in itself is fine


# --- the JSON contract ---------------------------------------------------------------


def check_contract(view: dict) -> None:
    assert set(view) >= CASE_KEYS, CASE_KEYS - set(view)
    assert re.fullmatch(r"ADU-\d{4}-\d{5}", view["number"])
    assert set(view["sop"]) >= {"id", "version"}
    assert isinstance(view["sop"]["id"], str) and isinstance(view["sop"]["version"], str)
    assert view["status"] in {"open", "resolved", "rejected", "cancelled"}
    assert view["current_step"] is None or isinstance(view["current_step"], str)
    for key in ("due_at", "received_at"):
        value = view[key]
        if value is None:
            assert key == "due_at"
            continue
        assert at(value).utcoffset() is not None, value
        assert value.endswith("+07:00"), value  # the office's zone, WIB
    assert view["journal"], "a complaint always has its received entry"
    seqs = [e["seq"] for e in view["journal"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    ats = [at(e["at"]) for e in view["journal"]]
    assert ats == sorted(ats), "oldest first"
    for entry in view["journal"]:
        assert set(entry) >= JOURNAL_KEYS, JOURNAL_KEYS - set(entry)
        assert entry["action"] in JOURNAL_ACTIONS
        assert isinstance(entry["seq"], int)
        assert isinstance(entry["fields"], dict)
        assert isinstance(entry["actor"], str) and entry["actor"]
        assert at(entry["at"]).utcoffset() is not None
        assert at(entry["recorded_at"]).utcoffset() is not None
        assert entry["on_time"] in (True, False, None)
        assert re.fullmatch(r"[0-9a-f]{64}", entry["hash"])
    assert view["journal"][0]["action"] == "received"


def test_json_contract_of_new_next_and_show(sop):
    created = create(sop, received_at="2026-11-24T08:00")
    check_contract(created)
    assert created["current_step"] == "1"
    advanced = step(sop, created["number"], "2026-11-24T08:10", "--note", "dicatat", "--output", "FORM/1")
    check_contract(advanced)
    shown = js(sop("show", created["number"], "--json"))
    check_contract(shown)
    assert shown == advanced
    assert shown["journal"][0] == created["journal"][0]
    last = shown["journal"][-1]
    assert (last["action"], last["step"], last["decision"], last["note"], last["output"], last["on_time"]) == (
        "step",
        "1",
        None,
        "dicatat",
        "FORM/1",
        True,
    )
    assert (last["seq"], last["at"], last["recorded_at"]) == (2, "2026-11-24T08:10:00+07:00", NOW)
    assert shown["due_at"] == "2026-11-24T09:10:00+07:00"  # step 2: 1 jam
    assert last["hash"] != shown["journal"][0]["hash"]


def test_json_of_a_closed_complaint_has_null_step_and_due(sop):
    number = create(sop)["number"]
    closed = js(sop("cancel", number, "--reason", "duplikat", "--json"))
    check_contract(closed)
    assert closed["current_step"] is None and closed["due_at"] is None


# --- sop next ----------------------------------------------------------------------


def test_next_walks_kaltim_db_to_its_end(sop):
    number = create(sop, received_at="2026-11-23T08:00", **{"as": "siti"})["number"]
    first = step(
        sop, number, "2026-11-23T08:20", "--note", "Laporan dicatat", "--output", "FORM/LAP/01", "--as", "siti"
    )
    assert first["current_step"] == "2"
    assert first["due_at"] == "2026-11-23T09:20:00+07:00"
    entry = first["journal"][-1]
    assert (entry["step"], entry["note"], entry["output"], entry["actor"], entry["on_time"]) == (
        "1",
        "Laporan dicatat",
        "FORM/LAP/01",
        "siti",
        True,
    )
    assert entry["took_minutes"] == 20 and entry["standard_minutes"] == 30

    plan = [("2", "09:00", ()), ("3", "13:00", ()), ("4", "14:00", ()), ("5", "14:10", ()), ("6", "14:30", ())]
    for step_id, time, extra in plan:
        view = step(sop, number, f"2026-11-23T{time}", "--step", step_id, *extra)
    assert view["current_step"] == "7"

    # 7 "tidak": the database is checked again from step 5.
    looped = step(sop, number, "2026-11-23T14:40", "--decision", "tidak", "--note", "Belum pulih")
    assert looped["current_step"] == "5"
    assert looped["due_at"] == "2026-11-23T14:55:00+07:00"  # step 5: 15 menit
    assert looped["journal"][-1]["decision"] == "tidak"
    step(sop, number, "2026-11-23T14:50")
    assert step(sop, number, "2026-11-23T15:00")["current_step"] == "7"
    assert step(sop, number, "2026-11-23T15:10", "--decision", "ya")["current_step"] == "8"
    assert step(sop, number, "2026-11-23T15:20", "--decision", "ya")["current_step"] == "9"
    done = step(sop, number, "2026-11-23T15:30", "--output", "SURAT/LAP/09", "--as", "joko")

    assert done["status"] == "resolved"
    assert done["current_step"] is None and done["due_at"] is None
    assert done["closed_at"] == "2026-11-23T15:30:00+07:00"
    assert done["resolution_minutes"] == 450 and done["overall_on_time"] is True  # 3 hari kerja allowed
    steps = [e for e in done["journal"] if e["action"] == "step"]
    assert [e["step"] for e in steps] == ["1", "2", "3", "4", "5", "6", "7", "5", "6", "7", "8", "9"]
    assert [e["decision"] for e in steps if e["step"] in ("7", "8")] == ["tidak", "ya", "ya"]
    late = [e for e in steps if e["on_time"] is False]
    assert [(e["step"], e["took_minutes"], e["standard_minutes"]) for e in late] == [("3", 240, 60)]
    assert steps[-1]["actor"] == "joko" and steps[-1]["output"] == "SURAT/LAP/09"
    assert [e["seq"] for e in done["journal"]] == list(range(1, 14))

    # Closed: nothing more to do.
    assert_error(sop("next", number), "closed", code=1)
    assert [c["number"] for c in js(sop("list", "--status", "resolved", "--json"))] == [number]


def test_next_plain_output_reports_the_step_and_where_the_case_is(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    result = ok(sop("next", number, "--at", "2026-11-24T08:20"))
    assert "Step 1 done" in result.stdout
    assert "on time" in result.stdout
    assert f"sop next {number}" in result.stdout


def test_next_decision_missing_without_terminal_lists_the_options(sop):
    number = create(sop, received_at="2026-11-23T08:00")["number"]
    for step_id in "123456":
        step(sop, number, "2026-11-23T09:00", "--step", step_id)
    result = sop("next", number, "--at", "2026-11-23T09:30")
    assert_error(result, "step 7", "ya", "tidak", "--decision", code=1)
    # Nothing was written: the case is still at 7.
    assert js(sop("show", number, "--json"))["current_step"] == "7"


def test_next_show_prints_the_card_and_changes_nothing(sop):
    number = create(sop, received_at="2026-11-23T08:00")["number"]
    for step_id in "123456":
        step(sop, number, "2026-11-23T09:00", "--step", step_id)
    before = js(sop("show", number, "--json"))
    card = ok(sop("next", number, "--show"))
    assert f"{number} · step 7 of 9" in card.stdout and "Apakah gangguan telah selesai?" in card.stdout
    assert card.stderr == ""
    as_json = js(sop("next", number, "--show", "--json"))
    assert (as_json["number"], as_json["step"], as_json["position"], as_json["total"]) == (number, "7", 7, 9)
    assert as_json["sop"]["id"] == "kaltim-db"
    assert as_json["decision"]["question"] == "Apakah gangguan telah selesai?"
    assert [(o["label"], o["goto"]) for o in as_json["decision"]["options"]] == [("ya", "8"), ("tidak", "5")]
    assert as_json["due_at"].endswith("+07:00") and as_json["fields"] == []
    after = js(sop("show", number, "--json"))
    assert after == before  # not a journal entry, not a revision
    assert ok(sop("verify")).stdout == "OK: 7 journal entries, chain intact.\n"


def test_the_step_card_says_what_the_complaint_is_about_and_its_age(sop):
    # Friday 20/11/2026 08:00 to the fixed now, Tuesday 24/11 16:00: Friday, Monday and Tuesday are whole
    # working days from 08:00 (the office opens at 07:30, so each counts 510 minutes: 3 working days).
    number = create(
        sop, received_at="2026-11-20T08:00", description="SIMPEG tidak bisa login [bold]", reporter="Siti", unit="BKD"
    )["number"]
    card = " ".join(ok(sop("next", number, "--show")).stdout.replace("│", " ").split())
    assert "Description SIMPEG tidak bisa login [bold]" in card  # typed text shown as it is, never as markup
    assert "Reporter Siti · BKD" in card
    assert "Age 3 d of working time (4 calendar days)" in card
    as_json = js(sop("next", number, "--show", "--json"))
    assert (as_json["description"], as_json["reporter"], as_json["unit"]) == (
        "SIMPEG tidak bisa login [bold]",
        "Siti",
        "BKD",
    )
    assert (as_json["age_working_minutes"], as_json["age_calendar_days"]) == (1530.0, 4)
    assert as_json["received_at"] == "2026-11-20T08:00:00+07:00" and as_json["priority"] == "sedang"


def test_next_show_with_what_would_complete_the_step_is_refused(sop):
    number = create(sop)["number"]
    line = assert_error(sop("next", number, "--show", "--note", "x", "--at", "2026-11-24T09:00"), code=1)
    assert line == (
        "Error: --show only shows the step: --note, --at would complete it (leave out --show to complete the step)"
    )
    assert len(js(sop("show", number, "--json"))["journal"]) == 1


def test_next_show_of_a_closed_complaint_says_so(sop):
    number = create(sop)["number"]
    ok(sop("cancel", number, "--reason", "Duplikat"))
    assert_error(sop("next", number, "--show"), number, "already closed", code=1)


def test_next_json_at_a_terminal_never_asks_and_prints_only_json(sop):
    number = create(sop, received_at="2026-11-23T08:00")["number"]
    # A plain step: completed from the options alone, no note, output or confirmation asked.
    done = at_a_terminal("next", number, "--at", "2026-11-23T08:20", "--json", input="")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["current_step"] == "2"
    assert done.stderr == ""
    for step_id in "23456":
        step(sop, number, "2026-11-23T09:00", "--step", step_id)
    # A decision step without --decision: one line naming it, nothing asked, nothing written.
    refused = at_a_terminal("next", number, "--json", input="ya\ny\n")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1
    assert (
        refused.stderr.startswith("Error: step 7 needs a decision: ") and "(give --decision OPTION)" in refused.stderr
    )
    assert js(sop("show", number, "--json"))["current_step"] == "7"


@pytest.mark.parametrize(
    "args, option",
    [
        (["new", "--sop", "kaltim-db", "--json"], "--description"),
        (["pause", "1", "--json"], "--reason"),
        (["cancel", "1", "--json"], "--reason"),
    ],
)
def test_other_commands_with_json_never_ask_either(sop, args, option):
    create(sop)
    result = at_a_terminal(*args, input="an answer\ny\n")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [f"Error: {option} is required with --json"]
    assert js(sop("show", "1", "--json"))["status"] == "open"


def test_next_at_a_terminal_asks_on_stderr_and_prints_only_the_outcome(sop):
    number = create(sop, received_at="2026-11-23T08:00")["number"]
    done = at_a_terminal("next", number, "--at", "2026-11-23T08:20", input="Catatan\nF-01\ny\nn\n")
    assert done.exit_code == 0, done.stderr
    assert f"{number} · step 1 of 9" in done.stderr and "Note (optional)" in done.stderr
    assert "Save step 1 as done?" in done.stderr
    assert done.stdout.splitlines() == [
        "Step 1 done. 20 min / 30 min (on time)",
        f"{number} is now at step 2: sop next {number}",
    ]


def test_next_unknown_decision_option(sop):
    number = create(sop, received_at="2026-11-23T08:00")["number"]
    for step_id in "123456":
        step(sop, number, "2026-11-23T09:00", "--step", step_id)
    assert_error(sop("next", number, "--decision", "mungkin"), "mungkin", "ya", "tidak", code=1)
    assert js(sop("show", number, "--json"))["current_step"] == "7"


def test_next_decision_at_a_plain_step_is_refused(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    assert_error(sop("next", number, "--decision", "ya"), "--decision", code=1)
    assert js(sop("show", number, "--json"))["current_step"] == "1"


def test_next_malformed_field(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    assert_error(sop("next", number, "--field", "foo"), "foo", "KEY=VALUE", code=1)
    assert_error(sop("next", number, "--field", "=4 jam"), "KEY=VALUE", code=1)
    assert js(sop("show", number, "--json"))["current_step"] == "1"


def test_next_field_the_step_does_not_ask_for(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    assert_error(sop("next", number, "--field", "foo=bar"), "foo", code=1)
    assert len(js(sop("show", number, "--json"))["journal"]) == 1


def test_next_at_before_the_previous_entry_is_refused(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    step(sop, number, "2026-11-24T08:20")
    assert_error(sop("next", number, "--at", "2026-11-24T08:10"), "before", code=1)
    assert_error(sop("next", number, "--at", "2026-11-24T07:00"), "before", code=1)
    assert js(sop("show", number, "--json"))["current_step"] == "2"


def test_next_at_before_the_previous_entry_names_it_in_local_time(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    step(sop, number, "2026-11-24T08:20")
    line = assert_error(sop("next", number, "--at", "2026-11-24T08:10"), code=1)
    # The latest entry was at 08:20 WIB; showing it as 01:20 UTC confuses the operator.
    assert "08:20" in line, line


def test_next_at_in_the_future_is_refused(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    assert_error(sop("next", number, "--at", "2026-11-25T08:00"), "future", code=1)
    assert_error(sop("next", number, "--at", "tomorrow"), "future", code=1)
    assert js(sop("show", number, "--json"))["current_step"] == "1"


def test_next_unparseable_at(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    assert_error(sop("next", number, "--at", "jam makan siang"), code=1)


def test_next_with_step_that_has_moved_on_exits_3(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    for step_id, time in (("1", "08:10"), ("2", "08:20"), ("3", "08:30")):
        step(sop, number, f"2026-11-24T{time}", "--step", step_id)
    result = sop("next", number, "--step", "3", "--at", "2026-11-24T08:40")
    assert_error(result, "is not at step 3: it is at step 4", code=3)
    view = js(sop("show", number, "--json"))
    assert view["current_step"] == "4"
    assert len(view["journal"]) == 4
    # The right step goes through.
    assert step(sop, number, "2026-11-24T08:40", "--step", "4")["current_step"] == "5"


def test_next_unknown_complaint(sop):
    ok(sop("db", "upgrade"))
    assert_error(sop("next", "ADU-2026-09999"), "ADU-2026-09999", code=1)


def test_next_number_is_case_insensitive(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    assert step(sop, number.lower(), "2026-11-24T08:10")["number"] == number


def test_tanahbumbu_ping_ok_closes_with_no_fault_found(sop):
    number = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-23T08:00")["number"]
    step(sop, number, "2026-11-23T08:05")
    closed = step(sop, number, "2026-11-23T08:10", "--decision", "ya", "--note", "Ping berhasil")
    assert closed["status"] == "no_fault_found"
    assert closed["current_step"] is None
    assert closed["closed_at"] == "2026-11-23T08:10:00+07:00"
    assert [c["number"] for c in js(sop("list", "--status", "no_fault_found", "--json"))] == [number]
    assert js(sop("list", "--json")) == []


def test_tanahbumbu_estimate_sets_step_9_deadline_in_working_hours(sop):
    number = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-23T08:00")["number"]
    assert js(sop("show", number, "--json"))["due_at"] is None  # no time standard
    step(sop, number, "2026-11-23T08:05")
    step(sop, number, "2026-11-23T08:10", "--decision", "tidak")
    step(sop, number, "2026-11-23T08:20")
    step(sop, number, "2026-11-23T08:30", "--decision", "eksternal")
    assert step(sop, number, "2026-11-23T08:40")["current_step"] == "6"
    # Step 6 asks for the estimate; without it nothing is written.
    assert_error(sop("next", number, "--at", "2026-11-23T09:00"), "estimasi", code=1)
    assert_error(sop("next", number, "--at", "2026-11-23T09:00", "--field", "estimasi=secepatnya"), "estimasi", code=1)
    view = step(sop, number, "2026-11-23T09:00", "--field", "estimasi=4 jam")
    assert view["current_step"] == "7"
    assert view["journal"][-1]["fields"] == {"estimasi": "4 jam"}
    step(sop, number, "2026-11-23T10:00")
    nine = step(sop, number, "2026-11-23T11:00")
    assert nine["current_step"] == "9"
    # The estimate counts from when it was set (step 6 ended Monday 09:00), not from step 9's start.
    assert nine["due_at"] == "2026-11-23T13:00:00+07:00"
    done = step(sop, number, "2026-11-23T14:00", "--output", "F-04/2026/11")
    assert done["status"] == "resolved"
    last = done["journal"][-1]
    assert (last["step"], last["on_time"], last["took_minutes"], last["standard_minutes"]) == ("9", False, 300, 240)


def walk_tanahbumbu_to_step_9(sop, number: str, day: str, estimate: str, *times: str) -> dict:
    """Steps 1-8 of a Tanah Bumbu complaint on ``day``: ``times`` are when steps 6 (the estimate), 7 and 8 end."""
    for at_time, extra in (
        ("07:35", ()),
        ("07:40", ("--decision", "tidak")),
        ("07:45", ()),
        ("07:50", ("--decision", "internal")),
        ("07:55", ()),
    ):
        step(sop, number, f"{day}T{at_time}", *extra)
    estimated, reported, told = times
    step(sop, number, f"{day}T{estimated}", "--field", f"estimasi={estimate}")
    step(sop, number, f"{day}T{reported}")
    return step(sop, number, f"{day}T{told}")


def test_tanahbumbu_estimate_on_friday_afternoon_is_due_the_same_afternoon(sop):
    # Friday's office closes at 16:30: "2 jam" estimated at 14:00 ends at 16:00, when the SKPD was told.
    number = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-20T07:30")["number"]
    nine = walk_tanahbumbu_to_step_9(sop, number, "2026-11-20", "2 jam", "14:00", "14:10", "14:20")
    assert nine["current_step"] == "9"
    assert nine["due_at"] == "2026-11-20T16:00:00+07:00"
    done = step(sop, number, "2026-11-20T15:50", "--output", "F-04/2026/11")
    last = done["journal"][-1]
    assert (last["on_time"], last["took_minutes"], last["standard_minutes"]) == (True, 110, 120)


def test_tanahbumbu_complaint_pinned_to_the_earlier_text_keeps_its_deadline(sop, tmp_path, monkeypatch):
    """A complaint recorded before step 9 counted from step 6 keeps counting from step 9's own start.

    The earlier release's built-in folder is stood up for the one ``sop new`` that pins its text.
    """
    from sopcli.definitions import loader

    earlier = tmp_path / "builtin"
    shutil.copytree(loader.builtin_dir(), earlier)
    shutil.copy(
        Path(__file__).parent / "fixtures" / "tanahbumbu-jaringan-before-waktu-sejak.toml",
        earlier / "tanahbumbu-jaringan.toml",
    )
    with monkeypatch.context() as patched:
        patched.setattr(loader, "builtin_dir", lambda: earlier)
        old = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-20T07:30")["number"]
    new = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-20T07:30")["number"]
    old_nine = walk_tanahbumbu_to_step_9(sop, old, "2026-11-20", "2 jam", "14:00", "15:00", "15:45")
    new_nine = walk_tanahbumbu_to_step_9(sop, new, "2026-11-20", "2 jam", "14:00", "15:00", "15:45")
    # The earlier text counts from step 9's start, 15:45 Friday: 45 minutes to 16:30, 75 from 07:30 Monday.
    assert old_nine["due_at"] == "2026-11-23T08:45:00+07:00"
    assert new_nine["due_at"] == "2026-11-20T16:00:00+07:00"
    ok(sop("db", "check"))


# --- note, pause, resume, cancel --------------------------------------------------------


def test_note_adds_a_journal_entry_without_moving(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    ok(sop("note", number, "Pelapor dihubungi", "--at", "2026-11-24T08:05", "--as", "siti"))
    view = js(sop("show", number, "--json"))
    assert view["current_step"] == "1"
    entry = view["journal"][-1]
    assert (entry["action"], entry["note"], entry["actor"], entry["step"], entry["at"]) == (
        "note",
        "Pelapor dihubungi",
        "siti",
        "1",
        "2026-11-24T08:05:00+07:00",
    )
    as_json = js(sop("note", number, "Menunggu akses VPN", "--json"))
    assert as_json["journal"][-1]["note"] == "Menunggu akses VPN"


def test_note_errors(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    assert_error(sop("note", number, "   "), "empty", code=1)
    assert_error(sop("note", "ADU-2026-09999", "halo"), "ADU-2026-09999", code=1)
    assert_error(sop("note", number, "halo", "--at", "2026-11-24T07:00"), "before", code=1)
    assert len(js(sop("show", number, "--json"))["journal"]) == 1


def test_note_without_text_is_a_usage_error(sop):
    number = create(sop)["number"]
    assert_error(sop("note", number))


def test_pause_and_resume_exclude_the_paused_time(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    paused = js(sop("pause", number, "--reason", "Menunggu suku cadang", "--at", "2026-11-24T08:10", "--json"))
    assert paused["due_at"] is None
    assert paused["journal"][-1]["action"] == "pause"
    assert paused["journal"][-1]["note"] == "Menunggu suku cadang"
    listed = js(sop("list", "--json"))
    assert listed[0]["paused"] is True and listed[0]["overdue"] is False

    resumed = js(sop("resume", number, "--at", "2026-11-24T10:10", "--note", "Suku cadang datang", "--json"))
    assert resumed["journal"][-1]["action"] == "resume"
    assert resumed["journal"][-1]["note"] == "Suku cadang datang"
    # 30 minutes allowed, two hours paused: due at 08:00 + 30 min + 2 h.
    assert resumed["due_at"] == "2026-11-24T10:30:00+07:00"

    done = step(sop, number, "2026-11-24T10:20")
    entry = done["journal"][-1]
    assert entry["on_time"] is True
    assert entry["took_minutes"] == 20  # 2 h 20 min on the clock, 2 h of it paused
    shown = ok(sop("show", number)).stdout
    assert "on time" in shown


def test_pause_errors(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    assert_error(sop("pause", number), "--reason", code=1)
    assert_error(sop("pause", number, "--reason", "  "), code=1)
    ok(sop("pause", number, "--reason", "vendor", "--at", "2026-11-24T09:00"))
    assert_error(sop("pause", number, "--reason", "lagi"), "paused", code=1)
    assert_error(sop("next", number), "paused", "sop resume", code=1)
    assert len(js(sop("show", number, "--json"))["journal"]) == 2


def test_resume_when_not_paused(sop):
    number = create(sop)["number"]
    assert_error(sop("resume", number), "not paused", code=1)
    assert len(js(sop("show", number, "--json"))["journal"]) == 1


def test_cancel_closes_the_complaint(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    cancelled = js(sop("cancel", number, "--reason", "Duplikat ADU-2026-00041", "--at", "2026-11-24T09:00", "--json"))
    assert cancelled["status"] == "cancelled"
    assert cancelled["closed_at"] == "2026-11-24T09:00:00+07:00"
    entry = cancelled["journal"][-1]
    assert (entry["action"], entry["note"], entry["step"]) == ("cancel", "Duplikat ADU-2026-00041", "1")
    assert_error(sop("next", number), "closed", code=1)
    assert_error(sop("pause", number, "--reason", "x"), "closed", code=1)
    assert_error(sop("cancel", number, "--reason", "lagi"), "closed", code=1)
    assert [c["number"] for c in js(sop("list", "--status", "cancelled", "--json"))] == [number]
    assert js(sop("list", "--json")) == []


def test_cancel_plain_output(sop):
    number = create(sop)["number"]
    assert f"{number} cancelled" in ok(sop("cancel", number, "--reason", "ditarik pelapor")).stdout


def test_cancel_without_reason_and_no_terminal(sop):
    number = create(sop)["number"]
    assert_error(sop("cancel", number), "--reason", code=1)
    assert js(sop("show", number, "--json"))["status"] == "open"


def at_a_terminal(*args: str, input: str):
    """``sop ARGS`` in-process with standard input taken for a terminal: the prompts are answered by ``input``."""
    from typer.testing import CliRunner

    from sopcli.cli import app
    from sopcli.cli.state import AppState
    from sopcli.services.terminal import Terminal

    state = AppState(terminal=Terminal(stdin_tty=True, stdout_tty=False))
    return CliRunner().invoke(app, list(args), input=input, obj=state, catch_exceptions=False)


def test_cancel_at_a_terminal_asks_the_reason_and_confirms_with_the_complaint_named(sop):
    number = create(sop, unit="BKD", description="Database SIMPEG tidak bisa diakses")["number"]
    kept = at_a_terminal("cancel", number, input="Duplikat ADU-2026-00099\ntidak\n")
    assert kept.exit_code == 1 and "Nothing saved." in kept.stderr
    assert f"Cancel {number} (BKD: Database SIMPEG tidak bisa diakses)?" in kept.stderr  # prompts: not the output
    assert kept.stdout == ""
    assert js(sop("show", number, "--json"))["status"] == "open"

    done = at_a_terminal("cancel", number, input="Duplikat ADU-2026-00099\nya\n")
    assert done.exit_code == 0, done.stderr
    assert "Reason for cancelling" in done.stderr and done.stdout == f"{number} cancelled.\n"
    view = js(sop("show", number, "--json"))
    assert view["status"] == "cancelled"
    assert view["journal"][-1]["note"] == "Duplikat ADU-2026-00099"


# --- sop show -----------------------------------------------------------------------


def test_show_plain_timeline(sop):
    number = create(sop, received_at="2026-11-23T08:00", reporter="Ani Lestari", unit="BKD")["number"]
    done = walk_kaltim(sop, number)
    assert done["status"] == "resolved"
    out = ok(sop("show", number)).stdout
    assert number in out and "Ani Lestari" in out and "BKD" in out and "resolved" in out
    assert re.findall(r"step done\s+(\S+)", out) == ["1", "2", "3", "4", "5", "6", "7", "5", "6", "7", "8", "9"]
    assert "on time" in out
    assert "late by 3 h" in out  # step 3: 4 h against 1 jam
    assert "23/11/2026 08:00" in out  # local time


def test_a_24x7_sop_counts_days_of_24_hours_in_next_and_in_show(sop, tmp_path):
    path = tmp_path / "nonstop.toml"
    path.write_text(NONSTOP_SOP, encoding="utf-8")
    number = create(sop, sop=str(path), received_at="2026-11-22T08:00")["number"]  # a Sunday: open all the same
    # 30 hours against "2 hari": 1 day of 24 hours and 6 hours, of 2 days.
    assert "1 d 6 h / 2 d (on time)" in ok(sop("next", number, "--at", "2026-11-23T14:00")).stdout
    assert "1 d 6 h / 2 d (on time)" in ok(sop("show", number)).stdout
    ok(sop("next", number, "--at", "2026-11-24T14:00"))
    shown = ok(sop("show", number)).stdout
    assert "1 d / 1 d (on time)" in shown
    assert "2 d 6 h / 3 hari (on time)" in shown  # the whole case against the SOP's overall time


def test_show_unknown_number(sop):
    ok(sop("db", "upgrade"))
    result = sop("show", "ADU-2026-09999")
    assert_error(result, "ADU-2026-09999", code=1)
    assert result.stdout == ""


def test_a_complaint_can_be_named_short_or_by_its_ref(sop):
    first = create(sop, received_at="2026-11-24T08:00", ref="TIKET-881")["number"]
    assert first == "ADU-2026-00001"
    for name in ("ADU-2026-00001", "adu-2026-1", "2026-1", "2026-00001", "1", " 1 ", "TIKET-881"):
        assert js(sop("show", name, "--json"))["number"] == first, name
    assert step(sop, "1", "2026-11-24T08:10")["current_step"] == "2"
    assert_error(sop("show", "2025-1"), "2025-1", code=1)  # another year's serial 1 does not exist
    assert_error(sop("show", "tiket-881"), "tiket-881", code=1)  # refs are matched exactly


def test_a_short_number_that_is_also_another_complaints_ref_is_refused(sop):
    first = create(sop, received_at="2026-11-24T08:00")["number"]
    second = create(sop, received_at="2026-11-24T09:00", ref="1")["number"]
    error = assert_error(sop("note", "1", "catatan"), first, second, "full number", code=1)
    assert "could be" in error
    assert js(sop("show", second, "--json"))["number"] == second
    assert js(sop("show", "adu-2026-1", "--json"))["number"] == first  # written as a number: no doubt
    assert [e["action"] for e in js(sop("show", first, "--json"))["journal"]] == ["received"]  # nothing written


# --- sop list -----------------------------------------------------------------------


def make_mixed_cases(sop) -> dict[str, str]:
    """One complaint in every status, plus a second open one."""
    numbers = {}
    numbers["open"] = create(sop, received_at="2026-11-24T08:00")["number"]
    numbers["resolved"] = create(sop, received_at="2026-11-23T08:00")["number"]
    walk_kaltim(sop, numbers["resolved"])
    numbers["no fault found"] = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-24T09:00")["number"]
    step(sop, numbers["no fault found"], "2026-11-24T09:05")
    step(sop, numbers["no fault found"], "2026-11-24T09:10", "--decision", "ya")
    numbers["cancelled"] = create(sop, received_at="2026-11-24T10:00")["number"]
    ok(sop("cancel", numbers["cancelled"], "--reason", "duplikat"))
    numbers["open2"] = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-24T11:00")["number"]
    return numbers


def listed(sop, *args: str) -> list[str]:
    return [row["number"] for row in js(sop("list", *args, "--json"))]


def test_list_by_status(sop):
    n = make_mixed_cases(sop)
    assert listed(sop, "--sort", "received") == [n["open"], n["open2"]]  # default: open
    assert listed(sop, "--status", "open", "--sort", "received") == [n["open"], n["open2"]]
    assert listed(sop, "--status", "resolved") == [n["resolved"]]
    assert listed(sop, "--status", "no_fault_found") == [n["no fault found"]]
    assert listed(sop, "--status", "tidak ditemukan gangguan") == [n["no fault found"]]
    assert listed(sop, "--status", "rejected") == []
    assert listed(sop, "--status", "cancelled") == [n["cancelled"]]
    assert listed(sop, "--status", "all", "--sort", "received") == [
        n["resolved"],
        n["open"],
        n["no fault found"],
        n["cancelled"],
        n["open2"],
    ]
    assert listed(sop, "--status", "ALL") == listed(sop, "--status", "all")
    # The Indonesian words the tables show work as well, in either interface language.
    for indonesian, key in [
        ("terbuka", "open"),
        ("Selesai", "resolved"),
        ("ditolak", "rejected"),
        ("dibatalkan", "cancelled"),
        ("semua", "all"),
    ]:
        assert listed(sop, "--status", indonesian) == listed(sop, "--status", key)
    assert_error(
        sop("list", "--status", "tutup"),
        "unknown status 'tutup'",
        "open, resolved, no_fault_found, referred, rejected, cancelled or all",
    )


def test_export_by_status_takes_the_indonesian_words(sop):
    n = make_mixed_cases(sop)
    exported = sop("export", "complaints", "--status", "selesai", "--format", "jsonl")
    assert [json.loads(line)["number"] for line in exported.stdout.splitlines()] == [n["resolved"]]
    assert_error(sop("export", "complaints", "--status", "semua"), "unknown status 'semua'", code=1)


def test_list_by_sop(sop):
    n = make_mixed_cases(sop)
    assert listed(sop, "--status", "all", "--sop", "tanahbumbu-jaringan") == [n["no fault found"], n["open2"]]
    assert listed(sop, "--sop", "kaltim-db") == [n["open"]]
    assert listed(sop, "--sop", "ipas-pemulihan") == []


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "--json"),
        ("report", "--date", "2026-11-24"),
        ("journal", "--date", "2026-11-24"),
        ("export", "complaints"),
    ],
)
def test_an_unknown_sop_filter_is_an_error_not_an_empty_result(sop, command):
    create(sop, received_at="2026-11-24T08:00")
    line = assert_error(sop(*command, "--sop", "nope"), "no SOP 'nope'", "kaltim-db", code=1)
    assert "contoh" not in line
    assert sop(*command, "--sop", "nope").stdout == ""


@pytest.mark.parametrize(
    "command",
    [
        ("list", "--json"),
        ("report", "--date", "2026-11-24"),
        ("journal", "--date", "2026-11-24"),
        ("export", "complaints"),
    ],
)
def test_a_custom_sop_recorded_in_the_database_is_a_known_filter(sop, tmp_path, command):
    path = tmp_path / "contoh.toml"
    path.write_text(USER_SOP_V1, encoding="utf-8")
    create(sop, sop=str(path))
    ok(sop(*command, "--sop", "contoh"))
    ok(sop(*command, "--sop", "ipas-pemulihan"))  # a built-in SOP with no complaints yet is known too
    assert "contoh" in assert_error(sop(*command, "--sop", "nope"), "no SOP 'nope'")


def test_list_json_rows(sop):
    number = create(sop, received_at="2026-11-24T08:00", unit="BKD", system="SIMPEG")["number"]
    [row] = js(sop("list", "--json"))
    assert row["number"] == number
    assert (row["sop"], row["status"], row["unit"], row["system"], row["current_step"]) == (
        "kaltim-db",
        "open",
        "BKD",
        "SIMPEG",
        "1",
    )
    assert row["step"].startswith("Menerima dan mencatat Laporan")
    assert row["who"] == "Pemeriksa dan Pengelola Teknologi Informasi"
    assert at(row["received_at"]) == at("2026-11-24T08:00:00+07:00")
    assert at(row["due_at"]) == at("2026-11-24T08:30:00+07:00")
    assert row["overdue"] is True and row["paused"] is False


def test_list_overdue(sop):
    late = create(sop, received_at="2026-11-24T08:00")["number"]  # step 1 due 08:30, now 16:00
    in_time = create(sop, received_at="2026-11-24T15:50")["number"]  # due Wednesday 07:50
    no_standard = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-20T08:00")["number"]
    closed = create(sop, received_at="2026-11-24T07:30")["number"]
    ok(sop("cancel", closed, "--reason", "duplikat"))
    paused = create(sop, received_at="2026-11-24T09:00")["number"]
    ok(sop("pause", paused, "--reason", "vendor", "--at", "2026-11-24T09:05"))
    assert listed(sop, "--overdue") == [late]
    assert listed(sop, "--overdue", "--status", "all") == [late]
    rows = {r["number"]: r for r in js(sop("list", "--json"))}
    assert rows[late]["overdue"] is True
    assert rows[in_time]["overdue"] is False
    assert rows[no_standard]["overdue"] is False
    assert rows[paused]["overdue"] is False


def test_list_mine(sop):
    by_budi = create(sop, received_at="2026-11-24T08:00")["number"]
    by_siti = create(sop, received_at="2026-11-24T09:00", **{"as": "siti"})["number"]
    touched = create(sop, received_at="2026-11-24T10:00", **{"as": "siti"})["number"]
    assert listed(sop, "--mine") == [by_budi]
    assert listed(sop, "--mine", "--as", "siti") == [by_siti, touched]
    assert listed(sop, "--mine", "--as", "joko") == []
    ok(sop("note", touched, "Dibantu budi"))  # budi acts on siti's complaint
    assert listed(sop, "--mine") == [by_budi, touched]


def test_list_since(sop):
    old = create(sop, received_at="2026-11-20T08:00")["number"]
    new = create(sop, received_at="2026-11-24T08:00")["number"]
    assert listed(sop, "--since", "2026-11-22") == [new]
    assert listed(sop, "--since", "20/11/2026 08:00") == [old, new]
    assert listed(sop, "--since", "20/11/2026 08:01") == [new]
    assert listed(sop, "--since", "today") == [new]
    assert_error(sop("list", "--since", "minggu lalu kira-kira"), code=1)


def test_list_csv(sop):
    first = create(sop, received_at="2026-11-24T08:00", unit="BKD, Bidang Mutasi")["number"]
    second = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-24T09:00")["number"]
    out = ok(sop("list", "--format", "csv")).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["number", "sop", "status"]
    assert "due_at" in rows[0] and "overdue" in rows[0]
    assert [r[0] for r in rows[1:]] == [first, second]
    assert rows[1][rows[0].index("unit")] == "BKD, Bidang Mutasi"  # quoted, not split


def test_list_plain_and_empty(sop):
    ok(sop("db", "upgrade"))  # an empty logbook: reading never creates one
    result = ok(sop("list"))
    assert result.stdout == ""
    assert "No complaints" in result.stderr
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    out = ok(sop("list")).stdout
    assert number in out and "LATE" in out


def test_list_limit_shows_the_first_and_says_how_many_more(sop, monkeypatch):
    from sopcli.cli import cases as cli_cases

    monkeypatch.setattr(cli_cases, "LIST_LIMIT", 2)  # the table's default, made small enough to reach here
    numbers = [create(sop, received_at=f"2026-11-24T0{hour}:00")["number"] for hour in (8, 9, 7)]
    oldest_first = [numbers[2], numbers[0], numbers[1]]  # the same step each: the oldest is also the latest
    table = ok(sop("list"))
    assert [n for n in oldest_first if n in table.stdout] == oldest_first[:2]
    assert "Showing the 2 most urgent of 3 complaints; --limit 0 shows them all." in table.stderr
    received = ok(sop("list", "--sort", "received"))
    assert "Showing the 2 oldest of 3 complaints; --limit 0 shows them all." in received.stderr
    everything = ok(sop("list", "--limit", "0"))
    assert all(n in everything.stdout for n in numbers) and "Showing" not in everything.stderr
    assert listed(sop) == oldest_first  # json and csv are for scripts: all rows unless told
    assert listed(sop, "--limit", "1") == oldest_first[:1]
    assert [r[0] for r in csv.reader(io.StringIO(ok(sop("list", "--format", "csv")).stdout))][1:] == oldest_first
    assert "Showing" not in ok(sop("list", "--limit", "3")).stderr  # exactly all of them: nothing more to say


def test_list_puts_a_late_critical_complaint_first_and_says_late_in_words(sop):
    """The queue by urgency: the furthest past its deadline, then the least time left, then no deadline."""
    wifi = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-23T08:00", description="Wi-Fi lambat")
    defaced = create(
        sop,
        sop="cirebon-aplikasi",
        received_at="2026-11-24T08:00",
        priority="kritis",
        description="Website resmi diretas (defacement)",
    )  # step 1: 15 minutes, due 08:15; now is 16:00 → 7 h 45 min late
    fresh = create(sop, received_at="2026-11-24T15:50")  # kaltim-db step 1: 30 minutes, 20 minutes left
    slightly_late = create(sop, received_at="2026-11-24T15:00")  # due 15:30: 30 minutes late
    rows = js(sop("list", "--json"))
    assert [r["number"] for r in rows] == [
        defaced["number"],
        slightly_late["number"],
        fresh["number"],
        wifi["number"],  # step 1 of tanahbumbu-jaringan has no time standard: no deadline
    ]
    first = rows[0]
    assert (first["priority"], first["description"]) == ("kritis", "Website resmi diretas (defacement)")
    assert (first["minutes_left"], first["minutes_late"], first["overdue"]) == (-465.0, 465.0, True)
    assert (rows[2]["minutes_left"], rows[2]["minutes_late"]) == (20.0, None)
    assert (rows[3]["minutes_left"], rows[3]["due_at"]) == (None, None)
    assert {"number", "sop", "status", "received_at", "unit", "system", "current_step", "step", "who", "due_at"} <= set(
        first
    )
    assert [r["number"] for r in js(sop("list", "--json", "--sort", "received"))] == [
        wifi["number"],
        defaced["number"],
        slightly_late["number"],
        fresh["number"],
    ]
    assert [r["number"] for r in js(sop("list", "--json", "--sort", "nomor"))] == [
        wifi["number"],
        defaced["number"],
        fresh["number"],
        slightly_late["number"],
    ]
    table = ok(sop("list", "--format", "plain")).stdout
    lines = [line for line in table.splitlines() if line.startswith("ADU-")]
    assert lines[0].startswith(defaced["number"]) and "kritis" in lines[0]
    assert "LATE 7 h 45 min" in lines[0] and "Website resmi diretas" in lines[0]
    assert "LATE 30 min" in lines[1]
    assert "LATE" not in lines[2] and "20 min" in lines[2]


def test_list_colours_only_the_late_cell(sop, monkeypatch, capsys):
    from sopcli.present import render

    create(sop, received_at="2026-11-24T08:00")  # late
    create(sop, received_at="2026-11-24T15:50")  # on time
    shown = []
    monkeypatch.setattr(render, "print_table", lambda table, fmt=None, **_: shown.append(table))
    ok(sop("list"))
    (table,) = shown
    late_column = table.columns.index("Time left")
    assert not any(table.row_styles)
    assert table.cell_styles == {(0, late_column): "bold red"}
    # Drawn at a terminal in colour, the red is on that cell alone.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "300")
    screen = render.console()
    screen.print(render.rich_view(table, screen.width))
    late_row, on_time_row = [line for line in capsys.readouterr().out.splitlines() if "ADU-" in line]
    red = "\x1b[1;31m"
    assert late_row.count(red) == 1 and late_row.split(red, 1)[1].startswith("LATE")
    assert red not in on_time_row


def test_list_refuses_an_unknown_order(sop):
    assert_error(sop("list", "--sort", "prioritas"), "unknown order 'prioritas'", "urgency")


@pytest.mark.parametrize("value", ["-1", "banyak", "2.5"])
def test_list_bad_limit(sop, value):
    assert_error(sop("list", "--limit", value), "--limit", code=2)


def test_list_bad_status_and_format(sop):
    assert_error(
        sop("list", "--status", "closed"),
        "closed",
        "open, resolved, no_fault_found, referred, rejected, cancelled or all",
        code=1,
    )
    assert_error(sop("list", "--format", "xml"), "xml", code=1)


# --- sop verify ---------------------------------------------------------------------


def test_verify_empty_and_ok(sop):
    ok(sop("db", "upgrade"))  # an empty logbook: reading never creates one
    result = ok(sop("verify"))
    assert "OK" in result.stdout and "0" in result.stdout
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    step(sop, number, "2026-11-24T08:10")
    ok(sop("note", number, "catatan"))
    out = ok(sop("verify")).stdout
    assert "OK" in out
    assert re.search(r"\b3\b", out)


def _tamperable(con) -> None:
    """Drop any trigger guarding the journal, as an attacker with the file (or the table's owner) would."""
    if con.dialect.name == "postgresql":
        con.execute(text("DROP FUNCTION journal_entry_append_only() CASCADE"))
        return
    for (name,) in con.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'journal_entry'")
    ):
        con.execute(text(f'DROP TRIGGER "{name}"'))


def _few_actions(sop) -> str:
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    step(sop, number, "2026-11-24T08:10", "--note", "langkah satu")
    ok(sop("note", number, "catatan", "--at", "2026-11-24T08:15"))
    step(sop, number, "2026-11-24T08:20")
    other = create(sop, received_at="2026-11-24T09:00")["number"]
    step(sop, other, "2026-11-24T09:10")
    assert "OK" in ok(sop("verify")).stdout
    return number


def test_verify_detects_an_edited_note(sop, databases, database):
    _few_actions(sop)
    with databases.connect(database) as con:
        _tamperable(con)
        changed = con.execute(text("UPDATE journal_entry SET note = 'tidak ada gangguan' WHERE seq = 3")).rowcount
    assert changed == 1
    result = sop("verify", "--full")  # an entry before the last check: the whole walk finds it
    assert result.exit_code == 1
    no_traceback(result)
    report = result.stdout + result.stderr
    assert not result.stdout.startswith("OK")
    assert re.search(r"\b3\b", report), report


def test_verify_detects_a_deleted_entry(sop, databases, database):
    _few_actions(sop)
    with databases.connect(database) as con:
        last = con.execute(text("SELECT max(seq) FROM journal_entry")).scalar()
        _tamperable(con)
        con.execute(text("DELETE FROM journal_entry WHERE seq = :seq"), {"seq": last - 1})
    result = sop("verify")
    assert result.exit_code == 1
    no_traceback(result)
    report = result.stdout + result.stderr
    assert str(last - 1) in report and str(last) in report, report


def test_verify_detects_a_rehashed_edit(sop, databases, database):
    """Editing a row and fixing its own hash still breaks the link to the next entry."""
    _few_actions(sop)
    with databases.connect(database) as con:
        _tamperable(con)
        con.execute(text("UPDATE journal_entry SET hash = :hash WHERE seq = 2"), {"hash": "f" * 64})
    result = sop("verify", "--full")  # an entry before the last check: the whole walk finds it
    assert result.exit_code == 1
    assert re.search(r"\b2\b", result.stdout + result.stderr)


def test_verify_on_an_edited_timestamp(sop, databases, database):
    _few_actions(sop)
    with databases.connect(database) as con:
        stored = con.execute(text("SELECT at FROM journal_entry WHERE seq = 4")).scalar()
        earlier = datetime.fromisoformat(str(stored)) - timedelta(minutes=5)
        _tamperable(con)
        con.execute(text("UPDATE journal_entry SET at = :at WHERE seq = 4"), {"at": earlier.isoformat(sep=" ")})
    result = sop("verify", "--full")  # an entry before the last check: the whole walk finds it
    assert result.exit_code == 1
    assert re.search(r"\b4\b", result.stdout + result.stderr)


def test_control_characters_in_text_are_shown_written_out_not_sent_to_the_terminal(sop):
    number = create(sop)["number"]
    note = "tes \x1b]0;JUDUL\x07 \x1b[2J bersih"
    assert sop("note", number, note).exit_code == 0
    for command in (("show", number), ("journal", "--format", "plain"), ("report", "--format", "plain")):
        shown = sop(*command).stdout
        assert "\x1b" not in shown and "\x07" not in shown, command
    assert "tes \\x1b]0;JUDUL\\x07 \\x1b[2J" in sop("show", number).stdout
    assert js(sop("show", number, "--json"))["journal"][-1]["note"] == note  # stored exactly as typed


def test_new_without_sop_takes_the_configured_default(sop):
    args = [a for a in new_args() if a not in ("--sop", "kaltim-db")]
    refused = sop(*args)
    assert "--sop is required when not at a terminal" in refused.stderr
    ok(sop("config", "set", "default_sop", "tanahbumbu-jaringan"))
    assert js(sop(*args, "--json"))["sop"]["id"] == "tanahbumbu-jaringan"
    assert js(sop(*new_args(), "--json"))["sop"]["id"] == "kaltim-db"  # --sop still decides


@pytest.mark.sqlite_only("reads SQLite's query plan")
def test_list_by_urgency_walks_the_deadline_index_instead_of_sorting_every_open_complaint(sop, sop_env):
    for hour in (8, 9, 10):
        create(sop, received_at=f"2026-11-24T{hour:02}:00")
    (by_deadline,) = [(s, p) for s, p in statements_run(sop, "list") if "due_at IS NOT NULL ORDER BY" in s]
    plan = sqlite_plan(sop_env / "sop.db", *by_deadline)
    assert "USING INDEX ix_complaint_due_at" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.sqlite_only("reads SQLite's query plan")
def test_list_oldest_first_reads_the_status_received_index_instead_of_sorting_every_open_complaint(sop, sop_env):
    for hour in (8, 9, 10):
        create(sop, received_at=f"2026-11-24T{hour:02}:00")
    statements = statements_run(sop, "list", "--sort", "received")
    (oldest_first,) = [(s, p) for s, p in statements if "ORDER BY complaint.received_at" in s]
    plan = sqlite_plan(sop_env / "sop.db", *oldest_first)
    assert "ix_complaint_status_received" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.sqlite_only("reads SQLite's query plan")
def test_the_daily_report_reads_complaints_through_indexes_never_every_row(sop, sop_env):
    """The report's lists of cases (changed since the day began, the most overdue) follow an index; only its
    counts per SOP, unit and system read every complaint, as counting them must."""
    for hour in (8, 9, 10):
        create(sop, received_at=f"2026-11-23T{hour:02}:00")
    listing = [
        (s, p)
        for s, p in statements_run(sop, "report", "--daily")
        if s.lstrip().startswith("SELECT complaint.id") and "count(" not in s
    ]
    assert len(listing) >= 2, listing  # the cases changed since the day began, and the most overdue
    for statement, parameters in listing:
        plan = sqlite_plan(sop_env / "sop.db", statement, parameters)
        assert "SCAN complaint" not in plan and "TEMP B-TREE FOR ORDER BY" not in plan, (statement, plan)


INCIDENT_SOP = """\
id = "insiden-siber"
version = "1"
nama = "Penanganan Insiden Siber"
instansi = "Diskominfo Kota Contoh"

[[roles]]
key = "admin"
nama = "Admin"

[[steps]]
id = "1"
kegiatan = "Menerima laporan insiden"
pelaksana = ["admin"]
waktu = "30 menit"

[[steps]]
id = "2"
kegiatan = "Identifikasi insiden"
pelaksana = ["admin"]
waktu = "1x24 jam"
waktu_sejak = "diterima"
jam = "kalender"

[[steps.fields]]
key = "estimasi"
meaning = "Estimasi pemulihan"
type = "duration"

[[steps]]
id = "3"
kegiatan = "Pemulihan"
pelaksana = ["admin"]
waktu_dari = "estimasi"
waktu_sejak = "selesai:2"
end = "resolved"
"""


def test_deadlines_from_a_named_moment_through_the_command_line(sop, tmp_path):
    path = tmp_path / "insiden-siber.toml"
    path.write_text(INCIDENT_SOP, encoding="utf-8")
    number = create(sop, sop=str(path), received_at="2026-11-20T15:00")["number"]
    two = step(sop, number, "2026-11-20T15:20")
    # 1×24 jam from the receipt, day and night: Saturday 15:00
    assert two["due_at"] == "2026-11-21T15:00:00+07:00"
    three = step(sop, number, "2026-11-23T08:00", "--field", "estimasi=2 jam")
    assert three["journal"][-1]["on_time"] is False  # Monday morning is past the 24 hours
    assert three["due_at"] == "2026-11-23T10:00:00+07:00"  # two working hours from step 2's end
    back = js(sop("undo", number, "--reason", "estimasi belum pasti", "--json"))
    assert (back["current_step"], back["due_at"]) == ("2", "2026-11-21T15:00:00+07:00")
    # done again at the undo's moment, Tuesday 16:00 as the office closes: three hours from Wednesday 07:30
    done = ok(sop("next", number, "--at", NOW, "--field", "estimasi=3 jam")).stdout
    # Fri 15:00 to Tue 16:00 in clock hours, shown in days of 24 hours (not the office's days of 8.5)
    assert done.startswith("Step 2 done. 4 d 1 h / 1 d (late by 3 d 1 h)\n")
    assert js(sop("show", number, "--json"))["due_at"] == "2026-11-25T10:30:00+07:00"
    ok(sop("db", "check"))


# A published standar pelayanan: a password reset in 30 minutes for the most urgent, a device in a week.
SERVICE_SOP = """\
id = "layanan-ti"
version = "1"
nama = "Layanan Gangguan TI"
instansi = "Diskominfo Kota Contoh"
waktu_prioritas = { kritis = "30 menit", tinggi = "2 jam" }

[[roles]]
key = "operator"
nama = "Operator"

[[steps]]
id = "1"
kegiatan = "Mereset kata sandi atau mengganti perangkat"
pelaksana = ["operator"]
waktu = "1 hari"

[[steps]]
id = "2"
kegiatan = "Mengganti perangkat"
pelaksana = ["operator"]
waktu = "7 hari"
waktu_prioritas = { kritis = "1 hari", sedang = "3 hari" }
end = "resolved"
"""


def test_the_complaint_s_priority_picks_the_time_standard(sop, tmp_path):
    path = tmp_path / "layanan-ti.toml"
    path.write_text(SERVICE_SOP, encoding="utf-8")
    urgent = create(sop, sop=str(path), received_at="2026-11-24T08:00", priority="kritis")
    high = create(sop, sop=str(path), received_at="2026-11-24T08:00", priority="tinggi")
    low = create(sop, sop=str(path), received_at="2026-11-24T08:00", priority="rendah")
    assert urgent["due_at"] == "2026-11-24T08:30:00+07:00"  # the SOP's table, kritis
    assert high["due_at"] == "2026-11-24T10:00:00+07:00"  # the SOP's table, tinggi
    assert low["due_at"] == "2026-11-25T08:00:00+07:00"  # not in the table: the step's waktu, 1 hari (510 min)

    card = " ".join(ok(sop("next", urgent["number"], "--show")).stdout.replace("│", " ").split())
    assert "Time standard 30 menit (for priority kritis)" in card
    assert js(sop("next", urgent["number"], "--show", "--json"))["waktu_prioritas"] == "kritis"
    low_card = js(sop("next", low["number"], "--show", "--json"))
    assert (low_card["waktu"], low_card["waktu_prioritas"]) == ("1 hari", None)

    # step 2's own table comes before the SOP's: kritis 1 hari; tinggi is only in the SOP's, 2 jam
    assert step(sop, urgent["number"], "2026-11-24T08:20")["due_at"] == "2026-11-25T08:20:00+07:00"
    assert step(sop, high["number"], "2026-11-24T08:20")["due_at"] == "2026-11-24T10:20:00+07:00"
    # a corrected priority gives the standard of the new one
    ok(sop("correct", high["number"], "--field", "priority=sedang", "--reason", "bukan mendesak"))
    assert js(sop("show", high["number"], "--json"))["due_at"] == "2026-11-27T08:20:00+07:00"  # 3 hari
    ok(sop("db", "check"))


def test_sops_show_prints_the_tables_by_priority(sop, tmp_path):
    path = tmp_path / "layanan-ti.toml"
    path.write_text(SERVICE_SOP, encoding="utf-8")
    shown = ok(sop("sops", "show", str(path), "--no-pager")).stdout
    assert "Step time standards by priority" in shown
    lines = [line.split() for line in shown.splitlines()]
    assert ["kritis:", "30", "menit"] in [words[-3:] for words in lines]
    assert any(words[-3:] == ["kritis:", "1", "hari"] for words in lines)
    assert any(words[-3:] == ["sedang:", "3", "hari"] for words in lines)
