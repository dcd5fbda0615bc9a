"""Generate the sample complaint files in this directory, deterministically.

Run from anywhere::

    python sample_data/generate.py            # seed 2026
    python sample_data/generate.py --seed 7   # another month, same shape

Writes (next to this script):

* ``pengaduan-november-2026.csv`` — a month of complaints (26 Oct – 20 Nov 2026)
  for all four built-in SOPs, UTF-8, comma-delimited, ISO 8601 times in WIB;
* ``pengaduan-november-2026.xlsx`` — the same rows as an Excel workbook with
  Indonesian headers and real (naive, office-local) datetime cells;
* ``rekap-helpdesk-spreadsheet.csv`` — a helpdesk recap as LibreOffice/Excel
  in an Indonesian locale saves it: BOM, ``;``, CRLF, day-first dates;
* ``pengaduan-bermasalah.csv`` — a small file with the usual mistakes, for
  the README's example of a refused import.

Only the standard library and openpyxl; the same seed gives the same bytes
(the workbook's timestamps are pinned too).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIB = timezone(timedelta(hours=7), "WIB")
FIRST_DAY = date(2026, 10, 26)
LAST_DAY = date(2026, 11, 20)
ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

HEADER = ["ref", "received_at", "sop", "reporter", "unit", "system", "host", "channel", "priority", "description"]
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
REKAP_HEADER = ["No. Tiket", "Tanggal", "SOP", "Pelapor", "SKPD", "Aplikasi", "Keluhan"]

FIRST_NAMES = [
    "Agus",
    "Budi",
    "Dewi",
    "Rina",
    "Siti",
    "Ahmad",
    "Muhammad",
    "Nur",
    "Andi",
    "Yuliana",
    "Hendra",
    "Fitri",
    "Rahmat",
    "Wahyu",
    "Dian",
    "Eko",
    "Sri",
    "Lestari",
    "Irwan",
    "Taufik",
    "Ratna",
    "Bambang",
    "Yusuf",
    "Aulia",
    "Fajar",
    "Novi",
    "Hartono",
    "Indah",
    "Rizky",
    "Gusti",
    "Syahrul",
    "Mega",
    "Arif",
    "Kartika",
    "Rudi",
    "Wulan",
    "Dedi",
    "Maya",
    "Iwan",
    "Putri",
]
LAST_NAMES = [
    "Santoso",
    "Wijaya",
    "Hidayat",
    "Saputra",
    "Rahmawati",
    "Kurniawan",
    "Lestari",
    "Setiawan",
    "Pratama",
    "Nugroho",
    "Permana",
    "Hasanah",
    "Syahputra",
    "Maulana",
    "Fauzi",
    "Rahman",
    "Susanti",
    "Anggraini",
    "Firmansyah",
    "Hakim",
    "Noor",
    "Effendi",
    "Mahmud",
    "Sari",
    "Gunawan",
    "Ramadhan",
]
TITLES_AFTER = ["S.Kom.", "S.T.", "S.E.", "S.Sos.", "M.Kom.", "A.Md.", "S.H.", "M.Si."]
TITLES_BEFORE = ["Dra.", "Ir.", "Drs.", "Hj.", "H."]

# --- the four offices ----------------------------------------------------------

IPAS_UNITS = [
    "Direktorat Merek dan Indikasi Geografis",
    "Direktorat Paten, Desain Tata Letak Sirkuit Terpadu dan Rahasia Dagang",
    "Direktorat Hak Cipta dan Desain Industri",
    "Direktorat Kerja Sama dan Edukasi",
    "Direktorat Penyidikan dan Penyelesaian Sengketa",
    "Sekretariat Direktorat Jenderal Kekayaan Intelektual",
]
IPAS_MODULES = [
    "modul permohonan merek",
    "modul pemeriksaan substantif paten",
    "modul publikasi",
    "modul pembayaran PNBP",
    "modul sertifikat elektronik",
    "modul pencatatan pengalihan hak",
    "modul oposisi merek",
    "modul pemeliharaan paten",
    "alur kerja (workflow) pemeriksa",
    "modul pencarian (search) merek",
]
IPAS_HOSTS = ["ipas-app01.dgip.go.id", "ipas-app02.dgip.go.id", "ipas-db01.dgip.go.id", "10.10.5.21", "10.10.5.22", ""]

# unit → (letter code, the systems it mostly complains about)
KALTIM_UNITS = {
    "Badan Kepegawaian Daerah Provinsi Kalimantan Timur": ("BKD", ["SIMPEG", "e-Kinerja"]),
    "Badan Pendapatan Daerah Provinsi Kalimantan Timur": ("BAPENDA", ["e-Samsat"]),
    "Dinas Kesehatan Provinsi Kalimantan Timur": ("DINKES", ["SIMPUS Provinsi", "Satu Data Kaltim"]),
    "Dinas Pendidikan dan Kebudayaan Provinsi Kalimantan Timur": ("DISDIKBUD", ["Data Pokok Pendidikan"]),
    "Badan Perencanaan Pembangunan Daerah Provinsi Kalimantan Timur": ("BAPPEDA", ["SIPD", "Satu Data Kaltim"]),
    "Badan Pengelola Keuangan dan Aset Daerah Provinsi Kalimantan Timur": ("BPKAD", ["SIPD", "SIMBMD"]),
    "Dinas Penanaman Modal dan PTSP Provinsi Kalimantan Timur": ("DPMPTSP", ["OSS Daerah"]),
    "Biro Umum Setda Provinsi Kalimantan Timur": ("BIRO-UMUM", ["SIMBMD", "e-Kinerja"]),
    "Inspektorat Daerah Provinsi Kalimantan Timur": ("ITDA", ["e-Kinerja", "SIPD"]),
    "Dinas Sosial Provinsi Kalimantan Timur": ("DINSOS", ["Satu Data Kaltim", "e-Kinerja"]),
}
KALTIM_SYSTEMS = {
    "SIMPEG": "db-simpeg.kaltimprov.go.id",
    "SIPD": "db-sipd01.kaltimprov.go.id",
    "e-Samsat": "db-samsat.bapenda.kaltimprov.go.id",
    "e-Kinerja": "10.16.2.40",
    "SIMBMD": "db-aset.kaltimprov.go.id",
    "SIMPUS Provinsi": "10.16.3.12",
    "Data Pokok Pendidikan": "db-dapodik.disdikbud.kaltimprov.go.id",
    "OSS Daerah": "10.16.4.7",
    "Satu Data Kaltim": "db-satudata.kaltimprov.go.id",
}
KALTIM_ENGINES = ["PostgreSQL", "MySQL", "SQL Server", "Oracle", "MariaDB"]

CIREBON_UNITS = [
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Badan Kepegawaian dan Pengembangan SDM",
    "Badan Keuangan Daerah",
    "Dinas Kesehatan",
    "Dinas Pendidikan",
    "Dinas Penanaman Modal dan PTSP",
    "Badan Perencanaan Pembangunan Daerah",
    "Dinas Perhubungan",
    "Dinas Sosial",
    "Sekretariat Daerah",
    "Kecamatan Kejaksan",
    "Kecamatan Lemahwungkuk",
    "Kecamatan Harjamukti",
    "Kecamatan Pekalipan",
    "Kecamatan Kesambi",
    "RSUD Gunung Jati",
    "Satuan Polisi Pamong Praja",
    "Inspektorat Daerah",
]
CIREBON_SYSTEMS = {
    "SIMPEG": "simpeg.cirebonkota.go.id",
    "e-Office": "eoffice.cirebonkota.go.id",
    "e-Kinerja": "ekinerja.cirebonkota.go.id",
    "SIMPUS": "simpus.cirebonkota.go.id",
    "LPSE": "lpse.cirebonkota.go.id",
    "SIPD": "sipd.kemendagri.go.id",
    "SIMAK BMD": "10.1.8.14",
    "Portal PPID": "ppid.cirebonkota.go.id",
    "SIAK Terpusat": "",
    "Sistem Antrian Online": "antrian.cirebonkota.go.id",
    "Aplikasi Perizinan (SiCantik)": "sicantik.go.id",
    "Website OPD": "cirebonkota.go.id",
}

TANBU_UNITS = [
    "Kecamatan Simpang Empat",
    "Kecamatan Batulicin",
    "Kecamatan Kusan Hilir",
    "Kecamatan Sungai Loban",
    "Kecamatan Satui",
    "Kecamatan Angsana",
    "Kecamatan Kuranji",
    "Kecamatan Karang Bintang",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Badan Pendapatan Daerah",
    "Dinas Kesehatan",
    "Dinas Pendidikan",
    "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Badan Kepegawaian dan Pengembangan SDM",
    "Sekretariat Daerah",
    "RSUD dr. H. Andi Abdurrahman Noor",
    "Dinas Penanaman Modal dan PTSP",
    "Badan Penanggulangan Bencana Daerah",
]
TANBU_SYSTEMS = [
    "jaringan fiber OPD",
    "jaringan internet",
    "jaringan intranet",
    "radio link",
    "hotspot Wi-Fi kantor",
    "VPN SIMDA",
    "jaringan LAN gedung",
]
TANBU_HOSTS = [
    "olt-batulicin-01",
    "olt-simpangempat-02",
    "sw-core-diskominfo",
    "sw-akses-{slug}",
    "rb-{slug}",
    "ap-{slug}-lt2",
    "10.25.{a}.1",
    "",
]

# --- words for descriptions ----------------------------------------------------

OPENINGS = [
    "Mohon bantuan,",
    "Dengan hormat,",
    "{greeting},",
    "Lapor,",
    "Assalamualaikum,",
    "Mohon segera ditindaklanjuti:",
    "Kami informasikan bahwa",
    "Permisi,",
    "",
]
SINCE = [
    "sejak pagi",
    "sejak pukul {hh}.{mm} WIB",
    "sejak kemarin sore",
    "sejak tadi",
    "sejak jam istirahat",
    "setelah pemadaman listrik PLN",
    "sejak hujan deras tadi malam",
    "sejak pembaruan aplikasi kemarin",
]
IMPACT = [
    "pelayanan ke masyarakat terhambat",
    "antrean pemohon menumpuk di loket",
    "pegawai tidak bisa absen dan mengisi laporan harian",
    "batas waktu pelaporan hari ini",
    "pimpinan meminta segera dipulihkan",
    "data tidak bisa disimpan",
    "pekerjaan tertunda",
    "ada {n} pemohon menunggu",
]


class Generator:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.used_refs: set[str] = set()
        self.surat_serial = {"ipas": 118, "kaltim": 402, "cirebon": 31, "tanbu": 211}

    # small helpers
    def pick(self, seq):
        return self.r.choice(seq)

    def person(self) -> str:
        r = self.r
        name = f"{self.pick(FIRST_NAMES)} {self.pick(LAST_NAMES)}"
        if r.random() < 0.12:
            name = f"{self.pick(TITLES_BEFORE)} {name}"
        if r.random() < 0.35:
            name = f"{name}, {self.pick(TITLES_AFTER)}"
        return name

    def when(self, day: date, *, after_hours: bool = False) -> datetime:
        r = self.r
        if after_hours:
            minutes = r.choice([r.randint(0, 7 * 60), r.randint(17 * 60, 23 * 60 + 59)])
        else:
            close = 16 * 60 + 30 if day.weekday() == 4 else 16 * 60
            # busier in the morning
            minutes = int(7 * 60 + 30 + (close - 7 * 60 - 30) * (r.random() ** 1.4))
        return datetime.combine(day, time(minutes // 60, minutes % 60), WIB)

    def days(self) -> list[date]:
        d, out = FIRST_DAY, []
        while d <= LAST_DAY:
            out.append(d)
            d += timedelta(days=1)
        return out

    def ref(self, office: str, channel: str, at: datetime, unit_code: str) -> str:
        r = self.r
        day = at.strftime("%Y%m%d")
        for n in range(1, 100):
            if channel == "surat":
                self.surat_serial[office] += r.randint(1, 6)
                serial = self.surat_serial[office]
                month = ROMAN[at.month]
                candidate = {
                    "ipas": f"HKI.{r.randint(1, 7)}-TI.04.02-{serial}",
                    "kaltim": f"005/{serial}/{unit_code}/{month}/{at.year}",
                    "cirebon": f"SRT/{serial:03d}/{unit_code}/{month}/{at.year}",
                    "tanbu": f"555/{serial:03d}/{unit_code}/{at.year}",
                }[office]
            else:
                prefix = {"telepon": "TLP", "email": "EML", "whatsapp": "WA", "monitoring": "MON"}[channel]
                candidate = f"{prefix}-{day}-{n:02d}"
            if candidate not in self.used_refs:
                self.used_refs.add(candidate)
                return candidate
        raise RuntimeError("ran out of refs")

    def since(self) -> str:
        choices = SINCE if self.at.hour >= 8 else [s for s in SINCE if "pukul" not in s and "istirahat" not in s]
        return self.pick(choices).format(
            hh=f"{self.r.randint(7, max(7, self.at.hour - 1)):02d}", mm=self.pick(["00", "15", "30", "45", "10"])
        )

    def impact(self) -> str:
        return self.pick(IMPACT).format(n=self.r.randint(5, 60))

    def finish(self, body: str, extra_lines: list[str]) -> str:
        hour = self.at.hour
        greeting = (
            "Selamat pagi"
            if hour < 11
            else "Selamat siang"
            if hour < 15
            else "Selamat sore"
            if hour < 18
            else "Selamat malam"
        )
        opening = self.pick(OPENINGS).format(greeting=greeting)
        text = f"{opening} {body}".strip() if opening else body[0].upper() + body[1:]
        if extra_lines and self.r.random() < 0.3:
            text += "\n" + "\n".join(self.r.sample(extra_lines, k=min(len(extra_lines), self.r.randint(1, 2))))
        return text

    # --- one row per office --------------------------------------------------

    def ipas(self, at: datetime) -> dict:
        r, self.at = self.r, at
        unit = self.pick(IPAS_UNITS)
        module = self.pick(IPAS_MODULES)
        number = f"{self.pick(['DID', 'JID', 'EC00', 'IDM000'])}{r.randint(2023, 2026)}{r.randint(10000, 99999)}"
        body = self.pick(
            [
                f'{module} IPAS tidak dapat dibuka {self.since()}, muncul pesan "Internal Server Error".',
                f"data permohonan nomor {number} tidak tampil di {module} IPAS, padahal sudah dibayar.",
                f"{module} pada IPAS sangat lambat, satu transaksi bisa lebih dari 5 menit; {self.impact()}.",
                f"status permohonan {number} tidak berubah setelah disetujui pemeriksa di {module}.",
                f'tombol "Simpan" di {module} IPAS tidak berfungsi, data yang diisi hilang.',
                f"sertifikat elektronik untuk permohonan {number} gagal dibuat (error: 'template not found').",
                f"pemeriksa tidak bisa login ke IPAS {self.since()}, akun dinyatakan terkunci.",
            ]
        )
        extra = [
            f"Nomor permohonan terkait: {number}.",
            "Tangkapan layar terlampir pada surat.",
            f"Sudah dicoba di {r.randint(2, 6)} komputer berbeda, hasilnya sama.",
            "Mohon ditindaklanjuti sesuai SOP pemulihan gagal fungsi IPAS.",
        ]
        channel = r.choices(["surat", "email", "telepon", "whatsapp"], [6, 2, 1, 1])[0]
        priority = r.choices(["rendah", "sedang", "tinggi", "kritis"], [1, 4, 4, 1])[0]
        code = "".join(w[0] for w in unit.split() if w[0].isupper())[:5]
        return {
            "sop": "ipas-pemulihan",
            "unit": unit,
            "system": "IPAS",
            "host": self.pick(IPAS_HOSTS),
            "channel": channel,
            "priority": priority,
            "description": self.finish(body, extra),
            "_office": "ipas",
            "_code": code,
        }

    def kaltim(self, at: datetime) -> dict:
        r, self.at = self.r, at
        unit = self.pick(list(KALTIM_UNITS))
        code, own = KALTIM_UNITS[unit]
        system = self.pick(own) if r.random() < 0.8 else self.pick(list(KALTIM_SYSTEMS))
        host = KALTIM_SYSTEMS[system]
        engine = self.pick(KALTIM_ENGINES)
        table = self.pick(
            [
                "pegawai",
                "riwayat_jabatan",
                "transaksi_pkb",
                "anggaran_belanja",
                "kib_b",
                "kunjungan",
                "peserta_didik",
                "izin_usaha",
                "realisasi",
            ]
        )
        body = self.pick(
            [
                f'database {system} tidak bisa diakses {self.since()}, aplikasi menampilkan "connection refused".',
                f"koneksi ke database {system} ({engine}) sering terputus, {self.impact()}.",
                f"query laporan di {system} sangat lambat, tabel {table} terkunci (lock) cukup lama.",
                f"ruang disk server database {system} penuh, data baru gagal disimpan.",
                f"data {table} di {system} hilang sebagian setelah proses sinkronisasi semalam.",
                f"backup harian database {system} gagal {r.randint(2, 5)} hari berturut-turut.",
                f'muncul error "too many connections" pada database {system} saat jam sibuk.',
            ]
        )
        extra = [
            f"Mesin basis data: {engine}.",
            f"Tabel terdampak: {table}.",
            "Mohon dicek replikasi ke server cadangan.",
            f"Pesan galat: ORA-{r.randint(1000, 9999):05d}"
            if engine == "Oracle"
            else f"Pesan galat: SQLSTATE[HY000] [{r.randint(1040, 2013)}]",
        ]
        channel = r.choices(["surat", "telepon", "email", "whatsapp", "monitoring"], [2, 4, 2, 3, 2])[0]
        priority = r.choices(["rendah", "sedang", "tinggi", "kritis"], [1, 3, 4, 2])[0]
        return {
            "sop": "kaltim-db",
            "unit": unit,
            "system": system,
            "host": host,
            "channel": channel,
            "priority": priority,
            "description": self.finish(body, extra),
            "_office": "kaltim",
            "_code": code,
        }

    def cirebon(self, at: datetime) -> dict:
        r, self.at = self.r, at
        unit = self.pick(CIREBON_UNITS)
        system, host = r.choice(list(CIREBON_SYSTEMS.items()))
        menu = self.pick(
            [
                "menu cetak",
                "menu laporan",
                "halaman login",
                "menu unggah dokumen",
                "dashboard",
                "menu disposisi",
                "menu verifikasi",
                "menu rekap absensi",
            ]
        )
        body = self.pick(
            [
                f'aplikasi {system} tidak bisa dibuka {self.since()}, muncul tulisan "502 Bad Gateway".',
                f"{menu} di {system} error, tidak bisa mencetak; {self.impact()}.",
                f"lupa kata sandi akun {system}, reset lewat email tidak masuk.",
                f"{menu} {system} menampilkan data bulan lalu, bukan data terbaru.",
                f"unggah berkas PDF di {system} selalu gagal (ukuran {r.randint(1, 9)},{r.randint(1, 9)} MB).",
                f"{system} lambat sekali {self.since()}, {self.impact()}.",
                f"tampilan {system} berantakan setelah pembaruan, tombol 'Kirim' tidak muncul.",
            ]
        )
        extra = [
            f"Akun pengguna: {self.pick(FIRST_NAMES).lower()}.{self.pick(LAST_NAMES).lower()}",
            f"Browser: {self.pick(['Chrome', 'Firefox', 'Edge'])} versi terbaru.",
            "Sudah dicoba hapus cache, tetap sama.",
            "Mohon dibantu secepatnya, terima kasih.",
        ]
        channel = r.choices(["surat", "telepon", "email", "whatsapp"], [3, 3, 2, 4])[0]
        priority = r.choices(["rendah", "sedang", "tinggi", "kritis"], [3, 5, 2, 1])[0]
        return {
            "sop": "cirebon-aplikasi",
            "unit": unit,
            "system": system,
            "host": host,
            "channel": channel,
            "priority": priority,
            "description": self.finish(body, extra),
            "_office": "cirebon",
            "_code": "DISKOMINFO",
        }

    def tanbu(self, at: datetime) -> dict:
        r, self.at = self.r, at
        unit = self.pick(TANBU_UNITS)
        system = self.pick(TANBU_SYSTEMS)
        slug = unit.lower().replace("kecamatan ", "kec-").replace(" ", "-")[:18].strip("-")
        host = self.pick(TANBU_HOSTS).format(slug=slug, a=r.randint(1, 60))
        body = self.pick(
            [
                f"{system} di kantor putus total {self.since()}, lampu LOS pada modem menyala merah.",
                f"internet di {unit} lambat sekali, ping ke server kabupaten {r.randint(300, 2000)} ms.",
                f"{system} mati-hidup (putus-sambung) {self.since()}; {self.impact()}.",
                "kabel fiber di depan kantor terputus akibat pekerjaan galian jalan.",
                f"perangkat access point lantai 2 tidak memancarkan sinyal, {self.impact()}.",
                f"tidak bisa mengakses aplikasi SIMDA dan e-Kinerja lewat {system}.",
                f"{system} tidak ada koneksi setelah petir semalam, switch mati.",
            ]
        )
        extra = [
            "Sudah dicoba restart modem dan router, belum berhasil.",
            f"Kontak di lokasi: {self.person()} ({self.phone()}).",
            f"Jumlah komputer terdampak: {r.randint(3, 40)} unit.",
            "Mohon teknisi datang ke lokasi.",
        ]
        channel = r.choices(["surat", "telepon", "whatsapp", "monitoring"], [1, 4, 5, 2])[0]
        priority = r.choices(["rendah", "sedang", "tinggi", "kritis"], [1, 3, 4, 2])[0]
        code = "KOMINFO"
        return {
            "sop": "tanahbumbu-jaringan",
            "unit": unit,
            "system": system,
            "host": host,
            "channel": channel,
            "priority": priority,
            "description": self.finish(body, extra),
            "_office": "tanbu",
            "_code": code,
        }

    def phone(self) -> str:
        return f"08{self.r.randint(11, 59)}-{self.r.randint(1000, 9999)}-{self.r.randint(1000, 9999)}"

    # --- the files ---------------------------------------------------------------

    def month(self, count: int = 300) -> list[dict]:
        r = self.r
        days = self.days()
        weights = [0.15 if d.weekday() >= 5 else (1.3 if d.weekday() == 0 else 1.0) for d in days]
        makers = [(self.ipas, 2), (self.kaltim, 3), (self.cirebon, 4), (self.tanbu, 3)]
        rows = []
        for _ in range(count):
            day = r.choices(days, weights)[0]
            maker = r.choices([m for m, _w in makers], [w for _m, w in makers])[0]
            weekend = day.weekday() >= 5
            at = self.when(day, after_hours=weekend or r.random() < 0.06)
            row = maker(at)
            if weekend or at.hour < 7 or at.hour >= 17:
                # outside office hours it is mostly the monitoring system or a WhatsApp message
                row["channel"] = r.choice(["monitoring", "whatsapp"]) if row["sop"] != "ipas-pemulihan" else "email"
            row["received_at"] = at
            row["reporter"] = (
                "Sistem Monitoring NMS" if row["channel"] == "monitoring" and r.random() < 0.5 else self.person()
            )
            if row["channel"] == "monitoring":
                row["description"] = self.monitoring_text(row)
            rows.append(row)
        rows.sort(key=lambda x: x["received_at"])
        for row in rows:  # refs are numbered in order of arrival (TLP-20261103-01, -02, ...)
            if r.random() < 0.08:
                row["ref"] = ""  # a phone call nobody gave a number
            else:
                row["ref"] = self.ref(row["_office"], row["channel"], row["received_at"], row["_code"])
        return rows

    def monitoring_text(self, row: dict) -> str:
        r = self.r
        host = row["host"] or row["system"]
        return self.pick(
            [
                f"[ALERT] {host} DOWN — tidak merespons ping selama {r.randint(3, 30)} menit.",
                f"[ALERT] Latensi ke {host} {r.randint(400, 3000)} ms, packet loss {r.randint(10, 90)}%.",
                f"[CRITICAL] Layanan {row['system']} pada {host} tidak merespons (HTTP timeout).\n"
                f"Pemeriksaan otomatis gagal {r.randint(3, 9)} kali berturut-turut.",
                f"[WARNING] Penggunaan disk {host} {r.randint(91, 99)}%, layanan {row['system']} berisiko berhenti.",
            ]
        )

    def rekap(self, count: int = 40) -> list[dict]:
        """Kota Cirebon helpdesk recap kept in a spreadsheet by the Diskominfo front desk."""
        r = self.r
        days = [d for d in self.days() if d >= date(2026, 11, 2) and d.weekday() < 5]
        rows = []
        for _ in range(count):
            day = r.choice(days)
            at = self.when(day)
            row = self.cirebon(at)
            row["received_at"] = at
            row["reporter"] = self.person()
            rows.append(row)
        rows.sort(key=lambda x: x["received_at"])
        for number, row in enumerate(rows, start=412):  # the desk's running ticket number
            row["ref"] = "" if r.random() < 0.05 else f"HD-{row['received_at']:%y%m}-{number:04d}"
        return rows


def write_month_csv(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(
                [
                    row["ref"],
                    row["received_at"].isoformat(),
                    row["sop"],
                    row["reporter"],
                    row["unit"],
                    row["system"],
                    row["host"],
                    row["channel"],
                    row["priority"],
                    row["description"],
                ]
            )


def write_month_xlsx(rows: list[dict], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Pengaduan November 2026"
    sheet.append(XLSX_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row["ref"] or None,
                row["received_at"].replace(tzinfo=None),
                row["sop"],
                row["reporter"],
                row["unit"],
                row["system"],
                row["host"] or None,
                row["channel"],
                row["priority"],
                row["description"],
            ]
        )
    for cell in sheet["B"][1:]:
        cell.number_format = "dd/mm/yyyy hh:mm"
    for cell in sheet["J"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGHIJ", (28, 17, 20, 28, 45, 22, 28, 11, 10, 80)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    workbook.properties.created = datetime(2026, 11, 21, 8, 0)
    workbook.properties.creator = "Diskominfo"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(_pinned_zip(buffer.getvalue()))


def _pinned_zip(data: bytes) -> bytes:
    """The same workbook with the save time taken out (zip entry times, dcterms:modified): same seed, same bytes."""
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-11-21T08:00:00Z", content)
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 11, 21, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def write_rekap(rows: list[dict], path: Path, r: random.Random) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(REKAP_HEADER)
    for row in rows:
        at = row["received_at"]
        # typed by hand: sometimes 08.15 (Indonesian locale), sometimes 08:15
        stamp = at.strftime("%d/%m/%Y %H.%M") if r.random() < 0.6 else at.strftime("%d/%m/%Y %H:%M")
        description = row["description"].replace("\n", "\r\n")  # Excel keeps CRLF inside cells as well
        writer.writerow([row["ref"], stamp, row["sop"], row["reporter"], row["unit"], row["system"], description])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_bad(path: Path) -> int:
    rows = [
        [
            "SRT/101/DISKOMINFO/XI/2026",
            "2026-11-16T08:20:00+07:00",
            "cirebon-aplikasi",
            "Rina Susanti",
            "Dinas Kependudukan dan Pencatatan Sipil",
            "SIAK Terpusat",
            "",
            "surat",
            "tinggi",
            "Aplikasi SIAK tidak bisa mencetak KTP-el sejak pagi.",
        ],
        [
            "TLP-20261116-01",
            "2026-11-16T09:05:00+07:00",
            "kaltim-database",
            "Agus Setiawan",
            "Badan Kepegawaian Daerah Provinsi Kalimantan Timur",
            "SIMPEG",
            "db-simpeg.kaltimprov.go.id",
            "telepon",
            "tinggi",
            "Database SIMPEG tidak bisa diakses.",
        ],
        [
            "TLP-20261116-02",
            "31/02/2026 10.00",
            "tanahbumbu-jaringan",
            "Fajar Ramadhan",
            "Kecamatan Satui",
            "jaringan internet",
            "",
            "telepon",
            "sedang",
            "Internet kantor kecamatan putus.",
        ],
        [
            "WA-20261116-01",
            "2027-11-16T10:30:00+07:00",
            "cirebon-aplikasi",
            "Dewi Lestari",
            "Dinas Kesehatan",
            "SIMPUS",
            "simpus.cirebonkota.go.id",
            "whatsapp",
            "sedang",
            "SIMPUS lambat di puskesmas Kesambi.",
        ],
        [
            "EML-20261116-01",
            "2026-11-16T11:00:00+07:00",
            "ipas-pemulihan",
            "Hendra Kurniawan",
            "Direktorat Merek dan Indikasi Geografis",
            "IPAS",
            "",
            "email",
            "tinggi",
            "",
        ],
        [
            "TLP-20261116-03",
            "2026-11-16T13:15:00+07:00",
            "tanahbumbu-jaringan",
            "Sri Wahyuni",
            "Kecamatan Simpang Empat",
            "jaringan fiber OPD",
            "olt-simpangempat-02",
            "telepon",
            "kritis",
            "Jaringan fiber ke kantor kecamatan putus total, lampu LOS merah.",
        ],
        [
            "WA-20261116-02",
            "2026-11-16T13:40:00+07:00",
            "cirebon-aplikasi",
            "Iwan Gunawan",
            "Badan Kepegawaian dan Pengembangan SDM",
            "e-Kinerja",
            "ekinerja.cirebonkota.go.id",
            "whatsapp",
            "sedang",
            "Menu rekap e-Kinerja tidak menampilkan data bulan ini.",
        ],
        [
            "TLP-20261116-03",
            "2026-11-16T14:10:00+07:00",
            "tanahbumbu-jaringan",
            "Sri Wahyuni",
            "Kecamatan Simpang Empat",
            "jaringan fiber OPD",
            "olt-simpangempat-02",
            "telepon",
            "kritis",
            "Jaringan fiber ke kantor kecamatan masih putus (laporan ulang).",
        ],
        [
            "",
            "2026-11-17T08:45:00+07:00",
            "kaltim-db",
            "Yusuf Maulana",
            "Badan Pendapatan Daerah Provinsi Kalimantan Timur",
            "e-Samsat",
            "db-samsat.bapenda.kaltimprov.go.id",
            "monitoring",
            "kritis",
            "[ALERT] db-samsat.bapenda.kaltimprov.go.id DOWN — tidak merespons ping.",
        ],
        [
            "SRT/102/DISKOMINFO/XI/2026",
            "2026-11-17T09:30:00+07:00",
            "cirebon-aplikasi",
            "Maya Anggraini",
            "Kecamatan Kejaksan",
            "e-Office",
            "eoffice.cirebonkota.go.id",
            "surat",
            "rendah",
            "Disposisi surat di e-Office tidak bisa diteruskan ke Sekcam.",
        ],
    ]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    generator = Generator(args.seed)
    month = generator.month(args.rows)
    write_month_csv(month, args.out / "pengaduan-november-2026.csv")
    write_month_xlsx(month, args.out / "pengaduan-november-2026.xlsx")
    rekap = generator.rekap(40)
    write_rekap(rekap, args.out / "rekap-helpdesk-spreadsheet.csv", generator.r)
    bad = write_bad(args.out / "pengaduan-bermasalah.csv")
    print(
        f"pengaduan-november-2026.csv/.xlsx: {len(month)} rows; rekap-helpdesk-spreadsheet.csv: {len(rekap)} rows; "
        f"pengaduan-bermasalah.csv: {bad} rows"
    )


if __name__ == "__main__":
    main()
