"""``sop board``: the queue's order, ``--once`` as text, the refusals, and the live screen on a real pseudo-terminal.

The fixed clock is Tuesday 24/11/2026 16:00 WIB (conftest); office hours 07:30-16:00 (Friday 16:30).
The kaltim-db SOP's first step has a 30-minute standard, its second 1 hour; a working day is 8 h 30 min.
"""

from __future__ import annotations

import io
import re
import signal
from datetime import UTC, datetime, timedelta

import pytest

from helpers import SOP, ok, process_env, run_sop
from sopcli.domain.urgency import minutes_left, urgency
from sopcli.worktime.calendar import WorkingCalendar

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\r")


def record(sop, received_at: str, sop_id: str = "kaltim-db", unit: str = "BKD") -> str:
    result = ok(
        sop(
            "new",
            "--sop",
            sop_id,
            "--description",
            "Gangguan uji",
            "--reporter",
            "Siti",
            "--unit",
            unit,
            "--system",
            "SIMPEG",
            "--received-at",
            received_at,
            "--json",
        )
    )
    import json

    return json.loads(result.stdout)["number"]


# --- the order ---------------------------------------------------------------------


def test_late_steps_come_first_the_latest_at_the_top_then_by_time_left_then_untimed():
    received = datetime(2026, 11, 1, tzinfo=UTC)
    steps = {
        "late by 10": (-10.0, False),
        "late by 300": (-300.0, False),
        "5 left": (5.0, False),
        "60 left": (60.0, False),
        "paused": (-500.0, True),
        "no standard": (None, False),
    }
    ordered = sorted(steps, key=lambda name: urgency(steps[name][0], steps[name][1], received))
    assert ordered == ["late by 300", "late by 10", "5 left", "60 left", "paused", "no standard"]


def test_untimed_steps_keep_the_oldest_complaint_first():
    first, later = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)
    assert urgency(None, False, first) < urgency(None, True, later) < urgency(None, False, later + timedelta(1))


def test_minutes_left_count_working_time_only():
    calendar = WorkingCalendar.twenty_four_seven(UTC)
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert minutes_left(now + timedelta(minutes=90), now, calendar) == 90
    assert minutes_left(now - timedelta(minutes=30), now, calendar) == -30
    assert minutes_left(None, now, calendar) is None


# --- --once, and the refusals -----------------------------------------------------------


@pytest.fixture
def queue(sop):
    """Three open kaltim-db complaints and one tanahbumbu-jaringan complaint, one kaltim-db case at step 2."""
    numbers = {
        "late a day": record(sop, "2026-11-23T14:00"),  # due Monday 14:30: 1 day 1 h 30 min late at 16:00
        "late 45 min": record(sop, "2026-11-24T14:45"),  # due 15:15
        "moved on": record(sop, "2026-11-24T15:30"),
        "network": record(sop, "2026-11-24T15:50", "tanahbumbu-jaringan", unit="Dinkes"),
    }
    ok(sop("next", numbers["moved on"], "--at", "2026-11-24T15:40", "--json"))  # step 2 from 15:40: 40 min left
    return numbers


def test_once_prints_the_board_as_text(sop, queue):
    result = ok(sop("board", "--once"))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("sop — Complaint queue")
    assert lines[0].endswith("24/11/2026 16:00 WIB")
    assert lines[1] == "Open 4 (2 late, 0 paused) · Resolved 0 · Rejected 0 · Cancelled 0"
    assert lines[2] == "Open by SOP: kaltim-db 3 · tanahbumbu-jaringan 1"
    assert lines[3].split() == ["Number", "Step", "Who", "acts", "Time", "left"]
    rows = [line.split()[0] for line in lines[5:]]
    assert rows == [queue["late a day"], queue["late 45 min"], queue["moved on"], queue["network"]]
    assert lines[5].endswith("LATE 1 d 2 h")  # a day or more is shown to the hour
    assert lines[6].endswith("LATE 45 min")
    assert lines[7].endswith("40 min")
    assert lines[8].endswith("-")  # the network SOP's first step has no time standard
    assert result.stderr == ""


def test_once_in_indonesian(sop, queue, monkeypatch):
    from sopcli import i18n

    monkeypatch.setenv("SOP_LANG", "id")
    i18n.set_language("id")
    lines = ok(sop("board", "--once")).stdout.splitlines()
    assert lines[0].startswith("sop — Antrean pengaduan")
    assert lines[1] == "Terbuka 4 (2 terlambat, 0 dijeda) · Selesai 0 · Ditolak 0 · Dibatalkan 0"
    assert lines[5].endswith("TERLAMBAT 1 hari 2 jam")


def test_once_names_the_office(sop, queue):
    ok(sop("config", "set", "office_name", "Diskominfo Kota Cirebon"))
    assert ok(sop("board", "--once")).stdout.startswith("Diskominfo Kota Cirebon — Complaint queue")


def test_once_shows_typed_text_as_typed(sop, monkeypatch):
    number = record(sop, "2026-11-24T15:00", unit="[/]BKD\x1b[2J")
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for the whole unit
    lines = ok(sop("board", "--once")).stdout.splitlines()
    assert lines[3].split()[:3] == ["Number", "SOP", "Step"]
    row = next(line for line in lines if number in line)
    assert "[/]BKD\\x1b[2J" in row  # no rich markup read into it, the escape written out


def test_once_on_an_empty_logbook(sop):
    ok(sop("db", "upgrade"))
    lines = ok(sop("board", "--once")).stdout.splitlines()
    assert lines[1] == "Open 0 (0 late, 0 paused) · Resolved 0 · Rejected 0 · Cancelled 0"
    assert "No open complaints." in lines[-1]


def test_without_a_terminal_it_is_one_line_pointing_to_once(sop, queue):
    result = sop("board")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: sop board needs a terminal to draw on (use --once for a single snapshot)\n"


@pytest.mark.parametrize(
    ("value", "reason"), [("0", "at least 1"), ("soon", "a whole number is expected"), ("99999", "at most 3600")]
)
def test_a_bad_interval_is_one_line(sop, value, reason):
    result = sop("board", "--every", value)
    assert result.exit_code == 2
    assert result.stderr == f"Error: invalid value for '--every': {reason} (see 'sop board --help')\n"


# --- the live screen ------------------------------------------------------------------------

pexpect = pytest.importorskip("pexpect")


class Screen:
    """``sop board ARGS`` on an 80×24 pseudo-terminal; after it ends, ``stty -a`` tells the terminal's mode.

    ``TERM=xterm-256color`` draws in the alternate screen; ``TERM=dumb`` (no cursor movement) prints each board.
    """

    def __init__(self, *args: str, term: str = "xterm-256color"):
        self.term = term
        env = process_env(TERM=term, COLUMNS=None, LINES=None)
        script = '"$0" "$@"; status=$?; echo; echo "exit=$status"; stty -a'
        self.transcript = io.StringIO()
        self.child = pexpect.spawn(
            "bash",
            ["-c", script, SOP, "board", *args],
            env=env,
            encoding="utf-8",
            timeout=15,
            dimensions=(24, 80),
            # Ctrl+C as at an operator's terminal: a run started in the background (cron, `cmd &`) inherits
            # SIGINT ignored, and so would sop, which then never sees the key.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.child.logfile_read = self.transcript

    def expect(self, pattern: str) -> None:
        self.child.expect(pattern)

    def end(self) -> tuple[int, str]:
        """Wait for sop to end: its exit status, and the terminal's mode afterwards."""
        self.child.expect(r"exit=(\d+)")
        status = int(self.child.match[1])
        self.child.expect(pexpect.EOF)
        return status, self.child.before

    @property
    def output(self) -> str:
        return ESCAPES.sub("", self.transcript.getvalue())


@pytest.fixture
def screens():
    started: list[Screen] = []

    def start(*args: str, term: str = "xterm-256color") -> Screen:
        started.append(Screen(*args, term=term))
        return started[-1]

    yield start
    for screen in started:
        if screen.child.isalive():
            screen.child.close(force=True)


def restored(screen: Screen, mode: str) -> bool:
    """The terminal reads lines and echoes again; the alternate screen was left and the cursor shown again."""
    transcript = screen.transcript.getvalue()
    if " icanon" not in mode or " echo " not in mode:
        return False
    if screen.term == "dumb":
        return "\x1b[?1049h" not in transcript
    return transcript.rfind("\x1b[?1049l") > transcript.rfind("\x1b[?1049h") >= 0 and "\x1b[?25h" in transcript


@pytest.mark.slow
@pytest.mark.parametrize("term", ["xterm-256color", "dumb"])
def test_live_board_shows_a_new_complaint_on_a_later_refresh_and_q_ends_it(sop, queue, screens, term):
    screen = screens("--every", "1", term=term)
    screen.expect("Complaint queue")
    screen.expect("24/11/2026 16:00 WIB")
    screen.expect(queue["late a day"])
    added = run_sop(process_env(), "new", "--sop", "kaltim-db", "--description", "Baru", "--reporter", "Ani",
                    "--unit", "BPKAD", "--system", "SIPD", "--received-at", "2026-11-24T15:55")  # fmt: skip
    assert added.returncode == 0, added.stderr
    screen.expect("ADU-2026-00005")  # marked new on the refresh that first shows it
    screen.expect("new")
    screen.child.send("q")
    status, mode = screen.end()
    assert status == 0
    assert restored(screen, mode)
    assert "+ADU-2026-00005" in screen.output
    assert "Open 5 (2 late, 0 paused)" in screen.output


@pytest.mark.slow
def test_live_board_marks_a_step_that_moved(sop, queue, screens):
    screen = screens("--every", "1")
    screen.expect(queue["late 45 min"])
    moved = run_sop(process_env(), "next", queue["late 45 min"], "--at", "2026-11-24T15:59", "--json")
    assert moved.returncode == 0, moved.stderr
    screen.expect("»" + queue["late 45 min"])
    screen.child.send("q")
    assert screen.end()[0] == 0


@pytest.mark.slow
def test_live_board_lays_out_again_when_the_terminal_is_resized(sop, queue, screens):
    screen = screens("--every", "60")
    screen.expect("Time left")
    assert "Unit" not in screen.output  # 80 columns: no room for the unit
    screen.child.setwinsize(30, 130)
    screen.expect("Unit")  # redrawn at once, not at the next refresh a minute later
    screen.expect("Dinkes")
    screen.child.send("q")
    assert screen.end()[0] == 0


@pytest.mark.slow
def test_ctrl_c_ends_the_live_board_cleanly(sop, queue, screens):
    screen = screens()
    screen.expect(queue["network"])
    screen.child.sendintr()
    status, mode = screen.end()
    assert status == 0
    assert restored(screen, mode)
    assert "Traceback" not in screen.output
    assert "Interrupted" not in screen.output
