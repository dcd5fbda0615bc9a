"""Files as other programs write them: byte-order marks, and JSON no complaint file would have (``files.tables``)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from helpers import exported

HEADER = ["ref", "received_at", "sop", "reporter", "unit", "system", "description"]
ROWS = [
    ["U-1", "2026-11-03T08:00+07:00", "kaltim-db", "Ani Ñ", "BKD", "SIMPEG", "Server mati — “total”"],
    ["U-2", "2026-11-03T09:00+07:00", "kaltim-db", "Budi", "Dinas Kominfo", "e-Office", "Lambat; sangat, lambat"],
]


def one_error_line(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


def table(delimiter: str, newline: str) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows([HEADER, *ROWS])
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        # Excel's "Save as Unicode Text": UTF-16 little-endian with a BOM, tab-separated, CRLF, .txt
        ("excel-unicode.txt", lambda: "\ufeff".encode("utf-16-le") + table("\t", "\r\n").encode("utf-16-le")),
        ("utf16-be.csv", lambda: "\ufeff".encode("utf-16-be") + table(",", "\n").encode("utf-16-be")),
        ("utf8-bom.csv", lambda: b"\xef\xbb\xbf" + table(";", "\r\n").encode()),
        ("utf32.tsv", lambda: table("\t", "\n").encode("utf-32")),
    ],
)
def test_a_table_is_read_in_the_encoding_its_byte_order_mark_names(sop, sop_env, name, encoded):
    path = sop_env / name
    path.write_bytes(encoded())
    result = sop("import", str(path))
    assert result.exit_code == 0, (result.stdout, result.stderr)
    got = [[c[k] for k in HEADER if k not in ("received_at",)] for c in exported(sop)]
    assert got == [[cell for i, cell in enumerate(row) if i != 1] for row in ROWS]


def test_a_utf16_table_on_standard_input_is_read_too(sop, sop_env):
    data = "\ufeff".encode("utf-16-le") + table("\t", "\r\n").encode("utf-16-le")
    result = sop("import", "-", input=data)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert [c["ref"] for c in exported(sop)] == ["U-1", "U-2"]


def test_a_row_error_in_a_utf16_file_names_its_line(sop, sop_env):
    rows = [*ROWS, ["U-3", "2026-11-03T10:00+07:00", "kaltim-db", "", "BKD", "SIMPEG", "x"]]
    text = "".join("\t".join(cells) + "\r\n" for cells in [HEADER, *rows])
    path = sop_env / "excel.txt"
    path.write_bytes("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    result = sop("import", str(path))
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("line ")] == [
        "line 4 reporter: empty reporter"
    ]
    assert exported(sop) == []


@pytest.mark.parametrize(("name", "bom", "codec"), [("ps.json", "\ufeff", "utf-16-le"), ("b.jsonl", "\ufeff", "utf-8")])
def test_json_with_a_byte_order_mark_is_read(sop, sop_env, name, bom, codec):
    records = [dict(zip(HEADER, row)) for row in ROWS]
    if name.endswith(".jsonl"):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    else:
        text = json.dumps(records, ensure_ascii=False)  # PowerShell's Out-File writes UTF-16 with a BOM
    path = sop_env / name
    path.write_bytes((bom + text).encode(codec))
    result = sop("import", str(path))
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert [c["reporter"] for c in exported(sop)] == ["Ani Ñ", "Budi"]


def test_deeply_nested_json_is_not_readable_json_not_an_internal_error(sop, sop_env):
    path = sop_env / "dalam.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert one_error_line(sop("import", str(path))) == "Error: dalam.json: not readable JSON (nested too deeply)"
    assert exported(sop) == []


def test_a_deeply_nested_json_line_names_its_line(sop, sop_env):
    first = json.dumps(dict(zip(HEADER, ROWS[0])))
    path = sop_env / "dalam.jsonl"
    path.write_text(first + "\n" + '{"description": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    line = one_error_line(sop("import", str(path)))
    assert line == "Error: dalam.jsonl: line 2: not readable JSON (nested too deeply)"
    assert exported(sop) == []


def test_deeply_nested_json_reads_as_such_in_indonesian(sop, sop_env, monkeypatch):
    path = sop_env / "dalam.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    monkeypatch.setenv("SOP_LANG", "id")
    from sopcli import i18n

    i18n.set_language("id")
    line = sop("import", str(path)).stderr.strip()
    assert "dalam.json: bukan JSON yang dapat dibaca" in line, line
