"""Text fields have limits (``sopcli.limits``), refused with one line by ``sop new``, notes, steps and imports."""

from __future__ import annotations

import pytest

from helpers import exported
from sopcli import limits

NEW = ["new", "--sop", "kaltim-db", "--description", "Server mati", "--reporter", "Ani", "--unit", "BKD"]
NEW += ["--system", "SIMPEG"]
HEADER = "ref,received_at,sop,reporter,unit,system,host,description"


def one_error_line(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


def complaints(sop) -> list[dict]:
    return exported(sop, "complaints")


def journal(sop) -> list[dict]:
    return exported(sop, "journal")


def with_option(option: str, value: str) -> list[str]:
    args = list(NEW)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    return args


@pytest.mark.parametrize(
    ("option", "field", "limit"),
    [
        ("--description", "description", 10_000),
        ("--reporter", "reporter", 200),
        ("--unit", "unit", 200),
        ("--system", "system", 200),
        ("--ref", "ref", 100),
        ("--host", "host", 253),
    ],
)
def test_sop_new_takes_a_field_up_to_its_limit_and_refuses_one_character_more(sop, sop_env, option, field, limit):
    assert limits.LIMITS[field] == limit  # the limits the README lists
    result = sop(*with_option(option, "a" * (limit + 1)))
    line = one_error_line(result)
    assert line.startswith(f"Error: {field}: {limit + 1:,} characters, more than the {limit:,} allowed"), line
    assert complaints(sop) == [] and journal(sop) == []
    result = sop(*with_option(option, "a" * limit), "--json")
    assert result.exit_code == 0, result.stderr
    assert complaints(sop)[0][field] == "a" * limit


def test_a_note_a_step_note_and_an_output_over_the_limit_are_refused_and_nothing_is_written(sop, sop_env):
    assert sop(*NEW).exit_code == 0
    number = complaints(sop)[0]["number"]
    before = journal(sop)
    too_long = "n" * 10_001
    line = one_error_line(sop("note", number, too_long))
    assert line.startswith("Error: note: 10,001 characters, more than the 10,000 allowed"), line
    line = one_error_line(sop("next", number, "--note", too_long, "--json"))
    assert line.startswith("Error: note: 10,001 characters"), line
    line = one_error_line(sop("next", number, "--output", too_long, "--json"))
    assert line.startswith("Error: output: 10,001 characters"), line
    assert journal(sop) == before
    assert complaints(sop)[0]["current_step"] == "1"
    assert sop("note", number, "n" * 10_000).exit_code == 0
    assert journal(sop)[-1]["note"] == "n" * 10_000


def test_an_operator_name_over_its_limit_is_refused(sop, sop_env):
    line = one_error_line(sop(*NEW, "--as", "o" * 81))
    assert "is not a usable operator name" in line and "at most 80 characters" in line
    assert complaints(sop) == []


def test_an_imported_row_over_a_limit_is_an_error_of_its_row(sop, sop_env):
    rows = [
        "L-1,2026-11-03T08:00+07:00,kaltim-db,Ani,BKD,SIMPEG,,Server mati",
        f"L-2,2026-11-03T09:00+07:00,kaltim-db,{'r' * 201},BKD,SIMPEG,,Server mati",
        f"L-3,2026-11-03T10:00+07:00,kaltim-db,Ani,BKD,SIMPEG,{'h' * 254},{'d' * 10_001}",
        f"{'x' * 101},2026-11-03T11:00+07:00,kaltim-db,Ani,BKD,SIMPEG,,Server mati",
        f"L-5,2026-11-03T12:00+07:00,kaltim-db,Ani,BKD,SIMPEG,,{'d' * 10_000}",
    ]
    path = sop_env / "panjang.csv"
    path.write_text("\n".join([HEADER, *rows, ""]), encoding="utf-8")
    result = sop("import", str(path))
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("line ")] == [
        "line 3 reporter: 201 characters, more than the 200 allowed",
        "line 4 description: 10,001 characters, more than the 10,000 allowed",
        "line 4 host: 254 characters, more than the 253 allowed",
        "line 5 ref: 101 characters, more than the 100 allowed",
    ]
    assert complaints(sop) == []
    result = sop("import", str(path), "--skip-invalid")
    assert result.exit_code == 0
    assert [c["ref"] for c in complaints(sop)] == ["L-1", "L-5"]


def test_a_field_value_of_a_step_over_the_limit_is_refused():
    from datetime import UTC, datetime

    from sopcli.domain.engine import Entry
    from sopcli.errors import InputError

    entry = Entry(action="step", at=datetime(2026, 11, 24, tzinfo=UTC), actor="budi", fields={"estimasi": "e" * 10_001})
    with pytest.raises(InputError, match=r"^--field estimasi: 10,001 characters, more than the 10,000 allowed"):
        limits.check_entry(entry)
    limits.check_entry(Entry(action="step", at=entry.at, actor="budi", fields={"estimasi": "e" * 10_000}))
