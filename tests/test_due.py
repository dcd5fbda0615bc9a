"""``sop due``: the open steps late or due soon, one row per current step, the most urgent first.

The clock (SOP_NOW) walks through the working week of 23–27 November 2026 on the default office calendar
(Mon–Thu 07:30–16:00, Fri 07:30–16:30, no holidays that week), into Friday evening and the weekend.

kaltim-db complaints (the time standards: step 1 30 menit, step 2 1 jam, step 3 1 jam, step 4 1-2 hari):

* 00001 received Mon 08:00, step 1 done 09:00: at step 2 (pejabat_administrator), due Mon 10:00.
* 00002 received Wed 09:00, steps 1-3 done by 09:30: at step 4 (pemeriksa_pengelola_ti, administrator_jaringan),
  due after two working days of 510 minutes: Wed 09:30 + 390 + 510 + 120 = Fri 09:30.
* 00003 received Wed 10:00, paused at 10:05: no deadline running.
* 00004 received Wed 13:00: at step 1 (pemeriksa_pengelola_ti), due 13:30.
* 00005 received Thu 15:50: at step 1, 10 minutes before closing and 20 on Friday: due Fri 07:50.
"""

from __future__ import annotations

import json

import pytest

from helpers import exited_ok

STEP_1 = "Menerima dan mencatat Laporan ke dalam form isian laporan"


@pytest.fixture
def clock(monkeypatch):
    """Set the moment ``sop`` takes as now (WIB)."""

    def set_now(moment: str) -> None:
        monkeypatch.setenv("SOP_NOW", f"2026-11-{moment}:00+07:00")

    return set_now


def new(sop, description: str, reporter: str = "Sari") -> str:
    result = exited_ok(
        sop(
            "new", "--sop", "kaltim-db", "--description", description, "--reporter", reporter,
            "--unit", "BKD", "--system", "SIMPEG", "--json",
        )
    )  # fmt: skip
    return json.loads(result.stdout)["number"]


@pytest.fixture
def week(sop, clock):
    """The first four kaltim-db complaints above, recorded as they happened."""
    clock("23T08:00")
    first = new(sop, "SIMPEG lambat")
    clock("23T09:00")
    exited_ok(sop("next", first))
    clock("25T09:00")
    second = new(sop, "Database kepegawaian tidak merespons")
    for minute in ("10", "20", "30"):
        clock(f"25T09:{minute}")
        exited_ok(sop("next", second))
    clock("25T10:00")
    paused = new(sop, "Menunggu vendor")
    clock("25T10:05")
    exited_ok(sop("pause", paused, "--reason", "Menunggu suku cadang"))
    clock("25T13:00")
    fourth = new(sop, "Login SIMPEG gagal")
    return first, second, paused, fourth


def thursday_afternoon(sop, clock) -> str:
    """The fifth complaint, received Thursday 15:50."""
    clock("26T15:50")
    return new(sop, "Replikasi database berhenti")


def due_json(sop, *args: str) -> list[dict]:
    result = exited_ok(sop("due", "--json", *args))
    return json.loads(result.stdout)


def rows(sop, *args: str) -> list[tuple[str, str, str]]:
    """(number, step, due_at) of each row of ``sop due --json ARGS``, in order."""
    return [(row["number"], row["step"], row["due_at"]) for row in due_json(sop, *args)]


def test_late_first_then_due_by_closing_time_with_everything_a_row_says(sop, clock, week):
    first, second, paused, fourth = week
    clock("25T13:10")
    data = due_json(sop)
    assert data == [
        {
            "number": first,
            "sop": "kaltim-db",
            "step": "2",
            "kegiatan": "Menerima dan mengecek laporan",
            "pelaksana": [{"key": "pejabat_administrator", "name": "Pejabat Administrator Bidang TIK"}],
            "due_at": "2026-11-23T10:00:00+07:00",
            # Mon 10:00-16:00, Tue 07:30-16:00 and Wed 07:30-13:10: 360 + 510 + 340 working minutes
            "minutes_left": -1210.0,
            "late": True,
        },
        {
            "number": fourth,
            "sop": "kaltim-db",
            "step": "1",
            "kegiatan": STEP_1,
            "pelaksana": [{"key": "pemeriksa_pengelola_ti", "name": "Pemeriksa dan Pengelola Teknologi Informasi"}],
            "due_at": "2026-11-25T13:30:00+07:00",
            "minutes_left": 20.0,
            "late": False,
        },
    ]  # the step due on Friday and the paused complaint are not due today

    table = exited_ok(sop("due"))
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["Number", "SOP", "Step", "Who", "acts", "Due", "Time", "left"]
    assert lines[2].startswith(first) and "2. Menerima dan mengecek laporan" in lines[2]
    assert "23/11/2026 10:00 WIB" in lines[2] and lines[2].endswith("LATE 2 d 3 h")  # 1210 min: 2 x 510 + 190
    fourth_line = next(line for line in lines if line.startswith(fourth))
    assert "1. Menerima dan mencatat Laporan ke" in fourth_line  # shortened and wrapped as sop list does
    assert fourth_line.rstrip().endswith("25/11/2026 13:30 WIB  20 min")
    assert paused not in table.stdout and second not in table.stdout


def test_within_counts_working_time_so_a_step_due_tomorrow_morning_is_minutes_away(sop, clock, week):
    first, second, _paused, fourth = week
    fifth = thursday_afternoon(sop, clock)
    clock("26T15:55")  # 5 minutes before closing on Thursday
    assert rows(sop) == [
        (first, "2", "2026-11-23T10:00:00+07:00"),
        (fourth, "1", "2026-11-25T13:30:00+07:00"),
    ]
    # Due Friday 07:50, sixteen hours away on the wall clock, but 5 + 20 working minutes.
    within_half_hour = rows(sop, "--within", "30 menit")
    assert within_half_hour[-1] == (fifth, "1", "2026-11-27T07:50:00+07:00")
    assert due_json(sop, "--within", "30 menit")[-1]["minutes_left"] == 25.0
    assert rows(sop, "--within", "24 menit") == within_half_hour[:-1]
    # Step 4 of the second, due Friday 09:30: 5 + 120 working minutes.
    assert [r[0] for r in rows(sop, "--within", "2 jam")] == [first, fourth, fifth]
    assert [r[0] for r in rows(sop, "--within", "125 menit")] == [first, fourth, fifth, second]
    assert rows(sop, "--within", "1 hari") == rows(sop, "--within", "125 menit")


def test_friday_evening_and_the_weekend_show_what_is_late_and_late_stops_growing(sop, clock, week):
    first, second, paused, fourth = week
    fifth = thursday_afternoon(sop, clock)
    clock("27T18:00")  # after Friday's closing (16:30): up to the end of the day
    friday = due_json(sop)
    # The most late first: Monday's step, Wednesday's, then Friday morning's two.
    assert [(r["number"], r["late"]) for r in friday] == [(first, True), (fourth, True), (fifth, True), (second, True)]
    assert [r["minutes_left"] for r in friday][2:] == [-520.0, -420.0]  # Fri 07:50-16:30, 09:30-16:30
    clock("28T10:00")  # Saturday: no working time passes
    assert due_json(sop) == friday
    human = exited_ok(sop("due"))
    assert paused not in human.stdout
    last = next(line for line in human.stdout.splitlines() if line.startswith(second))
    assert last.rstrip().endswith("27/11/2026 09:30 WIB  LATE 7 h")  # 420 minutes, from Friday 09:30


def test_mine_as_and_role_show_the_steps_of_those_roles(sop, clock, week):
    first, second, _paused, fourth = week
    clock("25T13:10")
    exited_ok(sop("operator", "add", "budi", "--role", "pemeriksa_pengelola_ti"))
    exited_ok(sop("operator", "add", "sari", "--role", "pejabat_administrator"))
    exited_ok(sop("operator", "add", "andi", "--role", "administrator_jaringan"))
    assert [r[0] for r in rows(sop, "--mine")] == [fourth]  # SOP_OPERATOR is budi
    assert [r[0] for r in rows(sop, "--as", "sari")] == [first]
    assert [r[0] for r in rows(sop, "--as", "sari", "--mine")] == [first]
    assert rows(sop, "--as", "andi") == []
    assert [r[0] for r in rows(sop, "--as", "andi", "--within", "3 hari")] == [second]  # step 4 is his too
    assert [r[0] for r in rows(sop, "--mine", "--within", "3 hari")] == [fourth, second]
    assert [r[0] for r in rows(sop, "--role", "pejabat_administrator")] == [first]
    assert rows(sop, "--role", "kepala_dinas") == []
    mine = exited_ok(sop("due", "--mine"))
    assert fourth in mine.stdout and first not in mine.stdout


def test_sop_filter(sop, clock, week):
    clock("25T13:10")
    assert len(rows(sop, "--sop", "kaltim-db")) == 2
    assert rows(sop, "--sop", "ipas-pemulihan") == []
    unknown = sop("due", "--sop", "nope")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("Error: no SOP 'nope' (known SOPs: ") and len(unknown.stderr.splitlines()) == 1


def test_nothing_due_is_one_friendly_line_and_an_empty_json_list(sop, clock, week):
    clock("25T13:10")
    empty = exited_ok(sop("due", "--role", "kepala_dinas"))
    assert empty.stdout == ""
    assert empty.stderr == "Nothing is late or due by 25/11/2026 16:00 WIB.\n"
    within = exited_ok(sop("due", "--role", "kepala_dinas", "--within", "2 jam"))
    assert within.stderr == "Nothing is late or due within 2 jam.\n"
    assert exited_ok(sop("due", "--role", "kepala_dinas", "--json")).stdout == "[]\n"


def test_a_closed_day_looks_up_to_the_end_of_the_day(sop, clock, week):
    clock("29T09:00")  # Sunday
    assert exited_ok(sop("due", "--role", "kepala_dinas")).stderr == "Nothing is late or due by 30/11/2026 00:00 WIB.\n"


def test_resuming_a_paused_complaint_brings_its_step_back(sop, clock, week):
    _first, _second, paused, _fourth = week
    clock("25T13:10")
    assert paused not in [r[0] for r in rows(sop, "--within", "3 hari")]
    exited_ok(sop("resume", paused))
    # Paused 10:05-13:10 does not count: step 1 had 25 of its 30 minutes left.
    back = [r for r in due_json(sop) if r["number"] == paused]
    assert [(r["step"], r["minutes_left"]) for r in back] == [("1", 25.0)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--within", "dua jam"], "Error: --within: not a length of time: 'dua jam'"),
        (["--within", "1-2 jam"], "Error: --within takes one length of time, not a range: '1-2 jam'"),
        (["--within", "-"], "Error: --within needs a length of time, not '-'"),
        (["--role", "bupati"], "Error: no SOP has the role 'bupati' (known roles: "),
        (["--mine", "--role", "pejabat_pengawas"], "Error: give either --mine (or --as) or --role, not both"),
        (["--as", "sari", "--role", "pejabat_pengawas"], "Error: give either --mine (or --as) or --role, not both"),
        (["--mine"], "Error: budi holds no pelaksana roles, so no step is theirs (register them with 'sop operator add budi --role ROLE')"),
        (["--as", "tono"], "Error: tono holds no pelaksana roles"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_a_non_zero_exit(sop, clock, week, args, message):
    clock("25T13:10")
    result = sop("due", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.splitlines()) == 1


# --- a fork: several steps current at once, each its own row ---------------------------------------------------

INCIDENT = """
format = 2
id = "insiden"
version = "1"
nama = "Penanganan Insiden"
instansi = "Dinas Contoh"

[[outcomes]]
id = "pulih"
label = "Pulih"
kind = "resolved"

[[roles]]
key = "tim"
nama = "Tim Tanggap Insiden"

[[roles]]
key = "admin_sistem"
nama = "Admin Sistem"

[[steps]]
id = "1"
kegiatan = "Identifikasi dan verifikasi insiden"
pelaksana = ["tim"]
waktu = "1 jam"
cabang = ["2", "3", "4"]

[[steps]]
id = "2"
kegiatan = "Penahanan"
pelaksana = ["admin_sistem"]
waktu = "2 jam"
next = "5"

[[steps]]
id = "3"
kegiatan = "Pengamanan bukti"
pelaksana = ["tim"]
waktu = "1 jam"
next = "5"

[[steps]]
id = "4"
kegiatan = "Pemberitahuan kepada pimpinan"
pelaksana = ["tim"]
waktu = "4 jam"
next = "5"

[[steps]]
id = "5"
kegiatan = "Kajian pasca insiden"
pelaksana = ["tim"]
gabung = "semua"
waktu = "1 hari"
end = "pulih"
"""


@pytest.fixture
def forked(sop, sop_env, clock):
    """An incident received Monday 08:00 and identified at 09:00: steps 2, 3 and 4 current, due 11:00, 10:00
    and 13:00."""
    path = sop_env / "insiden.toml"
    path.write_text(INCIDENT, encoding="utf-8")
    clock("23T08:00")
    created = exited_ok(
        sop(
            "new", "--sop", str(path), "--description", "Situs web dinas diretas", "--reporter", "Sari",
            "--unit", "Diskominfo", "--system", "Situs web", "--json",
        )
    )  # fmt: skip
    number = json.loads(created.stdout)["number"]
    clock("23T09:00")
    exited_ok(sop("next", number))
    return number


def test_each_branch_of_a_fork_is_its_own_row_with_its_own_deadline(sop, clock, forked):
    clock("23T09:30")
    assert rows(sop) == [
        (forked, "3", "2026-11-23T10:00:00+07:00"),
        (forked, "2", "2026-11-23T11:00:00+07:00"),
        (forked, "4", "2026-11-23T13:00:00+07:00"),
    ]
    assert [r[1] for r in rows(sop, "--within", "1 jam")] == ["3"]
    assert [r[1] for r in rows(sop, "--within", "90 menit")] == ["3", "2"]
    assert [r[1] for r in rows(sop, "--role", "admin_sistem")] == ["2"]
    assert [r[1] for r in rows(sop, "--role", "tim")] == ["3", "4"]
    clock("23T10:30")
    late = due_json(sop)
    assert [(r["step"], r["late"], r["minutes_left"]) for r in late] == [
        ("3", True, -30.0),
        ("2", False, 30.0),
        ("4", False, 150.0),
    ]
    table = exited_ok(sop("due")).stdout
    assert "3. Pengamanan bukti" in table and "2. Penahanan" in table and "4. Pemberitahuan kepada" in table


def test_a_branch_done_leaves_the_others(sop, clock, forked):
    clock("23T09:40")
    exited_ok(sop("next", forked, "--step", "3"))
    assert [r[1] for r in rows(sop)] == ["2", "4"]


CLOCK_HOURS = """
format = 2
id = "aduan-siber"
version = "1"
nama = "Aduan Siber"
instansi = "Dinas Contoh"

[[outcomes]]
id = "selesai"
label = "Selesai"
kind = "resolved"

[[roles]]
key = "csirt"
nama = "Tim CSIRT"

[[steps]]
id = "1"
kegiatan = "Menanggapi aduan"
pelaksana = ["csirt"]
waktu = "4 jam"
jam = "kalender"
end = "selesai"
"""


def test_a_step_in_clock_hours_due_after_closing_is_not_missed(sop, sop_env, clock):
    """Received Thursday 14:00 with 4 clock hours: due 18:00, after closing. At 15:00 it has 60 working minutes
    left (to 16:00), so --within '1 jam' shows it although 1 working hour from 15:00 ends at 16:00."""
    path = sop_env / "aduan-siber.toml"
    path.write_text(CLOCK_HOURS, encoding="utf-8")
    clock("26T14:00")
    exited_ok(
        sop(
            "new", "--sop", str(path), "--description", "Akun email dinas diretas", "--reporter", "Sari",
            "--unit", "Diskominfo", "--system", "Email",
        )
    )  # fmt: skip
    clock("26T15:00")
    assert rows(sop) == []  # not due by today's closing time
    shown = due_json(sop, "--within", "1 jam")
    assert [(r["step"], r["due_at"], r["minutes_left"]) for r in shown] == [("1", "2026-11-26T18:00:00+07:00", 60.0)]
    assert due_json(sop, "--within", "59 menit") == []


def test_limit_shows_the_steps_due_first_and_says_more_are_left_out(sop, clock, week):
    first, _second, _paused, fourth = week
    fifth = thursday_afternoon(sop, clock)
    clock("27T08:00")  # Friday: the first, the fourth and the fifth are late, the second due at 09:30
    everything = [r[0] for r in rows(sop)]
    assert len(everything) == 4
    cut = exited_ok(sop("due", "--limit", "2"))
    shown = [line.split()[0] for line in cut.stdout.splitlines()[2:] if line.startswith("ADU-")]
    assert shown == everything[:2] == [first, fourth]
    assert "Showing the 2 steps due first; --limit 0 shows them all." in cut.stderr
    whole = exited_ok(sop("due", "--limit", "0"))
    assert fifth in whole.stdout and "--limit 0" not in whole.stderr
    assert [r[0] for r in rows(sop, "--limit", "3")] == everything[:3]  # json takes --limit too; all without it
    assert "--limit" not in exited_ok(sop("due", "--limit", "4")).stderr  # nothing left out: nothing said


def test_limit_with_a_fork_keeps_every_branch_due_before_the_cut(sop, clock, forked):
    clock("23T09:30")
    assert rows(sop, "--limit", "2") == [
        (forked, "3", "2026-11-23T10:00:00+07:00"),
        (forked, "2", "2026-11-23T11:00:00+07:00"),
    ]
