"""Long output at a terminal goes through a pager, as git's does: a real ``sop`` on a pseudo-terminal of 80x24.

``less`` is the real one. Paging is asked for when standard input and output are a terminal and the output
is taller than it; ``--no-pager``, ``SOP_PAGER``/``PAGER`` set to "" or ``cat``, short output and a pipe
print straight through.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from helpers import SOP, exited_ok, process_env

pexpect = pytest.importorskip("pexpect")

pytestmark = [
    pytest.mark.slow,  # a child process on a pseudo-terminal per test
    pytest.mark.skipif(shutil.which("less") is None, reason="needs less"),
]

SAMPLE = Path(__file__).parent.parent / "sample_data" / "pengaduan-november-2026.csv"
PROMPT = "sop-halaman-berikut"  # less's prompt, set through LESS so the test knows when it waits


@pytest.fixture
def logbook(sop):
    """300 complaints: `sop list` shows the 100 oldest, far taller than 24 lines."""
    exited_ok(sop("import", str(SAMPLE)))
    return sop


def spawn(*args: str, **env: str | None):
    """``sop ARGS`` on an 80x24 pseudo-terminal; what it writes is kept in ``child.transcript``."""
    environment = process_env(TERM="xterm-256color", COLUMNS=None, LINES=None, **env)
    child = pexpect.spawn(SOP, list(args), env=environment, encoding="utf-8", timeout=20, dimensions=(24, 80))
    child.transcript = io.StringIO()
    child.logfile_read = child.transcript
    return child


def finished(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.transcript.getvalue()
    return child.transcript.getvalue()


def test_a_long_list_waits_in_the_pager_at_its_first_screen(logbook):
    child = spawn("list", "--sort", "received", SOP_PAGER=None, PAGER=None, LESS=f"-RX -Ps{PROMPT}")
    child.expect_exact(PROMPT)
    first_screen = child.before
    assert "ADU-2026-00001" in first_screen
    assert "ADU-2026-00100" not in first_screen  # the hundredth row is further down, for the reader to page to
    child.send("q")
    finished(child)


def test_the_pager_is_the_one_sop_pager_names(logbook):
    child = spawn("list", "--sort", "received", SOP_PAGER="head -n 5", PAGER="less")
    shown = finished(child)
    assert "ADU-2026-00001" in shown
    assert "ADU-2026-00004" not in shown  # head took the header, the rule and three rows


@pytest.mark.parametrize(
    "args, env",
    [
        (["list", "--sort", "received", "--no-pager"], {}),
        (["list", "--sort", "received"], {"SOP_PAGER": "cat"}),
        (["list", "--sort", "received"], {"SOP_PAGER": "", "PAGER": "less"}),
        (["list", "--sort", "received"], {"SOP_PAGER": None, "PAGER": ""}),
    ],
)
def test_paging_turned_off_prints_everything_at_once(logbook, args, env):
    shown = finished(spawn(*args, **env))
    assert "ADU-2026-00001" in shown and "ADU-2026-00100" in shown


def test_output_shorter_than_the_screen_is_not_paged(logbook):
    shown = finished(
        spawn("list", "--sort", "received", "--limit", "3", SOP_PAGER=None, PAGER=None, LESS=f"-RX -Ps{PROMPT}")
    )
    assert "ADU-2026-00003" in shown and PROMPT not in shown  # printed, and sop ends without a key pressed


def test_a_pipe_is_never_paged(logbook):
    child = pexpect.spawn(
        "bash",
        ["-c", f'"{SOP}" list --sort received | cat'],
        env=process_env(SOP_PAGER=None, PAGER="less", LESS=f"-RX -Ps{PROMPT}"),
        encoding="utf-8",
        timeout=20,
        dimensions=(24, 80),
    )
    child.transcript = io.StringIO()
    child.logfile_read = child.transcript
    shown = finished(child)
    assert PROMPT not in shown and "ADU-2026-00100" in shown
