"""The edges of the command line: the --debug hint and its positions, inverted time ranges."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from helpers import ok
from sopcli.cli import app
from sopcli.cli.state import AppState
from sopcli.errors import SopError
from sopcli.services.terminal import Terminal


class BrokenTerminal(Terminal):
    """A terminal whose streams cannot be asked about: stands for any unforeseen failure in a command."""

    @property
    def stdin_is_tty(self) -> bool:
        raise RuntimeError("the terminal went away")


# --- --debug ------------------------------------------------------------------------


def test_an_internal_error_names_the_debug_option_where_it_works(sop):
    ok(sop("db", "upgrade"))
    args = ["pause", "1"]
    result = CliRunner().invoke(app, args, obj=AppState(terminal=BrokenTerminal()), catch_exceptions=False)
    assert result.exit_code == 70
    assert result.stderr.splitlines() == [
        "Error: internal error: RuntimeError: the terminal went away "
        "(run it again as 'sop --debug …' and report the output)"
    ]
    # What the hint says: the global option before the command shows the traceback.
    with pytest.raises(RuntimeError, match="the terminal went away"):
        CliRunner().invoke(app, ["--debug", *args], obj=AppState(terminal=BrokenTerminal()), catch_exceptions=False)


@pytest.mark.parametrize(
    "args",
    [
        ["--debug", "show", "404"],
        ["show", "404", "--debug"],
        ["show", "--debug", "404"],
        ["journal", "--date", "kemarin lusa", "--debug"],
        ["sops", "show", "no-such-sop", "--debug"],
    ],
)
def test_debug_works_before_or_after_the_command(sop, args):
    ok(sop("db", "upgrade"))
    with pytest.raises(SopError):
        sop(*args)


def test_debug_after_the_command_is_not_taken_from_a_value(sop):
    ok(sop("db", "upgrade"))
    number = ok(sop("new", "--sop", "kaltim-db", "-d", "x", "--reporter", "a", "--unit", "b", "--system", "c"))
    number = number.stdout.split()[1]
    ok(sop("note", number, "--", "--debug"))
    ok(sop("pause", number, "--reason", "--debug"))
    shown = ok(sop("show", number, "--json")).stdout
    assert shown.count('"--debug"') == 2
    assert "--debug" not in ok(sop("show", "--help")).stdout  # the documented place is the global option


# --- inverted ranges ---------------------------------------------------------------------


@pytest.mark.parametrize("what", ["journal", "complaints"])
@pytest.mark.parametrize("since, until", [("2026-11-10", "2026-11-01"), ("2026-11-10 08:00", "2026-11-10 08:00")])
def test_an_export_range_that_ends_before_it_starts_is_refused(sop, what, since, until):
    ok(sop("new", "--sop", "kaltim-db", "-d", "x", "--reporter", "a", "--unit", "b", "--system", "c"))
    result = sop("export", what, "--since", since, "--until", until)
    assert result.exit_code == 1
    assert result.stdout == ""  # not even a header: nothing was exported
    assert result.stderr.splitlines() == [
        f"Error: --until {until} is not after --since {since} "
        "(nothing is recorded between them: swap them, or give a later --until)"
    ]
    swapped = ok(sop("export", what, "--since", "2026-11-01", "--until", "2026-11-30"))
    assert len(swapped.stdout.splitlines()) == 2  # the header and the one complaint (or its one journal entry)


@pytest.mark.parametrize("command", [["report"], ["journal"]])
def test_report_and_journal_refuse_an_inverted_range_too(sop, command):
    result = sop(*command, "--from", "2026-11-10", "--to", "2026-11-01")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: --to 2026-11-01 is before --from 2026-11-10"]
