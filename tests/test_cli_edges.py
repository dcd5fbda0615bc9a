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
