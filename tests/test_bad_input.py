"""Any text in any option: a result or a one-line error, never a traceback, and nothing half-written.

Hypothesis feeds every free-text option and argument of the everyday commands
with arbitrary text: control characters, very long strings, lone surrogates
(what Python makes of invalid UTF-8 bytes in argv), dates and numbers of every
shape. Whatever the outcome, the exit code is a documented one, an error is one
line on stderr, and the journal still verifies with nothing added by a refusal.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import record_complaint

NASTY = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1000, max_size=3000),
    st.sampled_from(
        [
            "\udcff\udcfe",
            "abc\udc80",
            "\x00",
            "\x1b[31m",
            "-1",
            "1e309",
            "9999-99-99",
            "31/02/2026",
            "2026-11-24T25:00",
            "besok lusa",
            "🙂",
            "   ",
            "'; DROP TABLE complaint; --",
            "--help",
        ]
    ),
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DOCUMENTED_EXITS = {0, 1, 2, 3}


@pytest.fixture
def logbook(sop):
    record_complaint(sop, "2026-11-24 08:00")
    return sop


def _entries(sop) -> int:
    verified = sop("verify", "--full")  # the whole chain, and its count
    assert verified.exit_code == 0, verified.output
    return int(re.search(r"([\d,]+) journal entries", verified.stdout).group(1).replace(",", ""))


def _handled(result) -> None:
    assert result.exit_code in DOCUMENTED_EXITS, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


COMMANDS = {
    "new --received-at": lambda v: [
        "new",
        "--sop",
        "kaltim-db",
        "--description",
        "d",
        "--reporter",
        "r",
        "--unit",
        "u",
        "--system",
        "s",
        "--received-at",
        v,
    ],
    "new --priority": lambda v: [
        "new",
        "--sop",
        "kaltim-db",
        "--description",
        "d",
        "--reporter",
        "r",
        "--unit",
        "u",
        "--system",
        "s",
        "--priority",
        v,
    ],
    "new --sop": lambda v: ["new", "--sop", v, "--description", "d", "--reporter", "r", "--unit", "u", "--system", "s"],
    "next --at": lambda v: ["next", "ADU-2026-00001", "--at", v],
    "next --decision": lambda v: ["next", "ADU-2026-00001", "--decision", v],
    "next NUMBER": lambda v: ["next", v],
    "note --at": lambda v: ["note", "ADU-2026-00001", "catatan", "--at", v],
    "pause --reason": lambda v: ["pause", "ADU-2026-00001", "--reason", v],
    "list --status": lambda v: ["list", "--status", v],
    "list --since": lambda v: ["list", "--since", v],
    "report --date": lambda v: ["report", "--date", v, "--format", "json"],
    "journal --date": lambda v: ["journal", "--date", v, "--format", "json"],
    "export --since": lambda v: ["export", "complaints", "--since", v],
    "operator add --role": lambda v: ["operator", "add", "budi", "--role", v],
    "--as": lambda v: ["note", "ADU-2026-00001", "catatan", "--as", v],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_any_text_is_a_result_or_one_error_line(logbook, name):
    @SETTINGS
    @given(value=NASTY)
    def run(value):
        before = _entries(logbook)
        result = logbook(*COMMANDS[name](value))
        _handled(result)
        after = _entries(logbook)
        if result.exit_code:
            assert after == before  # a refusal writes nothing

    run()


@SETTINGS
@given(text=NASTY)
def test_descriptions_and_notes_are_kept_exactly_or_refused(logbook, text):
    result = logbook("note", "ADU-2026-00001", "--", text)  # "--": a note may itself start with a dash
    _handled(result)
    if result.exit_code == 0:
        import json

        notes = [
            e["note"]
            for e in json.loads(logbook("show", "ADU-2026-00001", "--json").stdout)["journal"]
            if e["action"] == "note"
        ]
        assert notes[-1] == text


# Any arguments at all: option names in the wrong places, missing values, unknown options and
# commands. Typer's usage errors are reworded in the interface language (cli/localise.py), and
# the rewording must hold for every shape of mistake: one line, never a traceback.
WORDS = st.sampled_from(
    [
        "new",
        "next",
        "show",
        "list",
        "sops",
        "report",
        "journal",
        "seal",
        "db",
        "config",
        "set",
        "--sop",
        "--json",
        "--json=1",
        "--limit",
        "--limit=-",
        "--format",
        "--lang",
        "--as",
        "--foo",
        "--daily",
        "--date",
        "-o",
        "-x",
        "--",
        "-",
        "ADU-2026-00001",
        "42",
        "kaltim-db",
        "ya",
        "",
    ]
)


@SETTINGS
@given(words=st.lists(st.one_of(WORDS, NASTY), min_size=1, max_size=6))
def test_any_arguments_are_a_result_or_one_error_line(logbook, words):
    before = _entries(logbook)
    result = logbook(*words)
    _handled(result)
    if result.exit_code:
        assert _entries(logbook) == before


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--date", "0001-01-01"],
        ["report", "--date", "0026-11-20"],  # 0026 for 2026
        ["journal", "--date", "0001-01-01"],
        ["list", "--since", "0001-01-01"],
        ["journal", "seal", "--date", "1900-01-01"],
        ["export", "journal", "--since", "9999-12-31"],
    ],
)
def test_a_year_no_logbook_has_is_refused_in_one_line(logbook, args):
    result = logbook(*args)
    assert result.exit_code == 1, result.output
    assert re.fullmatch(r"Error: year \d+ is out of range: '[^']+' \(check the year\)\n", result.stderr)
    assert _entries(logbook) == 1  # the seal was not written


@pytest.mark.parametrize(("value", "reason"), [("-1", "at least 0"), ("99999999999999999999", "at most 1000000000")])
def test_list_limit_out_of_range_is_a_usage_error(logbook, value, reason):
    result = logbook("list", "--limit", value)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: invalid value for '--limit': {reason} (see 'sop list --help')\n",
    )


@pytest.mark.parametrize("command", [["report", "--daily"], ["journal"], ["export", "complaints"]])
def test_output_to_a_folder_is_refused_before_the_work(logbook, tmp_path, command):
    result = logbook(*command, "-o", str(tmp_path))
    assert (result.exit_code, result.stderr) == (1, f"Error: cannot write {tmp_path}: it is a folder, not a file\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
