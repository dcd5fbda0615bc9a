"""``sop sops show --format html|pdf``: the SOP as its official sheet (Permen PAN-RB 35/2012), landscape.

The PDFs are read back with pypdf: the identity sheet and every lane and step are there, on landscape A4 or F4.
The HTML is checked for what a reader of the flowchart relies on: a lane column per pelaksana, a diamond per
decision, and a far jump drawn as an off-page connector.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from helpers import process_env
from sopcli import i18n
from sopcli.cli import app
from sopcli.definitions.loader import builtin_ids, load
from sopcli.present.sopsheet import sop_sheet_html

pypdf = pytest.importorskip("pypdf")

# Six steps; step 2's "ulang" option jumps from step 6 back to step 2: too far for a line.
LONG_JUMP = """\
id = "lompat"
version = "1"
nomor = "009/SOP/2026"
nama = "Contoh Lompatan Jauh"
instansi = "Diskominfo Kota Contoh"

[[roles]]
key = "operator"
nama = "Operator Layanan"

[[roles]]
key = "teknisi"
nama = "Teknisi Jaringan"

[[steps]]
id = "1"
kegiatan = "Menerima pengaduan"
pelaksana = ["operator"]

[[steps]]
id = "2"
kegiatan = "Memeriksa gangguan"
pelaksana = ["teknisi"]

[[steps]]
id = "3"
kegiatan = "Memperbaiki perangkat"
pelaksana = ["teknisi"]

[[steps]]
id = "4"
kegiatan = "Mencatat perbaikan"
pelaksana = ["operator"]

[[steps]]
id = "5"
kegiatan = "Menguji layanan"
pelaksana = ["teknisi"]

[[steps]]
id = "6"
kegiatan = "Menanyakan pelapor"
pelaksana = ["operator"]

[steps.decision]
question = "Sudah normal?"

[[steps.decision.options]]
label = "ya"
end = "resolved"

[[steps.decision.options]]
label = "tidak"
goto = "2"
"""


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("SOP_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("SOP_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.setenv("SOP_LANG", "id")
    monkeypatch.setattr(i18n, "_translation", None)  # the language is read again, and restored afterwards
    monkeypatch.setattr(i18n, "_language", None)


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("sop_id", builtin_ids())
@pytest.mark.parametrize(("paper", "size"), [("a4", (842, 595)), ("f4", (935, 609))])
def test_the_pdf_holds_the_identity_every_lane_and_every_step_on_landscape_paper(sop_id, paper, size, tmp_path):
    target = tmp_path / f"{sop_id}.pdf"
    result = run("sops", "show", sop_id, "-o", target, "--paper", paper)
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(target)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - size[0]) < 2 and abs(height - size[1]) < 2, (width, height)
    text = words(" ".join(page.extract_text() for page in reader.pages))
    sop = load(sop_id).definition
    assert words(sop.nama) in text
    if sop.nomor:
        assert sop.nomor in text
    assert "Dasar hukum" in text and "Halaman 1 dari" in text
    lanes = words(" ".join(page.extract_text() for page in reader.pages[1:]))
    for role in sop.roles:  # a header may wrap: each of its words is there
        assert all(word in lanes for word in role.nama.split()), role.nama
    for step in sop.steps:
        assert " ".join(step.kegiatan.split()[:3]) in lanes, step.kegiatan
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    described = [f["/DescendantFonts"][0].get_object() if "/DescendantFonts" in f else f for f in fonts]
    embedded = {any(k in d["/FontDescriptor"] for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in described}
    assert fonts and embedded == {True}  # every font embedded


@pytest.mark.parametrize("sop_id", builtin_ids())
def test_the_html_has_a_lane_column_per_role_and_a_diamond_per_decision(sop_id):
    sop = load(sop_id).definition
    page = sop_sheet_html(sop, None, "a4")
    assert "<script" not in page and not re.search(r"\b(?:src|href)=", page)  # nothing from elsewhere
    headers = re.findall(r'<th class="role"[^>]*>([^<]*)</th>', page)
    pages = page.count('<section class="flow">')
    assert headers == [role.nama.replace("&", "&amp;") for role in sop.roles] * pages  # repeated on every page
    decisions = set(re.findall(r'<polygon class="decision" data-step="([^"]+)"', page))
    assert decisions == {step.id for step in sop.steps if step.decision}
    drawn = set(re.findall(r'<(?:rect|polygon) class="(?:process|terminator|decision)" data-step="([^"]+)"', page))
    assert drawn == {step.id for step in sop.steps}
    # the first step and the steps that end the case are terminators
    ends = {step.id for step in sop.steps if step.end and not step.decision}
    assert set(re.findall(r'<rect class="terminator" data-step="([^"]+)"', page)) == {sop.steps[0].id} | ends


def test_a_far_jump_is_an_off_page_connector_with_the_step_number(tmp_path):
    path = tmp_path / "lompat.toml"
    path.write_text(LONG_JUMP, encoding="utf-8")
    result = run("sops", "show", path, "--format", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    # Out of step 6 a connector naming step 2; into step 2 one naming step 6; no line runs between them.
    assert re.search(r'<polygon class="offpage out" data-to="2"', page)
    assert re.search(r'<polygon class="offpage in" data-to="6"', page)
    assert page.count('class="offpage') == 2
    # The option that ends the case ends in a small terminator of its own.
    assert page.count('<rect class="terminator end"') == 1


def test_a_long_sop_splits_into_pages_carried_by_connectors(tmp_path):
    many = "\n".join(
        f'[[steps]]\nid = "{n}"\nkegiatan = "Langkah nomor {n} dengan uraian kegiatan"\npelaksana = ["operator"]\n'
        for n in range(1, 31)
    )
    path = tmp_path / "panjang.toml"
    path.write_text(LONG_JUMP.split("[[steps]]")[0] + many + 'end = "resolved"\n', encoding="utf-8")
    page = sop_sheet_html(load(str(path)).definition, None, "a4")
    pages = page.count('<section class="flow">')
    assert pages > 1
    # every page break is crossed by one pair of connectors: out of a page's last step, into the next page's first
    assert page.count('class="offpage out"') == page.count('class="offpage in"') == pages - 1
    assert page.count("<thead>") == pages


def test_html_to_a_file_and_the_terminal_view_unchanged(tmp_path):
    target = tmp_path / "sop.html"
    result = run("sops", "show", "kaltim-db", "-o", target)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert oct(target.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--paper", "b5"], "Kesalahan: kertas 'b5' tidak dikenal (pilih a4 atau f4)\n"),
        (["--format", "png"], None),
        (["-o", "sop.txt"], None),
    ],
)
def test_a_bad_paper_or_format_is_one_line(args, line, tmp_path):
    result = run("sops", "show", "kaltim-db", *args)
    assert result.exit_code == 1, result.output
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Kesalahan: ")
    if line:
        assert result.stderr == line
    assert result.stdout == ""


def test_without_weasyprint_the_pdf_is_one_line_and_no_file(tmp_path):
    missing = tmp_path / "no-weasyprint" / "weasyprint"
    missing.mkdir(parents=True)
    (missing / "__init__.py").write_text("raise ImportError('weasyprint is not installed')\n")
    env = process_env(PYTHONPATH=os.pathsep.join([str(missing.parent), *sys.path]), SOP_LANG="en")
    target = tmp_path / "sop.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "sopcli", "sops", "show", "kaltim-db", "-o", str(target)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr == "Error: PDF needs WeasyPrint and the Pango libraries (pip install 'sopcli[pdf]')\n"
    assert not target.exists()
