"""Several operators at once: real OS processes racing on one database.

The database is SQLite, or PostgreSQL with ``SOP_TEST_DATABASE_URL`` (see conftest).

Every racer is a small Python wrapper that loads sop's modules, reports that
it is ready, then blocks reading a pipe shared by all racers. When every racer
is waiting, the test closes the pipe's write end: all reads return at the same
moment and every racer runs the installed ``sop`` script (with ``runpy``, so
the console script itself runs, in a warm interpreter). The race is therefore
between the commands, not between interpreter start-ups, and there are no
sleeps anywhere.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime

import pytest

from helpers import SOP

pytestmark = pytest.mark.slow  # several interpreters per test
WAITING = "waiting for the logbook, in use by another command …\n"

RACER = r"""
import importlib, os, runpy, sys

gate_fd, ready_fd, repeat = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
script, args = sys.argv[4], sys.argv[5:]
# Load what the commands import lazily, so the gate releases commands, not start-ups.
for name in ("sopcli.cli", "sopcli.present.casefmt", "sopcli.services.cases", "sopcli.services.runtime",
             "sopcli.services.settings", "sopcli.store.database", "sopcli.store.models", "sopcli.domain.engine",
             "sopcli.domain.chain", "sopcli.definitions.loader", "sopcli.worktime.calendar", "sopcli.worktime.parse", "sopcli.config",
             "sqlalchemy", "sqlmodel", "holidays", "rich.panel", "rich.table", "rich.prompt"):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
os.write(ready_fd, b".")
os.close(ready_fd)
os.read(gate_fd, 1)  # blocks until the test closes the write end: every racer starts at once
os.close(gate_fd)
codes = []
for _ in range(repeat):
    sys.argv = [script, *args]
    try:
        runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    codes.append(code)
sys.exit(next((c for c in codes if c), 0))
"""


@dataclass
class Outcome:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def env(sop_env, monkeypatch):
    """The conftest's private database, config, operator and fixed clock, inherited by subprocesses."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    return sop_env


@pytest.fixture
def race(env):
    """``race([args, ...], repeat=1)``: run ``sop ARGS`` in one process per entry, all released at once."""
    wrapper = env / "racer.py"
    wrapper.write_text(RACER, encoding="utf-8")

    def run(commands: list[list[str]], *, repeat: int = 1, timeout: float = 60) -> list[Outcome]:
        gate_r, gate_w = os.pipe()
        ready_r, ready_w = os.pipe()
        procs: list[subprocess.Popen] = []
        try:
            try:
                for args in commands:
                    procs.append(
                        subprocess.Popen(
                            [sys.executable, str(wrapper), str(gate_r), str(ready_w), str(repeat), SOP, *args],
                            pass_fds=(gate_r, ready_w),
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            text=True,
                            encoding="utf-8",
                        )
                    )
            finally:
                os.close(gate_r)
                os.close(ready_w)
            ready = 0
            while ready < len(procs):  # blocking reads; EOF once every racer has signalled or died
                chunk = os.read(ready_r, 64)
                if not chunk:
                    break
                ready += len(chunk)
            os.close(gate_w)  # the start signal: every racer's read returns at once
            gate_w = -1
            outcomes = []
            for args, proc in zip(commands, procs):
                out, err = proc.communicate(timeout=timeout)
                outcomes.append(Outcome(args, proc.returncode, out, err))
        finally:
            os.close(ready_r)
            if gate_w != -1:
                os.close(gate_w)
            for proc in procs:  # only after a failure above: our own racers, by their Popen handle
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        assert ready == len(procs), [o.stderr for o in outcomes]
        return outcomes

    return run


def new_complaint(sop, *extra: str) -> str:
    result = sop(
        "new",
        "--sop",
        "kaltim-db",
        "--description",
        "Database SIMPEG tidak bisa diakses",
        "--reporter",
        "Budi",
        "--unit",
        "BKD",
        "--system",
        "SIMPEG",
        *extra,
        "--json",
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["number"]


def shown(sop, number: str) -> dict:
    result = sop("show", number, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_chain_ok(sop, entries: int) -> None:
    """``sop verify``: OK, with every entry counted."""
    result = sop("verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"OK: {entries} journal entries, chain intact."


def one_line_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("racers", [2, 8])
def test_racing_next_on_the_same_step_completes_it_once(sop, race, racers):
    number = new_complaint(sop)

    outcomes = race([["next", number, "--step", "1", "--note", f"racer {i}"] for i in range(racers)])

    winners = [o for o in outcomes if o.returncode == 0]
    losers = [o for o in outcomes if o.returncode != 0]
    assert len(winners) == 1, [(o.returncode, o.stderr) for o in outcomes]
    assert "Step 1 done" in winners[0].stdout
    assert f"{number} is now at step 2" in winners[0].stdout
    for loser in losers:
        assert loser.returncode == 3, loser.stderr  # ExitCode.CONFLICT
        line = one_line_error(loser.stderr)
        assert number in line
        # Either it saw step 1 and found the case changed when writing, or it
        # already saw step 2 and --step 1 refused it.
        assert re.search(r"is not at step 1: it is at step 2|was changed by someone else", line), line
        assert "locked" not in loser.stderr and "busy" not in loser.stderr

    case = shown(sop, number)
    step_one = [e for e in case["journal"] if e["action"] == "step" and e["step"] == "1"]
    assert len(step_one) == 1
    assert step_one[0]["note"] == winners[0].args[-1]
    assert case["current_step"] == "2"
    assert [e["action"] for e in case["journal"]] == ["received", "step"]
    assert_chain_ok(sop, 2)


def test_eight_simultaneous_notes_are_all_kept(sop, race):
    number = new_complaint(sop)

    outcomes = race([["note", number, f"text {i}"] for i in range(8)])

    for o in outcomes:
        assert o.returncode == 0, o.stderr
        assert o.stdout.strip() == f"Note added to {number}."
        assert "locked" not in o.stderr.lower() and "busy" not in o.stderr.lower(), o.stderr
        assert o.stderr in ("", WAITING), o.stderr  # a racer kept waiting over a second says so, nothing else
    case = shown(sop, number)
    notes = [e for e in case["journal"] if e["action"] == "note"]
    assert sorted(e["note"] for e in notes) == [f"text {i}" for i in range(8)]
    assert [e["seq"] for e in case["journal"]] == list(range(1, 10))
    assert case["current_step"] == "1"
    assert_chain_ok(sop, 9)


def test_simultaneous_new_complaints_get_unique_consecutive_numbers(sop, race):
    assert sop("db", "upgrade").exit_code == 0  # the database exists before the racers start
    # Four racers, each running the sop script five times in a row once released.

    outcomes = race(
        [
            [
                "new",
                "--sop",
                "kaltim-db",
                "--description",
                f"Gangguan dari operator {i}",
                "--reporter",
                f"Pelapor {i}",
                "--unit",
                "BKD",
                "--system",
                "SIMPEG",
            ]
            for i in range(4)
        ],
        repeat=5,
    )

    numbers = []
    for o in outcomes:
        assert o.returncode == 0, o.stderr
        assert "locked" not in o.stderr.lower() and "busy" not in o.stderr.lower(), o.stderr
        mine = re.findall(r"^Complaint (ADU-2026-\d{5}) recorded\.$", o.stdout, re.MULTILINE)
        assert len(mine) == 5, o.stdout
        numbers += mine
    expected = [f"ADU-2026-{n:05d}" for n in range(1, 21)]
    assert sorted(numbers) == expected

    listed = sop("list", "--status", "all", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert sorted(r["number"] for r in rows) == expected
    assert all(r["status"] == "open" and r["current_step"] == "1" for r in rows)
    assert_chain_ok(sop, 20)  # one "received" entry per complaint, chained


def test_first_use_of_a_new_database_by_several_operators_at_once(race, env, sop, databases, database):
    # No database yet: every racer finds it missing, and the schema must
    # be created once while the others wait for it -- not an internal error
    # "database is locked" (exit 70), as before schema creation took the write lock.
    assert databases.tables(database) == set()

    outcomes = race(
        [
            [
                "new",
                "--sop",
                "kaltim-db",
                "--description",
                f"Gangguan dari operator {i}",
                "--reporter",
                f"Pelapor {i}",
                "--unit",
                "BKD",
                "--system",
                "SIMPEG",
            ]
            for i in range(4)
        ]
    )

    for o in outcomes:
        assert o.returncode == 0, o.stderr
        assert o.stderr == ""
    numbers = sorted(
        m for o in outcomes for m in re.findall(r"^Complaint (ADU-2026-\d{5}) recorded\.$", o.stdout, re.MULTILINE)
    )
    assert numbers == [f"ADU-2026-{n:05d}" for n in range(1, 5)]
    assert_chain_ok(sop, 4)


def test_eight_operators_mixing_new_next_and_note(race, env, sop):
    # The shared-office stress: 8 processes at once, 3 rounds each. Two record new complaints,
    # four race `sop next` on the same two cases (guarded by --step, as the interactive flow is),
    # two add notes to them. Nothing may be lost or doubled, and nobody sees "database is locked".
    first, second = new_complaint(sop), new_complaint(sop)
    commands = [
        [
            "new",
            "--sop",
            "cirebon-aplikasi",
            "--description",
            "Aplikasi lambat",
            "--reporter",
            "Ani",
            "--unit",
            "Dinas Sosial",
            "--system",
            "SIKS",
        ],
        [
            "new",
            "--sop",
            "ipas-pemulihan",
            "--description",
            "IPAS tidak bisa diakses",
            "--reporter",
            "Dedi",
            "--unit",
            "Direktorat Merek",
            "--system",
            "IPAS",
        ],
        ["next", first, "--step", "1"],
        ["next", first, "--step", "1"],
        ["next", second, "--step", "1"],
        ["next", second, "--step", "1"],
        ["note", first, "Pelapor dihubungi"],
        ["note", second, "Menunggu log server"],
    ]
    outcomes = race(commands, repeat=3)

    for o in outcomes:
        assert "locked" not in o.stderr.lower() and "busy" not in o.stderr.lower(), o.stderr
        assert "Traceback" not in o.stderr
    by_kind = {kind: [o for o in outcomes if o.args[0] == kind] for kind in ("new", "next", "note")}
    assert all(o.returncode == 0 for o in by_kind["new"] + by_kind["note"]), [o.stderr for o in outcomes]
    # Each racer ran step 1 three times: exactly one run per case succeeded, every other one was told it moved on.
    completed = sum(o.stdout.count("Step 1 done") for o in by_kind["next"])
    moved_on = sum(o.stderr.count("is not at step") for o in by_kind["next"])
    assert (completed, moved_on) == (2, 10), [o.stderr for o in by_kind["next"]]
    for number in (first, second):
        journal = shown(sop, number)["journal"]
        assert [e["action"] for e in journal].count("step") == 1
        assert [e["action"] for e in journal].count("note") == 3
    listed = json.loads(sop("list", "--status", "all", "--json").stdout)
    assert len(listed) == 2 + 6
    # 8 received + 2 steps + 6 notes, one chain; every case agrees with its journal
    assert_chain_ok(sop, 16)
    check = sop("db", "check")
    assert check.exit_code == 0, check.output


def test_sixteen_simultaneous_notes_on_the_real_clock_are_kept_in_time_order(race, env, sop, monkeypatch):
    # The office's real clock, not the fixed one: each racer's moment is its own. A racer that read the
    # clock before waiting for the write lock would find a later racer's note already there, and be
    # refused as "before the case's latest entry". Taken under the lock, the moments follow the chain.
    monkeypatch.delenv("SOP_NOW")
    number = new_complaint(sop)

    outcomes = race([["note", number, f"text {i}"] for i in range(16)])

    for o in outcomes:
        assert o.returncode == 0 and o.stderr in ("", WAITING), o.stderr  # a racer kept waiting says so
        assert o.stdout.strip() == f"Note added to {number}."
    journal = shown(sop, number)["journal"]
    assert sorted(e["note"] for e in journal if e["action"] == "note") == sorted(f"text {i}" for i in range(16))
    assert [e["seq"] for e in journal] == list(range(1, 18))
    moments = [datetime.fromisoformat(e["at"]) for e in journal]
    recorded = [datetime.fromisoformat(e["recorded_at"]) for e in journal]
    assert moments == sorted(moments)
    assert recorded == sorted(recorded)
    assert moments == recorded  # no --at: each note happened when it was written
    assert_chain_ok(sop, 17)
