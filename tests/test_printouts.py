"""Printed reports and journals: a busy month on a handful of A4 pages, charts that read in black and white,
the jurnal harian with its seal, and the overdue backlog counted by step and age however long it is.

The clock is fixed at Tuesday 24 November 2026, 16:00 WIB (conftest). The busy month: 400 complaints imported
over November's working days, spread over the four built-in SOPs, 30 of them taken one step on.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest

from helpers import exited_ok, process_env, record_complaint

pypdf = pytest.importorskip("pypdf")
OFFICE = "Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur"
SOPS = ["kaltim-db", "cirebon-aplikasi", "ipas-pemulihan", "tanahbumbu-jaringan"]
COMPLAINTS = 400


@pytest.fixture
def busy_month(sop, tmp_path):
    working_days = [day for n in range(22) if (day := date(2026, 11, 2) + timedelta(days=n)).weekday() < 5]
    rows = tmp_path / "november.csv"
    with rows.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["ref", "received_at", "sop", "reporter", "unit", "system", "channel", "description"])
        for n in range(COMPLAINTS):
            day = working_days[n % len(working_days)]
            writer.writerow(
                [
                    f"NOV-{n:04d}",
                    f"{day.isoformat()} {8 + n % 7:02d}:{n % 60:02d}",
                    SOPS[n % 4],
                    f"Pelapor {n % 37}",
                    f"Dinas {['Kesehatan', 'Pendidikan', 'Sosial', 'Perhubungan', 'Pertanian', 'Pariwisata'][n % 6]}",
                    ["SIMPEG", "SIMPUS", "Dapodik", "SIPD", "LPSE"][n % 5],
                    "telepon",
                    f"Gangguan layanan nomor {n}",
                ]
            )
    exited_ok(sop("import", str(rows), "--as", "sari"))
    for n in range(1, 31):  # a step each, on the last morning: late or on time
        exited_ok(sop("next", f"ADU-2026-{n:05d}", "--at", "2026-11-24 09:00", "--as", ["budi", "sari"][n % 2]))
    for key, value in (
        ("office_name", OFFICE),
        ("office_place", "Samarinda"),
        ("signer_title", "Kepala Seksi Infrastruktur TIK"),
        ("signer_name", "Ir. Siti Rahma"),
        ("signer_nip", "197805122005012003"),
    ):
        exited_ok(sop("config", "set", key, value))
    return sop


def pdf_pages(path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def test_a_busy_month_prints_on_a_few_numbered_pages_with_the_signature_beside_a_table(busy_month, tmp_path):
    target = tmp_path / "laporan.pdf"
    result = exited_ok(busy_month("--lang", "id", "report", "--monthly", "--date", "2026-11-15", "-o", str(target)))
    assert "laporan.pdf" in result.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    pages = pdf_pages(target)

    assert 1 < len(pages) <= 6, len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in text, text
        assert OFFICE in text
    (signed,) = [text for text in pages if "NIP. 197805122005012003" in text]
    assert "Aktivitas per operator" in signed and re.search(r"budi\s+\d+", signed), signed
    first = pages[0]
    assert "Ringkasan" in first and "Pengaduan terlambat menurut langkah dan lama keterlambatan" in first
    assert "20 pengaduan yang paling lama terlambat" in " ".join(pages)


def test_the_overdue_backlog_is_counted_whole_and_listed_in_part(busy_month):
    data = json.loads(exited_ok(busy_month("report", "--monthly", "--format", "json")).stdout)
    overdue = data["totals"]["overdue"]
    assert overdue > 250  # standards of minutes and hours: most of them waited too long
    assert len(data["overdue"]) == 20 and data["overdue_not_listed"] == overdue - 20
    assert sum(group["total"] for group in data["overdue_by_step"]) == overdue
    assert all(sum(group["late_working_days"].values()) == group["total"] for group in data["overdue_by_step"])
    assert list(data["overdue_by_step"][0]["late_working_days"]) == ["0-1", "1-3", "3-10", "10+"]
    lates = [case["late_minutes"] for case in data["overdue"]]
    assert lates == sorted(lates, reverse=True)
    assert data["per_day"][0] == {"day": "2026-11-01", "received": 0, "resolved": 0}
    assert sum(day["received"] for day in data["per_day"]) == COMPLAINTS

    everything = json.loads(exited_ok(busy_month("report", "--monthly", "--overdue", "all", "--format", "json")).stdout)
    assert len(everything["overdue"]) == overdue and everything["overdue_not_listed"] == 0
    assert everything["overdue"][:20] == data["overdue"]  # the listed ones are the most overdue of all

    plain = exited_ok(busy_month("--lang", "id", "report", "--monthly", "--format", "plain")).stdout
    assert (
        f"… dan {overdue - 20} lainnya — daftar lengkap: sop report --monthly --date 2026-11-01 --overdue all" in plain
    )
    assert plain.index("Ringkasan") < plain.index("Pengaduan terlambat menurut langkah") < plain.index("Per SOP")
    csv_text = exited_ok(busy_month("--lang", "en", "report", "--monthly", "--overdue", "5", "--format", "csv")).stdout
    block = next(b for b in csv_text.split("\n\n") if b.startswith("The 5 most overdue complaints\n"))
    assert len(block.splitlines()) == 1 + 1 + 5 + 1  # heading, columns, five cases, where the rest are
    assert block.splitlines()[-1].startswith(f"… and {overdue - 5} more — the full list: sop report --monthly")


def test_the_charts_read_in_black_and_white(busy_month):
    html = exited_ok(busy_month("--lang", "id", "report", "--monthly", "--format", "html")).stdout
    charts = re.findall(r"<svg.*?</svg>", html, re.DOTALL)
    assert len(charts) == 3  # received and resolved per day, the backlog by age, on-time share per step
    flow, backlog, steps = charts
    assert ">Diterima</text>" in flow and ">Selesai</text>" in flow  # a legend names each series
    assert ">Belum lewat tenggat</text>" in backlog and ">≥ 10 hari kerja</text>" in backlog
    assert ">Tepat waktu</text>" in steps and ">Terlambat</text>" in steps
    assert ">kaltim-db 1 Menerima dan mencatat Lap…</text>" in steps  # each bar names its step
    assert re.search(r"\d+,\d%|100,0%|0,0%", steps) and "terlambat)</text>" in steps  # and counts it
    # Fills that differ without colour: solid and a hatching pattern, each chart its own.
    assert 'fill="url(#chart0c-hatch)"' in flow and "<pattern" in steps
    assert "<script" not in html


def test_print_css_numbers_pages_repeats_headers_and_keeps_the_signature_with_the_last_table(busy_month):
    html = exited_ok(busy_month("--lang", "id", "report", "--monthly", "--format", "html")).stdout
    assert 'content: "Halaman " counter(page) " dari " counter(pages)' in html
    assert f'@top-center {{ content: "{OFFICE}"' in html
    assert "thead { display: table-header-group; }" in html and "tr { break-inside: avoid; }" in html
    closing = html[html.index('<div class="closing">') :]
    assert closing.index("Aktivitas per operator") < closing.index('<div class="signature">')


def test_without_weasyprint_pdf_is_one_line_naming_the_extra(busy_month, tmp_path):
    missing = tmp_path / "no-weasyprint" / "weasyprint"
    missing.mkdir(parents=True)
    (missing / "__init__.py").write_text("raise ImportError('weasyprint is not installed')\n")
    env = process_env(PYTHONPATH=os.pathsep.join([str(missing.parent), *sys.path]), SOP_LANG="en")
    target = tmp_path / "laporan.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "sopcli", "report", "-o", str(target)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr == "Error: PDF needs WeasyPrint and the Pango libraries (pip install 'sopcli[pdf]')\n"
    assert not target.exists()


def test_a_bad_overdue_count_is_one_line(sop):
    for value in ("lots", "0", "-3"):
        bad = sop("report", "--overdue", value)
        assert bad.exit_code == 1 and bad.stderr == f"Error: --overdue takes a number or all, not {value!r}\n"


# --- the jurnal harian ----------------------------------------------------------------


@pytest.fixture
def monday(sop):
    record_complaint(sop, "2026-11-23 08:00")
    # Done on Monday at 08:20, written down on Tuesday at 16:00 (the fixed clock): a back-dated entry.
    exited_ok(sop("next", "ADU-2026-00001", "--at", "2026-11-23 08:20"))
    return sop


def test_the_journal_shows_when_a_back_dated_entry_was_recorded(monday):
    data = json.loads(exited_ok(monday("journal", "--date", "2026-11-23", "--format", "json")).stdout)
    assert [(e["at"], e["recorded_at"]) for e in data["entries"]] == [
        ("2026-11-23T08:00:00+07:00", "2026-11-24T16:00:00+07:00"),
        ("2026-11-23T08:20:00+07:00", "2026-11-24T16:00:00+07:00"),
    ]
    plain = exited_ok(monday("journal", "--date", "2026-11-23", "--format", "plain")).stdout
    assert re.search(r"^08:20\s+ADU-2026-00001\s+1\s.*24/11/2026 16:00$", plain, re.MULTILINE), plain

    # Recorded as it happened: the column stays empty.
    exited_ok(monday("note", "ADU-2026-00001", "Menghubungi pelapor"))
    today = exited_ok(monday("journal", "--format", "csv")).stdout.splitlines()
    assert today[1].endswith(",timing,recorded_at") and today[2].endswith(",")


def test_the_journal_carries_the_days_seal_digest(monday, tmp_path):
    before = exited_ok(monday("--lang", "id", "journal", "--date", "2026-11-23", "--format", "plain")).stdout
    assert "Segel: belum disegel" in before

    sealed = exited_ok(monday("journal", "seal", "--date", "2026-11-23")).stdout
    digest = re.search(r"Digest: ([0-9a-f]{64})", sealed)[1]
    grouped = " ".join(digest[i : i + 8] for i in range(0, 64, 8))  # copied by hand in groups of eight
    target = tmp_path / "jurnal.pdf"
    exited_ok(monday("--lang", "id", "journal", "--date", "2026-11-23", "-o", str(target)))
    text = " ".join(" ".join(pdf_pages(target)).split())  # a cell's wrapped lines read as one
    assert f"Segel: {grouped} (2 entri)" in text
    assert "Halaman 1 dari 1" in text and "Dicatat" in text and "24/11/2026 16:00" in text
    data = json.loads(exited_ok(monday("journal", "--date", "2026-11-23", "--format", "json")).stdout)
    assert data["seals"] == [{"day": "2026-11-23", "digest": digest, "entries": 2}]

    week = exited_ok(
        monday("--lang", "en", "journal", "--from", "2026-11-23", "--to", "2026-11-24", "--format", "plain")
    ).stdout
    assert f"Seal of 23/11/2026: {grouped} (2 entries)" in week and "Seal of 24/11/2026: not sealed yet" in week
