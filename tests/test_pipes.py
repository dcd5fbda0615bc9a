"""A reader that stops early (``| head``): sop ends quietly with the status a shell gives git or cat.

Real pipes through bash under ``set -o pipefail``: the output is larger than a pipe's buffer, so
sop is still writing when ``head`` goes away.
"""

from __future__ import annotations

import subprocess

import pytest

from helpers import SOP, ok, process_env

pytestmark = pytest.mark.slow

MANY = 3000  # complaints: every output below is several times a pipe's 64 KiB buffer


@pytest.fixture
def many(sop, sop_env):
    rows = ["ref,received_at,sop,reporter,unit,system,description"]
    rows += [f"R-{i},2026-11-02 08:00,kaltim-db,Budi,BKD,SIMPEG,Aplikasi tidak bisa dibuka {i}" for i in range(MANY)]
    path = sop_env / "many.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ok(sop("import", str(path)))


def _piped(command: str) -> subprocess.CompletedProcess:
    """``sop COMMAND | head -c 100`` in bash with pipefail: sop's status is the first of PIPESTATUS."""
    script = f'set -o pipefail; "{SOP}" {command} | head -c 100 >/dev/null; echo "${{PIPESTATUS[0]}}"'
    return subprocess.run(["bash", "-c", script], env=process_env(), capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "command",
    [
        "list --limit 0",
        "list --format csv",
        "list --json",
        "journal --date 2026-11-02",
        "export complaints",
        "export complaints --format json",
        "export complaints --format xlsx",
        "export journal",
        "export journal --format xlsx",
    ],
)
def test_a_closed_pipe_ends_quietly_with_sigpipes_status(many, command):
    result = _piped(command)
    assert result.stdout.strip() == "141", (result.stdout, result.stderr)  # as `git log | head` or `seq | head`
    assert result.stderr == ""  # no traceback (openpyxl's included), no message


def test_a_reader_that_reads_everything_sees_success(many):
    script = f'set -o pipefail; "{SOP}" list --format csv | wc -l'
    result = subprocess.run(["bash", "-c", script], env=process_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(MANY + 1)
