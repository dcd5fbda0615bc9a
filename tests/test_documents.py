"""A step's documents filled from the record (``sop doc N DOC``): Cirebon's C-01, SP pengecekan, C-02 or C-03 and
laporan perbaikan for a complaint down each branch, read back from the PDF; templates checked by ``sops validate``;
every copy journaled with its SHA-256 and found again by ``sop verify --document``."""

from __future__ import annotations

import json

import pytest

from helpers import exited_ok

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


@pytest.fixture
def office(sop, sop_env, monkeypatch):
    for key, value in (
        ("office_name", "Dinas Komunikasi, Informatika dan Statistik Kota Cirebon"),
        ("office_address", "Jl. Dr. Sudarsono No. 40, Kota Cirebon"),
        ("office_place", "Cirebon"),
    ):
        exited_ok(sop("config", "set", key, value))
    exited_ok(
        sop(
            "operator",
            "add",
            "rudi",
            "--role",
            "seksi_pengembangan_aplikasi",
            "--display-name",
            "Rudi Hartono",
            "--nip",
            "19850312 201001 1 004",
        )
    )
    exited_ok(sop("operator", "add", "kadis", "--role", "dkis", "--display-name", "Dra. Wulan Sari"))
    return sop


def walk(sop, monkeypatch, branch: str, description: str = "Aplikasi e-Office tidak bisa diakses") -> str:
    """A Cirebon complaint through steps 1-4 with ``branch`` (jaringan or aplikasi), then to its end."""
    monkeypatch.setenv("SOP_NOW", "2026-12-07T08:00+07:00")
    new = exited_ok(
        sop(
            "new",
            "--sop",
            "cirebon-aplikasi",
            "--description",
            description,
            "--reporter",
            "Sari",
            "--unit",
            "Bagian Umum Setda",
            "--system",
            "e-Office",
            "--json",
        )
    )
    number = json.loads(new.stdout)["number"]
    for at, extra in (
        ("08:10", []),
        ("08:30", ["--no-checks", "--reason", "server di luar jaringan uji"]),
        ("08:45", []),
    ):
        monkeypatch.setenv("SOP_NOW", f"2026-12-07T{at}+07:00")
        exited_ok(sop("next", number, "--as", "rudi", "--note", "diperiksa di NOC", *extra))
    monkeypatch.setenv("SOP_NOW", "2026-12-07T10:00+07:00")
    exited_ok(sop("next", number, "--as", "rudi", "--decision", branch, "--note", "modul login galat 500"))
    steps = ["5", "6", "7"] if branch == "aplikasi" else ["6", "7"]
    for hour, _step in zip(("11", "13", "14"), steps):
        monkeypatch.setenv("SOP_NOW", f"2026-12-07T{hour}:00+07:00")
        exited_ok(sop("next", number, "--as", "rudi"))
    return number


@pytest.mark.parametrize(("branch", "form", "other"), [("aplikasi", "C-03", "C-02"), ("jaringan", "C-02", "C-03")])
def test_each_branch_prints_its_forms_filled_from_the_record(office, monkeypatch, tmp_path, branch, form, other):
    number = walk(office, monkeypatch, branch)
    listed = json.loads(exited_ok(office("doc", number, "--json")).stdout)
    ready = {d["document"] for d in listed if d["step_done_at"]}
    assert ready == {"DISPOSISI", "C-01", "SP-CEK", form, "LAPORAN-PERBAIKAN"}
    for document in ("C-01", "SP-CEK", form, "LAPORAN-PERBAIKAN"):
        path = tmp_path / f"{document}.pdf"
        exited_ok(office("doc", number, document, "-o", str(path)))
        text = pdf_text(path)
        assert number in text and "Cirebon, 7 Desember 2026" in text.replace("December", "Desember")
        assert "Bagian Umum Setda" in text
        assert "Halaman 1 dari" in text or "Page 1 of" in text
    c0x = pdf_text(tmp_path / f"{form}.pdf")
    assert "Rudi Hartono" in c0x and "19850312 201001 1 004" in c0x and "Dra. Wulan Sari" in c0x
    assert "modul login galat 500" in c0x
    report = pdf_text(tmp_path / "LAPORAN-PERBAIKAN.pdf")
    assert "Kepala Bagian Umum Setda" in report and "Arsip" in report  # the addressee and the tembusan
    refused = office("doc", number, other, "-o", str(tmp_path / "x.pdf"))
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_a_printed_copy_is_found_in_the_journal_and_a_changed_one_is_not(office, monkeypatch, tmp_path):
    number = walk(office, monkeypatch, "aplikasi")
    path = tmp_path / "c03.pdf"
    exited_ok(office("doc", number, "C-03", "-o", str(path)))
    found = exited_ok(office("verify", "--document", str(path)))
    assert f"C-03 of {number}" in found.stdout
    shown = json.loads(exited_ok(office("show", number, "--json")).stdout)
    (entry,) = [e for e in shown["journal"] if e["action"] == "document"]
    assert entry["fields"]["berkas"] == "c03.pdf" and len(entry["fields"]["sha256"]) == 64
    path.write_bytes(path.read_bytes() + b"\n")
    changed = office("verify", "--document", str(path))
    assert changed.exit_code == 1 and "NOT IN THE JOURNAL" in changed.stdout


def test_hostile_text_prints_as_text(office, monkeypatch, tmp_path):
    hostile = "<script>alert(1)</script> <b>tebal</b> \x07 " + "x" * 300
    number = walk(office, monkeypatch, "aplikasi", description=hostile)
    path = tmp_path / "c01.html"
    exited_ok(office("doc", number, "C-01", "-o", str(path)))
    page = path.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "overflow-wrap: anywhere" in page  # a 300-letter word wraps on the page


def test_unknown_documents_and_formats_are_one_line(office, monkeypatch, tmp_path):
    number = walk(office, monkeypatch, "aplikasi")
    for args in (("doc", number, "C-99"), ("doc", number, "C-03", "-o", str(tmp_path / "x.docx")), ("doc", "999")):
        refused = office(*args)
        assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1, refused.stderr


def test_sops_validate_refuses_a_template_naming_what_the_record_lacks(sop, tmp_path):
    text = tmp_path / "sop.toml"
    text.write_text(
        """
format = 2
id = "contoh"
version = "1"
nama = "Contoh"
instansi = "Diskominfo"

[[outcomes]]
id = "selesai"
label = "Selesai"
kind = "resolved"

[[roles]]
key = "teknisi"
nama = "Teknisi"

[[steps]]
id = "1"
kegiatan = "Memperbaiki"
pelaksana = ["teknisi"]
dokumen = ["F-1", "F-9"]
end = "selesai"

[[dokumen]]
id = "F-1"
judul = "Formulir"
isian = ["pengaduan.nomor", "pengaduan.gaji", "isian.estimasi"]
pembuka = "{{ pengaduan.uraian }} {{ rahasia }} {{ pengaduan.sandi }}"
penutup = "{% if %}"
ttd = ["kepala"]
""",
        encoding="utf-8",
    )
    result = sop("sops", "validate", str(text))
    assert result.exit_code == 1
    for problem in (
        "isian 'pengaduan.gaji' names nothing the record holds",
        "isian 'isian.estimasi' names nothing the record holds",
        "pembuka: rahasia is not in the record",
        "pembuka: pengaduan.sandi is not in the record",
        "penutup: not a template",
        "ttd 'kepala' is not a role of this SOP",
        "no [[dokumen]] is called F-9",
    ):
        assert problem in result.stdout, (problem, result.stdout)


def test_next_writes_the_documents_of_the_step_it_completes(office, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOP_NOW", "2026-12-07T08:00+07:00")
    new = exited_ok(
        office(
            "new",
            "--sop",
            "cirebon-aplikasi",
            "--description",
            "e-Office mati",
            "--reporter",
            "Sari",
            "--unit",
            "Bagian Umum Setda",
            "--system",
            "e-Office",
            "--json",
        )
    )
    number = json.loads(new.stdout)["number"]
    monkeypatch.setenv("SOP_NOW", "2026-12-07T08:10+07:00")
    exited_ok(office("next", number, "--as", "rudi", "--doc"))
    written = tmp_path / f"{number}-DISPOSISI.pdf"
    assert written.exists() and number in pdf_text(written)
    assert f"DISPOSISI of {number}" in exited_ok(office("verify", "--document", str(written))).stdout


@pytest.mark.parametrize("sop_id", ["kaltim-db", "tanahbumbu-jaringan", "ipas-pemulihan", "cirebon-aplikasi"])
def test_every_built_in_template_fills_from_a_walked_complaint(sop, sop_env, monkeypatch, tmp_path, sop_id):
    """Walk a complaint to its end (the first option at each decision), then fill every document it produced."""
    monkeypatch.setenv("SOP_NOW", "2026-12-07T08:00+07:00")
    new = exited_ok(
        sop(
            "new",
            "--sop",
            sop_id,
            "--description",
            "Layanan <b>mati</b>",
            "--reporter",
            "Sari",
            "--unit",
            "Bagian Umum",
            "--system",
            "SIMPEG",
            "--json",
        )
    )
    number = json.loads(new.stdout)["number"]
    for minute in range(10, 59):
        if json.loads(exited_ok(sop("show", number, "--json")).stdout)["status"] != "open":
            break
        card = json.loads(exited_ok(sop("next", number, "--show", "--json")).stdout)
        monkeypatch.setenv("SOP_NOW", f"2026-12-07T09:{minute:02d}+07:00")
        args = ["next", number, "--json", "--no-checks", "--reason", "uji", "--field", "estimasi=2 jam"]
        options = (card.get("decision") or {}).get("options") or []
        if options:
            args += ["--decision", options[0]["label"]]
        done = sop(*args)
        if done.exit_code != 0 and "estimasi" in done.stderr:
            done = sop(*[a for a in args if a not in ("--field", "estimasi=2 jam")])
        assert done.exit_code == 0, done.stderr
    listed = json.loads(exited_ok(sop("doc", number, "--json")).stdout)
    ready = [d["document"] for d in listed if d["step_done_at"]]
    assert ready, listed
    for document in ready:
        path = tmp_path / f"{document}.html"
        exited_ok(sop("doc", number, document, "-o", str(path)))
        page = path.read_text(encoding="utf-8")
        assert number in page and "<b>mati</b>" not in page  # the description, where shown, as text
        assert '<div class="kop">' in page and "<h1>" in page and 'class="sign"' in page
