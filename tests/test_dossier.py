"""``sop doc N --dossier``: the formulir penanganan gangguan an office prints, signs and files for one complaint.

The clock is fixed at Tuesday 24 November 2026, 16:00 WIB (conftest). The complaint: kaltim-db, received
Monday 23 November at 08:00, step 2 done late, paused for a vendor and resumed, a note, then walked to its
end on Tuesday (step 5 has no host to ping: its check is not run), with Monday sealed.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from helpers import exited_ok, record_complaint
from sopcli.cli import app
from sopcli.cli.state import AppState
from sopcli.services.terminal import Terminal

NUMBER = "ADU-2026-00001"
KEGIATAN = {
    "1": "Menerima dan mencatat Laporan",
    "2": "Menerima dan mengecek laporan",
    "3": "Memberikan arahan penyelesaian",
    "4": "Menindaklanjuti disposisi",
    "5": "Memeriksa gangguan Database",
    "6": "melaporkan hasil pengecekan",
    "7": "Melakukan pengecekan terhadap",
    "8": "Melakukan pengecekan laporan",
    "9": "Membuat laporan penyelesaian",
}


@pytest.fixture
def walked(sop):
    """The complaint walked to its end, Monday sealed, the signer configured."""
    record_complaint(sop, "2026-11-23T08:00")
    exited_ok(sop("operator", "add", "sari", "--display-name", "Sari Wulandari", "--role", "pemeriksa_pengelola_ti"))

    def step(step_id: str, at: str, *extra: str, by: str = "budi") -> None:
        exited_ok(sop("next", NUMBER, "--step", step_id, "--at", at, "--as", by, *extra))

    step("1", "2026-11-23T08:20", by="sari")
    step("2", "2026-11-23T10:30")  # 2 h 10 min against 1 jam: late
    exited_ok(sop("pause", NUMBER, "--reason", "menunggu jawaban vendor", "--at", "2026-11-23T11:00"))
    exited_ok(sop("resume", NUMBER, "--at", "2026-11-23T13:00"))
    exited_ok(sop("note", NUMBER, "vendor sudah menjawab", "--at", "2026-11-23T13:05"))
    exited_ok(sop("journal", "seal", "--date", "2026-11-23"))
    step("3", "2026-11-24T08:00")
    step("4", "2026-11-24T09:00")
    step("5", "2026-11-24T09:10")
    step("6", "2026-11-24T09:30")
    step("7", "2026-11-24T10:00", "--decision", "ya")
    step("8", "2026-11-24T10:10", "--decision", "ya")
    step("9", "2026-11-24T10:20")
    for key, value in (
        ("office_place", "Samarinda"),
        ("signer_title", "Kepala Seksi Infrastruktur TIK"),
        ("signer_name", "Ir. Siti Rahma"),
        ("signer_nip", "197805122005012003"),
    ):
        exited_ok(sop("config", "set", key, value))
    return sop


def test_the_dossier_in_text_holds_every_step_the_pause_the_note_and_the_outcome(walked):
    text = exited_ok(walked("doc", NUMBER, "--dossier")).stdout
    flat = " ".join(text.split())
    assert flat.startswith(f"Disruption handling form — {NUMBER}")
    for step_id, kegiatan in KEGIATAN.items():  # the kegiatan's start: the rest wraps beside the other columns
        assert f"{step_id}. {' '.join(kegiatan.split()[:2])}" in flat, step_id
    assert "paused" in flat and "menunggu jawaban vendor" in flat and "resumed" in flat
    assert "vendor sudah menjawab" in flat
    assert "2 h 10 min / 1 h (late" in flat
    assert "Status resolved (Selesai)" in flat and "Steps late 2" in flat
    assert "Sari Wulandari" in flat  # a registered operator by name
    assert "not sealed yet" in flat  # Tuesday
    hashes = [
        entry["hash"]
        for entry in json.loads(exited_ok(walked("doc", NUMBER, "--dossier", "--format", "json")).stdout)["entries"]
    ]
    assert hashes[0][:16] + "…" in text and hashes[0] not in text  # shortened in text


def test_indonesian_title_and_the_journal_trail(walked):
    text = exited_ok(walked("--lang", "id", "doc", NUMBER, "--dossier", "--format", "markdown")).stdout
    assert text.startswith(f"# Formulir Penanganan Gangguan — {NUMBER}")
    assert "## Jejak jurnal" in text and "belum disegel" in text


def test_a_sealed_day_shows_its_digest_and_every_hash_whole_on_paper(walked):
    data = json.loads(exited_ok(walked("doc", NUMBER, "--dossier", "--format", "json")).stdout)
    monday, tuesday = data["seals"]
    assert monday["day"] == "2026-11-23" and tuesday == {"day": "2026-11-24", "digest": None, "entries": 0}
    sealed = exited_ok(walked("journal", "--date", "2026-11-23", "--format", "json")).stdout
    assert json.loads(sealed)["seals"][0]["digest"] == monday["digest"]  # the jurnal harian's own figure
    html = exited_ok(walked("doc", NUMBER, "--dossier", "--format", "html")).stdout
    digest = monday["digest"]
    assert " ".join(digest[i : i + 8] for i in range(0, 64, 8)) in html
    assert all(entry["hash"] in html for entry in data["entries"])
    assert [p["operator"] for p in data["pelaksana"]] == ["sari", "budi"]
    assert data["pelaksana"][1]["steps"] == ["2", "3", "4", "5", "6", "7", "8", "9"]
    assert data["status"] == "resolved" and data["ever_late"] is True


def test_the_pdf_holds_the_number_each_step_the_signers_and_numbered_pages(walked, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    target = tmp_path / "formulir.pdf"
    result = exited_ok(walked("--lang", "id", "doc", NUMBER, "--dossier", "-o", str(target)))
    assert "formulir.pdf" in result.stderr
    pages = [page.extract_text() for page in pypdf.PdfReader(target).pages]
    text = " ".join(" ".join(pages).split())
    assert NUMBER in text and "Formulir Penanganan Gangguan" in text
    for kegiatan in KEGIATAN.values():
        assert kegiatan in text, kegiatan
    assert "Ir. Siti Rahma" in text and "NIP. 197805122005012003" in text and "Sari Wulandari" in text
    assert "Halaman 1 dari" in pages[0]


def test_hostile_text_comes_out_escaped_and_breakable_in_html(sop):
    word = "A" * 300
    exited_ok(
        sop(
            "new",
            "--sop",
            "kaltim-db",
            "--description",
            f"<script>alert(1)</script> <b>tebal</b> \x1b[31merah {word}",
            "--reporter",
            "<img src=x onerror=alert(2)>",
            "--unit",
            "BKD",
            "--system",
            "SIMPEG",
            "--received-at",
            "2026-11-24T08:00",
        )
    )
    html = exited_ok(sop("doc", "1", "--dossier", "--format", "html")).stdout
    assert "<script>" not in html and "<b>tebal" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "\x1b" not in html and "\\x1b[31merah" in html  # the control character written out
    assert '<td class="long">' in html and "td.long { overflow-wrap: anywhere; }" in html


def test_without_dossier_or_a_document_the_command_lists_the_documents(sop):
    record_complaint(sop, "2026-11-24T08:00")
    result = sop("doc", NUMBER)
    assert result.exit_code == 0
    assert "FORM-LAPORAN" in result.stdout and "after step 1" in result.stdout
    both = sop("doc", NUMBER, "FORM-LAPORAN", "--dossier")
    assert both.exit_code == 1 and both.stderr == "Error: give a document or --dossier, not both\n"


def test_bad_input_is_one_line(sop):
    record_complaint(sop, "2026-11-24T08:00")
    unknown = sop("doc", "ADU-2026-00099", "--dossier")
    assert (
        unknown.exit_code != 0 and unknown.stderr.count("\n") == 1 and "no complaint ADU-2026-00099" in unknown.stderr
    )
    bad = sop("doc", NUMBER, "--dossier", "--format", "docx")
    assert bad.exit_code != 0 and bad.stderr.startswith("Error: unknown format 'docx'") and bad.stderr.count("\n") == 1
    at_terminal = CliRunner().invoke(
        app,
        ["doc", NUMBER, "--dossier", "--format", "pdf"],
        obj=AppState(terminal=Terminal(stdout_tty=True)),
        catch_exceptions=False,
    )
    assert at_terminal.exit_code == 1
    assert at_terminal.stderr == "Error: a PDF is not shown on a terminal (give -o FILE.pdf)\n"
