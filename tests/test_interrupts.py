"""Ctrl+C at any moment: what sop then says is true, and it never prints a traceback.

The interrupts are real SIGINTs sent by sop's own process at chosen moments:
SQLAlchemy events mark the moments (the commit, the connection's return after
it, the closing of connections at the end) so the tests do not depend on timing.
"""

from __future__ import annotations

import json
import os
import signal
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

NEW = (
    "new",
    "--sop",
    "cirebon-aplikasi",
    "--reporter",
    "Ani",
    "--unit",
    "Bagian Umum",
    "--system",
    "SIMPEG",
    "--description",
    "Aplikasi tidak bisa dibuka",
)


@contextmanager
def ctrl_c_at(target, name: str, when=lambda: True):
    """Send this process a SIGINT each time ``name`` fires on ``target`` (an SQLAlchemy event) and ``when()`` holds."""

    def interrupt(*_args):
        if when():
            os.kill(os.getpid(), signal.SIGINT)

    event.listen(target, name, interrupt)
    try:
        yield
    finally:
        event.remove(target, name, interrupt)


@pytest.fixture
def sop(sop):
    """The CLI on a database created beforehand, so the command's only commit is its own.

    Ctrl+C as at a terminal: Python's own SIGINT handler, even when the suite was started with SIGINT
    ignored (a background job of a non-interactive shell inherits SIG_IGN, and Python then keeps it).
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    assert sop("db", "upgrade").exit_code == 0
    yield sop
    signal.signal(signal.SIGINT, previous)


def recorded(sop) -> list[str]:
    result = sop("list", "--json")
    assert result.exit_code == 0, result.stderr
    return [row["number"] for row in json.loads(result.stdout)]


def test_ctrl_c_while_the_commit_runs_is_too_late_to_stop_it(sop):
    with ctrl_c_at(Engine, "commit"):
        result = sop(*NEW)
    assert result.exit_code == 0, result.stderr
    assert "ADU-2026-00001" in result.stdout
    assert "Traceback" not in result.stderr
    assert recorded(sop) == ["ADU-2026-00001"]


def test_ctrl_c_before_the_commit_saves_nothing_and_says_so(sop):
    with ctrl_c_at(Engine, "begin"):
        result = sop(*NEW)
    assert result.exit_code == 130
    assert result.stderr.strip() == "Interrupted: nothing was written."
    assert recorded(sop) == []


def test_ctrl_c_after_the_commit_does_not_claim_nothing_was_written(sop):
    committed = []

    def commit(connection):
        committed.append(connection)

    event.listen(Engine, "commit", commit)
    try:
        # the committed connection going back to the pool: the first moment after the commit
        with ctrl_c_at(Pool, "checkin", when=lambda: committed):
            result = sop(*NEW)
    finally:
        event.remove(Engine, "commit", commit)
    assert result.exit_code == 130
    assert result.stderr.strip() == "Interrupted after saving: what was recorded stays recorded."
    assert recorded(sop) == ["ADU-2026-00001"]


def test_ctrl_c_while_connections_close_at_the_end_prints_no_traceback(sop):
    with ctrl_c_at(Pool, "close"):  # closing a SQLite connection checkpoints its WAL: it takes a moment
        result = sop(*NEW)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert recorded(sop) == ["ADU-2026-00001"]
