"""sop report and sop journal over a small, hand-checked logbook.

The clock is fixed at Tuesday 24 November 2026, 16:00 WIB; office hours are
Mon-Thu 07:30-16:00 and Fri 07:30-16:30. The cases, in the order they are recorded:

D  ADU-2026-00001  kaltim-db  received Fri 20/11 14:00 (sari), BKD / SIMPEG.
   Step 1 done Mon 08:00 by sari: 150 + 30 = 180 working minutes against 30: late.
   Step 2 then due Mon 09:00. Step 2 done Tue 09:00 by sari (480 + 90 = 570 min, late);
   step 3 then due Tue 10:00.
A  ADU-2026-00002  kaltim-db  received Mon 23/11 08:00 (budi), BKD / SIMPEG. Walked to the end
   on Monday, taking the 7 → 5 loop once; resolved at 16:00 after 480 working minutes
   (standard 3 hari kerja = 1530).
B  ADU-2026-00003  kaltim-db  received Mon 09:00 (budi), Dinas Kesehatan / SIMPUS. Step 1 done
   09:10; paused 09:30-10:30 (60 min); step 2 then due 09:10 + 60 + 60 paused = 11:10.
C  ADU-2026-00004  cirebon-aplikasi  received Mon 10:00 (sari), Dinas Pendidikan / Dapodik;
   cancelled 10:30 (sari).

Every figure asserted below was worked out by hand from this list.
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text as text_

from helpers import exited_ok


@pytest.fixture
def logbook(sop):
    def new(received, actor, unit, system, sop_id="kaltim-db", description="Gangguan"):
        exited_ok(
            sop(
                "new",
                "--sop",
                sop_id,
                "--description",
                description,
                "--reporter",
                "Pelapor",
                "--unit",
                unit,
                "--system",
                system,
                "--received-at",
                received,
                "--as",
                actor,
            )
        )

    def step(number, at, actor, decision=None):
        args = ["next", number, "--at", at, "--as", actor]
        if decision:
            args += ["--decision", decision]
        exited_ok(sop(*args))

    new("2026-11-20 14:00", "sari", "BKD", "SIMPEG")  # D = 00001
    new("2026-11-23 08:00", "budi", "BKD", "SIMPEG")  # A = 00002
    step("ADU-2026-00001", "2026-11-23 08:00", "sari")  # D step 1, late
    new("2026-11-23 09:00", "budi", "Dinas Kesehatan", "SIMPUS")  # B = 00003
    a = "ADU-2026-00002"
    step(a, "2026-11-23 08:20", "budi")  # 1: 20 of 30
    step("ADU-2026-00003", "2026-11-23 09:10", "budi")  # B 1: 10 of 30
    exited_ok(
        sop(
            "pause",
            "ADU-2026-00003",
            "--reason",
            "Menunggu konfirmasi pelapor",
            "--at",
            "2026-11-23 09:30",
            "--as",
            "budi",
        )
    )
    step(a, "2026-11-23 09:30", "sari")  # 2: 70 of 60, late
    new("2026-11-23 10:00", "sari", "Dinas Pendidikan", "Dapodik", sop_id="cirebon-aplikasi")  # C = 00004
    step(a, "2026-11-23 10:00", "sari")  # 3: 30 of 60
    exited_ok(
        sop(
            "cancel",
            "ADU-2026-00004",
            "--reason",
            "Duplikat ADU-2026-00003",
            "--at",
            "2026-11-23 10:30",
            "--as",
            "sari",
        )
    )
    exited_ok(sop("resume", "ADU-2026-00003", "--at", "2026-11-23 10:30", "--as", "budi"))
    exited_ok(sop("note", a, "Koordinasi dengan vendor", "--at", "2026-11-23 12:00", "--as", "budi"))
    step(a, "2026-11-23 14:00", "budi")  # 4: 240 of 1020
    step(a, "2026-11-23 14:30", "budi")  # 5: 30 of 15, late
    step(a, "2026-11-23 15:00", "budi")  # 6: 30 of 60
    step(a, "2026-11-23 15:30", "sari", "tidak")  # 7: 30 of 60 -> back to 5
    step(a, "2026-11-23 15:40", "budi")  # 5: 10
    step(a, "2026-11-23 15:50", "budi")  # 6: 10
    step(a, "2026-11-23 15:55", "sari", "ya")  # 7: 5
    step(a, "2026-11-23 15:58", "sari", "ya")  # 8: 3 of 15
    step(a, "2026-11-23 16:00", "budi")  # 9: 2 of 15 -> resolved
    step("ADU-2026-00001", "2026-11-24 09:00", "sari")  # D step 2 on Tuesday, late
    return sop


def report_json(sop, *args):
    result = exited_ok(sop("report", *args, "--format", "json"))
    return json.loads(result.stdout)


def by(items, key):
    return {item[key]: item for item in items}


def test_daily_report_totals_and_groups(logbook):
    data = report_json(logbook, "--daily", "--date", "2026-11-23")

    assert data["period"] == {"kind": "daily", "from": "2026-11-23", "to": "2026-11-23"}
    assert data["as_of"] == "2026-11-24T00:00:00+07:00"
    assert data["totals"] == {
        "received": 3,
        "resolved": 1,
        "no_fault_found": 0,
        "referred": 0,
        "rejected": 0,
        "cancelled": 1,
        "open": 2,
        "overdue": 2,
    }
    sops = by(data["by_sop"], "sop")
    assert sops["kaltim-db"] | {} == {
        "sop": "kaltim-db",
        "received": 2,
        "resolved": 1,
        "no_fault_found": 0,
        "referred": 0,
        "rejected": 0,
        "cancelled": 0,
        "open": 2,
        "overdue": 2,
    }
    assert sops["cirebon-aplikasi"] == {
        "sop": "cirebon-aplikasi",
        "received": 1,
        "resolved": 0,
        "no_fault_found": 0,
        "referred": 0,
        "rejected": 0,
        "cancelled": 1,
        "open": 0,
        "overdue": 0,
    }
    units = by(data["by_unit"], "unit")
    assert units["BKD"] == {
        "unit": "BKD",
        "received": 1,
        "resolved": 1,
        "no_fault_found": 0,
        "referred": 0,
        "rejected": 0,
        "cancelled": 0,
        "open": 1,
        "overdue": 1,
    }
    assert units["Dinas Kesehatan"]["open"] == 1 and units["Dinas Kesehatan"]["overdue"] == 1
    assert units["Dinas Pendidikan"]["cancelled"] == 1 and units["Dinas Pendidikan"]["open"] == 0
    assert by(data["by_system"], "system")["SIMPEG"]["received"] == 1


def test_daily_report_step_compliance(logbook):
    steps = {(s["sop"], s["step"]): s for s in report_json(logbook, "--date", "2026-11-23")["steps"]}

    assert list(steps) == [("kaltim-db", str(n)) for n in range(1, 10)]  # SOP order
    one = steps[("kaltim-db", "1")]  # D 180 (late), A 20, B 10
    assert (one["done"], one["on_time"], one["late"]) == (3, 2, 1)
    assert (one["median_minutes"], one["p90_minutes"], one["standard_minutes"]) == (20, 180, 30)
    assert one["on_time_percent"] == 66.7
    two = steps[("kaltim-db", "2")]
    assert (two["done"], two["on_time"], two["late"], two["median_minutes"], two["standard_minutes"]) == (
        1,
        0,
        1,
        70,
        60,
    )
    five = steps[("kaltim-db", "5")]  # 30 (late) and 10 on the loop back
    assert (five["done"], five["on_time"], five["late"], five["median_minutes"], five["p90_minutes"]) == (
        2,
        1,
        1,
        20,
        30,
    )
    seven = steps[("kaltim-db", "7")]  # 30 and 5
    assert (seven["done"], seven["median_minutes"], seven["p90_minutes"]) == (2, 17.5, 30)
    assert steps[("kaltim-db", "4")]["standard_minutes"] == 1020  # 1-2 hari: the upper end, 2 x 510


def test_daily_report_overdue_rebuilds_the_state_at_the_end_of_a_past_day(logbook):
    data = report_json(logbook, "--date", "2026-11-23")

    # At Tuesday 00:00: D waited at step 2 since Mon 08:00 (due 09:00): 420 min late,
    # although it has moved on since. B waited at step 2, due 11:10 after its pause: 290 min.
    assert [(o["number"], o["step"], o["late_minutes"]) for o in data["overdue"]] == [
        ("ADU-2026-00001", "2", 420),
        ("ADU-2026-00003", "2", 290),
    ]
    assert data["overdue"][0]["role"] == "Pejabat Administrator Bidang TIK"
    assert data["overdue"][1]["due_at"] == "2026-11-23T11:10:00+07:00"


def test_today_report_judges_overdue_now(logbook):
    data = report_json(logbook, "--daily")  # Tuesday, as of 16:00

    assert data["as_of"] == "2026-11-24T16:00:00+07:00"
    assert data["totals"] == {
        "received": 0,
        "resolved": 0,
        "no_fault_found": 0,
        "referred": 0,
        "rejected": 0,
        "cancelled": 0,
        "open": 2,
        "overdue": 2,
    }
    # B: 290 min on Monday + a whole Tuesday (510); D: at step 3 since 09:00, due 10:00.
    assert [(o["number"], o["step"], o["late_minutes"]) for o in data["overdue"]] == [
        ("ADU-2026-00003", "2", 800),
        ("ADU-2026-00001", "3", 360),
    ]
    assert [(s["step"], s["done"], s["late"], s["median_minutes"]) for s in data["steps"]] == [("2", 1, 1, 570)]
    # B 800 min late: between 1 and 3 working days of 510 min; D 360: under one.
    assert [(g["step"], g["late_working_days"], g["total"]) for g in data["overdue_by_step"]] == [
        ("2", {"0-1": 0, "1-3": 1, "3-10": 0, "10+": 0}, 1),
        ("3", {"0-1": 1, "1-3": 0, "3-10": 0, "10+": 0}, 1),
    ]


def test_a_past_days_overdue_cases_are_banded_as_they_stood_then(logbook):
    data = report_json(logbook, "--date", "2026-11-23")
    # D moved on since (rebuilt from its journal), B did not (counted in SQL): both under a working day late.
    assert [(g["sop"], g["step"], g["late_working_days"]["0-1"], g["total"]) for g in data["overdue_by_step"]] == [
        ("kaltim-db", "2", 2, 2)
    ]
    assert data["overdue_not_listed"] == 0


def test_resolution_rework_pauses_and_operators(logbook):
    data = report_json(logbook, "--date", "2026-11-23")

    assert data["resolution"] == [
        {
            "sop": "kaltim-db",
            "resolved": 1,
            "within_standard": 1,
            "median_minutes": 480,
            "p90_minutes": 480,
            "standard_minutes": 1530,
        }
    ]
    assert data["rework"] == [{"sop": "kaltim-db", "from_step": "7", "to_step": "5", "times": 1}]
    assert data["pauses"] == {
        "by_reason": [{"reason": "Menunggu konfirmasi pelapor", "times": 1}],
        "paused_minutes": 60,
    }
    operators = by(data["operators"], "operator")
    assert operators["budi"] == {
        "operator": "budi",
        "recorded": 2,
        "steps": 8,
        "late_steps": 1,
        "notes": 1,
        "pauses": 2,
        "cancellations": 0,
        "corrections": 0,
        "entries": 13,
    }
    assert operators["sari"] == {
        "operator": "sari",
        "recorded": 1,
        "steps": 6,
        "late_steps": 2,
        "notes": 0,
        "pauses": 0,
        "cancellations": 1,
        "corrections": 0,
        "entries": 8,
    }


NO_OVERALL_STANDARD_SOP = """\
id = "tanpa-standar"
version = "1"
nomor = "002/SOP/2026"
nama = "SOP tanpa waktu keseluruhan"
instansi = "Diskominfo Kota Contoh"
waktu = ""

[[roles]]
key = "operator"
nama = "Operator Layanan"

[[steps]]
id = "1"
kegiatan = "Menerima dan menyelesaikan pengaduan"
pelaksana = ["operator"]
waktu = "1 jam"
end = "resolved"
"""


def test_resolution_without_an_overall_standard_has_no_within_figure(logbook, tmp_path):
    path = tmp_path / "tanpa-standar.toml"
    path.write_text(NO_OVERALL_STANDARD_SOP, encoding="utf-8")
    exited_ok(
        logbook(
            "new",
            "--sop",
            str(path),
            "--description",
            "Gangguan",
            "--reporter",
            "Pelapor",
            "--unit",
            "BKD",
            "--system",
            "SIMPEG",
            "--received-at",
            "2026-11-23 08:00",
            "--as",
            "budi",
        )
    )
    exited_ok(logbook("next", "ADU-2026-00005", "--at", "2026-11-23 08:40", "--as", "budi"))

    data = report_json(logbook, "--date", "2026-11-23")
    assert by(data["resolution"], "sop")["tanpa-standar"] == {
        "sop": "tanpa-standar",
        "resolved": 1,
        "within_standard": None,
        "median_minutes": 40,
        "p90_minutes": 40,
        "standard_minutes": None,
    }
    assert by(data["resolution"], "sop")["kaltim-db"]["within_standard"] == 1  # a standard: still counted

    plain = exited_ok(logbook("report", "--date", "2026-11-23", "--format", "plain")).stdout
    assert re.search(r"^tanpa-standar\s+1\s+-\s+40 min\s+40 min\s+-$", plain, re.MULTILINE), plain
    assert re.search(r"^kaltim-db\s+1\s+1\s+", plain, re.MULTILINE)
    csv_text = exited_ok(logbook("report", "--date", "2026-11-23", "--format", "csv")).stdout
    assert "tanpa-standar,1,-," in csv_text


def test_weekly_and_monthly_periods(logbook):
    week = report_json(logbook, "--weekly", "--date", "2026-11-25")
    assert week["period"] == {"kind": "weekly", "from": "2026-11-23", "to": "2026-11-29"}
    assert week["totals"] == {
        "received": 3,
        "resolved": 1,
        "no_fault_found": 0,
        "referred": 0,
        "rejected": 0,
        "cancelled": 1,
        "open": 2,
        "overdue": 2,
    }
    two = by(week["steps"], "step")["2"]  # A 70 and D 570, both late
    assert (two["done"], two["late"], two["median_minutes"], two["p90_minutes"]) == (2, 2, 320, 570)

    month = report_json(logbook, "--monthly", "--date", "2026-11-05")
    assert month["period"] == {"kind": "monthly", "from": "2026-11-01", "to": "2026-11-30"}
    assert month["totals"]["received"] == 4

    ranged = report_json(logbook, "--from", "20/11/2026", "--to", "2026-11-22")
    assert ranged["period"] == {"kind": "range", "from": "2026-11-20", "to": "2026-11-22"}
    # D, received on Friday, still at step 1 at Sunday's end: due Fri 14:30, 120 min late (the weekend is closed).
    assert ranged["totals"] == {
        "received": 1,
        "resolved": 0,
        "no_fault_found": 0,
        "referred": 0,
        "rejected": 0,
        "cancelled": 0,
        "open": 1,
        "overdue": 1,
    }
    assert ranged["overdue"][0]["late_minutes"] == 120


def test_sop_filter(logbook):
    data = report_json(logbook, "--date", "2026-11-23", "--sop", "cirebon-aplikasi")
    assert data["totals"] == {
        "received": 1,
        "resolved": 0,
        "no_fault_found": 0,
        "referred": 0,
        "rejected": 0,
        "cancelled": 1,
        "open": 0,
        "overdue": 0,
    }
    assert data["steps"] == [] and data["overdue"] == []
    assert [o["operator"] for o in data["operators"]] == ["sari"]


def test_an_empty_day_is_a_clear_empty_report(sop):
    exited_ok(sop("db", "upgrade"))  # an empty logbook: reading never creates one
    result = exited_ok(sop("report", "--date", "2026-11-02", "--format", "plain"))
    assert "No complaints and no activity in this period." in result.stdout
    assert "No steps were done in this period." in result.stdout
    data = report_json(sop, "--date", "2026-11-02")
    assert data["totals"] == {
        "received": 0,
        "resolved": 0,
        "no_fault_found": 0,
        "referred": 0,
        "rejected": 0,
        "cancelled": 0,
        "open": 0,
        "overdue": 0,
    }
    assert data["steps"] == data["overdue"] == data["operators"] == []


def test_report_is_deterministic(logbook):
    first = logbook("report", "--date", "2026-11-23", "--format", "markdown").stdout
    assert first == logbook("report", "--date", "2026-11-23", "--format", "markdown").stdout
    html = logbook("report", "--date", "2026-11-23", "--format", "html").stdout
    assert html == logbook("report", "--date", "2026-11-23", "--format", "html").stdout


def test_plain_and_markdown_reports_hold_the_figures(logbook):
    plain = exited_ok(logbook("report", "--date", "2026-11-23", "--format", "plain")).stdout
    assert plain.startswith("Daily report — Monday, 23 November 2026\n")
    # "1 d" in this report is a working day of the office's hours, not 24 hours: the header says so.
    assert "\nDurations: working time; 1 working day = 8 h 30 min\n" in plain
    assert re.search(r"^\s*3\s+1\s+0\s+0\s+0\s+1\s+2\s+2$", plain, re.MULTILINE)  # the summary row
    assert re.search(r"ADU-2026-00001\s+kaltim-db\s+2\s+.*7 h$", plain, re.MULTILINE)  # 420 min late
    markdown = exited_ok(logbook("report", "--date", "2026-11-23", "--format", "markdown")).stdout
    assert "## SLA compliance per SOP step" in markdown
    assert "| kaltim-db | 7 → 5  |       1 |" in markdown


def test_bars_read_without_colour(sop_env):  # English: 50.0%
    # On a terminal with NO_COLOR (or for a colour-blind reader) the on-time and late parts of a bar
    # must differ by character, not only by green and red.
    import io

    from rich.console import Console

    from sopcli.present.documents import Bar
    from sopcli.present.publish import _rich_bars

    screen = Console(file=io.StringIO(), no_color=True, width=100, force_terminal=True)
    screen.print(_rich_bars([Bar("kaltim-db 1", 1, 1), Bar("kaltim-db 2", 0, 3), Bar("kaltim-db 3", 2, 0)]))
    lines = re.sub(r"\x1b\[[0-9;]*m", "", screen.file.getvalue()).splitlines()
    assert [line.split() for line in lines] == [
        ["kaltim-db", "1", "█" * 15 + "░" * 15, "50.0%"],
        ["kaltim-db", "2", "░" * 30, "0.0%"],
        ["kaltim-db", "3", "█" * 30, "100.0%"],
    ]


def test_csv_report_is_one_block_per_section(logbook):
    text = exited_ok(logbook("report", "--date", "2026-11-23", "--format", "csv")).stdout
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0].splitlines() == [
        "Summary",
        "Received,Resolved,No fault found,Referred,Rejected,Cancelled,Open,Overdue",
        "3,1,0,0,0,1,2,2",
    ]
    assert any(block.startswith("Rework: loops taken\n") and "kaltim-db,7 → 5,1" in block for block in blocks)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.references: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            # url(#…) points inside the page (a chart's fill pattern); anything else would reach outside it.
            if name in ("src", "href") or (value and "url(" in value.replace("url(#", "")):
                self.references.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_self_contained_and_printable(logbook, tmp_path):
    target = tmp_path / "laporan.html"
    result = exited_ok(logbook("--lang", "id", "report", "--date", "2026-11-23", "-o", str(target)))
    assert "laporan.html" in result.stderr
    page = _Page()
    html = target.read_text(encoding="utf-8")
    page.feed(html)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="id">' in html
    assert page.tags.count("svg") == 2  # the backlog by age, and the SLA chart: a bar per step
    assert html.count("<rect") >= 9
    assert page.references == [] and "<script" not in html and "@import" not in html and "<link" not in html
    text = " ".join(page.text)
    assert "Laporan harian" in text and "Senin, 23 November 2026" in text
    assert "ADU-2026-00001" in text and "NIP." in text


def test_html_signature_block_uses_the_configured_signer(logbook):
    for key, value in (
        ("office_name", "Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur"),
        ("office_place", "Samarinda"),
        ("signer_title", "Kepala Seksi Infrastruktur"),
        ("signer_name", "Ir. Siti Rahma"),
        ("signer_nip", "197805122005012003"),
    ):
        exited_ok(logbook("config", "set", key, value))
    html = exited_ok(logbook("report", "--date", "2026-11-23", "--format", "html")).stdout
    assert "Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur" in html
    assert "Samarinda, 24 November 2026" in html  # signed on the day the report speaks for: as of Tuesday 00:00
    assert "Ir. Siti Rahma" in html and "NIP. 197805122005012003" in html


@pytest.mark.parametrize(
    "args, message",
    [
        (["--daily", "--weekly"], "choose one of --daily, --weekly and --monthly"),
        (["--weekly", "--from", "2026-11-01"], "--from/--to give their own period"),
        (["--date", "2026-11-01", "--from", "2026-11-01"], "give either --date or --from/--to"),
        (["--to", "2026-11-01"], "--to needs --from"),
        (["--from", "2026-11-10", "--to", "2026-11-01"], "--to 2026-11-01 is before --from 2026-11-10"),
        (["--date", "2026-12-01"], "in the future"),
        (["--date", "kemarin lusa"], "kemarin lusa"),
        (["--format", "docx"], "unknown format 'docx'"),
    ],
)
def test_bad_report_options_are_one_line_errors(sop, args, message):
    result = sop("report", *args)
    assert result.exit_code != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_journal_lists_the_day_in_time_order(logbook):
    data = json.loads(exited_ok(logbook("journal", "--date", "2026-11-23", "--format", "json")).stdout)
    entries = data["entries"]
    assert len(entries) == 21
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    first = entries[0]  # A received at 08:00 was recorded before D's step 1 at 08:00
    assert (first["number"], first["action"]) == ("ADU-2026-00002", "received")
    d_step = entries[1]
    assert (d_step["number"], d_step["step"], d_step["on_time"], d_step["took_minutes"], d_step["actor"]) == (
        "ADU-2026-00001",
        "1",
        False,
        180,
        "sari",
    )
    assert d_step["kegiatan"].startswith("Menerima dan mencatat Laporan")
    assert d_step["pelaksana"] == "Pemeriksa dan Pengelola Teknologi Informasi"
    loop = next(e for e in entries if e["decision"] == "tidak")
    assert (loop["number"], loop["step"], loop["actor"]) == ("ADU-2026-00002", "7", "sari")


def test_journal_filters_and_formats(logbook, tmp_path):
    sari = json.loads(
        exited_ok(logbook("journal", "--date", "2026-11-23", "--actor", "sari", "--format", "json")).stdout
    )
    assert len(sari["entries"]) == 8 and {e["actor"] for e in sari["entries"]} == {"sari"}
    cirebon = json.loads(
        exited_ok(logbook("journal", "--date", "2026-11-23", "--sop", "cirebon-aplikasi", "--format", "json")).stdout
    )
    assert [e["action"] for e in cirebon["entries"]] == ["received", "cancel"]

    plain = exited_ok(logbook("journal", "--date", "2026-11-23", "--format", "plain")).stdout
    assert "Jurnal harian / log tanggapan keluhan — Monday, 23 November 2026" in plain
    assert "\nDurations: working time; 1 working day = 8 h 30 min\n" in plain
    assert re.search(r"^08:00\s+ADU-2026-00001\s+1\s+", plain, re.MULTILINE)
    csv_text = exited_ok(logbook("journal", "--date", "2026-11-23", "--format", "csv")).stdout
    assert csv_text.splitlines()[1] == "at,number,step,kegiatan,pelaksana,actor,action,note,output,timing,recorded_at"

    target = tmp_path / "jurnal.html"
    exited_ok(logbook("journal", "--date", "2026-11-23", "-o", str(target)))
    page = _Page()
    page.feed(target.read_text(encoding="utf-8"))
    assert page.references == [] and page.tags.count("tr") == 22  # header + 21 entries
    assert "landscape" in target.read_text(encoding="utf-8")


def test_journal_of_an_empty_day(sop):
    exited_ok(sop("db", "upgrade"))  # an empty logbook: reading never creates one
    result = exited_ok(sop("journal", "--date", "2026-11-02", "--format", "plain"))
    assert "No journal entries in this period." in result.stdout


def test_a_failed_write_leaves_no_file(logbook, tmp_path):
    result = logbook("report", "--date", "2026-11-23", "-o", str(tmp_path / "missing" / "laporan.html"))
    assert result.exit_code == 1 and "cannot write" in result.stderr
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("command", [("report", "--date", "2026-11-23"), ("journal", "--date", "2026-11-23")])
def test_an_output_extension_no_format_goes_by_is_refused_unless_format_is_given(logbook, tmp_path, command):
    """Plain text in a file named .docx would mislead whoever opens it."""
    target = tmp_path / "laporan.docx"
    result = logbook(*command, "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot tell the format of {target} "
        "(give --format, or a name ending in .csv|.htm|.html|.json|.md|.pdf|.txt)\n"
    )
    assert result.stdout == "" and not target.exists()
    exited_ok(logbook(*command, "--format", "plain", "-o", str(target)))  # asked for in so many words
    assert target.read_text(encoding="utf-8").startswith(("Daily report", "Jurnal harian"))


@pytest.mark.parametrize(
    ("name", "start"), [("laporan.md", "# Daily report"), ("laporan.JSON", "{"), ("laporan", "Daily report")]
)
def test_the_output_extension_picks_the_format_and_no_extension_is_plain_text(logbook, tmp_path, name, start):
    target = tmp_path / name
    exited_ok(logbook("report", "--date", "2026-11-23", "-o", str(target)))
    assert target.read_text(encoding="utf-8").startswith(start)


# --- the SQL percentiles follow the stated rule --------------------------------------


@pytest.fixture(scope="module")
def aggregate_db(tmp_path_factory):
    """One complaint to hang generated journal rows on; each example uses its own step id."""
    from datetime import datetime

    from sopcli.store.database import Database
    from sopcli.store.models import Complaint, SopVersion

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('agg') / 'sop.db'}")
    database.ensure_ready()
    moment = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    with database.transaction(write=True) as session:
        version = SopVersion(sop_id="x", version="1", digest="d", source="", origin="test", first_used_at=moment)
        session.add(version)
        session.flush()
        session.add(
            Complaint(
                number="ADU-2026-00001",
                year=2026,
                serial=1,
                sop_version_id=version.id,
                sop_id="x",
                description="d",
                reporter="r",
                unit="u",
                system="s",
                channel="c",
                priority="sedang",
                received_at=moment,
                status="open",
                last_at=moment,
                created_by="t",
            )
        )
    return database


_examples = iter(range(10**6))


@settings(max_examples=40, deadline=None)
@given(
    took=st.lists(
        st.floats(min_value=0, max_value=5000, allow_nan=False).map(lambda v: round(v, 2)), min_size=1, max_size=25
    )
)
def test_sql_median_and_p90_equal_the_python_rule(aggregate_db, took):
    from datetime import datetime, timedelta

    from sopcli.domain import figures
    from sopcli.store import aggregates
    from sopcli.store.models import JournalEntry

    step = f"s{next(_examples)}"
    moment = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    with aggregate_db.transaction(write=True) as session:
        last = session.execute(text_("SELECT COALESCE(MAX(seq), 0) FROM journal_entry")).scalar()
        for offset, minutes in enumerate(took, start=1):
            session.add(
                JournalEntry(
                    seq=last + offset,
                    complaint_id=1,
                    complaint_number="ADU-2026-00001",
                    action="step",
                    step=step,
                    actor="t",
                    at=moment,
                    recorded_at=moment,
                    took_minutes=minutes,
                    on_time=minutes <= 60,
                    standard_minutes=60,
                    prev_hash="-",
                    hash="-",
                )
            )
    with aggregate_db.transaction() as session:
        rows = aggregates.step_figures(session, moment, moment + timedelta(minutes=1))
    (row,) = [r for r in rows if r[1] == step]
    _sop, _step, done, on_time, late, median, p90, low, high = row
    assert (done, on_time, late) == (len(took), sum(v <= 60 for v in took), sum(v > 60 for v in took))
    assert median == pytest.approx(figures.median(took))
    assert p90 == pytest.approx(figures.p90(took))
    assert low == high == 60
