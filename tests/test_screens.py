"""Whole screens at a terminal: what ``list``, ``show``, ``report``, ``journal`` and ``sops show`` look like.

Each is rendered by rich for a terminal of 80 and of 160 columns (the runtime's Terminal says standard output
is one, of that width), in Indonesian, over a fixed logbook and the conftest's fixed clock, and compared with
the file of the same name under ``tests/snapshots/``. After a deliberate change of layout, rewrite them with
``SOP_UPDATE_SNAPSHOTS=1 pytest tests/test_screens.py`` and read the difference before committing it.

Beside the snapshots, plain checks of what an operator relies on at 80 columns: no line is wider, no
complaint number is broken across lines, every figure of the report is there, and user text in square
brackets (or with escape sequences, emoji, CJK) is shown exactly as it was written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from helpers import exited_ok
from sopcli.cli import app
from sopcli.cli.state import AppState
from sopcli.present.render import visible
from sopcli.services.terminal import Terminal

SNAPSHOTS = Path(__file__).parent / "snapshots"
WIDTHS = (80, 160)
NUMBER = re.compile(r"ADU-[\d-]*")


def screen(args: list[str], width: int) -> str:
    """What ``sop --lang id ARGS`` shows at a terminal ``width`` columns wide (no pager: nobody types)."""
    terminal = Terminal(stdin_tty=False, stdout_tty=True, stderr_tty=False, columns=width)
    result = CliRunner().invoke(app, ["--lang", "id", *args], obj=AppState(terminal=terminal), catch_exceptions=False)
    return exited_ok(result).stdout


@pytest.fixture
def logbook(sop):
    """Three complaints on Monday 23/11/2026 (long unit names, brackets in the texts), one of them late."""

    def run(*args: str) -> None:
        exited_ok(sop(*args))

    for sop_id, received, actor, unit, system, description, reporter in (
        (
            "kaltim-db",
            "2026-11-23 08:00",
            "budi",
            "Badan Perencanaan Pembangunan Daerah Provinsi Kalimantan Timur",
            "SIMPEG",
            "Aplikasi SIMPEG tidak bisa login: koneksi ke database ditolak [ORA-12541]",
            "Sari [BKD]",
        ),
        (
            "tanahbumbu-jaringan",
            "2026-11-23 09:00",
            "budi",
            "Kecamatan Simpang Empat",
            "jaringan fiber OPD",
            "Jaringan fiber putus total sejak pagi, lampu LOS pada modem menyala merah.",
            "Sri Santoso, M.Si.",
        ),
        (
            "cirebon-aplikasi",
            "2026-11-23 10:00",
            "andi-pratama",
            "Dinas Komunikasi, Informatika dan Statistik",
            "Aplikasi Perizinan (SiCantik)",
            "Tidak bisa mengunggah berkas",
            "Rudi",
        ),
    ):
        run(
            "new",
            "--sop",
            sop_id,
            "--description",
            description,
            "--reporter",
            reporter,
            "--unit",
            unit,
            "--system",
            system,
            "--received-at",
            received,
            "--as",
            actor,
        )
    first, second, third = "ADU-2026-00001", "ADU-2026-00002", "ADU-2026-00003"
    run("next", first, "--at", "2026-11-23 08:20", "--as", "budi", "--output", "FL-0457")
    run("next", first, "--at", "2026-11-23 09:40", "--as", "andi-pratama")  # 80 of 60 minutes: late
    run("note", first, "cek log [/var/log/postgresql] dan [bold]x[/bold]", "--at", "2026-11-23 10:15", "--as", "budi")
    run("next", second, "--at", "2026-11-23 09:10", "--as", "budi")
    run("pause", second, "--reason", "Menunggu [vendor] konfirmasi", "--at", "2026-11-23 10:00", "--as", "budi")
    run("resume", second, "--at", "2026-11-23 13:00", "--as", "budi")
    run("cancel", third, "--reason", "Duplikat ADU-2026-00001", "--at", "2026-11-23 10:30", "--as", "andi-pratama")
    return sop


SCREENS = {
    "list": ["list"],
    "show": ["show", "ADU-2026-00001"],
    "report-daily": ["report", "--daily", "--date", "2026-11-23"],
    "journal": ["journal", "--date", "2026-11-23"],
    "sops-show": ["sops", "show", "kaltim-db"],
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", SCREENS)
def test_screen_matches_its_snapshot(logbook, name, width):
    shown = screen(SCREENS[name], width)
    snapshot = SNAPSHOTS / f"{name}-{width}.txt"
    if os.environ.get("SOP_UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(shown, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with SOP_UPDATE_SNAPSHOTS=1 to make it"
    assert shown == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SCREENS)
def test_at_80_columns_no_line_is_wider_and_no_number_is_broken(logbook, name):
    shown = screen(SCREENS[name], 80)
    assert max(cell_len(line) for line in shown.splitlines()) <= 80
    assert all(re.fullmatch(r"ADU-\d{4}-\d{5}", number) for number in NUMBER.findall(shown)), shown


@pytest.mark.parametrize("width", WIDTHS)
def test_the_list_keeps_what_an_operator_acts_on(logbook, width):
    shown = screen(["list"], width)
    lines = shown.splitlines()
    for number in ("ADU-2026-00001", "ADU-2026-00002"):
        assert sum(number in line for line in lines) == 1  # one row per complaint, its number whole
    late = next(line for line in lines if "ADU-2026-00001" in line)
    assert late.rstrip().endswith("TERLAMBAT 1 hari 5 jam")  # how late, whole, on the complaint's own line
    assert "sedang" in late and "Aplikasi" in late  # its priority and what it is about
    if width == 80:  # columns left out are named, not silently missing
        left_out = " ".join(shown[shown.index("Tidak ditampilkan") :].split())
        assert left_out.startswith("Tidak ditampilkan pada lebar layar ini: SOP, Diterima, Unit kerja, Sistem,")
    else:  # all but when it came in, the long unit name cut short ("…"): it is whole in 'sop show'
        assert "Tidak ditampilkan pada lebar layar ini: Diterima." in shown
        assert "Unit kerja" in shown and re.search(r"Badan Pe\w*…", shown)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_figure_of_the_report_is_on_the_screen(logbook, width):
    """Each cell of every section (the CSV blocks: Terlambat counts, P90, late-by times, operators) is shown.

    Only a column of text the screen names as left out (a step's kegiatan, which the SLA section shows) may
    be missing.
    """
    args = ["report", "--daily", "--date", "2026-11-23"]
    text = screen(args, width)
    left_out = {
        name
        for line in re.findall(r"Tidak ditampilkan pada lebar layar ini: (.*)\.", text)
        for name in line.split(", ")
    }
    assert left_out <= {"Kegiatan"}
    blocks = screen([*args, "--format", "csv"], width).strip("\n").split("\n\n")
    wanted: Counter[str] = Counter()
    for block in blocks:
        _heading, header, *rows = csv.reader(io.StringIO(block))
        shown_columns = [i for i, name in enumerate(header) if name not in left_out]
        rows = [row for row in rows if len(row) == len(header)]  # not the note under a list given in part
        wanted.update(word for row in rows for i in shown_columns for word in row[i].split())
    assert not wanted - Counter(text.split())
    report = json.loads(screen([*args, "--format", "json"], width))
    assert report["totals"]["overdue"] == 1 and report["overdue"][0]["number"] == "ADU-2026-00001"
    assert {"andi-pratama", "budi"} <= set(text.split())


def test_square_brackets_are_text_not_markup(logbook):
    """Shown whole, not read as rich markup (which failed 'show' and 'journal' and hid '[ya]')."""
    note = squashed("cek log [/var/log/postgresql] dan [bold]x[/bold]")
    assert note in squashed(screen(["show", "ADU-2026-00001"], 80))  # one card per entry: the note unbroken
    journal = squashed(screen(["journal", "--date", "2026-11-23"], 80))
    assert note in journal and squashed("Sari [BKD]") in journal
    assert "Menunggu [vendor] konfirmasi" in screen(["report", "--date", "2026-11-23"], 160)
    assert "7 [ya] → 8 [ya] → 9" in screen(["sops", "path", "kaltim-db"], 160)


def squashed(text: str) -> str:
    """``text`` without whitespace or the header rule: what stays the same however a column wraps it."""
    return "".join(ch for ch in text if not ch.isspace() and ch != "─")


# Any text a shell can pass: brackets, backslashes, control characters, emoji, wide CJK (no NUL, no surrogates).
TYPED = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=60)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=TYPED.filter(str.strip))
@example(typed="cek log [/var/log/postgresql]")
@example(typed="[bold]tebal[/] \\[ya] [tidak] [red")
@example(typed="\x1b]0;judul\x07\x1b[2J 障害報告 😀👍🏽 :warning:")
def test_user_text_is_shown_exactly_as_written(sop, typed):
    created = sop(
        "new",
        "--sop",
        "kaltim-db",
        "--description",
        typed,
        "--reporter",
        typed,
        "--unit",
        "BKD",
        "--system",
        "SIMPEG",
        "--received-at",
        "2026-11-23 08:00",
        "--json",
    )
    number = json.loads(exited_ok(created).stdout)["number"]
    exited_ok(sop("note", number, "--at", "2026-11-23 09:00", "--", typed))
    stored = json.loads(exited_ok(sop("show", number, "--json")).stdout)
    texts = [stored["description"], stored["reporter"], typed.strip()]  # names are kept with single spaces
    case = squashed(screen(["show", number], 80))
    journal = squashed(screen(["journal", "--date", "2026-11-23"], 80))
    for text in texts:
        assert squashed(visible(text)) in case
    assert squashed(visible(typed.strip())) in journal
    assert squashed(visible(stored["reporter"])) in journal
