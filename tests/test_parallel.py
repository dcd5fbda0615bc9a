"""Parallel steps (``cabang``/``gabung``) and joint sign-off (``persetujuan``), in the engine, pure.

The SOP below has the shape of a security-incident procedure: after
identification, containment, evidence preservation and notification run at
once; evidence preservation is two steps; the review waits for all three and
is signed off by two roles. A second join waits only for the first branch.
Times are on the default office calendar (Mon–Thu 07:30–16:00); 23–27 November
2026 are ordinary working days.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from helpers import exited_ok
from sopcli import i18n
from sopcli.definitions.loader import load_text
from sopcli.definitions.schema import SopDefinition
from sopcli.definitions.validate import validate
from sopcli.domain import engine
from sopcli.domain.vocabulary import Action, Status
from sopcli.errors import ActionError, InputError
from sopcli.worktime.calendar import WorkingCalendar

JKT = ZoneInfo("Asia/Jakarta")
OFFICE = WorkingCalendar()

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
key = "admin"
nama = "Admin Sistem"

[[roles]]
key = "kepala"
nama = "Kepala Dinas"

[[steps]]
id = "1"
kegiatan = "Identifikasi dan verifikasi insiden"
pelaksana = ["tim"]
waktu = "1 jam"
cabang = ["2", "3", "5"]

[[steps]]
id = "2"
kegiatan = "Penahanan"
pelaksana = ["admin"]
waktu = "2 jam"
next = "6"

[[steps]]
id = "3"
kegiatan = "Pengamanan bukti"
pelaksana = ["tim"]
waktu = "1 jam"

[[steps]]
id = "4"
kegiatan = "Salinan bukti diverifikasi"
pelaksana = ["tim"]
waktu = "30 menit"
next = "6"

[[steps]]
id = "5"
kegiatan = "Pemberitahuan kepada pimpinan"
pelaksana = ["tim"]
waktu = "4 jam"

[[steps]]
id = "6"
kegiatan = "Kajian pasca insiden"
pelaksana = ["tim", "kepala"]
gabung = "semua"
persetujuan = ["tim", "kepala"]
waktu = "1 hari"
end = "pulih"
"""

FIRST_ONLY = INCIDENT.replace('gabung = "semua"', 'gabung = "salah_satu"')


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")
    yield


def at(d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, d, hh, mm, tzinfo=JKT)


def definition(text: str = INCIDENT):
    return load_text(text, "insiden.toml").definition


def received(sop, when: datetime) -> engine.CaseState:
    return engine.start(sop, received_at=when, actor="budi").state


def done(sop, state, when, step=None, **kwargs) -> engine.Transition:
    return engine.complete_step(sop, state, OFFICE, at=when, now=when, actor="budi", step_id=step, **kwargs)


def forked(sop=None):
    """The case after identification on Monday 09:00: containment, evidence and notification all current."""
    sop = sop or definition()
    state = received(sop, at(23, 8))
    return sop, done(sop, state, at(23, 9)).state


def test_the_fork_makes_every_branch_current_each_with_its_own_deadline():
    sop, state = forked()
    assert state.current_steps == ("2", "3", "5")
    assert engine.deadlines(sop, state, OFFICE) == {"2": at(23, 11), "3": at(23, 10), "5": at(23, 13)}
    assert engine.earliest_due(sop, state, OFFICE) == at(23, 10)


def test_the_fork_is_recorded_as_one_step_entry_naming_every_branch():
    sop = definition()
    entry = done(sop, received(sop, at(23, 8)), at(23, 9)).entry
    assert (entry.step, entry.next_step) == ("1", "2,3,5")


def test_with_several_steps_current_the_step_must_be_named():
    sop, state = forked()
    with pytest.raises(ActionError, match=r"several steps are current: 2, 3, 5"):
        done(sop, state, at(23, 9, 30))
    with pytest.raises(ActionError, match="not at step 6"):
        done(sop, state, at(23, 9, 30), step="6")


def test_a_branch_done_out_of_order_is_judged_on_its_own_clock_and_the_others_keep_theirs():
    sop, state = forked()
    moved = done(sop, state, at(23, 10, 30), step="5")  # notification: 1 h 30 of its 4 h
    assert moved.entry.step == "5" and moved.entry.on_time is True and moved.entry.took_minutes == 90
    assert moved.entry.next_step == "6"  # it arrived at the join, which waits for the others
    assert moved.state.current_steps == ("2", "3")
    late = done(sop, moved.state, at(23, 11, 30), step="3")  # evidence: 2 h 30 of its 1 h
    assert late.entry.on_time is False and late.entry.took_minutes == 150
    assert late.state.current_steps == ("4", "2")  # the evidence branch goes on at its second step
    assert engine.deadlines(sop, late.state, OFFICE) == {"4": at(23, 12), "2": at(23, 11)}


def test_the_join_waiting_for_all_starts_when_the_last_branch_arrives():
    sop, state = forked()
    for when, step in ((at(23, 9, 30), "2"), (at(23, 9, 40), "3"), (at(23, 9, 50), "4")):
        state = done(sop, state, when, step=step).state
        assert "6" not in state.current_steps
    last = done(sop, state, at(23, 10), step="5")
    assert last.state.current_steps == ("6",)
    assert last.state.step_started_at == at(23, 10)  # the join's clock starts with the last arrival
    assert last.state.branches == ()


def test_the_join_waiting_for_the_first_starts_at_once_and_stops_the_other_branches():
    sop, state = forked(definition(FIRST_ONLY))
    first = done(sop, state, at(23, 9, 30), step="2")
    assert first.state.current_steps == ("6",)
    assert first.state.step_started_at == at(23, 9, 30)


def test_a_pause_stops_every_branch_clock_alike():
    sop, state = forked()
    paused = engine.pause(state, at=at(23, 9, 30), now=at(23, 9, 30), actor="budi", reason="menunggu vendor").state
    resumed = engine.resume(paused, OFFICE, at=at(23, 10, 30), now=at(23, 10, 30), actor="budi").state
    # One working hour paused: every branch's deadline moves by it.
    assert engine.deadlines(sop, resumed, OFFICE) == {"2": at(23, 12), "3": at(23, 11), "5": at(23, 14)}


def test_joint_sign_off_needs_each_role_and_the_last_signature_completes_the_step():
    sop, state = forked()
    for when, step in ((at(23, 9, 30), "2"), (at(23, 9, 40), "3"), (at(23, 9, 50), "4"), (at(23, 10), "5")):
        state = done(sop, state, when, step=step).state
    with pytest.raises(ActionError, match="signed off by each of: Tim Tanggap Insiden, Kepala Dinas"):
        done(sop, state, at(23, 11))
    first = done(sop, state, at(23, 11), signing_as="kepala", note="setuju")
    assert first.entry.action == Action.APPROVE and first.entry.fields == {"sebagai": "kepala"}
    assert first.state.current_step == "6" and first.state.approvals == ("kepala",)
    with pytest.raises(ActionError, match="Kepala Dinas has already signed step 6 off; still to sign: Tim"):
        done(sop, first.state, at(23, 11, 30), signing_as="kepala")
    last = done(sop, first.state, at(23, 12), signing_as="tim")
    assert last.entry.action == Action.STEP and last.entry.fields == {"outcome": "pulih", "sebagai": "tim"}
    assert last.state.status == Status.RESOLVED and last.state.fields == {}


def test_the_decision_and_fields_come_with_the_last_signature_not_an_earlier_one():
    sop = definition(INCIDENT.replace('end = "pulih"', 'end = "pulih"\noutput = "Laporan pasca insiden"'))
    state = forked(sop)[1]
    for when, step in ((at(23, 9, 30), "2"), (at(23, 9, 40), "3"), (at(23, 9, 50), "4"), (at(23, 10), "5")):
        state = done(sop, state, when, step=step).state
    with pytest.raises(InputError, match="given with its last signature"):
        done(sop, state, at(23, 11), signing_as="tim", output="LPI-01")


def test_replaying_the_journal_gives_the_state_the_actions_left():
    sop = definition()
    state = received(sop, at(23, 8))
    entries = [engine.start(sop, received_at=at(23, 8), actor="budi").entry]
    for when, step, signer in (
        (at(23, 9), None, None),
        (at(23, 9, 30), "5", None),
        (at(23, 9, 40), "3", None),
        (at(23, 9, 50), "2", None),
        (at(23, 10), "4", None),
        (at(23, 11), None, "tim"),
    ):
        moved = done(sop, state, when, step=step, signing_as=signer)
        state = moved.state
        entries.append(moved.entry)
    assert engine.replay(sop, entries, OFFICE) == state
    assert state.current_step == "6" and state.approvals == ("tim",)


def test_undo_of_a_branch_step_brings_back_every_branch_as_it_was():
    sop, state = forked()
    journal = [(1, engine.start(sop, received_at=at(23, 8), actor="budi").entry)]
    journal.append((2, done(sop, received(sop, at(23, 8)), at(23, 9)).entry))
    moved = done(sop, state, at(23, 9, 30), step="3")
    journal.append((3, moved.entry))
    undone = engine.undo(
        sop, moved.state, journal, OFFICE, at=at(23, 9, 45), now=at(23, 9, 45), actor="budi", reason="salah langkah"
    )
    assert undone.state.current_steps == state.current_steps
    assert engine.deadlines(sop, undone.state, OFFICE) == engine.deadlines(sop, state, OFFICE)
    assert engine.apply(moved.state, undone.entry, OFFICE, sop) == undone.state


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('next = "6"\n\n[[steps]]\nid = "3"', 'end = "pulih"\n\n[[steps]]\nid = "3"'), "can end the case at step 2"),
        (('cabang = ["2", "3", "5"]', 'cabang = ["2", "3", "9"]'), "cabang names step '9', which does not exist"),
        (('cabang = ["2", "3", "5"]', 'cabang = ["2"]'), "at least two"),
        (('gabung = "semua"\n', ""), "can end the case at step 6; branches must meet at a join"),
        (('persetujuan = ["tim", "kepala"]', 'persetujuan = ["tim", "bos"]'), "persetujuan: unknown role 'bos'"),
        (
            ('cabang = ["2", "3", "5"]', 'cabang = ["2", "3", "5"]\nnext = "2"'),
            "only one of next, end, decision or cabang",
        ),
    ],
)
def test_validate_finds_forks_that_cannot_meet(change, message):
    old, new = change
    assert old in INCIDENT
    problems = problems_of(INCIDENT.replace(old, new))
    assert any(message in problem for problem in problems), problems


def problems_of(text: str) -> list[str]:
    return [problem.message for problem in validate(SopDefinition.model_validate(tomllib.loads(text)))]


def test_the_shipped_shape_is_valid():
    assert problems_of(INCIDENT) == [] and problems_of(FIRST_ONLY) == []


def test_a_join_without_its_fork_is_a_problem():
    problems = problems_of(INCIDENT.replace('cabang = ["2", "3", "5"]', 'next = "6"'))
    assert any("no fork's branches lead to" in m for m in problems), problems


def test_the_keys_are_format_2():
    text = (
        INCIDENT.replace("format = 2\n", "")
        .replace('[[outcomes]]\nid = "pulih"\nlabel = "Pulih"\nkind = "resolved"\n', "")
        .replace('end = "pulih"', 'end = "resolved"')
    )
    assert "cabang: a key of format 2; add format = 2 at the top of the file" in problems_of(text)


# --- through the CLI: the queue, the card, show and the journal, on SQLite and PostgreSQL -----------------------
# The clock is conftest's (Tuesday 24 November 2026, 16:00 WIB); --at puts each action earlier that day.


@pytest.fixture
def incident(sop, sop_env):
    """An incident complaint received Tuesday 08:00, identified at 09:00: its three branches run."""
    path = sop_env / "insiden.toml"
    path.write_text(INCIDENT, encoding="utf-8")
    exited_ok(
        sop(
            "new", "--sop", str(path), "--description", "Situs web dinas diretas", "--reporter", "Sari",
            "--unit", "Humas", "--system", "Website", "--received-at", "2026-11-24 08:00",
        )
    )  # fmt: skip
    exited_ok(sop("next", "1", "--at", "2026-11-24 09:00"))
    return "ADU-2026-00001"


def test_show_lists_every_current_step_with_its_own_deadline(sop, incident):
    shown = json.loads(exited_ok(sop("show", incident, "--json")).stdout)
    assert shown["current_steps"] == [
        {"step": "2", "due_at": "2026-11-24T11:00:00+07:00"},
        {"step": "3", "due_at": "2026-11-24T10:00:00+07:00"},
        {"step": "5", "due_at": "2026-11-24T13:00:00+07:00"},
    ]
    assert shown["due_at"] == "2026-11-24T10:00:00+07:00"  # the queue warns by the nearest
    text = exited_ok(sop("show", incident)).stdout
    assert "Current steps  2, 3, 5" in text and "Step 3 due     24/11/2026 10:00 WIB" in text
    assert "steps 2, 3, 5 run at once" in text  # the fork's journal entry says so


def test_the_queue_shows_every_branch_and_everyone_acting(sop, incident):
    [row] = json.loads(exited_ok(sop("list", "--json")).stdout)
    assert row["current_step"] == "2, 3, 5"
    assert row["who"] == "Admin Sistem, Tim Tanggap Insiden"
    late = json.loads(exited_ok(sop("list", "--overdue", "--json")).stdout)
    assert [r["number"] for r in late] == [incident]  # step 3 was due at 10:00; it is 16:00


def test_without_step_a_script_is_told_to_name_one_and_nothing_is_written(sop, incident):
    refused = sop("next", incident)
    assert refused.exit_code == 1
    assert refused.stderr == "Error: several steps are current: 2, 3, 5 (name the one done with --step ID)\n"
    assert len(json.loads(exited_ok(sop("show", incident, "--json")).stdout)["journal"]) == 2


def test_each_branch_is_done_by_step_and_the_join_waits_for_the_last(sop, incident):
    exited_ok(sop("next", incident, "--step", "5", "--at", "2026-11-24 09:30"))
    done3 = exited_ok(sop("next", incident, "--step", "3", "--at", "2026-11-24 10:30"))
    assert "Step 3 done. 1 h 30 min / 1 h (late by 30 min)" in done3.stdout
    assert "now at steps 2, 4, run at once: sop next ADU-2026-00001 --step ID" in done3.stdout
    gone = sop("next", incident, "--step", "3", "--at", "2026-11-24 10:40")
    assert gone.exit_code == 3 and "is not at step 3: it is at step" in gone.stderr
    exited_ok(sop("next", incident, "--step", "2", "--at", "2026-11-24 10:45"))
    last = exited_ok(sop("next", incident, "--step", "4", "--at", "2026-11-24 11:00"))
    assert "now at step 6" in last.stdout
    assert json.loads(exited_ok(sop("show", incident, "--json")).stdout)["current_steps"] == [
        {"step": "6", "due_at": "2026-11-25T11:00:00+07:00"}
    ]
    exited_ok(sop("db", "check"))  # the stored branches are what the journal replays to


def test_joint_sign_off_by_two_operators_with_their_roles(sop, incident):
    for step, minute in (("2", "20"), ("3", "30"), ("4", "40"), ("5", "50")):
        exited_ok(sop("next", incident, "--step", step, "--at", f"2026-11-24 09:{minute}"))
    exited_ok(sop("config", "set", "enforce_roles", "true"))
    exited_ok(sop("operator", "add", "ani", "--role", "tim"))
    exited_ok(sop("operator", "add", "kadis", "--role", "kepala"))
    card = json.loads(exited_ok(sop("next", incident, "--show", "--json")).stdout)
    assert (card["step"], card["to_sign"], card["signed"]) == ("6", ["tim", "kepala"], [])

    stranger = sop("next", incident, "--as", "kadis", "--sign-as", "tim", "--at", "2026-11-24 10:00")
    assert stranger.exit_code == 1 and "kadis does not hold the role Tim Tanggap Insiden" in stranger.stderr
    early = sop("next", incident, "--as", "kadis", "--output", "LPI-01", "--at", "2026-11-24 10:00")
    assert early.exit_code == 1 and "are given with its last signature" in early.stderr  # never dropped silently
    first = exited_ok(sop("next", incident, "--as", "kadis", "--at", "2026-11-24 10:00", "--note", "Disetujui"))
    assert first.stdout == "Step 6 signed off as Kepala Dinas; still to sign: Tim Tanggap Insiden.\n"
    card = json.loads(exited_ok(sop("next", incident, "--show", "--json")).stdout)
    assert (card["to_sign"], card["signed"]) == (["tim"], ["Kepala Dinas"])
    closed = exited_ok(sop("next", incident, "--as", "ani", "--at", "2026-11-24 10:30"))
    assert "ADU-2026-00001 is closed: resolved." in closed.stdout
    assert json.loads(exited_ok(sop("show", incident, "--json")).stdout)["outcome"] == "Pulih"
    assert re.search(r"^Status +resolved \(Pulih\)$", exited_ok(sop("show", incident)).stdout, re.M)

    journal = json.loads(exited_ok(sop("show", incident, "--json")).stdout)["journal"]
    assert [(e["action"], e["actor"], e["fields"].get("sebagai")) for e in journal[-2:]] == [
        ("approved", "kadis", "kepala"),
        ("step", "ani", "tim"),
    ]
    exited_ok(sop("db", "check"))
    exited_ok(sop("verify"))


def test_sops_show_and_path_read_the_fork_as_steps_at_once(sop, sop_env):
    path = sop_env / "insiden.toml"
    path.write_text(INCIDENT, encoding="utf-8")
    shown = exited_ok(sop("sops", "show", str(path))).stdout
    assert "→ 2, 3, 5 at once" in shown
    assert "waits for every branch" in shown and "each of: Tim Tanggap Insiden, Kepala Dinas" in shown
    as_json = json.loads(exited_ok(sop("sops", "show", str(path), "--json")).stdout)
    assert as_json["steps"][0]["cabang"] == ["2", "3", "5"] and as_json["steps"][5]["gabung"] == "semua"
    # 1 h, then the longest branch (notification, 4 h; not 2 h + 1 h 30 summed), then 1 day: 1 day 5 hours.
    totals = json.loads(exited_ok(sop("sops", "path", str(path), "--json")).stdout)
    assert {p["max_minutes"] for p in totals["paths"]} == {60 + 240 + 510}


def test_the_wall_board_has_a_row_per_step_running_at_once(sop, incident):
    board = exited_ok(sop("board", "--once")).stdout
    rows = [line for line in board.splitlines() if incident in line]
    assert len(rows) == 3
    assert [name in board for name in ("Penahanan", "Pengamanan bukti", "Pemberitahuan")] == [True] * 3
