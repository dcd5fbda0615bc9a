"""Helpers shared by the test modules: the installed ``sop`` script, child-process environments, result checks.

Fixtures live in ``conftest.py``; plain functions and constants live here, imported as ``from helpers import …``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The console script of the environment running the tests (it imports sopcli from PYTHONPATH when that is set).
SOP = str(Path(sys.executable).parent / "sop")


def process_env(**changes: str | None) -> dict[str, str]:
    """This process's environment for a child ``sop``, with ``changes`` (a None value removes the variable).

    Under the conftest's fixtures that is the test's own database, config, operator and clock. ``SOP_DEBUG``
    is never passed on: a traceback would change what the child prints.
    """
    env = dict(os.environ)
    env.pop("SOP_DEBUG", None)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_sop(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the real ``sop ARGS`` in a child process with ``env``; its output captured as text."""
    return subprocess.run([SOP, *args], env=env, capture_output=True, text=True, timeout=timeout)


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout, result.stdout
    assert "Traceback" not in result.stderr, result.stderr


def ok(result):
    """An in-process ``sop`` result that succeeded without a traceback; returns it."""
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    no_traceback(result)
    return result


def exited_ok(result):
    """An in-process ``sop`` result whose exit code is 0; returns it."""
    assert result.exit_code == 0, result.output
    return result


def complaint_args(received_at: str) -> list[str]:
    """``sop new`` arguments of the kaltim-db complaint most journal tests start from (SIMPEG slow, from Sari of BKD)."""
    return [
        "new",
        "--sop",
        "kaltim-db",
        "--description",
        "SIMPEG lambat",
        "--reporter",
        "Sari",
        "--unit",
        "BKD",
        "--system",
        "SIMPEG",
        "--received-at",
        received_at,
    ]


def record_complaint(sop, received_at: str):
    """That complaint recorded; returns the result of ``sop new``."""
    return exited_ok(sop(*complaint_args(received_at)))


def no_logbook(result) -> bool:
    """Whether a read command refused because no logbook exists yet (then nothing at all was written)."""
    return result.exit_code == 1 and result.stderr.startswith("Error: no logbook at ")


def exported(sop, what: str = "complaints") -> list[dict]:
    """``sop export WHAT`` as JSON Lines, parsed; [] when no logbook was ever created (nothing was written)."""
    import json

    result = sop("export", what, "--format", "jsonl")
    if no_logbook(result):
        return []
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def statements_run(sop, *args: str) -> list[tuple[str, object]]:
    """The SQL statements (with their parameters) one in-process ``sop`` command sends to the database."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    statements: list[tuple[str, object]] = []

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        ok(sop(*args))
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    return statements


def sqlite_plan(database: Path, statement: str, parameters) -> str:
    """SQLite's query plan of ``statement``, its steps joined by `` | ``."""
    import sqlite3

    with sqlite3.connect(database) as db:
        return " | ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + statement, parameters))
