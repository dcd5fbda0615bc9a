"""The built-in SOPs say what their source documents say.

One test per seed document (``../shared/seeds/``): step count, pelaksana
lanes, every branch target, and each step's time standard and pelaksana as
transcribed. The expected values below are read off the documents, not off
the TOML files, so a careless edit of a built-in SOP fails here.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from sopcli.definitions.schema import SopDefinition
from sopcli.definitions.validate import validate
from sopcli.worktime.parse import parse_duration

BUILTIN = resources.files("sopcli.definitions") / "builtin"
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "contoh-sop.toml"


def load_builtin(sop_id: str) -> SopDefinition:
    data = tomllib.loads((BUILTIN / f"{sop_id}.toml").read_text(encoding="utf-8"))
    return SopDefinition.model_validate(data)


def branches(defn: SopDefinition) -> dict[str, list[tuple[str | None, str | None, str | None]]]:
    """Step id → its successors, as (option label, goto, end)."""
    return {step.id: defn.successors(step) for step in defn.steps}


def check_common(defn: SopDefinition, steps: dict[str, tuple[str, list[str]]]) -> None:
    """Step ids in document order, each step's waktu and pelaksana, sound definition."""
    assert [s.id for s in defn.steps] == list(steps)
    for step_id, (waktu, pelaksana) in steps.items():
        step = defn.step(step_id)
        assert step.waktu == waktu, step_id
        assert list(step.pelaksana) == pelaksana, step_id
        parse_duration(step.waktu)  # raises on a time text the engine cannot use
        assert step.kegiatan
    parse_duration(defn.waktu)
    assert validate(defn) == []


def test_ipas_pemulihan():
    defn = load_builtin("ipas-pemulihan")
    assert defn.id == "ipas-pemulihan"
    assert defn.nama == "Pemulihan Gagal Fungsi-Fungsi IPAS"
    assert defn.instansi == "Direktorat Jenderal Kekayaan Intelektual"
    assert defn.unit == "Direktorat Teknologi Informasi Kekayaan Intelektual"
    assert defn.calendar == "office"
    assert len(defn.steps) == 15
    assert [(r.key, r.nama) for r in defn.roles] == [
        ("direktorat_teknis", "Direktorat Teknis/Pengguna"),
        ("direktur_tiki", "Direktur TIKI"),
        ("kasubdit_psi", "Kasubdit Pengembangan Sistem Informasi KI"),
        ("kasie_database", "Kasie Database dan Keamanan Data"),
        ("kasie_jaringan", "Kasie Pengelola Jaringan"),
        ("kasie_aplikasi", "Kasie Aplikasi"),
        ("team_ipas", "Team IPAS Development"),
        ("kasubag_tu", "Kasubag TU TIKI"),
        ("jfu", "JFU"),
    ]
    check_common(
        defn,
        {
            "1": ("15 menit", ["direktorat_teknis"]),
            "2": ("", ["kasubag_tu"]),
            "3": ("", ["direktur_tiki"]),
            "4": ("", ["kasubag_tu"]),
            "5": ("", ["kasubdit_psi"]),
            "6": ("15 menit", ["kasie_aplikasi"]),
            "7": ("1 jam", ["jfu"]),
            "8": ("15 menit", ["kasie_aplikasi"]),
            "9": ("", ["kasie_aplikasi"]),
            "10": ("", ["kasie_aplikasi", "kasie_database", "kasie_jaringan"]),
            "11": ("", ["kasie_aplikasi"]),
            "12": ("", ["team_ipas"]),
            "13": ("1 jam", ["jfu"]),
            "14": ("1 jam", ["jfu", "direktorat_teknis"]),
            "15": ("", ["jfu"]),
        },
    )
    flow = branches(defn)
    # "gangguan akses IPAS bukan berasal sistem aplikasi IPAS": handed back to the user, not a rejected complaint
    assert flow["7"] == [("ya", "8", None), ("tidak", None, "bukan_gangguan_aplikasi")]
    assert defn.outcome("bukan_gangguan_aplikasi").kind == "referred"
    assert flow["9"] == [("ya", "13", None), ("tidak", "10", None)]
    assert flow["10"] == [(None, "11", None)]
    assert flow["11"] == [("ya", "13", None), ("tidak", "12", None)]
    assert flow["12"] == [(None, "13", None)]
    assert flow["14"] == [("ya", "15", None), ("tidak", "9", None)]
    assert flow["15"] == [(None, None, "pulih")]
    assert defn.outcome("pulih").kind == "resolved"
    for plain in ("1", "2", "3", "4", "5", "6", "8", "13"):
        assert flow[plain] == [(None, str(int(plain) + 1), None)], plain
    assert defn.step("13").output == "Aplikasi siap digunakan"
    assert defn.step("15").output == "laporan perbaikan aplikasi terdokumentasi"


def test_kaltim_db():
    defn = load_builtin("kaltim-db")
    assert defn.id == "kaltim-db"
    assert defn.nama == "Pengelolaan Gangguan Database"
    assert "Kalimantan Timur" in defn.instansi
    assert defn.waktu == "3 (tiga) hari kerja"
    assert defn.standard is not None and defn.standard.unit == "days" and defn.standard.high == 3
    assert len(defn.dasar_hukum) == 5
    assert len(defn.keterkaitan) == 2
    assert len(defn.peralatan) == 4
    assert len(defn.kualifikasi_pelaksana) == 3
    assert len(defn.steps) == 9
    assert [(r.key, r.nama) for r in defn.roles] == [
        ("administrator_jaringan", "Administrator Jaringan dan Server"),
        ("pemeriksa_pengelola_ti", "Pemeriksa dan Pengelola Teknologi Informasi"),
        ("pejabat_pengawas", "Pejabat Pengawas Seksi Pengelolaan Data dan Integrasi SI"),
        ("pejabat_administrator", "Pejabat Administrator Bidang TIK"),
        ("kepala_dinas", "Kepala Dinas"),
    ]
    check_common(
        defn,
        {
            "1": ("30 menit", ["pemeriksa_pengelola_ti"]),
            "2": ("1 jam", ["pejabat_administrator"]),
            "3": ("1 Jam", ["pejabat_pengawas"]),
            "4": ("1-2 hari", ["pemeriksa_pengelola_ti", "administrator_jaringan"]),
            "5": ("15 menit", ["administrator_jaringan"]),
            "6": ("1 Jam", ["pemeriksa_pengelola_ti"]),
            "7": ("1 jam", ["pejabat_pengawas"]),
            "8": ("15 menit", ["pejabat_administrator"]),
            "9": ("15 menit", ["pemeriksa_pengelola_ti"]),
        },
    )
    flow = branches(defn)
    assert flow["7"] == [("ya", "8", None), ("tidak", "5", None)]
    assert flow["8"] == [("ya", "9", None), ("tidak", "7", None)]
    assert flow["9"] == [(None, None, "selesai")]
    for plain in ("1", "2", "3", "4", "5", "6"):
        assert flow[plain] == [(None, str(int(plain) + 1), None)], plain
    assert defn.step("4").standard.low == 1 and defn.step("4").standard.high == 2
    assert defn.step("9").output == "surat laporan penyelesaian gangguan"


def test_cirebon_aplikasi():
    defn = load_builtin("cirebon-aplikasi")
    assert defn.id == "cirebon-aplikasi"
    assert defn.nomor == "028/SOP-EGOV/2018"
    assert defn.nama == "Pelayanan Gangguan Aplikasi Dan Sistem"
    assert "Kota Cirebon" in defn.instansi
    assert "Dinas Komunikasi, Informatika dan Statistik" in defn.instansi
    assert defn.unit == "Seksi Pengembangan Aplikasi"
    assert defn.tanggal_pembuatan == "02 Januari 2018"
    assert "IING DAIMAN" in defn.disahkan_oleh and "19680822 199703 1 003" in defn.disahkan_oleh
    assert len(defn.dasar_hukum) == 6
    assert len(defn.steps) == 7
    assert [(r.key, r.nama) for r in defn.roles] == [
        ("skpd", "SKPD/OPD"),
        ("dkis", "DKIS"),
        ("seksi_pengembangan_aplikasi", "Seksi Pengembangan Aplikasi"),
    ]
    check_common(
        defn,
        {
            "1": ("15 menit", ["skpd"]),
            "2": ("30 menit", ["seksi_pengembangan_aplikasi"]),
            "3": ("15 menit", ["dkis"]),
            "4": ("1 hari", ["seksi_pengembangan_aplikasi"]),
            "5": ("-", ["seksi_pengembangan_aplikasi", "skpd"]),
            "6": ("120 menit", ["dkis"]),
            "7": ("5 menit", ["skpd"]),
        },
    )
    assert defn.step("5").standard is None  # "-": no time standard
    flow = branches(defn)
    assert sorted(flow["4"]) == [("aplikasi", "5", None), ("jaringan", "6", None)]
    assert "C-03" in defn.step("4").decision.option("aplikasi").meaning
    assert "C-02" in defn.step("4").decision.option("jaringan").meaning
    assert flow["5"] == [(None, "6", None)]
    assert flow["7"] == [(None, None, "selesai")]
    for plain in ("1", "2", "3", "6"):
        assert flow[plain] == [(None, str(int(plain) + 1), None)], plain


def test_tanahbumbu_jaringan():
    defn = load_builtin("tanahbumbu-jaringan")
    assert defn.id == "tanahbumbu-jaringan"
    assert defn.nama == "Penanganan Gangguan Koneksi Internet & Intranet pada Jaringan Lokal SKPD"
    assert "Tanah Bumbu" in defn.instansi
    assert "Ardiansyah, S.Sos" in defn.disusun_oleh
    assert "NIP. 19691018 199603 1 004" in defn.disusun_oleh
    assert defn.disahkan_oleh == ""  # "Disusun oleh" is the document's only signature
    assert defn.waktu == ""
    assert len(defn.steps) == 9
    assert [r.key for r in defn.roles] == ["staf_admin_jaringan", "koordinator_jaringan", "admin_skpd"]
    check_common(
        defn,
        {
            "1": ("", ["staf_admin_jaringan"]),
            "2": ("", ["staf_admin_jaringan"]),
            "3": ("", ["staf_admin_jaringan", "admin_skpd"]),
            "4": ("", ["staf_admin_jaringan"]),
            "5": ("", ["koordinator_jaringan"]),
            "6": ("", ["staf_admin_jaringan"]),
            "7": ("", ["staf_admin_jaringan"]),
            "8": ("", ["koordinator_jaringan"]),
            "9": ("", ["staf_admin_jaringan"]),
        },
    )
    assert "waktu" in defn.step("1").keterangan  # says the document sets no time standard
    flow = branches(defn)
    assert sorted(flow["2"]) == [("tidak", "3", None), ("ya", None, "tidak_ditemukan_gangguan")]
    assert defn.outcome("tidak_ditemukan_gangguan").kind == "no_fault_found"
    assert sorted(flow["4"]) == [("eksternal", "5", None), ("internal", "5", None)]
    assert flow["9"] == [(None, None, "diperbaiki")]
    for plain in ("1", "3", "5", "6", "7", "8"):
        assert flow[plain] == [(None, str(int(plain) + 1), None)], plain
    assert "F-01" in defn.step("3").output
    assert "F-04" in defn.step("9").output
    (estimasi,) = defn.step("6").fields
    assert (estimasi.key, estimasi.type, estimasi.required) == ("estimasi", "duration", True)
    assert estimasi.meaning == "Estimasi waktu pemulihan dan perbaikan"
    assert defn.step("9").waktu_dari == "estimasi"
    assert all(s.waktu_dari is None for s in defn.steps if s.id != "9")


@pytest.mark.parametrize("sop_id", ["ipas-pemulihan", "kaltim-db", "cirebon-aplikasi", "tanahbumbu-jaringan"])
def test_builtin_file_is_named_by_its_id(sop_id):
    assert load_builtin(sop_id).id == sop_id


def test_sample_sop_loads_and_shows_every_feature():
    defn = SopDefinition.model_validate(tomllib.loads(SAMPLE.read_text(encoding="utf-8")))
    assert validate(defn) == []
    assert any(s.decision and len(s.decision.options) >= 2 for s in defn.steps)
    assert any(s.fields for s in defn.steps)
    assert any(s.waktu_dari for s in defn.steps)
    assert any(s.next for s in defn.steps)
    assert defn.format == 2 and defn.steps[-1].end == "selesai"
    assert {o.kind for o in defn.outcomes} == {"resolved", "referred"}


def test_sample_sop_documents_only_the_field_types_the_schema_accepts():
    import re
    import typing

    from sopcli.definitions.schema import FieldType

    text = SAMPLE.read_text(encoding="utf-8")
    comment = text[text.index("#   type     =") : text.index("#   required =")]
    documented = set(re.findall(r'"([a-z]+)" \(', comment))
    assert documented == set(typing.get_args(FieldType)) == {"text", "duration", "number"}


def chain_of_command(defn: SopDefinition) -> dict[str, str | None]:
    return {role.key: role.atasan for role in defn.roles}


@pytest.mark.parametrize(
    ("sop_id", "atasan"),
    [
        # Disposisi runs Direktur TIKI → Kasubdit PSI (step 3) → Kasie Aplikasi (step 5) → JFU (step 6); the other
        # kasie, the development team and the TU sit where the Direktorat's organisation puts them.
        (
            "ipas-pemulihan",
            {
                "direktorat_teknis": None,  # the user: outside the Direktorat
                "direktur_tiki": None,
                "kasubdit_psi": "direktur_tiki",
                "kasie_database": "kasubdit_psi",
                "kasie_jaringan": "kasubdit_psi",
                "kasie_aplikasi": "kasubdit_psi",
                "team_ipas": "kasie_aplikasi",
                "kasubag_tu": "direktur_tiki",
                "jfu": "kasie_aplikasi",
            },
        ),
        # B. PROSEDUR: the administrator disposes to the pengawas (2), who directs the pemeriksa and the
        # administrator jaringan (3, 4) and hears the pemeriksa's report (6), and reports to the administrator (7).
        (
            "kaltim-db",
            {
                "administrator_jaringan": "pejabat_pengawas",
                "pemeriksa_pengelola_ti": "pejabat_administrator",
                "pejabat_pengawas": "pejabat_administrator",
                "pejabat_administrator": "kepala_dinas",
                "kepala_dinas": None,
            },
        ),
        ("cirebon-aplikasi", {"skpd": None, "dkis": None, "seksi_pengembangan_aplikasi": "dkis"}),
        # "Atas perintah dari Koordinator jaringan" (9); the SKPD's admin is outside the Diskominfo.
        (
            "tanahbumbu-jaringan",
            {"staf_admin_jaringan": "koordinator_jaringan", "koordinator_jaringan": None, "admin_skpd": None},
        ),
    ],
)
def test_each_built_in_s_chain_of_command_is_its_document_s(sop_id, atasan):
    defn = load_builtin(sop_id)
    assert chain_of_command(defn) == atasan
    assert (defn.format, defn.version) == (2, "4")
    assert validate(defn) == []
    # where the document is silent, the transcription says how the chain was filled in
    assert "atasan" in defn.catatan_transkripsi.lower()
    # the defaults of the configuration remind: no built-in sets its own, as no document states one
    assert all(s.reminders is None and s.escalate is None for s in defn.steps)
