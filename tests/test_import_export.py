"""``sop import`` / ``sop export`` / ``sop verify --file`` through the CLI.

Every test runs against its own empty database (SQLite, or PostgreSQL: see
conftest) with the fixed clock of ``conftest`` (Tuesday 24 November 2026, 16:00
WIB), so a row received in 2027 is in the future. Most tests run ``sop`` in-process (``CliRunner``); the
SIGKILL test runs the real ``sop`` script in a subprocess and kills it while
its import transaction is open.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from helpers import SOP, no_logbook, no_traceback, ok

ROOT = Path(__file__).resolve().parents[1]
SOPS = ("ipas-pemulihan", "kaltim-db", "cirebon-aplikasi", "tanahbumbu-jaringan")
HEADER = ["ref", "received_at", "sop", "reporter", "unit", "system", "host", "channel", "priority", "description"]
FIELDS = HEADER  # what an export → import round trip must keep

# A handful of realistic rows, with the awkward bits real files have: commas and
# quotes in cells, a multi-line description, a reporter with a title after a
# comma, no host, no ref, a description a spreadsheet would take for a formula.
ROWS = [
    {
        "ref": "SRT/045/DISKOMINFO/XI/2026",
        "received_at": "2026-11-03T08:15:00+07:00",
        "sop": "cirebon-aplikasi",
        "reporter": "Rina Susanti, S.Kom.",
        "unit": "Dinas Kependudukan dan Pencatatan Sipil",
        "system": "SIAK Terpusat",
        "host": "",
        "channel": "surat",
        "priority": "tinggi",
        "description": 'Aplikasi SIAK tidak bisa mencetak KTP-el, muncul pesan "printer not found".\nSudah dicoba restart.',
    },
    {
        "ref": "TLP-20261103-07",
        "received_at": "2026-11-03T09:40:00+07:00",
        "sop": "kaltim-db",
        "reporter": "Agus Setiawan",
        "unit": "Badan Kepegawaian Daerah Provinsi Kalimantan Timur",
        "system": "SIMPEG",
        "host": "db-simpeg.kaltimprov.go.id",
        "channel": "telepon",
        "priority": "kritis",
        "description": 'Database SIMPEG tidak bisa diakses; error "too many connections", antrean menumpuk.',
    },
    {
        "ref": "",
        "received_at": "2026-11-04T10:05:00+07:00",
        "sop": "tanahbumbu-jaringan",
        "reporter": "Fajar Ramadhan",
        "unit": "Kecamatan Simpang Empat",
        "system": "jaringan fiber OPD",
        "host": "olt-simpangempat-02",
        "channel": "whatsapp",
        "priority": "sedang",
        "description": "Jaringan fiber OPD putus total sejak pagi, lampu LOS merah.\n\nKontak: 0812-5555-1234",
    },
    {
        "ref": "HKI.5-TI.04.02-123",
        "received_at": "2026-11-05T13:20:00+07:00",
        "sop": "ipas-pemulihan",
        "reporter": "Hendra Kurniawan",
        "unit": "Direktorat Merek dan Indikasi Geografis",
        "system": "IPAS",
        "host": "ipas-app01.dgip.go.id",
        "channel": "email",
        "priority": "rendah",
        "description": "=SUM(A1:A3) muncul di kolom catatan modul permohonan merek; café ’kutip’ tetap.",
    },
    {
        "ref": "007",
        "received_at": "2026-11-06T14:00:00+07:00",
        "sop": "cirebon-aplikasi",
        "reporter": "Dewi Lestari",
        "unit": "Kecamatan Kesambi",
        "system": "e-Office",
        "host": "10.1.8.14",
        "channel": "monitoring",
        "priority": "sedang",
        "description": "e-Office lambat; semicolons; and, commas, everywhere",
    },
]


# --- helpers -----------------------------------------------------------------------


def error_line(result, *fragments: str) -> str:
    """Exit 1, exactly one ``Error:`` line on stderr naming every fragment; returns the line."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    no_traceback(result)
    return lines[0]


def write_csv(
    path: Path, rows: list[dict], columns=HEADER, *, delimiter=",", newline="\n", encoding="utf-8", bom: bool = False
) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding))
    return path


def import_json(sop, *args, input=None) -> dict:
    result = sop("import", *args, "--json", input=input)
    no_traceback(result)
    return json.loads(result.stdout)


def exported(sop) -> list[dict]:
    """The complaints as ``sop export complaints --format jsonl`` gives them, in received order."""
    result = ok(sop("export", "complaints", "--format", "jsonl"))
    return [json.loads(line) for line in result.stdout.split("\n") if line.strip()]


def by_ref(rows: list[dict]) -> dict[str, dict]:
    return {r["ref"]: r for r in rows}


def fields(row: dict) -> dict:
    return {k: row.get(k) for k in FIELDS}


def complaints(sop) -> list[dict]:
    result = sop("list", "--status", "all", "--json")
    if no_logbook(result):  # a refused first import does not even create the logbook
        return []
    return json.loads(ok(result).stdout)


def journal_count(sop) -> int:
    result = sop("verify", "--full")  # the whole chain, and its count
    if no_logbook(result):
        return 0
    ok(result)
    match = re.search(r"OK: ([\d,]+) journal entries", result.stdout)  # 60,005: a count for people
    assert match, result.stdout
    return int(match[1].replace(",", ""))


def assert_nothing_written(sop) -> None:
    assert complaints(sop) == []
    assert journal_count(sop) == 0


def problems(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("line ")]


def use_database(monkeypatch, database: str | Path) -> None:
    monkeypatch.setenv("SOP_DATABASE_URL", str(database))


def expected(row: dict) -> dict:
    """What the database should hold for an input row (host empty → None)."""
    return {**fields(row), "host": row["host"] or None}


# --- formats and dialects ------------------------------------------------------------


def test_comma_csv_keeps_every_field(sop, sop_env):
    path = write_csv(sop_env / "pengaduan.csv", ROWS)
    result = ok(sop("import", str(path)))
    assert "5 rows, 5 new, 0 duplicates" in result.stdout
    assert "Imported 5 complaints: ADU-2026-00001 … ADU-2026-00005." in result.stdout
    got = exported(sop)
    assert len(got) == 5
    for row, stored in zip(ROWS, got):
        if row["ref"]:
            assert fields(stored) == expected(row)
        else:
            assert stored["ref"].startswith("auto-")
            assert {k: v for k, v in fields(stored).items() if k != "ref"} == {
                k: v for k, v in expected(row).items() if k != "ref"
            }


def test_semicolon_bom_crlf_day_first_as_an_indonesian_spreadsheet_saves_it(sop, sop_env):
    text = (
        "No. Tiket;Tanggal;SOP;Pelapor;SKPD;Aplikasi;Keluhan\r\n"
        "HD-2611-0412;03/11/2026 08.15;cirebon-aplikasi;Taufik Gunawan;Kecamatan Kejaksan;SIMPEG;"
        "Lupa kata sandi akun SIMPEG, reset lewat email tidak masuk.\r\n"
        "HD-2611-0413;03/11/2026 14:05;cirebon-aplikasi;Nur Gunawan, S.E.;Dinas Pendidikan;e-Office;"
        '"Menu disposisi e-Office error.\r\nSudah dicoba hapus cache; tetap sama."\r\n'
        "HD-2611-0414;4/11/2026 7.45;cirebon-aplikasi;Wahyu Effendi;Badan Keuangan Daerah;LPSE;"
        "Tampilan LPSE berantakan setelah pembaruan.\r\n"
    )
    path = sop_env / "rekap.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = ok(sop("import", str(path)))
    assert "3 rows, 3 new" in result.stdout
    got = by_ref(exported(sop))
    assert set(got) == {"HD-2611-0412", "HD-2611-0413", "HD-2611-0414"}  # the BOM did not eat "No. Tiket"
    assert got["HD-2611-0412"]["received_at"] == "2026-11-03T08:15:00+07:00"
    assert got["HD-2611-0413"]["received_at"] == "2026-11-03T14:05:00+07:00"
    assert got["HD-2611-0414"]["received_at"] == "2026-11-04T07:45:00+07:00"
    assert got["HD-2611-0413"]["reporter"] == "Nur Gunawan, S.E."
    assert got["HD-2611-0413"]["unit"] == "Dinas Pendidikan"
    assert got["HD-2611-0413"]["system"] == "e-Office"
    description = got["HD-2611-0413"]["description"]
    assert description.splitlines() == ["Menu disposisi e-Office error.", "Sudah dicoba hapus cache; tetap sama."]


def test_semicolon_file_whose_cells_are_full_of_commas_and_quotes(sop, sop_env):
    """The header says ``;``: commas and quotes in the text must not make the sniffer pick ``,``."""
    lines = ["No. Tiket;Tanggal;SOP;Pelapor;SKPD;Aplikasi;Keluhan"]
    for i in range(5):
        lines.append(
            f"T{i};03/11/2026 08.15;cirebon-aplikasi;Ani, S.Kom.;Dinas A, B, C;SIMPEG;"
            f'"Aplikasi error, tidak bisa, login, ""parah"", cek, lagi"'
        )
    path = sop_env / "koma.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    result = ok(sop("import", str(path)))
    assert "5 rows, 5 new" in result.stdout
    assert by_ref(exported(sop))["T0"]["description"] == 'Aplikasi error, tidak bisa, login, "parah", cek, lagi'


@pytest.mark.parametrize(
    "name, extra", [("pengaduan.tsv", []), ("pengaduan.txt", ["--format", "tsv"]), ("tab-delimited.csv", [])]
)
def test_tab_separated(sop, sop_env, name, extra):
    path = write_csv(sop_env / name, ROWS, delimiter="\t")
    assert "5 rows, 5 new" in ok(sop("import", str(path), *extra)).stdout
    got = by_ref(exported(sop))
    assert [fields(got[r["ref"]]) for r in ROWS if r["ref"]] == [expected(r) for r in ROWS if r["ref"]]


def test_json_array(sop, sop_env):
    path = sop_env / "pengaduan.json"
    path.write_text(json.dumps(ROWS, ensure_ascii=False, indent=2), encoding="utf-8")
    result = ok(sop("import", str(path)))
    assert "5 rows, 5 new" in result.stdout
    got = by_ref(exported(sop))
    assert [fields(got[r["ref"]]) for r in ROWS if r["ref"]] == [expected(r) for r in ROWS if r["ref"]]


def test_json_object_with_a_complaints_list(sop, sop_env):
    path = sop_env / "pengaduan.json"
    path.write_text(json.dumps({"pengaduan": ROWS[:2]}, ensure_ascii=False), encoding="utf-8")
    assert "2 rows, 2 new" in ok(sop("import", str(path))).stdout


def test_json_lines(sop, sop_env):
    path = sop_env / "pengaduan.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS) + "\n", encoding="utf-8")
    ok(sop("import", str(path)))
    got = by_ref(exported(sop))
    assert fields(got["SRT/045/DISKOMINFO/XI/2026"]) == expected(ROWS[0])
    assert fields(got["007"]) == expected(ROWS[4])


def _workbook(path: Path, header: list[str], rows: list[list]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as Excel keeps a cell typed as '=... (openpyxl would write a formula)
    workbook.save(path)
    return path


XLSX_HEADER = [
    "No. Tiket",
    "Tanggal Diterima",
    "SOP",
    "Nama Pelapor",
    "Unit Kerja",
    "Aplikasi",
    "Host",
    "Saluran",
    "Prioritas",
    "Uraian",
]
XLSX_ROWS = [
    [
        "SRT/045/DISKOMINFO/XI/2026",
        datetime(2026, 11, 3, 8, 15),
        "cirebon-aplikasi",
        "Rina Susanti, S.Kom.",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "SIAK Terpusat",
        None,
        "surat",
        "tinggi",
        "Aplikasi SIAK tidak bisa mencetak KTP-el.\nSudah dicoba restart.",
    ],
    [
        12345,
        datetime(2026, 11, 4, 13, 30, 45),
        "kaltim-db",
        "Agus Setiawan",
        "Badan Kepegawaian Daerah",
        "SIMPEG",
        "10.16.2.40",
        "telepon",
        "kritis",
        'Database SIMPEG "down"',
    ],
]


def test_xlsx_with_datetime_cells(sop, sop_env):
    path = _workbook(sop_env / "pengaduan.xlsx", XLSX_HEADER, XLSX_ROWS)
    result = ok(sop("import", str(path)))
    assert "2 rows, 2 new" in result.stdout
    got = by_ref(exported(sop))
    first = got["SRT/045/DISKOMINFO/XI/2026"]
    assert first["received_at"] == "2026-11-03T08:15:00+07:00"  # a naive cell is office-local time
    assert first["host"] is None
    assert first["description"] == "Aplikasi SIAK tidak bisa mencetak KTP-el.\nSudah dicoba restart."
    second = got["12345"]  # a number cell in the ticket column is the ticket "12345"
    assert second["received_at"] == "2026-11-04T13:30:45+07:00"
    assert (second["reporter"], second["unit"], second["system"], second["host"]) == (
        "Agus Setiawan",
        "Badan Kepegawaian Daerah",
        "SIMPEG",
        "10.16.2.40",
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "xlsx"])
def test_standard_input_with_format(sop, sop_env, fmt):
    if fmt == "xlsx":
        data: bytes | str = _workbook(sop_env / "in.xlsx", XLSX_HEADER, XLSX_ROWS).read_bytes()
        count = 2
    elif fmt in ("csv", "tsv"):
        data = write_csv(sop_env / "in.txt", ROWS, delimiter="\t" if fmt == "tsv" else ",").read_text("utf-8")
        count = 5
    elif fmt == "json":
        data, count = json.dumps(ROWS, ensure_ascii=False), 5
    else:
        data, count = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), 5
    result = ok(sop("import", "-", "--format", fmt, input=data))
    assert f"stdin: {count} rows, {count} new" in result.stdout
    assert len(complaints(sop)) == count
    source = json.loads(ok(sop("show", "ADU-2026-00001", "--json")).stdout)["journal"][0]["fields"]["source"]
    assert source == ("stdin:2" if fmt in ("csv", "tsv", "xlsx") else "stdin:1")  # after the header / first record


def test_standard_input_without_format_is_csv(sop, sop_env):
    data = write_csv(sop_env / "in.txt", ROWS[:2]).read_text("utf-8")
    assert "2 rows, 2 new" in ok(sop("import", "-", input=data)).stdout


@pytest.mark.parametrize(
    "header",
    [
        ["no. tiket", "waktu diterima", "sop", "pelapor", "unit kerja", "aplikasi", "uraian"],
        ["Nomor Tiket", "Tanggal", "SOP", "Nama Pelapor", "SKPD", "Layanan", "Keluhan"],
        ["No Tiket", "Tanggal Diterima:", "Kode SOP", "PELAPOR", "OPD", "Sistem", "Deskripsi"],
        ["Referensi", "Tgl", "sop_id", "Pelapor", "Perangkat Daerah", "Sistem/Aplikasi", "Permasalahan"],
    ],
)
def test_indonesian_header_aliases(sop, sop_env, header):
    canonical = ["ref", "received_at", "sop", "reporter", "unit", "system", "description"]
    rows = [
        dict(
            zip(
                header,
                [
                    "TLP-20261103-07",
                    "03/11/2026 09.40",
                    "kaltim-db",
                    "Agus Setiawan",
                    "Badan Kepegawaian Daerah",
                    "SIMPEG",
                    "Database SIMPEG tidak bisa diakses",
                ],
            )
        )
    ]
    ok(sop("import", str(write_csv(sop_env / "alias.csv", rows, columns=header))))
    stored = exported(sop)[0]
    assert {c: stored[c] for c in canonical} == {
        "ref": "TLP-20261103-07",
        "received_at": "2026-11-03T09:40:00+07:00",
        "sop": "kaltim-db",
        "reporter": "Agus Setiawan",
        "unit": "Badan Kepegawaian Daerah",
        "system": "SIMPEG",
        "description": "Database SIMPEG tidak bisa diakses",
    }
    # the defaults for the optional columns
    assert (stored["channel"], stored["priority"], stored["host"]) == ("lainnya", "sedang", None)


def test_sop_option_when_the_file_has_no_sop_column(sop, sop_env):
    columns = ["ref", "received_at", "reporter", "unit", "system", "description"]
    path = write_csv(sop_env / "tanpa-sop.csv", ROWS[:2], columns=columns)
    error_line(sop("import", str(path)), "missing columns: sop", "--sop")
    assert_nothing_written(sop)
    ok(sop("import", str(path), "--sop", "tanahbumbu-jaringan"))
    assert {c["sop"] for c in complaints(sop)} == {"tanahbumbu-jaringan"}


def test_import_refuses_a_sop_file_taking_a_built_in_id(sop, sop_env):
    from sopcli.definitions.loader import builtin_dir

    copy = sop_env / "kaltim-salinan.toml"  # an office's copy of the built-in, id unchanged
    copy.write_text((builtin_dir() / "kaltim-db.toml").read_text(encoding="utf-8"), encoding="utf-8")
    refusal = f"{copy}:"
    # Given as --sop: one error line, before any row.
    columns = ["ref", "received_at", "reporter", "unit", "system", "description"]
    path = write_csv(sop_env / "tanpa-sop.csv", ROWS[:2], columns=columns)
    line = error_line(
        sop("import", str(path), "--sop", str(copy)),
        refusal,
        "id kaltim-db is the id of a built-in SOP; choose another id",
    )
    assert line.startswith("Error: ")
    assert_nothing_written(sop)
    # Named in the sop column: each row says why, not "unknown SOP".
    result = sop("import", str(write_csv(sop_env / "kolom.csv", [{**ROWS[1], "sop": str(copy)}])))
    assert result.exit_code == 1
    assert problems(result) == [f"line 2 sop: {copy}:4: id kaltim-db is the id of a built-in SOP; choose another id"]
    assert_nothing_written(sop)


def test_import_with_an_unknown_sop_option_is_one_error_line(sop, sop_env):
    columns = ["ref", "received_at", "reporter", "unit", "system", "description"]
    path = write_csv(sop_env / "tanpa-sop.csv", ROWS[:2], columns=columns)
    error_line(sop("import", str(path), "--sop", "tidak-ada"), "no SOP 'tidak-ada'")
    assert_nothing_written(sop)


def test_a_sop_column_wins_over_the_option_and_empty_cells_take_it(sop, sop_env):
    rows = [{**ROWS[0], "sop": ""}, ROWS[1]]
    ok(sop("import", str(write_csv(sop_env / "campur.csv", rows)), "--sop", "ipas-pemulihan"))
    got = by_ref(exported(sop))
    assert got[ROWS[0]["ref"]]["sop"] == "ipas-pemulihan"
    assert got[ROWS[1]["ref"]]["sop"] == "kaltim-db"


@pytest.mark.parametrize(
    "written, moment",
    [
        ("20 Agustus 2026", "2026-08-20T00:00:00+07:00"),
        ("20 Nov 2026 8.15", "2026-11-20T08:15:00+07:00"),
        ("20 Nopember 2026 pukul 14.30 WIB", "2026-11-20T14:30:00+07:00"),
        ("20/11/2026 08:15", "2026-11-20T08:15:00+07:00"),
        ("20-11-2026", "2026-11-20T00:00:00+07:00"),
        ("2026-11-20 08:15", "2026-11-20T08:15:00+07:00"),
        ("2026-11-20T09:15:00+08:00", "2026-11-20T08:15:00+07:00"),  # WITA, shown in office time
        ("Jumat, 20 November 2026 10.05", "2026-11-20T10:05:00+07:00"),
    ],
)
def test_date_forms(sop, sop_env, written, moment):
    row = {**ROWS[1], "received_at": written}
    ok(sop("import", str(write_csv(sop_env / "tanggal.csv", [row]))))
    assert exported(sop)[0]["received_at"] == moment


@pytest.mark.parametrize(
    "written",
    [
        "31/02/2026",
        "2026-11-03T08:15:00+99:00",
        "99/99/9999 99.99",
        "0000-00-00",
        "20 Foo 2026",
        "10000-01-01",
        "kemarin sore jam lima",
        "2026-13-01",
    ],
)
def test_bad_date_forms_are_row_problems(sop, sop_env, written):
    result = sop("import", str(write_csv(sop_env / "tanggal.csv", [{**ROWS[1], "received_at": written}])))
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    assert [p.split(":")[0] for p in problems(result)] == ["line 2 received_at"], result.stdout
    assert_nothing_written(sop)


# --- bad rows, bad columns, bad files --------------------------------------------------


def _bad_rows() -> list[dict]:
    good = ROWS[1]
    return [
        ROWS[0],  # lines 2-3: a multi-line description, so later rows start one line further down
        {**good, "ref": "A-1", "sop": "kaltim-database"},  # line 4
        {**good, "ref": "A-2", "received_at": "31/02/2026"},  # line 5
        {**good, "ref": "A-3", "received_at": "2027-01-05T08:00:00+07:00"},  # line 6
        {**good, "ref": "A-4", "description": "   "},  # line 7
        {**good, "ref": "A-5"},  # line 8
        {**good, "ref": "A-5", "description": "Laporan ulang"},  # line 9
        {**good, "ref": "A-6", "received_at": "kemarin sore jam lima"},  # line 10
    ]


def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_written(sop, sop_env):
    result = sop("import", str(write_csv(sop_env / "bermasalah.csv", _bad_rows())))
    assert result.exit_code == 1, result.stdout
    no_traceback(result)
    assert problems(result) == [
        "line 4 sop: unknown SOP 'kaltim-database'",
        "line 5 received_at: unparseable date '31/02/2026'",
        "line 6 received_at: 2027-01-05T08:00+07:00 is in the future",
        "line 7 description: empty description",
        "line 9 ref: ref 'A-5' repeats line 8",
        "line 10 received_at: unparseable date 'kemarin sore jam lima'",
    ]
    assert "8 rows, 2 new, 0 duplicates (already recorded), 6 invalid." in result.stdout
    assert "Nothing was imported" in result.stderr
    assert_nothing_written(sop)


def test_priority_from_the_fixed_set(sop, sop_env):
    rows = [{**ROWS[1], "ref": "P-1", "priority": "Tinggi"}, {**ROWS[1], "ref": "P-2", "priority": "segera sekali"}]
    result = sop("import", str(write_csv(sop_env / "prioritas.csv", rows)))
    assert result.exit_code == 1
    assert problems(result) == ["line 3 priority: unknown priority 'segera sekali'"]
    ok(sop("import", str(write_csv(sop_env / "prioritas.csv", rows[:1]))))
    assert exported(sop)[0]["priority"] == "tinggi"


def test_json_reports_every_problem(sop, sop_env):
    report = import_json(sop, str(write_csv(sop_env / "bermasalah.csv", _bad_rows())))
    assert report["committed"] is False and report["imported"] == 0 and report["invalid"] == 6
    assert [(p["line"], p["column"]) for p in report["problems"]] == [
        (4, "sop"),
        (5, "received_at"),
        (6, "received_at"),
        (7, "description"),
        (9, "ref"),
        (10, "received_at"),
    ]
    assert_nothing_written(sop)


def test_more_cells_than_columns_and_empty_required_cells(sop, sop_env):
    path = sop_env / "sel.csv"
    path.write_text(
        "ref,received_at,sop,reporter,unit,system,description\n"
        "B-1,2026-11-03T08:00+07:00,kaltim-db,Ani,BKD,SIMPEG,Mati,lagi,dan lagi\n"
        "B-2,,kaltim-db,,BKD,SIMPEG,Mati\n",
        encoding="utf-8",
    )
    result = sop("import", str(path))
    assert result.exit_code == 1
    assert problems(result) == [
        "line 2: 2 more cells than the header has columns",
        "line 3 reporter: empty reporter",
        "line 3 received_at: empty received_at",
    ]
    assert_nothing_written(sop)


@pytest.mark.parametrize("value", ["x" * 300, "kaltim-db" + " " * 10 + "salah", "/", "../" * 5, "a\x00b"])
def test_any_sop_value_is_an_unknown_sop_not_a_crash(sop, sop_env, value):
    result = sop("import", str(write_csv(sop_env / "sop-aneh.csv", [{**ROWS[1], "sop": value}])))
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    assert len(problems(result)) == 1 and "line 2 sop: unknown SOP" in problems(result)[0]
    assert_nothing_written(sop)


def test_a_nul_character_is_a_row_problem_on_every_engine(sop, sop_env):
    # PostgreSQL cannot store one; SQLite refuses it too, so a file imports the same on both.
    rows = [{**ROWS[1], "description": "Mati\x00total"}, {**ROWS[3], "reporter": "\x00"}]
    result = sop("import", str(write_csv(sop_env / "nul.csv", rows)))
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    assert problems(result) == [
        "line 2 description: contains a NUL character",
        "line 3 reporter: contains a NUL character",
    ]
    assert_nothing_written(sop)


def test_a_very_long_description_is_kept_whole(sop, sop_env):
    text = ("Gangguan panjang; " * 600)[:9_999] + "."  # 10,000 characters: the longest a description may be
    ok(sop("import", str(write_csv(sop_env / "panjang.csv", [{**ROWS[1], "description": text}]))))
    assert exported(sop)[0]["description"] == text


def test_a_field_over_the_csv_limit_is_a_row_error(sop, sop_env):
    path = write_csv(sop_env / "terlalu.csv", [{**ROWS[1], "description": "x" * 200_000}, ROWS[3]])
    result = sop("import", str(path))
    assert result.exit_code == 1, result.stderr
    assert problems(result) == ["line 2: a cell longer than 131072 characters"]
    assert_nothing_written(sop)


def test_unknown_columns_are_named_and_ignore_unknown_accepts_them(sop, sop_env):
    columns = [*HEADER, "Keterangan", "Lampiran"]
    rows = [{**r, "Keterangan": "x", "Lampiran": "foto.jpg"} for r in ROWS[:2]]
    path = write_csv(sop_env / "lebih.csv", rows, columns=columns)
    error_line(sop("import", str(path)), "unknown columns: Keterangan, Lampiran", "--ignore-unknown")
    assert_nothing_written(sop)
    assert "2 rows, 2 new" in ok(sop("import", str(path), "--ignore-unknown")).stdout


def test_unknown_keys_in_json_lines(sop, sop_env):
    path = sop_env / "lebih.jsonl"
    path.write_text("\n".join(json.dumps({**r, "lampiran": "a.pdf"}) for r in ROWS[:2]) + "\n", encoding="utf-8")
    error_line(sop("import", str(path)), "unknown columns: lampiran")
    ok(sop("import", str(path), "--ignore-unknown"))
    assert len(complaints(sop)) == 2


def test_our_own_export_columns_are_not_unknown(sop, sop_env):
    ok(sop("import", str(write_csv(sop_env / "a.csv", ROWS))))
    export = sop_env / "export.csv"
    ok(sop("export", "complaints", "-o", str(export)))
    assert "5 duplicates" in ok(sop("import", str(export))).stdout


def test_missing_required_columns_are_named(sop, sop_env):
    path = write_csv(sop_env / "kurang.csv", ROWS[:1], columns=["ref", "received_at", "sop", "unit", "system"])
    error_line(sop("import", str(path)), "missing columns: reporter, description")
    assert_nothing_written(sop)


def test_two_headers_meaning_the_same_column(sop, sop_env):
    path = write_csv(
        sop_env / "ganda.csv",
        ROWS[:1],
        columns=["ref", "received_at", "sop", "reporter", "Pelapor", "unit", "system", "description"],
    )
    error_line(sop("import", str(path)), "'reporter'", "'Pelapor'")


def _cp1252_file(path: Path, filler_rows: int = 0) -> Path:
    rows = [{**ROWS[1], "ref": f"F-{i}", "description": f"Gangguan database nomor {i}"} for i in range(filler_rows)]
    rows.append(
        {**ROWS[1], "ref": "CP-1", "reporter": "André Wijaya", "description": "Server ’SIMPEG’ mati — café lantai 2"}
    )
    return write_csv(path, rows, encoding="cp1252")


def test_a_cp1252_file_names_the_line_and_suggests_encoding(sop, sop_env):
    path = _cp1252_file(sop_env / "windows.csv")
    error_line(sop("import", str(path)), "windows.csv", "line 2", "UTF-8", "--encoding cp1252")
    assert_nothing_written(sop)
    ok(sop("import", str(path), "--encoding", "cp1252"))
    stored = by_ref(exported(sop))["CP-1"]
    assert stored["reporter"] == "André Wijaya"
    assert stored["description"] == "Server ’SIMPEG’ mati — café lantai 2"


def test_a_cp1252_byte_deep_in_a_large_file_names_its_own_line(sop, sop_env):
    path = _cp1252_file(sop_env / "windows-besar.csv", filler_rows=3000)  # well past the 64 KiB sniffing sample
    error_line(sop("import", str(path)), "line 3002", "--encoding cp1252")
    assert_nothing_written(sop)


def test_unknown_encoding_and_unknown_format(sop, sop_env):
    path = write_csv(sop_env / "a.csv", ROWS[:1])
    error_line(sop("import", str(path), "--encoding", "klingon"), "unknown encoding", "--encoding")
    error_line(sop("import", str(path), "--format", "docx"), "unknown format", "csv")
    odd = sop_env / "a.dat"
    odd.write_text("x", encoding="utf-8")
    error_line(sop("import", str(odd)), "cannot tell the format", "--format")
    error_line(sop("import", str(sop_env / "tidak-ada.csv")), "cannot open")


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("kosong.csv", b"", "is empty"),
        ("spasi.csv", b"  \n\n", "is empty"),
        ("rusak.json", b'[{"ref": 1,', "not JSON"),
        ("angka.json", b"[1, 2]", "JSON array of objects"),
        ("baris.jsonl", json.dumps(ROWS[1]).encode() + b"\n[1]\n", "line 2: each line must be a JSON object"),
        ("rusak.jsonl", json.dumps(ROWS[1]).encode() + b"\n\n{oops\n", "line 3: not JSON"),
        ("bukan.xlsx", b"PK\x03\x04 not really a zip", "not an .xlsx workbook"),
    ],
)
def test_unreadable_files_are_one_error_line(sop, sop_env, name, content, fragment):
    path = sop_env / name
    path.write_bytes(content)
    error_line(sop("import", str(path)), fragment)
    assert_nothing_written(sop)


# --- validate first; dry run; skip invalid ------------------------------------------------


def test_one_bad_row_among_good_ones_writes_nothing(sop, sop_env):
    rows = [*ROWS, {**ROWS[1], "ref": "X-1", "sop": "tidak-ada"}]
    result = sop("import", str(write_csv(sop_env / "satu-salah.csv", rows)))
    assert result.exit_code == 1
    assert problems(result) == ["line 10 sop: unknown SOP 'tidak-ada'"]  # ROWS[0] spans two lines, ROWS[2] three
    assert_nothing_written(sop)


def test_a_bad_row_in_a_later_chunk_rolls_back_the_earlier_chunks(sop, sop_env):
    from sopcli.services import importer

    rows = [{**ROWS[1], "ref": f"C-{i}", "description": f"Gangguan {i}"} for i in range(importer.CHUNK_ROWS + 50)]
    rows[-1] = {**rows[-1], "received_at": "31/02/2026"}
    result = sop("import", str(write_csv(sop_env / "besar.csv", rows)))
    assert result.exit_code == 1
    assert problems(result) == [f"line {len(rows) + 1} received_at: unparseable date '31/02/2026'"]
    assert_nothing_written(sop)


def test_no_database_is_needed_to_refuse_a_file(sop, sop_env):
    result = sop("import", str(write_csv(sop_env / "x.csv", [{**ROWS[1], "sop": "salah"}])))
    assert result.exit_code == 1
    assert_nothing_written(sop)


def test_dry_run_writes_nothing_and_reports_counts(sop, sop_env):
    ok(sop("import", str(write_csv(sop_env / "awal.csv", ROWS[:2]))))
    rows = [*ROWS, {**ROWS[1], "ref": "BARU-1", "description": "Laporan baru"}]
    path = write_csv(sop_env / "kedua.csv", rows)
    result = ok(sop("import", str(path), "--dry-run"))
    assert "6 rows, 4 new, 2 duplicates (already recorded), 0 invalid." in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    report = import_json(sop, str(path), "--dry-run")
    assert {
        k: report[k] for k in ("rows", "imported", "would_import", "duplicates", "invalid", "dry_run", "committed")
    } == {
        "rows": 6,
        "imported": 0,
        "would_import": 4,
        "duplicates": 2,
        "invalid": 0,
        "dry_run": True,
        "committed": False,
    }
    assert len(complaints(sop)) == 2 and journal_count(sop) == 2


@pytest.mark.sqlite_only("whether a database file is created")
def test_a_dry_run_before_the_first_import_creates_no_database_file(sop, sop_env, tmp_path):
    database = tmp_path / "belum-ada" / "logbook.db"
    database.parent.mkdir()
    path = write_csv(sop_env / "awal.csv", ROWS)
    result = ok(sop("--db", str(database), "import", str(path), "--dry-run"))
    assert f"{len(ROWS)} rows, {len(ROWS)} new, 0 duplicates (already recorded), 0 invalid." in result.stdout
    assert list(database.parent.iterdir()) == []


def test_dry_run_with_bad_rows_counts_them_and_fails(sop, sop_env):
    path = write_csv(sop_env / "bermasalah.csv", _bad_rows())
    result = sop("import", str(path), "--dry-run", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["rows"], report["would_import"], report["invalid"], report["dry_run"]) == (8, 2, 6, True)
    assert_nothing_written(sop)


def sqlite_schema(sop_env) -> list[tuple]:
    """Tables, indexes and triggers as SQLite records them (all but where their pages are)."""
    with sqlite3.connect(sop_env / "sop.db") as db:
        return sorted(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


@pytest.mark.sqlite_only("SQLite's own schema table")
def test_a_load_that_outnumbers_the_logbook_leaves_its_indexes_as_they_were(sop, sop_env):
    # Such a load rebuilds the secondary indexes at its end (store.bulk); kept or rolled back, they are the same.
    ok(sop("db", "upgrade"))
    schema = sqlite_schema(sop_env)
    ok(sop("import", str(write_csv(sop_env / "awal.csv", ROWS[:2]))))
    assert sqlite_schema(sop_env) == schema
    more = [{**ROWS[1], "ref": f"B-{i}", "description": f"Gangguan {i}"} for i in range(5)]
    ok(sop("import", str(write_csv(sop_env / "coba.csv", more)), "--dry-run"))
    assert sqlite_schema(sop_env) == schema
    assert sop("import", str(write_csv(sop_env / "salah.csv", [*more, {**ROWS[1], "sop": "salah"}]))).exit_code == 1
    assert sqlite_schema(sop_env) == schema
    assert len(complaints(sop)) == 2
    ok(sop("import", str(write_csv(sop_env / "kedua.csv", more))))
    assert sqlite_schema(sop_env) == schema
    assert len(complaints(sop)) == 7
    ok(sop("db", "check"))


def test_skip_invalid_imports_the_good_rows_and_writes_rejects(sop, sop_env):
    rejects = sop_env / "rej.csv"
    result = ok(
        sop(
            "import",
            str(write_csv(sop_env / "bermasalah.csv", _bad_rows())),
            "--skip-invalid",
            "--rejects",
            str(rejects),
        )
    )
    assert "8 rows, 2 new, 0 duplicates (already recorded), 6 invalid." in result.stdout
    # the good rows: ROWS[0] (line 2) and the first A-5 (line 8)
    assert sorted(r["ref"] for r in exported(sop)) == sorted([ROWS[0]["ref"], "A-5"])
    assert by_ref(exported(sop))["A-5"]["description"] == ROWS[1]["description"]
    assert journal_count(sop) == 2
    with rejects.open(encoding="utf-8", newline="") as handle:
        saved = list(csv.DictReader(handle))
    assert "reason" in saved[0] and "line" in saved[0]
    assert [(r["line"], r["ref"]) for r in saved] == [
        ("4", "A-1"),
        ("5", "A-2"),
        ("6", "A-3"),
        ("7", "A-4"),
        ("9", "A-5"),
        ("10", "A-6"),
    ]
    reasons = {r["line"]: r["reason"] for r in saved}
    assert "unknown SOP 'kaltim-database'" in reasons["4"]
    assert "unparseable date" in reasons["5"]
    assert "in the future" in reasons["6"]
    assert "empty description" in reasons["7"]
    assert "repeats line 8" in reasons["9"]
    # the rejects file keeps every row's values, so it can be fixed and imported again
    assert saved[0]["sop"] == "kaltim-database" and saved[1]["received_at"] == "31/02/2026"
    assert saved[4]["description"] == "Laporan ulang" and saved[4]["reporter"] == ROWS[1]["reporter"]


def test_skip_invalid_json_counts(sop, sop_env):
    report = import_json(sop, str(write_csv(sop_env / "bermasalah.csv", _bad_rows())), "--skip-invalid")
    assert (report["rows"], report["imported"], report["invalid"], report["committed"]) == (8, 2, 6, True)
    assert (report["first_number"], report["last_number"]) == ("ADU-2026-00001", "ADU-2026-00002")


def test_rejects_needs_skip_invalid(sop, sop_env):
    error_line(
        sop("import", str(write_csv(sop_env / "a.csv", ROWS)), "--rejects", str(sop_env / "r.csv")),
        "--rejects",
        "--skip-invalid",
    )
    assert not (sop_env / "r.csv").exists()


def test_a_dry_run_does_not_write_a_rejects_file_either(sop, sop_env):
    path = write_csv(sop_env / "a.csv", ROWS)
    error_line(
        sop("import", str(path), "--dry-run", "--skip-invalid", "--rejects", str(sop_env / "r.csv")),
        "--dry-run writes nothing, so it cannot write --rejects",
    )
    assert not (sop_env / "r.csv").exists()
    assert_nothing_written(sop)


# --- idempotency ------------------------------------------------------------------------------


def test_importing_the_same_file_twice_imports_nothing_the_second_time(sop, sop_env):
    path = write_csv(sop_env / "pengaduan.csv", ROWS)
    ok(sop("import", str(path)))
    result = ok(sop("import", str(path)))
    assert "5 rows, 0 new, 5 duplicates (already recorded), 0 invalid." in result.stdout
    assert "Nothing new to import." in result.stdout
    report = import_json(sop, str(path))
    assert (report["imported"], report["duplicates"], report["committed"]) == (0, 5, True)
    assert len(complaints(sop)) == 5 and journal_count(sop) == 5


def test_rows_without_ref_get_a_stable_derived_ref(sop, sop_env):
    rows = [{**r, "ref": ""} for r in ROWS]
    path = write_csv(sop_env / "tanpa-ref.csv", rows)
    ok(sop("import", str(path)))
    first = sorted(r["ref"] for r in exported(sop))
    assert all(ref.startswith("auto-") for ref in first) and len(set(first)) == 5
    assert "0 new, 5 duplicates" in ok(sop("import", str(path))).stdout
    # the same rows in another format, with the text re-wrapped, are the same complaints
    other = sop_env / "tanpa-ref.jsonl"
    other.write_text(
        "".join(
            json.dumps({**r, "description": "  " + r["description"].replace(" ", "  ") + " "}, ensure_ascii=False)
            + "\n"
            for r in rows
        ),
        encoding="utf-8",
    )
    assert import_json(sop, str(other))["duplicates"] == 5
    assert sorted(r["ref"] for r in exported(sop)) == first


def test_a_file_that_grew_imports_only_the_new_rows(sop, sop_env):
    ok(sop("import", str(write_csv(sop_env / "a.csv", ROWS[:3]))))
    report = import_json(sop, str(write_csv(sop_env / "a.csv", ROWS)))
    assert (report["imported"], report["duplicates"], report["first_number"], report["last_number"]) == (
        2,
        3,
        "ADU-2026-00004",
        "ADU-2026-00005",
    )


# --- the journal -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_each_imported_complaint_has_a_received_entry_naming_file_and_line(sop, sop_env, fmt):
    if fmt == "csv":
        path = write_csv(sop_env / "asal.csv", ROWS)
        lines = _record_lines(path)
        assert lines == [2, 4, 5, 8, 9]  # ROWS[0] is two lines long, ROWS[2] three
    elif fmt == "jsonl":
        path = sop_env / "asal.jsonl"
        path.write_text("\n" + "".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
        lines = [2, 3, 4, 5, 6]
    else:
        path = _workbook(sop_env / "asal.xlsx", HEADER, [[r[c] or None for c in HEADER] for r in ROWS])
        lines = [2, 3, 4, 5, 6]
    ok(sop("import", str(path)))
    for number, line in zip([f"ADU-2026-{i:05d}" for i in range(1, 6)], lines):
        case = json.loads(ok(sop("show", number, "--json")).stdout)
        entry = case["journal"][0]
        assert entry["action"] == "received"
        assert entry["fields"]["source"] == f"{path.name}:{line}"
        assert entry["fields"]["ref"] == case["ref"]
        assert entry["at"] == case["received_at"]
        assert entry["actor"] == "budi"
    assert journal_count(sop) == 5


def _record_lines(path: Path) -> list[int]:
    """Where each CSV record starts, counted independently of sop."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        starts, start = [], reader.line_num + 1
        for _ in reader:
            starts.append(start)
            start = reader.line_num + 1
    return starts


def test_an_imported_complaint_is_the_complaint_sop_new_records(sop, sop_env, monkeypatch):
    # The import writes rows in bulk, without the engine's per-case path; what it writes must
    # be what `sop new` writes for the same complaint: state, deadline, journal entry (the
    # import's entry names its source in addition). Moments around opening, closing, a
    # weekend, a cuti bersama and a year's end, on office and 24x7 calendars.
    always = sop_env / "sop-24x7.toml"
    always.write_text(
        (ROOT / "sample_data" / "contoh-sop.toml")
        .read_text(encoding="utf-8")
        .replace('calendar = "office"', 'calendar = "24x7"'),
        encoding="utf-8",
    )
    moments = [
        "2026-11-23T06:10:00+07:00",
        "2026-11-23T07:30:00+07:00",
        "2026-11-23T15:55:00+07:00",
        "2026-11-20T16:20:00+07:00",
        "2026-11-21T10:00:00+07:00",
        "2026-03-17T15:59:59.5+07:00",
        "2026-11-23T01:00:00Z",
        "2025-12-31T23:30:00+07:00",
        "2026-11-23 09:00",
    ]
    rows = [
        {
            "ref": f"SAMA-{i}",
            "received_at": when,
            "sop": sop_id,
            "reporter": "Ani  Lestari",
            "unit": "BKD",
            "system": "SIMPEG",
            "host": "" if i % 2 else "db-01",
            "channel": "Telepon",
            "priority": "High",
            "description": f' Gangguan {i}: "kutip" dan ✓ ',
        }
        for i, (when, sop_id) in enumerate((w, s) for s in (*SOPS, str(always)) for w in moments)
    ]
    for row in rows:
        ok(
            sop(
                "new",
                "--sop",
                row["sop"],
                "--received-at",
                row["received_at"],
                "--reporter",
                row["reporter"],
                "--unit",
                row["unit"],
                "--system",
                row["system"],
                "--host",
                row["host"],
                "--channel",
                row["channel"],
                "--priority",
                row["priority"],
                "--description",
                row["description"],
                "--ref",
                row["ref"],
            )
        )
    recorded = [json.loads(ok(sop("show", f"ADU-{n}", "--json")).stdout) for n in _numbers(sop)]
    use_database(monkeypatch, sop_env / "impor.db")
    path = write_csv(sop_env / "sama.csv", rows)
    ok(sop("import", str(path)))
    imported = [json.loads(ok(sop("show", f"ADU-{n}", "--json")).stdout) for n in _numbers(sop)]
    assert len(imported) == len(recorded) == len(rows)
    line_of = dict(zip((r["ref"] for r in rows), _record_lines(path)))
    for new, bulk in zip(recorded, imported):
        (entry_new,), (entry_bulk,) = new.pop("journal"), bulk.pop("journal")
        assert bulk == new
        assert entry_bulk["fields"].pop("source") == f"sama.csv:{line_of[bulk['ref']]}"
        assert {k: v for k, v in entry_bulk.items() if k != "hash"} == {
            k: v for k, v in entry_new.items() if k != "hash"
        }
    assert "OK: 45 journal entries" in ok(sop("verify")).stdout


def _numbers(sop) -> list[str]:
    """Complaint numbers without the prefix, in the order they were recorded."""
    rows = json.loads(ok(sop("list", "--status", "all", "--json")).stdout)
    return sorted((r["number"].split("-", 1)[1] for r in rows), key=lambda n: (int(n[:4]), int(n[5:])))


def test_import_as_operator_and_chain_with_existing_entries(sop, sop_env):
    ok(
        sop(
            "new",
            "--sop",
            "kaltim-db",
            "--description",
            "Manual",
            "--reporter",
            "Ani",
            "--unit",
            "BKD",
            "--system",
            "SIMPEG",
            "--received-at",
            "2026-11-02T08:00",
        )
    )
    ok(sop("import", str(write_csv(sop_env / "a.csv", ROWS)), "--as", "sari"))
    ok(sop("note", "ADU-2026-00002", "Pelapor dihubungi"))
    assert journal_count(sop) == 7
    case = json.loads(ok(sop("show", "ADU-2026-00003", "--json")).stdout)
    assert case["journal"][0]["actor"] == "sari"


def test_new_after_an_import_takes_the_next_number(sop, sop_env):
    # The import gives complaints their ids itself; the next `sop new` must not collide with them
    # (PostgreSQL's id sequence is moved past them).
    ok(sop("import", str(write_csv(sop_env / "a.csv", ROWS))))
    created = json.loads(
        ok(
            sop(
                "new",
                "--sop",
                "kaltim-db",
                "--description",
                "Sesudah impor",
                "--reporter",
                "Ani",
                "--unit",
                "BKD",
                "--system",
                "SIMPEG",
                "--json",
            )
        ).stdout
    )
    assert created["number"] == "ADU-2026-00006"
    ok(sop("import", str(write_csv(sop_env / "b.csv", [{**ROWS[1], "ref": "BARU-1"}]))))
    assert sorted(c["number"] for c in complaints(sop)) == [f"ADU-2026-{n:05d}" for n in range(1, 8)]
    assert journal_count(sop) == 7


# --- export → import round trip --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "json"])
def test_export_import_round_trip_loses_nothing(sop, sop_env, databases, monkeypatch, fmt):
    ok(sop("import", str(write_csv(sop_env / "asal.csv", ROWS))))
    first = exported(sop)
    assert [fields(r) for r in first if r["ref"] in {x["ref"] for x in ROWS}] == [expected(r) for r in ROWS if r["ref"]]
    path = sop_env / f"ekspor.{fmt}"
    result = ok(sop("export", "complaints", "--format", fmt, "-o", str(path)))
    assert "Exported 5 complaints." in result.stderr

    use_database(monkeypatch, databases.new("kosong.db"))
    assert "5 rows, 5 new" in ok(sop("import", str(path))).stdout
    second = exported(sop)
    assert [fields(r) for r in second] == [fields(r) for r in first]

    # and once more, from the second database
    again = sop_env / f"lagi.{fmt}"
    ok(sop("export", "complaints", "--format", fmt, "-o", str(again)))
    use_database(monkeypatch, databases.new("ketiga.db"))
    ok(sop("import", str(again)))
    assert [fields(r) for r in exported(sop)] == [fields(r) for r in first]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_an_export_into_its_own_database_adds_nothing(sop, sop_env, fmt):
    """Complaints recorded with `sop new` have no ref; their export rows carry their numbers."""
    for description in ("SIMPEG tidak bisa login", "Email dinas tidak terkirim"):
        ok(
            sop(
                "new",
                "--sop",
                "kaltim-db",
                "--description",
                description,
                "--reporter",
                "Ani",
                "--unit",
                "BKD",
                "--system",
                "SIMPEG",
                "--received-at",
                "2026-11-24 08:00",
            )
        )
    ok(sop("import", str(write_csv(sop_env / "asal.csv", ROWS))))
    path = sop_env / f"ekspor.{fmt}"
    ok(sop("export", "complaints", "-o", str(path)))
    assert "7 rows, 0 new, 7 duplicates (already recorded), 0 invalid." in ok(sop("import", str(path))).stdout
    assert len(complaints(sop)) == 7


def test_importing_closed_complaints_elsewhere_says_they_start_open(sop, sop_env, databases, monkeypatch):
    for description in ("SIMPEG tidak bisa login", "Email dinas tidak terkirim", "Jaringan putus"):
        ok(
            sop(
                "new",
                "--sop",
                "kaltim-db",
                "--description",
                description,
                "--reporter",
                "Ani",
                "--unit",
                "BKD",
                "--system",
                "SIMPEG",
                "--received-at",
                "2026-11-24 08:00",
            )
        )
    ok(sop("cancel", "ADU-2026-00001", "--reason", "Duplikat"))
    path = sop_env / "ekspor.csv"
    ok(sop("export", "complaints", "-o", str(path)))

    use_database(monkeypatch, databases.new("lain.db"))
    result = ok(sop("import", str(path)))
    assert "Note: 1 of the new rows were closed in their source" in result.stderr
    assert "'sop db backup' and 'sop db restore'" in result.stderr
    assert import_json(sop, str(path))["closed_in_source"] == 0  # the second time they are duplicates
    # A file without a status column, or another system's status words, says nothing.
    plain = ok(sop("import", str(write_csv(sop_env / "asal.csv", ROWS))))
    assert "closed in their source" not in plain.stderr


def test_another_offices_complaint_with_one_of_our_numbers_is_imported(sop, sop_env):
    ok(
        sop(
            "new",
            "--sop",
            "kaltim-db",
            "--description",
            "SIMPEG tidak bisa login",
            "--reporter",
            "Ani",
            "--unit",
            "BKD",
            "--system",
            "SIMPEG",
            "--received-at",
            "2026-11-24 08:00",
        )
    )
    theirs = {**ROWS[2], "number": "ADU-2026-00001"}  # their own numbering: a different complaint
    path = write_csv(sop_env / "kantor-lain.csv", [theirs], columns=[*HEADER, "number"])
    assert "1 rows, 1 new, 0 duplicates" in ok(sop("import", str(path))).stdout
    assert sorted(c["number"] for c in complaints(sop)) == ["ADU-2026-00001", "ADU-2026-00002"]


def test_export_of_the_sample_month_round_trips(sop, sop_env, databases, monkeypatch, tmp_path):
    files = _generate(tmp_path / "gen")
    ok(sop("import", str(files["pengaduan-november-2026.csv"])))
    first = exported(sop)
    assert len(first) == 300
    path = sop_env / "bulan.xlsx"
    ok(sop("export", "complaints", "--format", "xlsx", "-o", str(path)))
    use_database(monkeypatch, databases.new("kosong.db"))
    ok(sop("import", str(path)))
    assert [fields(r) for r in exported(sop)] == [fields(r) for r in first]


def test_export_filters(sop, sop_env):
    ok(sop("import", str(write_csv(sop_env / "a.csv", ROWS))))
    got = exported_with(sop, "--sop", "cirebon-aplikasi")
    assert [r["ref"] for r in got] == ["SRT/045/DISKOMINFO/XI/2026", "007"]
    got = exported_with(sop, "--since", "2026-11-04", "--until", "2026-11-06")
    assert [r["sop"] for r in got] == ["tanahbumbu-jaringan", "ipas-pemulihan"]
    assert len(exported_with(sop, "--status", "open")) == 5
    assert exported_with(sop, "--status", "resolved") == []
    assert exported_with(sop, "--status", "selesai") == []  # the Indonesian word for resolved
    error_line(sop("export", "complaints", "--status", "tutup"), "unknown status")
    error_line(sop("export", "complaints", "--format", "docx"), "unknown format")
    error_line(sop("export", "pengaduan"), "complaints or journal")


@pytest.mark.parametrize("what", ["complaints", "journal"])
@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "xlsx"])
def test_export_takes_its_format_from_the_output_extension(sop, sop_env, what, fmt):
    ok(sop("import", str(write_csv(sop_env / "a.csv", ROWS))))
    path = sop_env / f"ekspor.{fmt.upper() if fmt == 'jsonl' else fmt}"
    ok(sop("export", what, "-o", str(path)))
    data = path.read_bytes()
    if fmt == "xlsx":
        from openpyxl import load_workbook

        assert data.startswith(b"PK")
        assert load_workbook(path).worksheets[0]["A1"].value == ("ref" if what == "complaints" else "seq")
    elif fmt == "json":
        assert isinstance(json.loads(data), list)
    elif fmt == "jsonl":
        assert all(isinstance(json.loads(line), dict) for line in data.splitlines())
    else:
        assert data.startswith(b"ref," if what == "complaints" else b"seq,")
    if what == "complaints":
        assert "5 rows, 0 new, 5 duplicates" in ok(sop("import", str(path))).stdout  # read back as what it says it is
    else:
        assert ok(sop("verify", "--file", str(path))).stdout == "OK: 5 journal entries, chain intact.\n"


def test_export_to_a_name_with_no_extension_is_csv_and_an_unknown_extension_is_refused(sop, sop_env):
    ok(sop("import", str(write_csv(sop_env / "a.csv", ROWS))))
    ok(sop("export", "complaints", "-o", str(sop_env / "ekspor")))
    assert (sop_env / "ekspor").read_bytes().startswith(b"ref,")
    target = sop_env / "ekspor.pdf"
    assert error_line(sop("export", "complaints", "-o", str(target))) == (
        f"Error: cannot tell the format of {target} (give --format, or a name ending in .csv|.json|.jsonl|.xlsx)"
    )
    assert not target.exists()
    ok(sop("export", "complaints", "--format", "csv", "-o", str(target)))  # asked for in so many words
    assert target.read_bytes().startswith(b"ref,")


def exported_with(sop, *options) -> list[dict]:
    result = ok(sop("export", "complaints", "--format", "jsonl", *options))
    return [json.loads(line) for line in result.stdout.split("\n") if line.strip()]


def test_export_of_a_description_with_control_characters_to_xlsx(sop, sop_env):
    """Text pasted from other programs carries control characters; a workbook cannot hold them, export must not crash."""
    row = {**ROWS[1], "description": "Tabel\x0bpegawai\x01 terkunci\x1b[0m"}
    ok(sop("import", str(write_csv(sop_env / "kontrol.csv", [row]))))
    result = sop("export", "complaints", "--format", "xlsx", "-o", str(sop_env / "kontrol.xlsx"))
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)  # never an internal error
    if result.exit_code == 1:
        error_line(result)


# --- journal export and verify --file ------------------------------------------------------------


def _journal_setup(sop, sop_env) -> None:
    ok(sop("import", str(write_csv(sop_env / "a.csv", ROWS))))
    ok(sop("note", "ADU-2026-00001", "Pelapor dihubungi, menunggu akses VPN"))
    ok(sop("next", "ADU-2026-00002", "--note", "Diterima, dicatat", "--at", "2026-11-03T09:50"))


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "json"])
def test_journal_export_carries_hashes_and_verifies(sop, sop_env, fmt):
    _journal_setup(sop, sop_env)
    count = journal_count(sop)
    path = sop_env / f"jurnal.{fmt}"
    result = ok(sop("export", "journal", "--format", fmt, "-o", str(path)))
    assert f"Exported {count} journal entries." in result.stderr
    assert f"OK: {count} journal entries, chain intact." in ok(sop("verify", "--file", str(path))).stdout


def test_an_xlsx_journal_export_keeps_microseconds_and_verifies(sop, sop_env, monkeypatch):
    """A spreadsheet date cell keeps milliseconds only; the hashes cover microseconds."""
    from openpyxl import load_workbook

    monkeypatch.setenv("SOP_NOW", "2026-11-24T16:00:00.123456+07:00")
    _journal_setup(sop, sop_env)
    path = sop_env / "jurnal.xlsx"
    ok(sop("export", "journal", "--format", "xlsx", "-o", str(path)))
    assert f"OK: {journal_count(sop)} journal entries, chain intact." in ok(sop("verify", "--file", str(path))).stdout
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    recorded_at = rows[1][rows[0].index("recorded_at")]
    assert recorded_at == "2026-11-24T16:00:00.123456+07:00"  # text, office time with its offset, to the microsecond


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_a_journal_export_states_its_zone_office_time_by_default_utc_on_request(sop, sop_env, fmt):
    from openpyxl import load_workbook

    _journal_setup(sop, sop_env)

    def times(path):
        if fmt == "csv":
            rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
        elif fmt == "json":
            rows = json.loads(path.read_text(encoding="utf-8"))
        else:
            header, *data = load_workbook(path).worksheets[0].iter_rows(values_only=True)
            rows = [dict(zip(header, row)) for row in data]
        return [row["at"] for row in rows] + [row["recorded_at"] for row in rows]

    local, utc = sop_env / f"lokal.{fmt}", sop_env / f"utc.{fmt}"
    ok(sop("export", "journal", "-o", str(local)))
    ok(sop("export", "journal", "--utc", "-o", str(utc)))
    assert times(local) and all(t.endswith("+07:00") for t in times(local))  # as 'sop show' and 'sop journal'
    assert all(t.endswith("+00:00") for t in times(utc))
    assert [datetime.fromisoformat(t) for t in times(local)] == [datetime.fromisoformat(t) for t in times(utc)]
    for path in (local, utc):
        assert "chain intact" in ok(sop("verify", "--file", str(path))).stdout


def test_complaint_xlsx_dates_are_shown_with_the_zone_and_re_import(sop, sop_env, databases, monkeypatch):
    from openpyxl import load_workbook

    _journal_setup(sop, sop_env)
    received = [c["received_at"] for c in json.loads(ok(sop("list", "--status", "all", "--json")).stdout)]
    path = sop_env / "pengaduan.xlsx"
    ok(sop("export", "complaints", "-o", str(path)))
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("received_at") + 1)
    assert isinstance(cell.value, datetime)  # still a date a spreadsheet can sort and filter
    assert cell.number_format == 'yyyy-mm-dd hh:mm:ss "WIB"'  # shown as 2026-11-02 08:00:00 WIB
    monkeypatch.setenv("SOP_DATABASE_URL", databases.new("lain.db"))
    ok(sop("import", str(path)))
    again = [c["received_at"] for c in json.loads(ok(sop("list", "--status", "all", "--json")).stdout)]
    assert again == received


def test_complaints_cannot_be_exported_in_utc(sop):
    result = sop("export", "complaints", "--utc")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: --utc is for exporting the journal (complaint times are in the office's zone)"
    ]


def test_an_xlsx_journal_export_of_text_a_workbook_cannot_hold_verifies(sop, sop_env):
    """Control characters (pasted from other programs) go in as OOXML's _xHHHH_ escapes, and come back exactly."""
    from openpyxl import load_workbook

    description = "Tabel\x0bpegawai\x01 terkunci\x1b[0m\r\nkode _x0041_ di log; =SUM(A1:A3)"
    ok(sop("import", str(write_csv(sop_env / "kontrol.csv", [{**ROWS[1], "description": description}]))))
    path = sop_env / "jurnal.xlsx"
    ok(sop("export", "journal", "-o", str(path)))
    assert ok(sop("verify", "--file", str(path))).stdout == "OK: 1 journal entries, chain intact.\n"
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert rows[1][rows[0].index("note")] == (
        "Tabel_x000B_pegawai_x0001_ terkunci_x001B_[0m_x000D_\nkode _x005F_x0041_ di log; =SUM(A1:A3)"
    )


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    note=st.text(
        st.one_of(
            st.sampled_from(list("_x0123456789aAfF\r\n\t =\x01\x0b\x1f\x7f\u2028")),
            st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_any_note_survives_an_xlsx_journal_export(sop, sop_env, databases, monkeypatch, note):
    use_database(monkeypatch, databases.new(f"catatan-{uuid.uuid4().hex}.db"))  # a fresh chain for each example
    ok(
        sop(
            "new",
            "--sop",
            "kaltim-db",
            "--description",
            "Gangguan",
            "--reporter",
            "Sari",
            "--unit",
            "BKD",
            "--system",
            "SIMPEG",
        )
    )
    ok(sop("note", "1", "x" + note))
    path = sop_env / "jurnal.xlsx"
    ok(sop("export", "journal", "-o", str(path)))
    assert ok(sop("verify", "--file", str(path))).stdout == "OK: 2 journal entries, chain intact.\n"


def test_an_older_xlsx_journal_export_with_date_cells_still_verifies(sop, sop_env):
    """Exports written before journal times became text hold date cells (naive UTC); they still read."""
    from openpyxl import load_workbook

    _journal_setup(sop, sop_env)
    path = sop_env / "jurnal-lama.xlsx"
    ok(sop("export", "journal", "--format", "xlsx", "-o", str(path)))
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for name in ("at", "recorded_at"):
            cell = row[header.index(name)]
            cell.value = datetime.fromisoformat(cell.value).astimezone(UTC).replace(tzinfo=None)
    workbook.save(path)
    assert f"OK: {journal_count(sop)} journal entries, chain intact." in ok(sop("verify", "--file", str(path))).stdout


def test_journal_export_columns(sop, sop_env):
    _journal_setup(sop, sop_env)
    path = sop_env / "jurnal.csv"
    ok(sop("export", "journal", "-o", str(path)))
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {"seq", "complaint_number", "action", "fields", "at", "recorded_at", "prev_hash", "hash"} <= set(rows[0])
    assert rows[0]["prev_hash"] == "0" * 64
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["hash"]) for r in rows)
    assert all(rows[i]["prev_hash"] == rows[i - 1]["hash"] for i in range(1, len(rows)))
    assert json.loads(rows[0]["fields"])["source"] == "a.csv:2"


def _journal_over_two_days(sop, sop_env, monkeypatch) -> None:
    """Entries 1-5 recorded on the 23rd; 6-8 on the 24th, 7 backdated to 3 November (what it is about)."""
    monkeypatch.setenv("SOP_NOW", "2026-11-23T10:00:00+07:00")
    ok(sop("import", str(write_csv(sop_env / "a.csv", ROWS))))
    monkeypatch.setenv("SOP_NOW", "2026-11-24T09:00:00+07:00")
    ok(sop("note", "ADU-2026-00001", "Pelapor dihubungi"))
    ok(sop("next", "ADU-2026-00002", "--note", "Diterima, dicatat", "--at", "2026-11-03T09:50"))
    ok(sop("note", "ADU-2026-00001", "Menunggu akses VPN"))
    monkeypatch.setenv("SOP_NOW", "2026-11-24T16:00:00+07:00")


def _seqs(path: Path) -> list[int]:
    return [json.loads(line)["seq"] for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("options", "seqs"),
    [
        (("--since", "24/11/2026 00:00"), [6, 7, 8]),  # 7 is about 3 November, but was written on the 24th
        (("--until", "24/11/2026 00:00"), [1, 2, 3, 4, 5]),
        (("--since", "2026-11-23", "--until", "2026-11-24"), [1, 2, 3, 4, 5]),
        (("--since", "2026-11-25"), []),
    ],
)
def test_a_time_bounded_journal_export_is_the_entries_recorded_then_and_verifies(
    sop, sop_env, monkeypatch, options, seqs
):
    _journal_over_two_days(sop, sop_env, monkeypatch)
    path = sop_env / "sebagian.jsonl"
    ok(sop("export", "journal", "--format", "jsonl", *options, "-o", str(path)))
    assert _seqs(path) == seqs
    if seqs:
        assert f"OK: {len(seqs)} journal entries, chain intact." in ok(sop("verify", "--file", str(path))).stdout


def test_the_readme_export_then_verify_example_works_with_a_backdated_entry(sop, sop_env, monkeypatch):
    _journal_over_two_days(sop, sop_env, monkeypatch)
    path = sop_env / "jurnal.csv"
    ok(sop("export", "journal", "--since", "24/11/2026 00:00", "-o", str(path)))
    assert ok(sop("verify", "--file", str(path))).stdout == "OK: 3 journal entries, chain intact.\n"


def test_an_entry_removed_from_a_time_bounded_export_is_reported(sop, sop_env, monkeypatch):
    _journal_over_two_days(sop, sop_env, monkeypatch)
    path = sop_env / "sebagian.jsonl"
    ok(sop("export", "journal", "--format", "jsonl", "--since", "24/11/2026 00:00", "-o", str(path)))
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + lines[2], encoding="utf-8")
    result = sop("verify", "--file", str(path))
    assert result.exit_code == 1
    assert result.stdout == "BROKEN at journal entry 8: expected entry 7, found 8 (an entry is missing)\n"


@pytest.mark.parametrize(
    ("options", "line"),
    [
        (
            ("--sop", "kaltim-db"),
            "Error: a journal export cannot be limited to one SOP: only the whole journal or a time "
            "range verifies (leave out --sop; 'sop journal --sop ID' lists one SOP's entries)",
        ),
        (("--status", "open"), "Error: --status is for exporting complaints, not the journal (leave out --status)"),
    ],
)
def test_a_journal_export_cannot_be_narrowed_by_sop_or_status(sop, sop_env, options, line):
    _journal_setup(sop, sop_env)
    path = sop_env / "jurnal.csv"
    assert error_line(sop("export", "journal", *options, "-o", str(path))) == line
    assert not path.exists()
    assert [p.name for p in sop_env.iterdir() if p.name.startswith(".")] == []  # no half-written file either


def test_an_edited_journal_csv_fails_verify_naming_the_entry(sop, sop_env):
    _journal_setup(sop, sop_env)
    path = sop_env / "jurnal.csv"
    ok(sop("export", "journal", "-o", str(path)))
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0])
    rows[2]["note"] += " (sudah pulih)"  # seq 3
    assert rows[2]["seq"] == "3"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    result = sop("verify", "--file", str(path))
    assert result.exit_code == 1
    assert "BROKEN at journal entry 3" in result.stdout
    no_traceback(result)
    assert "OK:" in ok(sop("verify")).stdout  # the database itself is untouched


@pytest.mark.parametrize("fmt", ["jsonl", "xlsx"])
def test_an_edited_journal_export_fails_verify(sop, sop_env, fmt):
    _journal_setup(sop, sop_env)
    path = sop_env / f"jurnal.{fmt}"
    ok(sop("export", "journal", "--format", fmt, "-o", str(path)))
    if fmt == "jsonl":
        entries = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        entries[1]["actor"] = "orang lain"
        path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(path)
        sheet = workbook.worksheets[0]
        header = [c.value for c in sheet[1]]
        sheet.cell(row=3, column=header.index("actor") + 1, value="orang lain")
        workbook.save(path)
    result = sop("verify", "--file", str(path))
    assert result.exit_code == 1
    assert "BROKEN at journal entry 2" in result.stdout


def test_verify_file_of_something_else_is_one_error_line(sop, sop_env):
    path = write_csv(sop_env / "bukan-jurnal.csv", ROWS)
    error_line(sop("verify", "--file", str(path)), "lacks the journal columns")


JOURNAL_HEADER = (
    "seq,complaint_number,action,step,decision,fields,actor,at,recorded_at,note,output,on_time,"
    "took_minutes,standard_minutes,next_step,prev_hash,hash"
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kosong.csv", b"", "{path} is empty"),
        ("spasi.csv", b"\r\n\r\n", "{path} is empty"),
        ("kosong.jsonl", b"", "{path} is empty"),
        ("kosong.json", b"  \n", "{path} is empty"),
        (
            "ab.csv",
            b"a,b\n",
            "{path}: the header lacks the journal columns "
            + JOURNAL_HEADER.replace(",", ", ")
            + " (export it with 'sop export journal')",
        ),
        (
            "kurang.csv",
            JOURNAL_HEADER.replace(",hash", "").encode() + b"\n",
            "{path}: the header lacks the journal columns hash (export it with 'sop export journal')",
        ),
        (
            "objek.json",
            b'{"seq": 1}',
            "{path}: expected a JSON array of journal entries (export it with 'sop export journal')",
        ),
        ("angka.json", b"[1]", "{path}: record 1 is not a journal entry (export it with 'sop export journal')"),
        (
            "csv.xlsx",
            JOURNAL_HEADER.encode() + b"\n",
            "{path} is not a valid Excel workbook (if it holds CSV or JSON text, name it .csv or .json)",
        ),
        (
            "kosong.xlsx",
            b"",
            "{path} is not a valid Excel workbook (if it holds CSV or JSON text, name it .csv or .json)",
        ),
        (
            "jurnal.pdf",
            b"%PDF-1.4",
            "cannot tell the format of {path} (a journal export is named .csv, .json, .jsonl or .xlsx)",
        ),
    ],
)
def test_verify_file_that_is_not_a_journal_export_is_one_error_line(sop, sop_env, name, content, message):
    path = sop_env / name
    path.write_bytes(content)
    result = sop("verify", "--file", str(path))
    assert error_line(result) == "Error: " + message.format(path=path)
    assert result.stdout == ""


def test_verify_file_of_a_workbook_with_an_empty_sheet(sop, sop_env):
    from openpyxl import Workbook

    path = sop_env / "kosong.xlsx"
    Workbook().save(path)
    assert error_line(sop("verify", "--file", str(path))) == f"Error: {path} is empty"


def test_verify_file_that_does_not_exist(sop, sop_env):
    path = sop_env / "tidak-ada.csv"
    assert (
        error_line(sop("verify", "--file", str(path)))
        == f"Error: {path} does not exist (give the file 'sop export journal' wrote)"
    )
    assert (
        error_line(sop("verify", "--file", "/nonexistent"))
        == "Error: /nonexistent does not exist (give the file 'sop export journal' wrote)"
    )


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_an_export_of_no_entries_verifies_as_zero(sop, sop_env, fmt):
    """A header with the journal's columns and no rows (or an empty JSON array) is an export of nothing."""
    _journal_setup(sop, sop_env)
    path = sop_env / f"kosong.{fmt}"
    ok(sop("export", "journal", "--format", fmt, "--since", "2027-01-01", "-o", str(path)))
    assert ok(sop("verify", "--file", str(path))).stdout == "OK: 0 journal entries, chain intact.\n"


@settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.one_of(
        st.binary(max_size=2000), st.binary(max_size=2000).map(lambda b: JOURNAL_HEADER.encode() + b"\n" + b)
    ),
    fmt=st.sampled_from(["csv", "tsv", "json", "jsonl", "xlsx"]),
)
def test_verify_file_of_random_bytes_never_produces_a_traceback(sop, sop_env, data, fmt):
    path = sop_env / f"acak.{fmt}"
    path.write_bytes(data)
    result = sop("verify", "--file", str(path))
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    no_traceback(result)
    if result.exit_code == 1 and not result.stdout.startswith("BROKEN at journal entry "):
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr


# --- the sample data -----------------------------------------------------------------------------


def _generate(out: Path) -> dict[str, Path]:
    spec = importlib.util.spec_from_file_location("sample_generate", ROOT / "sample_data" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--out", str(out)])
    return {p.name: p for p in out.iterdir()}


def test_sample_files_are_deterministic_and_up_to_date(tmp_path):
    first, second = _generate(tmp_path / "a"), _generate(tmp_path / "b")
    names = [
        "pengaduan-november-2026.csv",
        "pengaduan-november-2026.xlsx",
        "rekap-helpdesk-spreadsheet.csv",
        "pengaduan-bermasalah.csv",
    ]
    for name in names:
        assert first[name].read_bytes() == second[name].read_bytes(), name
        committed = ROOT / "sample_data" / name
        if committed.exists():
            assert committed.read_bytes() == first[name].read_bytes(), f"regenerate {name}"
    rekap = first["rekap-helpdesk-spreadsheet.csv"].read_bytes()
    assert rekap.startswith(b"\xef\xbb\xbf") and b"\r\n" in rekap and b";" in rekap.split(b"\r\n")[0]


@pytest.mark.parametrize(
    "name, count",
    [
        ("pengaduan-november-2026.csv", 300),
        ("pengaduan-november-2026.xlsx", 300),
        ("rekap-helpdesk-spreadsheet.csv", 40),
    ],
)
def test_sample_files_import_into_an_empty_database(sop, tmp_path, name, count):
    path = _generate(tmp_path / "gen")[name]
    result = ok(sop("import", str(path)))
    assert f"{count} rows, {count} new, 0 duplicates (already recorded), 0 invalid." in result.stdout
    assert {c["sop"] for c in complaints(sop)} == (set(SOPS) if count == 300 else {"cirebon-aplikasi"})
    assert journal_count(sop) == count


def test_sample_problem_file_is_refused_listing_every_problem(sop, tmp_path):
    path = _generate(tmp_path / "gen")["pengaduan-bermasalah.csv"]
    result = sop("import", str(path))
    assert result.exit_code == 1
    lines = problems(result)
    assert any("unknown SOP 'kaltim-database'" in line for line in lines)
    assert any("unparseable date '31/02/2026" in line for line in lines)
    assert any("2027" in line and "in the future" in line for line in lines)
    assert any("empty description" in line for line in lines)
    assert any("repeats line" in line for line in lines)
    assert all(re.match(r"line \d+ \w+: ", line) for line in lines)
    assert_nothing_written(sop)


# --- killed midway -------------------------------------------------------------------------------


@contextmanager
def bytes_written(databases, database: str, sop_env):
    """A probe of what the database has written so far, committed or not.

    SQLite: the size of its WAL file. PostgreSQL: the size of the two tables'
    files, which grow with uncommitted rows too.
    """
    if not databases.is_postgres:
        wal = Path(str(sop_env / "sop.db") + "-wal")
        yield lambda: wal.stat().st_size if wal.exists() else 0
        return
    with databases.connect(database) as con:
        query = text("SELECT pg_total_relation_size('complaint') + pg_total_relation_size('journal_entry')")
        yield lambda: con.execute(query).scalar()


@pytest.mark.slow
def test_sigkill_midway_leaves_the_database_unchanged_and_a_rerun_completes(sop, sop_env, databases, database):
    ok(sop("import", str(write_csv(sop_env / "awal.csv", ROWS))))
    before = len(complaints(sop))
    schema = None if databases.is_postgres else sqlite_schema(sop_env)
    big = sop_env / "besar.csv"
    with big.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "received_at", "sop", "reporter", "unit", "system", "description"])
        for i in range(60_000):
            writer.writerow(
                [
                    f"BIG-{i:06d}",
                    f"2026-11-{1 + i % 20:02d}T{8 + i % 8:02d}:{i % 60:02d}:00+07:00",
                    SOPS[i % 4],
                    "Ani",
                    "Badan Kepegawaian Daerah",
                    "SIMPEG",
                    f"Gangguan nomor {i}",
                ]
            )
    with bytes_written(databases, database, sop_env) as written:
        written_before = written()
        proc = subprocess.Popen(
            [SOP, "import", str(big)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ.copy(),
        )
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and proc.poll() is None:
                if written() > written_before + 512 * 1024:
                    break
                time.sleep(0.01)
            assert proc.poll() is None, ("the import finished before it could be killed", proc.communicate())
            assert written() > written_before, "the import never started writing"
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert len(complaints(sop)) == before
    assert journal_count(sop) == before
    if not databases.is_postgres:  # the indexes the load dropped came back with the rollback
        assert sqlite_schema(sop_env) == schema
        ok(sop("db", "check"))

    rerun = subprocess.run(
        [SOP, "import", str(big), "--json"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert (report["imported"], report["duplicates"], report["invalid"]) == (60_000, 0, 0)
    assert report["first_number"] == f"ADU-2026-{before + 1:05d}"
    assert report["last_number"] == f"ADU-2026-{before + 60_000:05d}"
    assert journal_count(sop) == before + 60_000


# --- nothing makes it fall over ---------------------------------------------------------------------

_awkward = st.sampled_from(
    [
        "",
        " ",
        '"',
        '""',
        "'",
        ";",
        ",",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "\x00",
        "\x0b",
        "\x1b[31m",
        "=1+1",
        "\ufeff",
        "\u2028",
        "é’—",
        "NULL",
        "None",
        "-",
        "0",
        "1e309",
    ]
)
_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    _awkward,
    st.lists(_awkward, max_size=6).map("".join),
    st.integers(min_value=100, max_value=60_000).map(lambda n: "panjang " * (n // 8)),
)
_dates = st.one_of(
    st.sampled_from(
        [
            "2026-11-03T08:15:00+07:00",
            "03/11/2026 08.15",
            "20 Agustus 2026",
            "20 Nov 2026 8.15",
            "31/02/2026",
            "2027-01-01",
            "0000-00-00",
            "99/99/9999 99.99",
            "kemarin",
            "now",
            "1e10",
            "2026-11-03T08:15:00+99:00",
            "10000-01-01",
            "20 Foo 2026",
            "",
            "hari ini",
        ]
    ),
    _text,
)
_rows = st.lists(
    st.fixed_dictionaries(
        {
            "ref": _text,
            "received_at": _dates,
            "sop": st.one_of(st.sampled_from(SOPS), _text),
            "reporter": _text,
            "unit": _text,
            "system": _text,
            "host": _text,
            "channel": _text,
            "priority": _text,
            "description": _text,
        }
    ),
    min_size=1,
    max_size=5,
)


def _survives(result) -> None:
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout[-2000:], result.stderr[-2000:])
    no_traceback(result)
    if result.exit_code == 1 and not problems(result):
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr[-2000:]
    if result.exit_code == 0:
        assert " rows, " in result.stdout


# No "explain" phase: tracing every line of an import to explain a failure takes a minute.
QUICK = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]


@settings(
    max_examples=30,
    deadline=None,
    phases=QUICK,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    rows=_rows,
    delimiter=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    header=st.sampled_from(
        [
            HEADER,
            ["No. Tiket", "Tanggal", "SOP", "Pelapor", "SKPD", "Aplikasi", "Host", "Saluran", "Prioritas", "Keluhan"],
        ]
    ),
)
def test_generated_rows_never_produce_a_traceback(sop, sop_env, rows, delimiter, newline, header):
    path = sop_env / "acak.csv"
    renamed = [dict(zip(header, (r[c] for c in HEADER))) for r in rows]
    write_csv(path, renamed, columns=header, delimiter=delimiter, newline=newline)
    _survives(sop("import", str(path)))


@settings(max_examples=40, deadline=None, phases=QUICK, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=3000), st.binary(max_size=3000).map(lambda b: ",".join(HEADER).encode() + b"\n" + b)
    ),
    fmt=st.sampled_from(["csv", "tsv", "json", "jsonl", "xlsx"]),
)
def test_random_bytes_never_produce_a_traceback(sop, sop_env, data, fmt):
    path = sop_env / "acak.bin"
    path.write_bytes(data)
    _survives(sop("import", str(path), "--format", fmt))


def test_a_row_received_years_ago_is_refused_as_a_typo(sop, sop_env):
    rows = [{**ROWS[1], "ref": "T-1", "received_at": "24/11/2016 08:00"}]  # 2016 for 2026
    result = sop("import", str(write_csv(sop_env / "tahun-salah.csv", rows)))
    assert result.exit_code == 1
    no_traceback(result)
    assert problems(result) == ["line 2 received_at: 2016-11-24T08:00+07:00 is more than 5 years ago"]
    assert_nothing_written(sop)


def test_an_offices_own_sop_is_named_by_its_id_once_a_complaint_has_used_it(sop, sop_env):
    own = ROOT / "sample_data" / "contoh-sop.toml"
    # Before any complaint used it, the id is unknown: only the file names it.
    refused = sop(
        "new", "--sop", "contoh-email-dinas", "--description", "x", "--reporter", "x", "--unit", "x", "--system", "x"
    )
    assert refused.exit_code != 0 and "contoh-email-dinas" in refused.stderr
    ok(
        sop(
            "new",
            "--sop",
            str(own),
            "--description",
            "Email dinas tidak terkirim",
            "--reporter",
            "Ani",
            "--unit",
            "BKD",
            "--system",
            "Email",
            "--received-at",
            "2026-11-23T08:00",
        )
    )
    second = ok(
        sop(
            "new",
            "--sop",
            "contoh-email-dinas",
            "--description",
            "Kotak surat penuh",
            "--reporter",
            "Budi",
            "--unit",
            "BKD",
            "--system",
            "Email",
            "--received-at",
            "2026-11-23T09:00",
            "--json",
        )
    )
    assert json.loads(second.stdout)["sop"]["id"] == "contoh-email-dinas"

    # sop's own export writes the id; importing it back finds the complaints already there.
    exported = sop_env / "ekspor.csv"
    ok(sop("export", "complaints", "-o", str(exported)))
    report = import_json(sop, str(exported))
    assert (report["rows"], report["duplicates"], report["invalid"]) == (2, 2, 0)
    # A new row under that id is imported against the recorded definition.
    with exported.open(encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    fresh = write_csv(
        sop_env / "baru.csv",
        [
            {
                **{k: row[k] for k in ("received_at", "sop", "reporter", "unit", "system")},
                "ref": "EML-9",
                "description": "Lampiran tidak bisa dibuka",
            }
        ],
    )
    assert import_json(sop, str(fresh))["imported"] == 1
    assert [c["sop"] for c in complaints(sop)] == ["contoh-email-dinas"] * 3
