"""Files that come in are read within limits (``sopcli.limits``): a hostile file gets one line, quickly.

The two workbooks a hostile-input pass found: a 2 KB sheet whose one row is numbered 200,000,030,000
(openpyxl made up every row before it) and a shared-strings bomb (3 MB on disk, gigabytes unpacked).
Both are answered by a real ``sop import --dry-run`` in a child process within 2 s and tens of MB.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import SOP, exported, no_traceback, process_env
from sopcli import limits

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(sheet_rows: str, shared_strings: bytes | None = None) -> bytes:
    """An .xlsx written part by part, so that it can be what no spreadsheet program would write."""
    shared_strings = shared_strings or f'<sst xmlns="{MAIN}" count="0" uniqueCount="0"/>'.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(
            "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_rows}</sheetData></worksheet>'
        )
        archive.writestr("xl/sharedStrings.xml", shared_strings)
    return out.getvalue()


def inline(row: int, *texts: str) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{t}</t></is></c>' for i, t in enumerate(texts))
    return f'<row r="{row}">{cells}</row>'


HEADER = ("received_at", "sop", "reporter", "unit", "system", "description")


def far_row() -> bytes:
    return workbook(inline(200000030000, "x"))


def shared_strings_bomb() -> bytes:
    """A sharedStrings part of 30 MB that packs to about 30 KB (one a hundred times bigger packs as small)."""
    body = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    count = 30_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'),
        ):
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode())
            for _ in range(count // 1000):
                part.write(body * 1000)
            part.write(b"</sst>")
    return out.getvalue()


# What a child ``sop import`` may use at most: Python with sop, openpyxl and SQLAlchemy loaded is about 60 MB.
MAX_RSS_MB = 120

MEASURED = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)\n"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(used.ru_utime + used.ru_stime, used.ru_maxrss, done.returncode, time.perf_counter() - start)\n"
    "sys.stderr.write(done.stderr)\n"
)


@pytest.mark.slow
@pytest.mark.parametrize("make", [far_row, shared_strings_bomb], ids=["far-row", "shared-strings-bomb"])
def test_a_hostile_workbook_is_answered_in_one_line_quickly(sop_env, tmp_path, make):
    path = tmp_path / "serangan.xlsx"
    path.write_bytes(make())
    # The measuring parent is its own process, so RUSAGE_CHILDREN holds the one `sop` it ran.
    measured = subprocess.run(
        [sys.executable, "-c", MEASURED, SOP, "import", str(path), "--dry-run", "--sop", "kaltim-db"],
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    # The work the child did: its processor time (a busy machine stretches the time on the clock, not this).
    seconds, peak_kib, code, _elapsed = measured.stdout.split()
    no_traceback(measured)
    lines = measured.stderr.splitlines()
    assert code == "1" and len(lines) == 1 and lines[0].startswith("Error: serangan.xlsx"), measured.stderr
    assert float(seconds) < 2, seconds
    assert int(peak_kib) < MAX_RSS_MB * 1024, f"{int(peak_kib) // 1024} MB"


def test_the_far_row_is_named(sop, tmp_path):
    path = tmp_path / "jauh.xlsx"
    path.write_bytes(workbook(inline(1, *HEADER) + inline(200000030000, "x")))
    result = sop("import", str(path), "--dry-run")
    assert result.exit_code == 1
    assert "row 200000030000 comes after more than 1000 empty rows" in result.stderr
    assert "delete the empty rows above it" in result.stderr


def test_trailing_empty_rows_end_the_sheet(sop, tmp_path):
    rows = inline(1, *HEADER) + inline(2, "2026-11-24 09:00", "kaltim-db", "Ani", "BKD", "SIMPEG", "Server mati")
    rows += "".join(f'<row r="{n}"><c r="A{n}" s="1"/></row>' for n in range(3, 3 + 2 * limits.EMPTY_ROWS))
    path = tmp_path / "ekor.xlsx"
    path.write_bytes(workbook(rows))
    result = sop("import", str(path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "1 rows, 1 new" in result.stdout


def test_the_shared_strings_limit_grows_with_max_rows(sop, tmp_path, monkeypatch):
    strings = f'<sst xmlns="{MAIN}"><si><t>{"x" * 5000}</t></si></sst>'.encode()
    path = tmp_path / "teks.xlsx"
    path.write_bytes(workbook(inline(1, *HEADER), strings))
    monkeypatch.setattr(limits, "ROWS", 1)
    monkeypatch.setattr(limits, "XLSX_BYTES_FLOOR", 0)
    refused = sop("import", str(path), "--dry-run")
    assert refused.exit_code == 1
    assert "its shared strings unpack to 5 KB, more than the 2 KB allowed for 1 rows" in refused.stderr
    assert "--max-rows" in refused.stderr
    assert sop("import", str(path), "--dry-run", "--max-rows", "10").exit_code == 0


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_more_rows_than_allowed_is_refused_and_nothing_is_written(sop, tmp_path, fmt):
    from sopcli.files.tables import write_rows

    values = [["2026-11-24 09:00", "kaltim-db", "Ani", "BKD", "SIMPEG", f"Server mati {n}"] for n in range(3)]
    path = tmp_path / f"tiga.{fmt}"
    with path.open("wb") as out:
        write_rows(out, fmt, list(HEADER), values)
    refused = sop("import", str(path), "--max-rows", "2")
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: tiga.{fmt} has more than 2 rows (split the file, or give --max-rows N)\n"
    assert exported(sop) == []  # nothing was imported
    assert sop("import", str(path), "--max-rows", "3").exit_code == 0


def test_an_endless_line_is_refused(sop, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "LINE_CHARS", 1_000)
    path = tmp_path / "panjang.csv"
    path.write_text(",".join(HEADER) + "\n" + "x" * 70_000 + "\n", encoding="utf-8")
    result = sop("import", str(path))
    assert result.stderr.startswith("Error: panjang.csv: line 2 is longer than 1000 characters"), result.stderr


def test_a_json_array_over_its_size_is_refused(sop, tmp_path):
    path = tmp_path / "besar.json"
    path.write_text("[" + ",".join(['{"reporter": "Ani"}'] * 200) + "]", encoding="utf-8")
    result = sop("import", str(path), "--max-rows", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: besar.json is larger than the 1 KB a JSON array of 1 rows may be")


def zip_of(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(name, data)
    return out.getvalue()


PART_NAMES = st.sampled_from(
    [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/worksheets/sheet1.xml",
        "xl/sharedStrings.xml",
        "xl/styles.xml",
        "docProps/app.xml",
    ]
)
PART_TEXTS = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([CONTENT_TYPES, ROOT_RELS, WORKBOOK, WORKBOOK_RELS]).map(str.encode),
    st.builds(
        lambda rows: f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode(),
        st.text(st.sampled_from('<>row c r="1A9" t=s/v'), max_size=80),
    ),
)
ARCHIVES = st.one_of(
    st.binary(max_size=400),
    st.lists(st.tuples(PART_NAMES, PART_TEXTS), max_size=7, unique_by=lambda part: part[0]).map(zip_of),
    st.builds(lambda good, cut: good[:cut], st.just(workbook(inline(1, *HEADER))), st.integers(0, 2000)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=ARCHIVES, fmt=st.sampled_from(["xlsx", "csv", "json", "jsonl"]))
def test_any_bytes_end_in_an_answer_or_one_line(sop, tmp_path, data, fmt):
    path = tmp_path / f"acak.{fmt}"
    path.write_bytes(data)
    result = sop("import", str(path), "--dry-run", "--sop", "kaltim-db")
    no_traceback(result)
    assert result.exit_code in (0, 1), result.exit_code
    # Refused: one line on stderr. Bad rows are listed on stdout, with none on stderr.
    assert len(result.stderr.splitlines()) <= 1 and result.stderr[:7] in ("", "Error: "), result.stderr


def test_an_sop_file_over_its_size_is_one_line(sop, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "SOP_FILE_BYTES", 100)
    path = tmp_path / "besar.toml"
    path.write_text("# " + "x" * 200 + "\n", encoding="utf-8")
    result = sop("sops", "validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path} is larger than the 100 bytes an SOP file may be")


def test_a_config_value_or_file_over_its_limit_is_one_line(sop, sop_env, monkeypatch):
    refused = sop("config", "set", "office_name", "x" * (limits.CONFIG_TEXT + 1))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"Error: bad value for office_name: {limits.CONFIG_TEXT + 1} characters, more than the {limits.CONFIG_TEXT} allowed"
    ]
    (sop_env / "config.toml").write_text("# " + "x" * limits.CONFIG_FILE_BYTES + "\n", encoding="utf-8")
    result = sop("list")
    assert result.exit_code == 1 and "is larger than the 64 KB it may be" in result.stderr


def test_a_workbook_without_a_worksheet_is_one_line(sop, tmp_path):
    # Found by the test above: the parts of a workbook, each holding the content-types list, and no sheet.
    import zipfile

    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\n'
        '<Default Extension="xml" ContentType="application/xml"/>\n'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\n'
        "</Types>"
    )
    path = tmp_path / "kosong.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for part in ("[Content_Types].xml", "xl/workbook.xml"):
            archive.writestr(part, types)
    result = sop("import", str(path), "--dry-run", "--sop", "kaltim-db")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: kosong.xlsx has no worksheet"]
