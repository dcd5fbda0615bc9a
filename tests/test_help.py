"""``sop --help`` on an 80×24 screen: whole summaries in three panels, "start here" first, placeholders in
the interface language; and a missing argument named in it.

Run as a child process with ``COLUMNS=80``, as an operator's terminal would run it.
"""

from __future__ import annotations

import pytest

from helpers import process_env, run_sop
from sopcli.cli import COMMANDS, PANELS


def help_at_80(language: str, *args: str) -> list[str]:
    result = run_sop(process_env(SOP_LANG=language, COLUMNS="80"), *args, "--help")
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def listed_summaries(lines: list[str]) -> dict[str, str]:
    """Each command's summary as listed, its wrapped lines joined again."""
    summaries: dict[str, str] = {}
    name = None
    for line in lines:
        if line.startswith("  ") and not line.startswith("   ") and line.split()[0] in COMMANDS:
            name, text = line.split(maxsplit=1)
            summaries[name] = text
        elif name and line.startswith(" " * 12):  # a wrapped summary's next line
            summaries[name] += " " + line.strip()
        else:
            name = None
    return summaries


@pytest.mark.parametrize(
    ("language", "panels"), [("id", ["Harian:", "Atasan:", "Admin:"]), ("en", ["Daily:", "Supervisors:", "Admin:"])]
)
def test_every_summary_is_whole_at_80_columns(language, panels):
    from sopcli import i18n

    lines = help_at_80(language)
    i18n.set_language(language)
    try:
        whole = {name: i18n._(summary) for name, (_module, _attribute, summary) in COMMANDS.items()}
    finally:
        i18n.set_language("en")
    assert listed_summaries(lines) == whole
    assert not any(
        line.rstrip().endswith(("…", "...")) for line in lines if not line.startswith(("Penggunaan", "Usage"))
    )
    assert all(len(line) <= 80 for line in lines)
    assert [line for line in lines if line in panels] == panels


def test_the_first_screen_starts_here_and_shows_every_panel():
    first_screen = help_at_80("id")[:23]  # a 24-line terminal: 23 lines and the prompt, or less's status line
    assert first_screen[0] == "Penggunaan: sop [OPSI] PERINTAH [ARG]..."
    assert first_screen[1].strip() == "Mulai di sini: 'sop new' mencatat pengaduan; 'sop next NOMOR' menuntunnya."
    assert {"Harian:", "Atasan:", "Admin:"} <= set(first_screen)
    assert "Opsi:" not in first_screen  # the global options come after the commands


def test_panels_hold_every_command_once():
    names = [name for panel in PANELS.values() for name in panel]
    assert sorted(names) == sorted(COMMANDS)
    assert len(names) == len(set(names))


def test_placeholders_are_indonesian():
    text = "\n".join(help_at_80("id", "next"))
    assert text.startswith("Penggunaan: sop next [OPSI] NOMOR\n")
    assert "\n  NOMOR  Nomor pengaduan:" in text
    assert "--decision PILIHAN" in text and "--field KUNCI=NILAI" in text and "--note TEKS" in text
    for english in ("NUMBER", "<str>", "[OPTIONS]", "KEY=VALUE"):
        assert english not in text
    assert help_at_80("id", "config", "set")[0] == "Penggunaan: sop config set [OPSI] KUNCI NILAI"


def test_placeholders_stay_as_typer_writes_them_in_english():
    text = "\n".join(help_at_80("en", "next"))
    assert text.startswith("Usage: sop next [OPTIONS] {NUMBER}\n")
    assert "\n  NUMBER <str>  Complaint number:" in text
    assert help_at_80("en")[0] == "Usage: sop [OPTIONS] COMMAND [ARGS]..."


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("id", "Kesalahan: argumen NOMOR belum diisi (lihat 'sop next --help')\n"),
        ("en", "Error: missing argument 'NUMBER' (see 'sop next --help')\n"),
    ],
)
def test_next_without_a_number_is_one_line(sop_env, language, line):
    result = run_sop(process_env(SOP_LANG=language), "next")
    assert result.returncode == 2
    assert (result.stdout, result.stderr) == ("", line)
