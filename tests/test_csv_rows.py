"""CSV rows that cannot be read are row errors, never swallowed into another row (``files.tables``).

An unclosed quote, a quote closing a cell that goes on, a quoted cell running
past ``MAX_CELL_LINES`` lines or to the end of the file, and a row with more or
fewer cells than the header are each an error of their row, with its line, in
the import's all-or-nothing report; the lines after such a row are read again
as rows of their own. The property test holds the import to an independent
strict reader written here from those rules.
"""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import exported
from sopcli.files import tables

HEADER = "ref,received_at,sop,reporter,unit,system,description"


def row(ref: str, description: str = "Server mati", hour: int = 8) -> str:
    return f"{ref},2026-11-03T{hour:02d}:00+07:00,kaltim-db,Ani,BKD,SIMPEG,{description}"


def problems(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("line ")]


def refs(sop) -> list[str]:
    return sorted(c["ref"] for c in exported(sop))


def run_import(sop, path, *args):
    result = sop("import", str(path), *args)
    assert "Traceback" not in result.stdout + result.stderr
    return result


UNCLOSED = "\n".join([HEADER, row("M-1", '"quote never closed'), row("M-2"), row("M-3"), ""])


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_unclosed_quote_is_an_error_of_its_row_and_nothing_is_imported(sop, sop_env, dry_run):
    path = sop_env / "kutip.csv"
    path.write_text(UNCLOSED, encoding="utf-8")
    result = run_import(sop, path, *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 1
    assert problems(result) == ["line 2 description: the quote opened on line 2 character 53 is never closed"]
    assert "3 rows, 2 new, 0 duplicates (already recorded), 1 invalid." in result.stdout
    assert refs(sop) == []


def test_with_skip_invalid_the_rows_after_an_unclosed_quote_are_imported_whole(sop, sop_env):
    path = sop_env / "kutip.csv"
    path.write_text(UNCLOSED, encoding="utf-8")
    rejects = sop_env / "ditolak.csv"
    result = run_import(sop, path, "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 0, result.stderr
    assert refs(sop) == ["M-2", "M-3"]
    assert [c["description"] for c in exported(sop)] == ["Server mati", "Server mati"]  # nothing of M-1 in them
    rejected = rejects.read_text(encoding="utf-8")
    assert rejected.splitlines()[1].startswith("2,M-1,")
    assert "description: the quote opened on line 2 character 53 is never closed" in rejected


def test_a_quoted_cell_may_run_over_many_lines_but_not_past_the_limit(sop, sop_env):
    n = tables.MAX_CELL_LINES
    within = '"' + "\n".join(f"baris {i}" for i in range(n)) + '"'  # n lines: the most a cell may have
    beyond = '"' + "\n".join(f"baris {i}" for i in range(n + 1)) + '"'
    path = sop_env / "panjang.csv"
    path.write_text("\n".join([HEADER, row("P-1", within), row("P-2", beyond, hour=9), row("P-3", hour=10), ""]))
    result = run_import(sop, path)
    assert result.exit_code == 1
    found = problems(result)
    start = 2 + n  # P-2's line
    assert found[0] == (
        f"line {start} description: the quote opened on line {start} character 53 is not closed within {n} lines"
    )
    # Its other lines are read as rows of their own (each one cell), and P-3 after them is a row again.
    assert found[1:] == [f"line {start + i}: 6 fewer cells than the header has columns" for i in range(1, n + 1)]
    assert refs(sop) == []
    result = run_import(sop, path, "--skip-invalid")
    assert result.exit_code == 0
    assert refs(sop) == ["P-1", "P-3"]


def test_a_file_ending_inside_a_quoted_cell_is_an_error_of_that_row(sop, sop_env):
    path = sop_env / "akhir.csv"
    path.write_text("\n".join([HEADER, row("E-1"), row("E-2", '"tidak ditutup\nlanjutan')]))
    result = run_import(sop, path)
    assert result.exit_code == 1
    assert problems(result) == [
        "line 3 description: the quote opened on line 3 character 53 is never closed",
        "line 4: 6 fewer cells than the header has columns",
    ]
    assert refs(sop) == []


def test_text_after_a_closing_quote_is_an_error_with_its_place(sop, sop_env):
    path = sop_env / "kutip-dalam.csv"
    path.write_text("\n".join([HEADER, row("Q-1", '"Printer "HP" rusak"'), row("Q-2"), ""]))
    result = run_import(sop, path)
    assert result.exit_code == 1
    assert problems(result) == [
        "line 2 description: text after the quote that closes a cell, line 2 character 63 "
        '(a quote inside a quoted cell is written twice: "")'
    ]
    assert refs(sop) == []


def test_a_row_with_fewer_cells_than_the_header_is_an_error(sop, sop_env):
    path = sop_env / "kurang.csv"
    path.write_text("\n".join([HEADER, row("K-1"), "K-2,2026-11-03T09:00+07:00,kaltim-db,Ani,BKD,SIMPEG", ""]))
    result = run_import(sop, path)
    assert result.exit_code == 1
    assert problems(result) == ["line 3: 1 fewer cells than the header has columns"]
    assert refs(sop) == []


def test_a_crlf_split_by_the_first_read_counts_as_one_line(sop, sop_env):
    # The reader reads the first 64 KiB to find the delimiter; a CRLF cut in two there is still one line break.
    lines = [HEADER]
    while sum(len(line) + 2 for line in lines) < 64 * 1024 - 400:
        lines.append(row(f"C-{len(lines)}", "x" * 100))
    used = sum(len(line) + 2 for line in lines)
    lines.append(row("C-last", "y" * (64 * 1024 - 1 - used - len(row("C-last", "")))))  # its CR ends the first read
    lines += [row("C-bad", '"tidak ditutup'), row("C-after")]
    text = "\r\n".join(lines) + "\r\n"
    assert text[64 * 1024 - 1] == "\r"
    path = sop_env / "crlf.csv"
    path.write_bytes(text.encode())
    result = run_import(sop, path)
    bad = len(lines) - 1  # C-bad's line
    assert problems(result) == [f"line {bad} description: the quote opened on line {bad} character 55 is never closed"]


# --- the property: every record a strict reader sees is imported or rejected ---------------------


def strict_records(text: str, delimiter: str, limit: int) -> list[tuple[int, bool]]:
    """(first line, readable) of each non-blank record, by the rules the reader documents.

    Lines end at CR, LF or CRLF. A cell opening with a quote runs to the next lone quote
    ("" is a quote in it), which must be followed by the delimiter or the line's end; it
    may take at most ``limit`` lines. A record that breaks a rule is unreadable at its
    first line, and reading goes on at the line after that; a readable record must have
    as many cells as the header.
    """
    lines, start = [], 0
    for i, ch in enumerate(text):
        if ch == "\n" or (ch == "\r" and text[i + 1 : i + 2] != "\n"):
            lines.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        lines.append(text[start:])
    records, i, width = [], 0, None
    while i < len(lines):
        cells, cell, state, j, broken = [], "", "start", i, False
        while True:
            for ch in lines[j]:
                if state == "quoted":
                    state = "closed" if ch == '"' else "quoted"
                    cell += ch if ch != '"' else ""
                elif state == "closed":
                    if ch == '"':
                        cell, state = cell + '"', "quoted"
                    elif ch == delimiter:
                        cells.append(cell)
                        cell, state = "", "start"
                    elif ch in "\r\n":
                        state = "end"
                        break
                    else:
                        broken = True
                        break
                elif ch == delimiter:
                    cells.append(cell)
                    cell, state = "", "start"
                elif ch in "\r\n":
                    state = "end"
                    break
                elif ch == '"' and state == "start":
                    state = "quoted"
                else:
                    cell, state = cell + ch, "plain"
            if broken or state != "quoted":
                break
            if j + 1 - i >= limit or j + 1 == len(lines):
                broken = True
                break
            j += 1
        if broken:
            records.append((i + 1, False))
            i += 1
            continue
        cells.append(cell)
        if width is None:
            width = len(cells)  # the header
        elif "".join(cells).strip():
            records.append((i + 1, len(cells) == width))
        i = j + 1
    return records


_cell_text = st.text(alphabet=st.sampled_from(list('ab ,;\t"\r\n')), max_size=6)


@st.composite
def broken_csv(draw):
    """A CSV of valid complaints, written with random quoting, delimiter and line ends, then damaged."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    tag = uuid.uuid4().hex[:8]
    records = []
    for n in range(draw(st.integers(1, 6))):
        description = "Gangguan " + draw(_cell_text)
        records.append([f"{tag}-{n}", f"2026-11-03T0{n}:00+07:00", "kaltim-db", "Ani", "BKD", "SIMPEG", description])
    lines = []
    for cells in [HEADER.split(","), *records]:
        parts = []
        for cell in cells:
            if draw(st.booleans()) or any(c in cell for c in f'{delimiter}"\r\n'):
                cell = '"' + cell.replace('"', '""') + '"'
            parts.append(cell)
        lines.append(delimiter.join(parts) + draw(st.sampled_from(["\n", "\r\n", "\r"])))
    text = "".join(lines)
    for _ in range(draw(st.integers(0, 4))):  # damage after the header: quotes, delimiters, line ends, cells
        where = draw(st.integers(len(lines[0]), len(text)))
        change = draw(st.sampled_from(['"', delimiter, "\n", "\r", "\r\n", "", "x"]))
        text = text[:where] + change + text[where + draw(st.integers(0, 1)) :]
    return delimiter, text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=broken_csv(), limit=st.sampled_from([2, 3, tables.MAX_CELL_LINES]))
def test_every_record_is_imported_or_rejected_and_a_bad_one_stops_the_import(sop, sop_env, monkeypatch, case, limit):
    delimiter, text = case
    monkeypatch.setattr(tables, "MAX_CELL_LINES", limit)
    path = sop_env / f"acak-{uuid.uuid4().hex}.csv"
    path.write_bytes(text.encode())
    records = strict_records(text, delimiter, limit)
    before = len(refs(sop))

    result = sop("import", str(path), "--json", "--format", "csv")
    assert "Traceback" not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["rows"] == len(records), (text, records, report)
    unreadable = {line for line, readable in records if not readable}
    assert unreadable <= {p["line"] for p in report["problems"]}
    if report["problems"]:
        assert result.exit_code == 1 and not report["committed"]
        assert len(refs(sop)) == before  # nothing imported when any row is bad
    else:
        assert result.exit_code == 0 and report["imported"] + report["duplicates"] == len(records)
        assert len(refs(sop)) == before + report["imported"]

    before = len(refs(sop))
    result = sop("import", str(path), "--json", "--format", "csv", "--skip-invalid")
    report = json.loads(result.stdout)
    rejected = len({p["line"] for p in report["problems"]})
    assert report["imported"] + report["duplicates"] + rejected == len(records), (text, records, report)
    assert len(refs(sop)) == before + report["imported"]
