"""``sop bukti --year``: the SPBE / Audit TIK evidence pack an auditor opens offline.

The clock is fixed at Tuesday 24 November 2026, 16:00 WIB (conftest); the pack covers 2025. Complaints
came in in March and June 2025: one is still open, far past its deadline; the others were cancelled (never
late) and make up the pool the random sample is drawn from. 10 March 2025 is sealed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import exited_ok, process_env

OVERDUE = "ADU-2025-00001"
OTHERS = [f"ADU-2025-{n:05d}" for n in range(2, 9)]


@pytest.fixture
def year_2025(sop):
    def new(received_at: str, description: str) -> None:
        exited_ok(
            sop(
                "new",
                "--sop",
                "kaltim-db",
                "--description",
                description,
                "--reporter",
                "Sari",
                "--unit",
                "BKD",
                "--system",
                "SIMPEG",
                "--received-at",
                received_at,
            )
        )

    new("2025-03-10T08:00", "SIMPEG tidak bisa diakses")  # left open: overdue ever since
    for n, number in enumerate(OTHERS):
        month = "03" if n % 2 else "06"
        new(f"2025-{month}-{10 + n:02d}T09:00", f"Gangguan {n}")
        exited_ok(sop("cancel", number, "--reason", "duplikat", "--at", f"2025-{month}-{10 + n:02d}T09:10"))
    exited_ok(sop("journal", "seal", "--date", "2025-03-10"))
    exited_ok(sop("config", "set", "signer_name", "Ir. Siti Rahma"))
    return sop


def dossiers(folder: Path) -> set[str]:
    return {path.stem for path in (folder / "dosir").glob("*.html")}


def test_the_pack_holds_the_reports_the_late_dossier_a_sample_and_checks_with_sha256sum(year_2025, tmp_path):
    target = tmp_path / "bukti"
    result = exited_ok(year_2025("bukti", "--year", "2025", "-o", str(target), "--sample", "3"))
    assert result.stderr.startswith(f"Evidence pack 2025 written to {target}:")

    reports = sorted(path.name for path in (target / "laporan").glob("*.html"))
    assert reports == [f"laporan-2025-{month:02d}.html" for month in range(1, 13)]
    assert "Monthly report" in (target / "laporan" / "laporan-2025-07.html").read_text()  # a month with nothing
    sopsheets = {path.name for path in (target / "sop").iterdir()}
    assert "kaltim-db-v4.html" in sopsheets and "cirebon-aplikasi-v4.html" in sopsheets  # a built-in not used too
    found = dossiers(target)
    assert OVERDUE in found and len(found) == 4 and found - {OVERDUE} <= set(OTHERS)
    seals = (target / "segel.csv").read_text().splitlines()
    assert seals[0] == "date,zone,entries,digest" and seals[1].startswith("2025-03-10,Asia/Jakarta,")

    sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=target, capture_output=True, text=True)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    listed = (target / "SHA256SUMS").read_text().splitlines()
    on_disk = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert sorted(line.split("  ", 1)[1] for line in listed) == on_disk
    index = (target / "index.html").read_text()
    for path in on_disk:
        if path != "index.html":
            assert hashlib.sha256((target / path).read_bytes()).hexdigest() in index, path
    assert "2025" in index and "budi" in index and "seed 2025" in index


@pytest.mark.slow  # four packs, each with its PDFs
def test_the_same_seed_draws_the_same_sample(year_2025, tmp_path):
    def sample(name: str, *seed: str) -> set[str]:
        exited_ok(year_2025("bukti", "--year", "2025", "-o", str(tmp_path / name), "--sample", "2", *seed))
        return dossiers(tmp_path / name) - {OVERDUE}

    first, again = sample("a", "--seed", "7"), sample("b", "--seed", "7")
    assert first == again and len(first) == 2
    by_year = sample("c")
    assert by_year == sample("d", "--seed", "2025")  # the year is the default seed
    assert by_year != first  # the seed does choose


def test_a_zip_opens_and_holds_the_same_files(year_2025, tmp_path):
    target = tmp_path / "bukti-2025.zip"
    exited_ok(year_2025("bukti", "--year", "2025", "-o", str(target), "--sample", "1"))
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert "bukti-2025/index.html" in names and "bukti-2025/SHA256SUMS" in names
        assert f"bukti-2025/dosir/{OVERDUE}.html" in names
        sums = archive.read("bukti-2025/SHA256SUMS").decode().splitlines()
        for line in sums:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(archive.read(f"bukti-2025/{name}")).hexdigest() == digest
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left behind


@pytest.mark.slow
def test_an_existing_pack_is_replaced_only_with_force(year_2025, tmp_path):
    target = tmp_path / "bukti"
    target.mkdir()
    (target / "catatan.txt").write_text("jangan dihapus")
    refused = year_2025("bukti", "--year", "2025", "-o", str(target))
    assert refused.exit_code == 1
    assert (
        refused.stderr
        == f"Error: {target} already exists and is not empty (give --force to replace it, or another -o)\n"
    )
    assert [p.name for p in target.iterdir()] == ["catatan.txt"]
    exited_ok(year_2025("bukti", "--year", "2025", "-o", str(target), "--force"))
    assert (target / "index.html").exists() and not (target / "catatan.txt").exists()


def test_bad_year_and_target_are_one_line(year_2025, tmp_path):
    for year, message in (
        ("2027", "Error: 2027 has not begun yet (give a year up to 2026)\n"),
        ("1999", "Error: 1999 is not a year of this logbook (give a year like 2026)\n"),
    ):
        result = year_2025("bukti", "--year", year, "-o", str(tmp_path / "x"))
        assert result.exit_code == 1 and result.stderr == message
    missing = tmp_path / "no" / "such" / "bukti"
    result = year_2025("bukti", "--year", "2025", "-o", str(missing))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert not (tmp_path / "x").exists()


def test_without_weasyprint_the_pdfs_are_skipped_with_one_warning(year_2025, tmp_path):
    missing = tmp_path / "no-weasyprint" / "weasyprint"
    missing.mkdir(parents=True)
    (missing / "__init__.py").write_text("raise ImportError('weasyprint is not installed')\n")
    env = process_env(PYTHONPATH=os.pathsep.join([str(missing.parent), *sys.path]), SOP_LANG="en")
    target = tmp_path / "bukti"
    result = subprocess.run(
        [sys.executable, "-m", "sopcli", "bukti", "--year", "2025", "-o", str(target)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    warning, done = result.stderr.splitlines()
    assert warning == (
        "Warning: PDFs skipped, the HTML pages are there: "
        "PDF needs WeasyPrint and the Pango libraries (pip install 'sopcli[pdf]')"
    )
    assert done.startswith("Evidence pack 2025 written to")
    assert not list(target.rglob("*.pdf")) and len(list((target / "laporan").glob("*.html"))) == 12
    assert "WeasyPrint missing" in (target / "index.html").read_text()
