"""SOP format 2 beside format 1: complaints pinned to a built-in's version 1 keep running under that text.

``fixtures/builtin-v1/`` holds the four built-in SOPs as they were at version 1 (format 1). A logbook that
recorded complaints under them keeps the text pinned, so an old complaint walks v1 and closes with v1's
outcome while a new one pins v2; reports count each by the status it closed with.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import ok
from sopcli.definitions import loader

V1 = Path(__file__).parent / "fixtures" / "builtin-v1"


def js(result):
    return json.loads(ok(result).stdout)


def new(sop, sop_id: str, at: str) -> dict:
    return js(
        sop(
            "new",
            "--sop",
            sop_id,
            "--description",
            "Koneksi internet SKPD putus",
            "--reporter",
            "Ani",
            "--unit",
            "Dinkes",
            "--system",
            "Jaringan",
            "--received-at",
            at,
            "--json",
        )
    )


def step(sop, number: str, at: str, *extra: str) -> dict:
    return js(sop("next", number, "--at", at, *extra, "--json"))


@pytest.mark.parametrize("sop_id", sorted(p.stem for p in V1.glob("*.toml")))
def test_version_1_is_format_1_and_version_2_format_2(sop_id):
    old = loader.load_text((V1 / f"{sop_id}.toml").read_text(encoding="utf-8"), sop_id).definition
    current = loader.load(sop_id).definition
    assert (old.format, old.version, old.outcomes) == (1, "1", ())
    assert [o.id for o in old.ends] == ["resolved", "rejected"]
    assert (current.format, current.version) == (2, "4")  # version 4: the chain of command (atasan)
    assert current.outcomes and {o.kind for o in current.outcomes} <= {"resolved", "no_fault_found", "referred"}


def test_a_complaint_pinned_to_version_1_keeps_walking_it(sop, monkeypatch):
    # The logbook first ran with the v1 built-ins: a complaint pins that text.
    with monkeypatch.context() as v1_installed:
        v1_installed.setattr(loader, "builtin_dir", lambda: V1)
        old = new(sop, "tanahbumbu-jaringan", "2026-11-24T08:00")
    assert old["sop"]["version"] == "1"

    # The built-ins are now v2: a new complaint pins v2, the old one still walks v1.
    fresh = new(sop, "tanahbumbu-jaringan", "2026-11-24T08:30")
    assert fresh["sop"]["version"] == "4"
    for number in (old["number"], fresh["number"]):
        step(sop, number, "2026-11-24T09:00")
    closed_old = step(sop, old["number"], "2026-11-24T09:10", "--decision", "ya")
    closed_new = step(sop, fresh["number"], "2026-11-24T09:10", "--decision", "ya")
    # Ping berhasil: v1 closed it as rejected, v2 as no fault found (and its entry names the outcome).
    assert (closed_old["status"], closed_new["status"]) == ("rejected", "no_fault_found")
    assert closed_old["journal"][-1]["fields"] == {}
    assert closed_new["journal"][-1]["fields"] == {"outcome": "tidak_ditemukan_gangguan"}

    report = js(sop("report", "--date", "2026-11-24", "--format", "json"))
    assert report["totals"] | {} == {
        "received": 2,
        "resolved": 0,
        "no_fault_found": 1,
        "referred": 0,
        "rejected": 1,
        "cancelled": 0,
        "open": 0,
        "overdue": 0,
    }
    # Replaying each journal under the text its complaint pinned gives the stored state back.
    ok(sop("db", "check"))
    ok(sop("verify"))


def test_an_old_ipas_complaint_still_closes_as_rejected_under_version_1(sop, monkeypatch):
    with monkeypatch.context() as v1_installed:
        v1_installed.setattr(loader, "builtin_dir", lambda: V1)
        old = new(sop, "ipas-pemulihan", "2026-11-24T08:00")
    for minute in range(10, 60, 10):
        step(sop, old["number"], f"2026-11-24T08:{minute:02d}")
    step(sop, old["number"], "2026-11-24T09:00")
    closed = step(sop, old["number"], "2026-11-24T09:10", "--decision", "tidak")
    assert (closed["sop"]["version"], closed["status"]) == ("1", "rejected")
    ok(sop("db", "check"))


# --- the file's format decides which keys and ends it may use ----------------------


FORMAT2 = """\
format = 2
id = "contoh-email"
version = "1"
nama = "Gangguan Email Dinas"
instansi = "Diskominfo Contoh"

[[outcomes]]
id = "pulih"
label = "Layanan email pulih"
kind = "resolved"

[[outcomes]]
id = "bukan_email"
label = "Bukan gangguan email"
kind = "referred"

[[roles]]
key = "teknisi"
nama = "Teknisi"

[[steps]]
id = "1"
kegiatan = "Memeriksa layanan email"
pelaksana = ["teknisi"]

[steps.decision]
question = "Apakah gangguan pada layanan email?"

[[steps.decision.options]]
label = "ya"
goto = "2"

[[steps.decision.options]]
label = "tidak"
end = "bukan_email"

[[steps]]
id = "2"
kegiatan = "Memulihkan layanan"
pelaksana = ["teknisi"]
end = "pulih"
"""


def messages(text: str) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in loader.check_text(text)]


def test_a_format_2_file_declares_its_outcomes(english_messages):
    assert messages(FORMAT2) == []
    definition = loader.load_text(FORMAT2, "contoh.toml").definition
    assert [(o.id, o.kind) for o in definition.ends] == [("pulih", "resolved"), ("bukan_email", "referred")]


def test_an_end_naming_no_declared_outcome_is_refused_with_its_line(english_messages):
    text = FORMAT2.replace('end = "pulih"', 'end = "resolved"')
    assert messages(text) == [
        (37, 'end: "resolved" is not an outcome of this SOP (its [[outcomes]]: "pulih", "bukan_email")')
    ]


def test_format_2_keys_in_a_format_1_file_ask_for_format_2(english_messages):
    text = FORMAT2.replace("format = 2\n", "").replace('end = "bukan_email"', 'end = "rejected"')
    text = text.replace('end = "pulih"', 'end = "resolved"')
    assert messages(text) == [(6, "outcomes: a key of format 2; add format = 2 at the top of the file")]
    text = text.replace('nama = "Gangguan', 'disusun_oleh = "Kepala Dinas"\nnama = "Gangguan')
    assert (3, "disusun_oleh: a key of format 2; add format = 2 at the top of the file") in messages(text)


def test_an_unknown_format_is_refused(english_messages):
    assert messages(FORMAT2.replace("format = 2", "format = 3")) == [(1, "format: must be one of 1, 2, not 3")]


def test_an_outcome_of_an_unknown_kind_is_refused(english_messages):
    [(line, message)] = messages(FORMAT2.replace('kind = "referred"', 'kind = "ditolak"'))
    assert (line, message) == (
        12,
        'outcome \'bukan_email\', kind: must be one of "resolved", "no_fault_found", "referred", '
        '"rejected", not "ditolak"',
    )


def test_the_outcome_field_is_reserved_in_format_2(english_messages):
    text = FORMAT2.replace('end = "pulih"\n', 'end = "pulih"\n\n[[steps.fields]]\nkey = "outcome"\nmeaning = "Hasil"\n')
    assert messages(text) == [(37, "field 'outcome' is reserved for the outcome of the case")]


# --- identity keys of format 2, and how each document was read ----------------------


def test_identity_keys_are_the_documents_own(english_messages):
    tanah_bumbu = loader.load("tanahbumbu-jaringan").definition
    # The document's only signature is "Disusun oleh": nobody approved it.
    assert tanah_bumbu.disahkan_oleh == ""
    assert tanah_bumbu.disusun_oleh.startswith("Kepala Dinas Komunikasi dan Informatika, Ardiansyah")
    kaltim = loader.load("kaltim-db").definition
    assert kaltim.penanggung_jawab.startswith("Penanggung Jawab dari kegiatan ini adalah Bidang Teknologi")
    assert kaltim.tujuan == "sebagai pengendali akses terhadap data dan informasi milik Pemerintah"
    assert kaltim.pengantar.startswith("Pengelolaan Gangguan Database di Lingkungan Pemerintah Provinsi")


@pytest.mark.parametrize("sop_id", sorted(p.stem for p in V1.glob("*.toml")))
def test_the_readings_are_in_the_definition_not_in_comments(sop_id):
    text = (loader.builtin_dir() / f"{sop_id}.toml").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) <= 2  # the document's title only
    assert loader.load(sop_id).definition.catatan_transkripsi


def test_sops_show_prints_the_identity_keys_and_the_readings(sop):
    out = ok(sop("sops", "show", "kaltim-db", "--no-pager")).stdout
    for label in ("Person in charge", "Purpose", "Introduction", "How the document was read"):
        assert label in out, label
    assert "Tidak ditemukan" not in out
    shown = ok(sop("sops", "show", "tanahbumbu-jaringan", "--no-pager")).stdout
    assert "Drawn up by" in shown and "Approved by" not in shown
    data = js(sop("sops", "show", "tanahbumbu-jaringan", "--json"))
    assert data["format"] == 2 and data["disusun_oleh"].startswith("Kepala Dinas")
    assert "Disusun oleh" in data["catatan_transkripsi"]


# --- the readings are visible: sops show, --json, the graph ------------------------------


def test_sops_show_prints_keterangan_questions_and_each_options_meaning(sop):
    out = ok(sop("sops", "show", "tanahbumbu-jaringan", "--no-pager")).stdout
    readings = out[out.index("Remarks and decisions") :]
    assert "Apakah ping ke perangkat berhasil?" in readings
    # Each option with where it leads and what it means, the end by its outcome's label.
    assert re.search(r"tidak\s+→ 3: Ping tidak berhasil", readings)
    assert re.search(r"ya\s+end \(Tidak ditemukan gangguan\): Ping berhasil", readings)
    assert "Estimasi yang dicatat di sini menjadi batas waktu" in readings  # step 6's keterangan
    assert "Tidak ditemukan gangguan (tidak_ditemukan_gangguan): no fault found" in out  # the outcomes row


def test_sops_show_json_carries_outcomes_and_readings(sop):
    data = js(sop("sops", "show", "ipas-pemulihan", "--json"))
    assert {"id": "bukan_gangguan_aplikasi", "label": "Bukan gangguan aplikasi IPAS", "kind": "referred"} in data[
        "outcomes"
    ]
    step7 = next(s for s in data["steps"] if s["id"] == "7")
    assert step7["keterangan"] and step7["decision"]["question"]
    tidak = next(o for o in step7["decision"]["options"] if o["label"] == "tidak")
    assert tidak["end"] == "bukan_gangguan_aplikasi"
    assert tidak["meaning"].startswith("Jika tidak setuju, gangguan akses IPAS bukan berasal sistem aplikasi IPAS")


def test_kaltim_step_8_quotes_its_document():
    step8 = loader.load("kaltim-db").definition.step("8")
    assert step8.decision.option("ya").meaning == "Jika telah selesai maka dilaporkan pada Administrator."


def test_the_dot_graph_carries_the_readings_as_tooltips(sop):
    out = ok(sop("sops", "graph", "tanahbumbu-jaringan", "--format", "dot")).stdout
    assert re.search(
        r'^\s*s2 \[.*shape=diamond, tooltip="Apakah ping ke perangkat berhasil\?\\nDokumen hanya', out, re.M
    )
    assert (
        '  s2 -> end_tidak_ditemukan_gangguan [label="ya", '
        'tooltip="Ping berhasil: tidak ditemukan gangguan koneksi pada perangkat.", constraint=false];\n'
    ) in out
    # the rows place the nodes (constraint=false); a label longer than a line wraps between words
    assert 'end_tidak_ditemukan_gangguan [label="End: Tidak ditemukan\\ngangguan", shape=oval];' in out


def test_the_mermaid_graph_keeps_the_readings_as_comments(sop):
    out = ok(sop("sops", "graph", "tanahbumbu-jaringan")).stdout
    assert "  %% 2: Apakah ping ke perangkat berhasil?\n" in out
    assert "  %% 2 [ya]: Ping berhasil: tidak ditemukan gangguan koneksi pada perangkat.\n" in out
    assert '  end_tidak_ditemukan_gangguan(["End: Tidak ditemukan gangguan"])\n' in out
