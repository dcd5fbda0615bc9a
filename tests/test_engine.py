"""SOP semantics of the running case (``sopcli.domain.engine``), pure.

No database, no clock: every moment is a fixed Asia/Jakarta datetime and
``now`` is passed in. Every expected timing number is worked out by hand in a
comment next to it, on the default calendar (Perpres 21/2023):

    Mon–Thu 07:30–16:00 = 510 working minutes (also the length of a "hari")
    Fri     07:30–16:30 = 540 working minutes
    Sat/Sun, national holidays and cuti bersama: 0

Dates used (2026): Mon 23 – Fri 27 November and Mon 30 November are ordinary
working days; Mon 17 August is Independence Day; Thu 24 December is a cuti
bersama (Christmas joint holiday) and Fri 25 December is Christmas.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopcli import i18n
from sopcli.definitions.loader import load
from sopcli.domain import engine
from sopcli.domain.engine import CaseState
from sopcli.domain.vocabulary import Status
from sopcli.errors import ActionError, InputError
from sopcli.worktime.calendar import WorkingCalendar

JKT = ZoneInfo("Asia/Jakarta")
OFFICE = WorkingCalendar()
ALWAYS = WorkingCalendar.twenty_four_seven(JKT)
ACTOR = "budi"
SOP_IDS = ("ipas-pemulihan", "kaltim-db", "cirebon-aplikasi", "tanahbumbu-jaringan")


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English whatever the machine's locale.
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=JKT)


def sop(sop_id: str):
    return load(sop_id).definition


def state_at(
    step: str, started: datetime, *, received: datetime | None = None, fields: dict[str, str] | None = None
) -> CaseState:
    """An open case whose ``step`` became current at ``started``."""
    return CaseState(
        status=Status.OPEN,
        current_step=step,
        step_started_at=started,
        last_at=started,
        received_at=received or started,
        fields=fields or {},
    )


def complete(defn, state, at_, *, calendar=OFFICE, decision=None, fields=None, now=None):
    return engine.complete_step(
        defn, state, calendar, at=at_, now=now or at_, actor=ACTOR, decision=decision, fields=fields
    )


# =====================================================================================
# Scenario walks: every branch and loop of every seed SOP
# =====================================================================================

# Monday 23 November 2026 08:00 WIB, an ordinary working day. Each move of a
# scenario happens 10 minutes after the one before, all within Monday's office
# hours (the longest walk has 23 moves: 08:00 + 230 min = 11:50), so each
# step took exactly 10 working minutes and a whole walk took 10 × moves.
BASE = at(2026, 11, 23, 8, 0)
GAP = timedelta(minutes=10)

# Deadline (upper end of the standard) of each step in minutes, read off the
# TOML files by hand; a "hari" is 510 minutes. Steps not listed have none.
STANDARDS = {
    "ipas-pemulihan": {"1": 15, "6": 15, "7": 60, "8": 15, "13": 60, "14": 60},
    # 4 is "1-2 hari": upper end 2 × 510 = 1020
    "kaltim-db": {"1": 30, "2": 60, "3": 60, "4": 1020, "5": 15, "6": 60, "7": 60, "8": 15, "9": 15},
    # 4 is "1 hari" = 510; 5 is "-" (none); 7 is "5 menit" so 10 minutes is late
    "cirebon-aplikasi": {"1": 15, "2": 30, "3": 15, "4": 510, "6": 120, "7": 5},
    # no time standards except step 9, which takes the estimate recorded at step 6
    "tanahbumbu-jaringan": {},
}


def walk(sop_id: str, route, *, end: str | None, fields=None, standards=None, took=None):
    """Walk ``route`` [(current step, decision, expected next step)] from BASE.

    Each step takes ten minutes; ``took`` gives the minutes a step counting from
    an earlier moment (``waktu_sejak``) has taken by then.

    Asserts the state and the journal entry of every move, and the outcome at
    the end. Returns the list of (state before the move, transition).
    """
    defn = sop(sop_id)
    fields = fields or {}
    standards = {**STANDARDS[sop_id], **(standards or {})}
    started = engine.start(defn, received_at=BASE, actor=ACTOR, note="laporan masuk")
    assert started.entry.action == "received"
    assert started.entry.at == BASE
    assert started.entry.step is None
    assert started.entry.next_step == defn.steps[0].id == "1"
    assert started.entry.note == "laporan masuk"
    state = started.state
    assert (state.status, state.current_step, state.step_started_at) == (Status.OPEN, "1", BASE)

    moves = []
    when = BASE
    for index, (step, decision, expected_next) in enumerate(route):
        assert state.status == Status.OPEN
        assert state.current_step == step, f"move {index}"
        when = when + GAP
        given_fields = fields.get(step)
        tr = complete(defn, state, when, decision=decision, fields=given_fields)
        entry = tr.entry
        limit = standards.get(step)
        assert entry.action == "step"
        assert entry.at == when
        assert entry.actor == ACTOR
        assert entry.step == step
        assert entry.decision == decision
        closing = {} if expected_next else {"outcome": defn.successors(defn.step(step))[0][2]}
        if expected_next is None and defn.step(step).decision:
            closing = {"outcome": defn.step(step).decision.option(decision).end}
        assert dict(entry.fields) == {**(given_fields or {}), **closing}
        assert entry.next_step == expected_next
        assert entry.took_minutes == (took or {}).get(step, 10.0)
        assert entry.standard_minutes == limit
        assert entry.on_time == (None if limit is None else limit >= entry.took_minutes)
        moves.append((state, tr))
        state = tr.state
        if expected_next is None:
            break
        assert state.status == Status.OPEN
        assert state.current_step == expected_next
        assert state.step_started_at == when
        assert state.last_at == when
        assert tr.overall_minutes is None and tr.overall_on_time is None

    assert len(moves) == len(route), "the case closed before the route's end"
    assert state.status == end
    assert state.current_step is None
    assert state.step_started_at is None
    assert state.closed_at == when
    # 10 working minutes per move, all on Monday morning
    assert moves[-1][1].overall_minutes == 10.0 * len(route)
    return moves


def _plain(*steps: str):
    """Consecutive steps without decisions: each goes to the next in the list."""
    return [(a, None, b) for a, b in itertools.pairwise(steps)]


IPAS_HEAD = _plain("1", "2", "3", "4", "5", "6", "7")  # 1 → … → 6 → 7


def test_ipas_7_tidak_is_referred_not_rejected():
    moves = walk("ipas-pemulihan", [*IPAS_HEAD, ("7", "tidak", None)], end=Status.REFERRED)
    assert moves[-1][1].entry.fields == {"outcome": "bukan_gangguan_aplikasi"}
    last = moves[-1][1]
    assert last.overall_on_time is None  # the SOP gives no overall waktu
    assert last.overall_minutes == 70.0  # 7 moves × 10


def test_ipas_straight_path_resolves():
    # 7 ya → 8 → 9 ya → 13 → 14 ya → 15 → resolved
    route = [
        *IPAS_HEAD,
        ("7", "ya", "8"),
        ("8", None, "9"),
        ("9", "ya", "13"),
        ("13", None, "14"),
        ("14", "ya", "15"),
        ("15", None, None),
    ]
    moves = walk("ipas-pemulihan", route, end=Status.RESOLVED)
    assert moves[-1][1].overall_on_time is None


def test_ipas_every_branch_and_the_loop_back_to_9():
    route = [
        *IPAS_HEAD,
        ("7", "ya", "8"),
        ("8", None, "9"),
        # 9 tidak → 10 → 11 ya → 13
        ("9", "tidak", "10"),
        ("10", None, "11"),
        ("11", "ya", "13"),
        ("13", None, "14"),
        # 14 tidak → back to 9, then 9 tidak → 10 → 11 tidak → 12 → 13
        ("14", "tidak", "9"),
        ("9", "tidak", "10"),
        ("10", None, "11"),
        ("11", "tidak", "12"),
        ("12", None, "13"),
        ("13", None, "14"),
        # 14 tidak → 9 once more, 9 ya → 13 → 14 ya → 15 → resolved
        ("14", "tidak", "9"),
        ("9", "ya", "13"),
        ("13", None, "14"),
        ("14", "ya", "15"),
        ("15", None, None),
    ]
    moves = walk("ipas-pemulihan", route, end=Status.RESOLVED)
    assert len(moves) == 23  # 6 + 2 + 4 + 6 + 5; 08:00 + 23 × 10 min = 11:50, still Monday morning
    # Back at 9 after the loop, the step's clock restarts from the loop's move.
    looped = [tr for before, tr in moves if before.current_step == "14" and tr.entry.decision == "tidak"]
    assert len(looped) == 2
    for tr in looped:
        assert tr.state.current_step == "9"
        assert tr.state.step_started_at == tr.entry.at


KALTIM_HEAD = _plain("1", "2", "3", "4", "5", "6", "7")


def test_kaltim_loops_then_resolves():
    route = [
        *KALTIM_HEAD,
        ("7", "tidak", "5"),
        ("5", None, "6"),
        ("6", None, "7"),  # 7 tidak → 5 loop
        ("7", "ya", "8"),
        ("8", "tidak", "7"),  # 8 tidak → 7 loop
        ("7", "ya", "8"),
        ("8", "ya", "9"),
        ("9", None, None),  # → 9 resolved
    ]
    moves = walk("kaltim-db", route, end=Status.RESOLVED)
    last = moves[-1][1]
    # 14 moves × 10 = 140 working minutes ≤ 3 hari kerja (3 × 510 = 1530)
    assert last.overall_minutes == 140.0
    assert last.overall_on_time is True


def test_kaltim_straight_path():
    route = [*KALTIM_HEAD, ("7", "ya", "8"), ("8", "ya", "9"), ("9", None, None)]
    moves = walk("kaltim-db", route, end=Status.RESOLVED)
    assert moves[-1][1].overall_on_time is True


CIREBON_HEAD = _plain("1", "2", "3", "4")


def test_cirebon_aplikasi_branch():
    route = [*CIREBON_HEAD, ("4", "aplikasi", "5"), ("5", None, "6"), ("6", None, "7"), ("7", None, None)]
    moves = walk("cirebon-aplikasi", route, end=Status.RESOLVED)
    # step 7's standard is 5 menit: 10 minutes is late
    assert moves[-1][1].entry.on_time is False
    # step 5 is "-": no standard, no verdict
    step5 = moves[4][1].entry
    assert (step5.step, step5.standard_minutes, step5.on_time) == ("5", None, None)
    assert moves[-1][1].overall_on_time is None  # no overall waktu in this SOP


def test_cirebon_jaringan_branch_skips_5():
    route = [*CIREBON_HEAD, ("4", "jaringan", "6"), ("6", None, "7"), ("7", None, None)]
    walk("cirebon-aplikasi", route, end=Status.RESOLVED)


def test_decision_labels_are_matched_without_case_and_recorded_as_written():
    defn = sop("cirebon-aplikasi")
    tr = complete(defn, state_at("4", BASE), BASE + GAP, decision="  APLIKASI ")
    assert tr.entry.decision == "aplikasi"
    assert tr.state.current_step == "5"


def test_tanahbumbu_ping_ok_is_no_fault_found():
    walk("tanahbumbu-jaringan", [("1", None, "2"), ("2", "ya", None)], end=Status.NO_FAULT_FOUND)


TANAHBUMBU_TAIL = [("5", None, "6"), ("6", None, "7"), ("7", None, "8"), ("8", None, "9"), ("9", None, None)]


@pytest.mark.parametrize("where", ["internal", "eksternal"])
def test_tanahbumbu_both_answers_of_4_go_to_5(where):
    route = [("1", None, "2"), ("2", "tidak", "3"), ("3", None, "4"), ("4", where, "5"), *TANAHBUMBU_TAIL]
    # step 9's standard is the estimate: "4 jam" = 240 minutes
    # it counts from the end of step 6 (move 6, 09:00): step 9 is done at 09:30, 30 minutes later
    moves = walk(
        "tanahbumbu-jaringan",
        route,
        end=Status.RESOLVED,
        fields={"6": {"estimasi": "4 jam"}},
        standards={"9": 240},
        took={"9": 30.0},
    )
    decided = moves[3][1]
    assert decided.entry.step == "4"
    assert decided.entry.decision == where  # who is responsible is on the record
    assert decided.state.current_step == "5"
    # the estimate is kept on the case and used at step 9
    step6 = moves[5][1]
    assert dict(step6.entry.fields) == {"estimasi": "4 jam"}
    assert step6.state.fields["estimasi"] == "4 jam"
    before9 = moves[-1][0]
    assert before9.current_step == "9"
    # step 9 became current at move 8 (BASE + 80 min = 09:20); step 6 ended at 09:00; + 240 working min = 13:00
    assert before9.step_started_at == at(2026, 11, 23, 9, 20)
    assert before9.moments == {"selesai:6": at(2026, 11, 23, 9, 0)}
    assert engine.due_at(sop("tanahbumbu-jaringan"), before9, OFFICE) == at(2026, 11, 23, 13, 0)
    last = moves[-1][1].entry
    assert (last.standard_minutes, last.on_time) == (240, True)


def test_tanahbumbu_step_9_due_from_a_range_estimate():
    defn = sop("tanahbumbu-jaringan")
    state = state_at("6", BASE)
    state = complete(defn, state, BASE, fields={"estimasi": "1-2 hari"}).state  # → 7 at 08:00
    state = complete(defn, state, BASE).state  # → 8
    state = complete(defn, state, BASE).state  # → 9, started Mon 08:00, as step 6 ended
    assert state.current_step == "9"
    standard = engine.standard_for(defn, defn.step("9"), state.fields)
    assert (standard.low, standard.high, standard.unit) == (1, 2, "days")
    # upper end 2 × 510 = 1020 from Mon 08:00: Mon 08:00–16:00 480, Tue 510 (990),
    # Wed 07:30 + 30 → Wed 25 Nov 08:00
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 25, 8, 0)
    late = complete(defn, state, at(2026, 11, 25, 8, 1)).entry
    assert (late.standard_minutes, late.took_minutes, late.on_time) == (1020, 1021.0, False)


def test_tanahbumbu_step_9_without_estimate_has_no_standard():
    defn = sop("tanahbumbu-jaringan")
    assert engine.standard_for(defn, defn.step("9"), {}) is None
    assert engine.due_at(defn, state_at("9", BASE), OFFICE) is None
    assert engine.standard_for(defn, defn.step("9"), {"estimasi": "90 menit"}).high == 90


# =====================================================================================
# Errors
# =====================================================================================


def test_decision_missing_lists_the_options():
    with pytest.raises(ActionError) as err:
        complete(sop("ipas-pemulihan"), state_at("7", BASE), BASE + GAP)
    message = err.value.message
    assert "step 7 needs a decision" in message
    assert "ya (" in message and "tidak (" in message
    assert "--decision" in err.value.hint


def test_decision_missing_lists_two_way_labels_other_than_ya_tidak():
    with pytest.raises(ActionError) as err:
        complete(sop("cirebon-aplikasi"), state_at("4", BASE), BASE + GAP)
    assert "jaringan (" in err.value.message and "aplikasi (" in err.value.message


def test_unknown_option():
    with pytest.raises(ActionError) as err:
        complete(sop("kaltim-db"), state_at("7", BASE), BASE + GAP, decision="mungkin")
    assert "'mungkin' is not an option of step 7" in err.value.message
    assert "ya (" in err.value.message and "tidak (" in err.value.message


@pytest.mark.parametrize("step", ["1", "9"])  # a plain step, and a plain step that ends the case
def test_decision_at_a_non_decision_step(step):
    with pytest.raises(ActionError, match=f"step {step} is not a decision"):
        complete(sop("kaltim-db"), state_at(step, BASE), BASE + GAP, decision="ya")


def test_missing_required_field():
    with pytest.raises(InputError) as err:
        complete(sop("tanahbumbu-jaringan"), state_at("6", BASE), BASE + GAP)
    assert "step 6 needs the field estimasi" in err.value.message
    assert "estimasi=" in err.value.hint
    # blank counts as missing
    with pytest.raises(InputError, match="needs the field estimasi"):
        complete(sop("tanahbumbu-jaringan"), state_at("6", BASE), BASE + GAP, fields={"estimasi": "   "})


def test_unknown_field():
    with pytest.raises(InputError, match=r"step 6 does not ask for lokasi \(it asks for: estimasi\)"):
        complete(
            sop("tanahbumbu-jaringan"),
            state_at("6", BASE),
            BASE + GAP,
            fields={"estimasi": "4 jam", "lokasi": "Batulicin"},
        )
    with pytest.raises(InputError, match=r"step 1 does not ask for estimasi \(it asks for: none\)"):
        complete(sop("tanahbumbu-jaringan"), state_at("1", BASE), BASE + GAP, fields={"estimasi": "4 jam"})


@pytest.mark.parametrize("value", ["lama sekali", "4 tahun", "0 jam", "3-1 jam", "-"])
def test_bad_duration_in_a_duration_field(value):
    with pytest.raises(InputError) as err:
        complete(sop("tanahbumbu-jaringan"), state_at("6", BASE), BASE + GAP, fields={"estimasi": value})
    assert err.value.message.startswith("field estimasi:")
    assert "4 jam" in err.value.hint


def test_at_before_the_last_entry_is_refused_and_equal_is_allowed():
    defn = sop("kaltim-db")
    state = state_at("1", BASE)
    with pytest.raises(InputError, match="is before the case's latest entry"):
        complete(defn, state, BASE - timedelta(minutes=1))
    moved = complete(defn, state, BASE).state  # the same minute is fine
    with pytest.raises(InputError, match="is before"):
        engine.add_note(moved, at=BASE - timedelta(seconds=1), now=BASE, actor=ACTOR, note="x")
    with pytest.raises(InputError, match="is before"):
        engine.pause(moved, at=BASE - timedelta(seconds=1), now=BASE, actor=ACTOR, reason="x")


def test_a_note_moves_the_last_entry_time():
    state = state_at("2", BASE)
    noted = engine.add_note(state, at=BASE + GAP, now=BASE + GAP, actor=ACTOR, note="menelepon pelapor")
    assert noted.entry.action == "note"
    assert noted.entry.step == "2"
    assert noted.state.current_step == "2" and noted.state.step_started_at == BASE
    assert noted.state.last_at == BASE + GAP
    with pytest.raises(InputError, match="is before"):
        complete(sop("kaltim-db"), noted.state, BASE + timedelta(minutes=5))


def test_at_in_the_future():
    defn = sop("kaltim-db")
    state = state_at("1", BASE)
    now = BASE + GAP
    with pytest.raises(InputError, match="is in the future"):
        complete(defn, state, now + timedelta(minutes=1, seconds=1), now=now)
    # within a minute is forgiven (clocks a little apart)
    tr = complete(defn, state, now + timedelta(minutes=1), now=now)
    assert tr.entry.at == now + timedelta(minutes=1)
    with pytest.raises(InputError, match="is in the future"):
        engine.add_note(state, at=now + timedelta(minutes=2), now=now, actor=ACTOR, note="x")
    with pytest.raises(InputError, match="is in the future"):
        engine.pause(state, at=now + timedelta(minutes=2), now=now, actor=ACTOR, reason="x")
    with pytest.raises(InputError, match="is in the future"):
        engine.cancel(state, OFFICE, at=now + timedelta(minutes=2), now=now, actor=ACTOR, reason="x")


def _closed_case():
    defn = sop("tanahbumbu-jaringan")
    state = complete(defn, state_at("2", BASE), BASE + GAP, decision="ya").state
    assert state.status == Status.NO_FAULT_FOUND
    return defn, state


def test_acting_on_a_closed_case():
    defn, closed = _closed_case()
    later = BASE + 2 * GAP
    with pytest.raises(ActionError, match=r"already closed \(no fault found\)"):
        complete(defn, closed, later)
    with pytest.raises(ActionError, match="already closed"):
        engine.pause(closed, at=later, now=later, actor=ACTOR, reason="menunggu")
    with pytest.raises(ActionError, match="already closed"):
        engine.resume(closed, OFFICE, at=later, now=later, actor=ACTOR)
    with pytest.raises(ActionError, match="already closed"):
        engine.cancel(closed, OFFICE, at=later, now=later, actor=ACTOR, reason="duplikat")
    # but a closed case still takes notes
    noted = engine.add_note(closed, at=later, now=later, actor=ACTOR, note="pelapor berterima kasih")
    assert noted.state.status == Status.NO_FAULT_FOUND
    assert noted.entry.step is None
    assert engine.due_at(defn, closed, OFFICE) is None


def test_cancel_closes_the_case():
    state = state_at("3", BASE)
    tr = engine.cancel(state, OFFICE, at=BASE + GAP, now=BASE + GAP, actor=ACTOR, reason="laporan ganda")
    assert tr.state.status == Status.CANCELLED
    assert tr.state.current_step is None
    assert tr.state.closed_at == BASE + GAP
    assert (tr.entry.action, tr.entry.step, tr.entry.note) == ("cancel", "3", "laporan ganda")
    with pytest.raises(ActionError, match=r"already closed \(cancelled\)"):
        engine.cancel(tr.state, OFFICE, at=BASE + GAP, now=BASE + GAP, actor=ACTOR, reason="lagi")


def test_cancel_while_paused_counts_the_pause():
    state = state_at("2", BASE)
    paused = engine.pause(state, at=BASE + GAP, now=BASE + GAP, actor=ACTOR, reason="menunggu vendor").state
    end = at(2026, 11, 23, 9, 10)
    tr = engine.cancel(paused, OFFICE, at=end, now=end, actor=ACTOR, reason="ditarik pelapor")
    # paused 08:10 → 09:10 = 60 working minutes
    assert tr.state.total_paused_minutes == 60.0
    assert tr.state.paused_since is None


def test_completing_pausing_twice_resuming_unpaused():
    defn = sop("kaltim-db")
    state = state_at("2", BASE)
    with pytest.raises(ActionError, match="the case is not paused"):
        engine.resume(state, OFFICE, at=BASE + GAP, now=BASE + GAP, actor=ACTOR)
    paused = engine.pause(state, at=BASE + GAP, now=BASE + GAP, actor=ACTOR, reason="menunggu vendor")
    assert (paused.entry.action, paused.entry.step, paused.entry.note) == ("pause", "2", "menunggu vendor")
    assert paused.state.paused_since == BASE + GAP
    later = BASE + 2 * GAP
    with pytest.raises(ActionError, match="the case is paused") as err:
        complete(defn, paused.state, later)
    assert "resume" in err.value.hint
    with pytest.raises(ActionError, match="already paused"):
        engine.pause(paused.state, at=later, now=later, actor=ACTOR, reason="lagi")


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_empty_note_and_reasons(blank):
    state = state_at("2", BASE)
    with pytest.raises(InputError, match="the note is empty"):
        engine.add_note(state, at=BASE, now=BASE, actor=ACTOR, note=blank)
    with pytest.raises(InputError, match="a pause needs a reason"):
        engine.pause(state, at=BASE, now=BASE, actor=ACTOR, reason=blank)
    with pytest.raises(InputError, match="a cancellation needs a reason"):
        engine.cancel(state, OFFICE, at=BASE, now=BASE, actor=ACTOR, reason=blank)


# =====================================================================================
# Timing in working time
# =====================================================================================


def test_on_time_is_judged_against_the_upper_end_of_a_range():
    defn = sop("kaltim-db")
    state = state_at("4", BASE)  # step 4 "1-2 hari", started Mon 23 Nov 08:00
    # 1020 = 2 × 510: Mon 08:00–16:00 480, Tue 07:30–16:00 510 (990), Wed 07:30 + 30 = 08:00
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 25, 8, 0)
    # Tue 09:30: 480 + 120 = 600, past the lower end (510) but within the upper
    entry = complete(defn, state, at(2026, 11, 24, 9, 30)).entry
    assert (entry.took_minutes, entry.standard_minutes, entry.on_time) == (600.0, 1020, True)
    # exactly at the deadline: 1020 ≤ 1020
    entry = complete(defn, state, at(2026, 11, 25, 8, 0)).entry
    assert (entry.took_minutes, entry.on_time) == (1020.0, True)
    # one minute later: 1021
    entry = complete(defn, state, at(2026, 11, 25, 8, 1)).entry
    assert (entry.took_minutes, entry.on_time) == (1021.0, False)


def test_across_a_weekend():
    defn = sop("cirebon-aplikasi")
    state = state_at("4", at(2026, 11, 27, 14, 0))  # Fri; step 4 "1 hari" = 510
    # Fri 14:00–16:30 = 150; Sat, Sun 0; Mon 30 Nov 07:30 + 360 = 13:30
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 30, 13, 30)
    on_time = complete(defn, state, at(2026, 11, 30, 13, 30), decision="aplikasi").entry
    assert (on_time.took_minutes, on_time.on_time) == (510.0, True)
    late = complete(defn, state, at(2026, 11, 30, 13, 31), decision="aplikasi").entry
    assert (late.took_minutes, late.on_time) == (511.0, False)
    # finished on Sunday: only Friday's 150 minutes count
    sunday = complete(defn, state, at(2026, 11, 29, 10, 0), decision="aplikasi").entry
    assert sunday.took_minutes == 150.0


def test_across_independence_day():
    defn = sop("cirebon-aplikasi")
    state = state_at("4", at(2026, 8, 14, 14, 0))  # Fri 14 Aug; "1 hari" = 510
    # Fri 14:00–16:30 = 150; Sat, Sun, Mon 17 Aug (holiday) 0; Tue 18 Aug 07:30 + 360 = 13:30
    assert engine.due_at(defn, state, OFFICE) == at(2026, 8, 18, 13, 30)
    entry = complete(defn, state, at(2026, 8, 18, 13, 30), decision="jaringan").entry
    assert (entry.took_minutes, entry.on_time) == (510.0, True)
    # work done on the holiday itself does not count: still Friday's 150
    entry = complete(defn, state, at(2026, 8, 17, 12, 0), decision="jaringan").entry
    assert entry.took_minutes == 150.0


def test_across_cuti_bersama_and_christmas():
    defn = sop("cirebon-aplikasi")
    state = state_at("4", at(2026, 12, 23, 14, 0))  # Wed 23 Dec; "1 hari" = 510
    # Wed 14:00–16:00 = 120; Thu 24 (cuti bersama), Fri 25 (Christmas), Sat, Sun 0;
    # Mon 28 Dec 07:30 + 390 = 14:00
    assert engine.due_at(defn, state, OFFICE) == at(2026, 12, 28, 14, 0)
    entry = complete(defn, state, at(2026, 12, 28, 14, 0), decision="aplikasi").entry
    assert (entry.took_minutes, entry.on_time) == (510.0, True)
    # the cuti bersama on its own: Wed 15:00 → Thu 15:00 counts only Wed 15:00–16:00 = 60 …
    state = state_at("4", at(2026, 12, 23, 15, 0))
    entry = complete(defn, state, at(2026, 12, 24, 15, 0), decision="aplikasi").entry
    assert entry.took_minutes == 60.0
    # … whereas a calendar without national holidays also counts Thu 07:30–15:00 = 450 → 510
    no_holidays = WorkingCalendar(national_holidays=False)
    entry = complete(defn, state, at(2026, 12, 24, 15, 0), calendar=no_holidays, decision="aplikasi").entry
    assert (entry.took_minutes, entry.on_time) == (510.0, True)


def test_fridays_longer_hours():
    defn = sop("kaltim-db")
    state = state_at("2", at(2026, 11, 27, 16, 0))  # Fri 16:00; step 2 "1 jam" = 60
    # Fri 16:00–16:30 = 30; Mon 30 Nov 07:30 + 30 = 08:00
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 30, 8, 0)
    # Friday 16:00–16:20 is office time (it would not be Mon–Thu)
    assert complete(defn, state, at(2026, 11, 27, 16, 20)).entry.took_minutes == 20.0
    # Thursday 16:00–16:20 is not
    thursday = state_at("2", at(2026, 11, 26, 16, 0))
    assert complete(defn, thursday, at(2026, 11, 26, 16, 20)).entry.took_minutes == 0.0
    # Thu 16:00 + 60: nothing on Thu after 16:00, Fri 07:30 + 60 = 08:30
    assert engine.due_at(defn, thursday, OFFICE) == at(2026, 11, 27, 8, 30)
    # a "hari" is still 510 on a Friday: cirebon step 4 started Fri 07:30 is due Fri 07:30 + 510 = 16:00
    assert engine.due_at(sop("cirebon-aplikasi"), state_at("4", at(2026, 11, 27, 7, 30)), OFFICE) == at(
        2026, 11, 27, 16, 0
    )


def test_a_pause_is_excluded_from_took_minutes_and_pushes_due_at():
    defn = sop("kaltim-db")
    start = at(2026, 11, 23, 8, 0)
    state = state_at("2", start)  # step 2 "1 jam" = 60, due 09:00 unpaused
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 23, 9, 0)
    paused = engine.pause(
        state, at=at(2026, 11, 23, 8, 20), now=at(2026, 11, 23, 8, 20), actor=ACTOR, reason="menunggu balasan vendor"
    ).state
    assert engine.due_at(defn, paused, OFFICE) is None  # no deadline while the clock is stopped
    # while paused the step's clock stands at 20 minutes
    assert engine.elapsed_minutes(paused, OFFICE, at(2026, 11, 23, 15, 0)) == 20.0
    resumed = engine.resume(
        paused, OFFICE, at=at(2026, 11, 23, 10, 0), now=at(2026, 11, 23, 10, 0), actor=ACTOR, note="vendor membalas"
    )
    # paused 08:20 → 10:00 = 100 working minutes
    assert (resumed.entry.action, resumed.entry.step, resumed.entry.took_minutes) == ("resume", "2", 100.0)
    assert resumed.entry.note == "vendor membalas"
    state = resumed.state
    assert (state.paused_since, state.paused_minutes, state.total_paused_minutes) == (None, 100.0, 100.0)
    # 20 used before the pause, 40 left from 10:00 → 10:40 (= 09:00 + 100)
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 23, 10, 40)
    # done at 10:40: 160 working minutes − 100 paused = 60 ≤ 60
    done = complete(defn, state, at(2026, 11, 23, 10, 40))
    assert (done.entry.took_minutes, done.entry.on_time) == (60.0, True)
    # the next step starts with a clean pause allowance, but the case keeps the total
    assert done.state.paused_minutes == 0.0 and done.state.total_paused_minutes == 100.0
    late = complete(defn, state, at(2026, 11, 23, 10, 41)).entry
    assert (late.took_minutes, late.on_time) == (61.0, False)


def test_a_pause_overnight_counts_only_working_time():
    defn = sop("kaltim-db")
    state = state_at("2", at(2026, 11, 23, 14, 30))  # Mon 14:30, "1 jam"
    paused = engine.pause(
        state, at=at(2026, 11, 23, 15, 0), now=at(2026, 11, 23, 15, 0), actor=ACTOR, reason="menunggu suku cadang"
    ).state
    resumed = engine.resume(paused, OFFICE, at=at(2026, 11, 24, 9, 0), now=at(2026, 11, 24, 9, 0), actor=ACTOR)
    # paused Mon 15:00–16:00 = 60 + Tue 07:30–09:00 = 90 → 150
    assert resumed.entry.took_minutes == 150.0
    # 30 used on Monday, 30 left from Tue 09:00 → 09:30
    assert engine.due_at(defn, resumed.state, OFFICE) == at(2026, 11, 24, 9, 30)
    entry = complete(defn, resumed.state, at(2026, 11, 24, 9, 30)).entry
    # Mon 14:30–16:00 = 90 + Tue 07:30–09:30 = 120 → 210 − 150 = 60
    assert (entry.took_minutes, entry.on_time) == (60.0, True)


def test_twenty_four_seven_calendar():
    defn = sop("kaltim-db")
    assert ALWAYS.day_minutes == 1440
    state = state_at("4", at(2026, 11, 27, 20, 0))  # Fri 20:00; "1-2 hari" → 2 × 1440 = 2880
    # every hour counts, weekend included: Fri 20:00 + 48 h = Sun 29 Nov 20:00
    assert engine.due_at(defn, state, ALWAYS) == at(2026, 11, 29, 20, 0)
    entry = complete(defn, state, at(2026, 11, 29, 20, 0), calendar=ALWAYS).entry
    assert (entry.took_minutes, entry.standard_minutes, entry.on_time) == (2880.0, 2880, True)
    entry = complete(defn, state, at(2026, 11, 29, 20, 1), calendar=ALWAYS).entry
    assert entry.on_time is False
    # holidays count too: Sun 16 Aug 22:00 → Mon 17 Aug 02:00 = 240
    night = state_at("2", at(2026, 8, 16, 22, 0))
    entry = complete(defn, night, at(2026, 8, 17, 2, 0), calendar=ALWAYS).entry
    assert (entry.took_minutes, entry.standard_minutes, entry.on_time) == (240.0, 60, False)


@pytest.mark.parametrize(
    ("closing", "overall", "on_time"),
    [
        (at(2026, 11, 26, 14, 30), 1530.0, True),
        (at(2026, 11, 26, 14, 31), 1531.0, False),
    ],
)
def test_overall_standard_excludes_pauses(closing, overall, on_time):
    defn = sop("kaltim-db")  # waktu "3 (tiga) hari kerja" = 3 × 510 = 1530
    assert defn.standard.deadline_minutes(OFFICE.day_minutes) == 1530
    received = at(2026, 11, 23, 8, 0)  # Mon
    tr = engine.start(defn, received_at=received, actor=ACTOR)
    state = tr.state

    def step(when, decision=None):
        nonlocal state
        tr = complete(defn, state, when, decision=decision)
        state = tr.state
        return tr

    assert step(at(2026, 11, 23, 8, 30)).entry.took_minutes == 30.0  # 1: 08:00–08:30
    assert step(at(2026, 11, 23, 9, 30)).entry.took_minutes == 60.0  # 2
    assert step(at(2026, 11, 23, 10, 30)).entry.took_minutes == 60.0  # 3; 4 starts 10:30
    state = engine.pause(
        state, at=at(2026, 11, 23, 11, 0), now=at(2026, 11, 23, 11, 0), actor=ACTOR, reason="menunggu akses server"
    ).state
    resumed = engine.resume(state, OFFICE, at=at(2026, 11, 24, 9, 0), now=at(2026, 11, 24, 9, 0), actor=ACTOR)
    # paused Mon 11:00–16:00 = 300 + Tue 07:30–09:00 = 90 → 390
    assert resumed.entry.took_minutes == 390.0
    state = resumed.state
    four = step(at(2026, 11, 25, 14, 0)).entry
    # 4: Mon 10:30–16:00 330 + Tue 510 + Wed 07:30–14:00 390 = 1230 − 390 = 840 ≤ 1020
    assert (four.took_minutes, four.on_time) == (840.0, True)
    assert step(at(2026, 11, 25, 14, 15)).entry.on_time is True  # 5: 15 ≤ 15
    assert step(at(2026, 11, 25, 15, 15)).entry.on_time is True  # 6: 60 ≤ 60
    assert step(at(2026, 11, 25, 16, 0), "ya").entry.took_minutes == 45.0  # 7: 45
    assert step(at(2026, 11, 26, 7, 45), "ya").entry.took_minutes == 15.0  # 8: Thu 07:30–07:45
    last = step(closing)
    # 9: Thu 07:45 → 14:30 = 405 (> 15: late, whatever the overall verdict)
    assert last.entry.on_time is False
    assert state.status == Status.RESOLVED
    # overall Mon 08:00 → Thu 14:30: 480 + 510 + 510 + 420 = 1920 − 390 paused = 1530
    assert last.overall_minutes == overall
    assert last.overall_on_time is on_time


def test_overall_without_a_pause_would_have_been_late():
    defn = sop("kaltim-db")
    state = state_at("9", at(2026, 11, 26, 14, 0), received=at(2026, 11, 23, 8, 0))
    last = complete(defn, state, at(2026, 11, 26, 14, 30))
    # Mon 08:00 → Thu 14:30 = 1920 > 1530
    assert (last.overall_minutes, last.overall_on_time) == (1920.0, False)


def test_due_at_for_a_step_without_standard_and_a_closed_case():
    defn = sop("ipas-pemulihan")
    assert engine.due_at(defn, state_at("2", BASE), OFFICE) is None  # no mutu baku
    assert engine.due_at(defn, state_at("1", BASE), OFFICE) == at(2026, 11, 23, 8, 15)  # 15 menit
    closed = replace(state_at("1", BASE), status=Status.RESOLVED, current_step=None, step_started_at=None)
    assert engine.due_at(defn, closed, OFFICE) is None


def test_allowance_is_the_standard_plus_the_pause_and_due_at_counts_it_from_the_step_start():
    defn = sop("kaltim-db")
    state = state_at("2", at(2026, 11, 23, 8, 0))  # "1 jam"
    assert engine.allowance(defn, state, OFFICE) == 60
    resumed = replace(state, paused_minutes=100.0, total_paused_minutes=100.0)
    assert engine.allowance(defn, resumed, OFFICE) == 160.0
    assert engine.due_at(defn, resumed, OFFICE) == OFFICE.add(at(2026, 11, 23, 8, 0), 160.0) == at(2026, 11, 23, 10, 40)
    assert engine.allowance(defn, state_at("1", BASE), ALWAYS) == 30  # "30 menit" whatever the calendar
    # a step in days ("1 hari") takes the calendar's day
    assert engine.allowance(sop("cirebon-aplikasi"), state_at("4", BASE), OFFICE) == 510
    assert engine.allowance(sop("cirebon-aplikasi"), state_at("4", BASE), ALWAYS) == 1440
    paused = replace(state, paused_since=at(2026, 11, 23, 8, 20))
    closed = replace(state, status=Status.RESOLVED, current_step=None, step_started_at=None)
    for no_deadline in (paused, closed):
        assert engine.allowance(defn, no_deadline, OFFICE) is None
    assert engine.allowance(sop("ipas-pemulihan"), state_at("2", BASE), OFFICE) is None  # no mutu baku


@settings(max_examples=100, deadline=None)
@given(
    received=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(JKT)),
    sop_id=st.sampled_from(SOP_IDS),
    calendar=st.sampled_from([OFFICE, ALWAYS]),
)
def test_cases_that_start_alike_have_one_allowance(received, sop_id, calendar):
    # The importer asks once per SOP: a new case's allowance must not depend on when it came in.
    defn = sop(sop_id)
    state = engine.start(defn, received_at=received, actor=ACTOR).state
    first = engine.start(defn, received_at=at(2026, 11, 23, 8, 0), actor="other", note="x").state
    assert engine.allowance(defn, state, calendar) == engine.allowance(defn, first, calendar)
    minutes = engine.allowance(defn, state, calendar)
    assert engine.due_at(defn, state, calendar) == (None if minutes is None else calendar.add(received, minutes))


def test_step_started_outside_office_hours_counts_from_the_opening():
    defn = sop("kaltim-db")
    state = state_at("1", at(2026, 11, 23, 6, 0))  # received before opening; "30 menit"
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 23, 8, 0)  # 07:30 + 30
    entry = complete(defn, state, at(2026, 11, 23, 8, 0)).entry
    assert (entry.took_minutes, entry.on_time) == (30.0, True)


def test_times_in_utc_and_wib_agree():
    defn = sop("kaltim-db")
    state = state_at("2", at(2026, 11, 23, 8, 0))
    in_utc = at(2026, 11, 23, 9, 0).astimezone(UTC)  # 02:00Z
    entry = complete(defn, state, in_utc).entry
    assert (entry.took_minutes, entry.on_time) == (60.0, True)


# =====================================================================================
# Property: random walks
# =====================================================================================

ESTIMATES = ("15 menit", "4 jam", "1-2 hari", "90 menit", "2 hari")


@pytest.mark.parametrize("sop_id", SOP_IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_walks_stay_valid(sop_id, data):
    defn = sop(sop_id)
    ids = {s.id for s in defn.steps}
    calendar = data.draw(st.sampled_from([OFFICE, ALWAYS]), label="calendar")
    when = at(2026, 11, 23, 7, 0) + timedelta(minutes=data.draw(st.integers(0, 60 * 24 * 14), label="start"))
    tr = engine.start(defn, received_at=when, actor=ACTOR)
    state = tr.state
    entries = [tr.entry]
    for _ in range(60):
        assert state.status == Status.OPEN and state.current_step in ids
        when = when + timedelta(minutes=data.draw(st.integers(0, 900), label="gap"))
        kind = data.draw(st.sampled_from(["step", "step", "step", "note", "pause"]), label="kind")
        if kind == "note":
            tr = engine.add_note(state, at=when, now=when, actor=ACTOR, note="catatan")
        elif kind == "pause":
            tr = engine.pause(state, at=when, now=when, actor=ACTOR, reason="menunggu")
            entries.append(tr.entry)
            assert engine.due_at(defn, tr.state, calendar) is None
            when = when + timedelta(minutes=data.draw(st.integers(0, 900), label="paused"))
            tr = engine.resume(tr.state, calendar, at=when, now=when, actor=ACTOR)
            assert tr.entry.took_minutes >= 0
        else:
            step = defn.step(state.current_step)
            decision = None
            if step.decision:
                decision = data.draw(st.sampled_from([o.label for o in step.decision.options]), label="option")
            fields = {f.key: data.draw(st.sampled_from(ESTIMATES), label=f.key) for f in step.fields}
            due = engine.due_at(defn, state, calendar)
            tr = complete(defn, state, when, calendar=calendar, decision=decision, fields=fields)
            entry = tr.entry
            assert entry.took_minutes >= 0
            if entry.standard_minutes is not None:
                assert entry.on_time == (entry.took_minutes <= entry.standard_minutes)
            # due_at and on_time agree: done by the due time is on time
            if due is not None and when <= due:
                assert entry.on_time is True
            if entry.on_time is False and due is not None:
                assert when > due
        entries.append(tr.entry)
        state = tr.state
        if state.status != Status.OPEN:
            break
        due = engine.due_at(defn, state, calendar)
        # a step counting from an earlier moment may be due before it starts; never before that moment
        assert due is None or due >= engine.counts_from(defn, defn.step(state.current_step), state)
    if state.status == Status.OPEN:
        assert state.current_step in ids
    else:
        assert state.status in (Status.RESOLVED, Status.NO_FAULT_FOUND, Status.REFERRED)
        assert state.current_step is None
        assert tr.overall_minutes is not None and tr.overall_minutes >= 0
    times = [e.at for e in entries]
    assert times == sorted(times)


# --- replay: the state rebuilt from the journal alone --------------------------------


def _walk(definition, calendar, moves):
    """Apply ``moves`` (name, minutes after the previous, kwargs) and check replay after each."""
    moment = at(2026, 11, 23, 8, 0)
    transition = engine.start(definition, received_at=moment, actor=ACTOR)
    entries = [transition.entry]
    state = transition.state
    for name, minutes, kwargs in moves:
        moment += timedelta(minutes=minutes)
        common = {"at": moment, "now": moment, "actor": ACTOR}
        if name == "step":
            transition = engine.complete_step(definition, state, calendar, **common, **kwargs)
        elif name == "pause":
            transition = engine.pause(state, **common, reason="Menunggu vendor")
        elif name == "resume":
            transition = engine.resume(state, calendar, **common)
        elif name == "note":
            transition = engine.add_note(state, **common, note="Koordinasi")
        else:
            transition = engine.cancel(state, calendar, **common, reason="Duplikat")
        state = transition.state
        entries.append(transition.entry)
        rebuilt = engine.replay(definition, entries, calendar)
        assert rebuilt == state, name
        assert engine.due_at(definition, rebuilt, calendar) == engine.due_at(definition, state, calendar)
    return state


def test_replay_agrees_with_the_engine_through_a_loop_a_pause_and_a_note():
    final = _walk(
        sop("kaltim-db"),
        OFFICE,
        [
            ("step", 20, {}),
            ("step", 70, {}),
            ("note", 5, {}),
            ("pause", 10, {}),
            ("resume", 60, {}),
            ("step", 30, {}),
            ("step", 240, {}),
            ("step", 30, {}),
            ("step", 30, {}),
            ("step", 30, {"decision": "tidak"}),  # 7 -> back to 5
            ("step", 10, {}),
            ("step", 10, {}),
            ("step", 5, {"decision": "ya"}),
            ("step", 3, {"decision": "ya"}),
            ("step", 2, {}),
        ],
    )
    assert final.status == Status.RESOLVED


def test_replay_keeps_the_estimate_that_sets_a_later_deadline():
    # Tanah Bumbu step 6 records the technician's estimate; step 9 is due by it.
    final = _walk(
        sop("tanahbumbu-jaringan"),
        OFFICE,
        [
            ("step", 10, {}),
            ("step", 10, {"decision": "tidak"}),
            ("step", 10, {}),
            ("step", 10, {"decision": "internal"}),
            ("step", 10, {}),
            ("step", 10, {"fields": {"estimasi": "4 jam"}}),
            ("step", 10, {}),
            ("step", 10, {}),
            ("pause", 5, {}),
            ("resume", 30, {}),
            ("step", 60, {}),
        ],
    )
    assert final.status == Status.RESOLVED and final.fields == {"estimasi": "4 jam"}


@pytest.mark.parametrize(
    "sop_id, moves, outcome",
    [
        ("ipas-pemulihan", [("step", 10, {})] * 6 + [("step", 10, {"decision": "tidak"})], Status.REFERRED),
        ("cirebon-aplikasi", [("step", 10, {}), ("pause", 5, {}), ("cancel", 5, {})], Status.CANCELLED),
    ],
)
def test_replay_closes_as_the_engine_does(sop_id, moves, outcome):
    assert _walk(sop(sop_id), OFFICE, moves).status == outcome


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("365 hari", True), ("52 minggu", True), ("366 hari", False), ("99999 hari", False), ("600000 menit", False)],
)
def test_a_duration_field_longer_than_a_year_is_refused(value, accepted):
    # A deadline that far out is beyond any working calendar: the case would be stuck at its next step.
    if accepted:
        assert complete(sop("tanahbumbu-jaringan"), state_at("6", BASE), BASE + GAP, fields={"estimasi": value})
        return
    with pytest.raises(InputError, match=rf"field estimasi: '{value}' is longer than 365 days"):
        complete(sop("tanahbumbu-jaringan"), state_at("6", BASE), BASE + GAP, fields={"estimasi": value})


@pytest.mark.parametrize("value", ["12", "0", "-5", "3,5", "3.5", " 7 "])
def test_a_number_field_takes_plain_numbers_with_either_decimal_mark(value):
    assert engine.check_field_value("jumlah", "number", value) == value


@pytest.mark.parametrize(
    "value", ["abc", "NaN", "inf", "-Infinity", "1e309", "1e3", "1_000", "0x10", "", "3,5,1", "1.000.000"]
)
def test_a_number_field_refuses_what_float_would_take_but_nobody_means(value):
    with pytest.raises(InputError) as info:
        engine.check_field_value("jumlah", "number", value)
    assert repr(value) in str(info.value)


# --- apply: the only code that changes a case's state --------------------------------


@pytest.mark.parametrize("sop_id", SOP_IDS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_state_after_each_action_is_the_state_its_journal_replays_to(sop_id, data):
    # Moments to the second, so paused working minutes have fractions the resume entry rounds:
    # the state an action leaves must still be exactly the one the journal rebuilds.
    definition = sop(sop_id)
    calendar = data.draw(st.sampled_from([OFFICE, ALWAYS]), label="calendar")
    when = at(2026, 11, 23, 7, 0) + timedelta(seconds=data.draw(st.integers(0, 14 * 86400), label="start"))
    transition = engine.start(definition, received_at=when, actor=ACTOR)
    state, entries = transition.state, [transition.entry]
    while state.status == Status.OPEN and len(entries) < 40:
        when += timedelta(seconds=data.draw(st.integers(0, 54000), label="gap"))
        common = {"at": when, "now": when, "actor": ACTOR}
        kinds = (
            ["resume", "note", "cancel"] if state.paused_since else ["step", "step", "step", "note", "pause", "cancel"]
        )
        kind = data.draw(st.sampled_from([*kinds, "refused"]), label="kind")
        if kind == "refused":
            entry = engine.refuse(state, definition.step(state.current_step), at=when, actor="tamu", reason="no role")
            assert engine.apply(state, entry, calendar, definition) == state
            entries.append(entry)
            continue
        if kind == "step":
            step = definition.step(state.current_step)
            options = [o.label for o in step.decision.options] if step.decision else [None]
            decision = data.draw(st.sampled_from(options), label="option")
            fields = {f.key: data.draw(st.sampled_from(ESTIMATES), label=f.key) for f in step.fields}
            transition = engine.complete_step(definition, state, calendar, **common, decision=decision, fields=fields)
        elif kind == "note":
            transition = engine.add_note(state, **common, note="Koordinasi")
        elif kind == "pause":
            transition = engine.pause(state, **common, reason="Menunggu vendor")
        elif kind == "resume":
            transition = engine.resume(state, calendar, **common)
        else:
            transition = engine.cancel(state, calendar, **common, reason="Duplikat")
        state = transition.state
        entries.append(transition.entry)
        assert engine.replay(definition, entries, calendar) == state, kind
    assert state.status in (Status.OPEN, Status.RESOLVED, Status.NO_FAULT_FOUND, Status.REFERRED, Status.CANCELLED)


def test_a_refused_attempt_leaves_the_case_as_it_was():
    definition = sop("kaltim-db")
    state = state_at("1", BASE)
    entry = engine.refuse(state, definition.step("1"), at=BASE + GAP, actor="tamu", reason="no role for step 1")
    assert engine.apply(state, entry, OFFICE, definition) is state


def test_a_journal_starts_with_its_received_entry():
    note = engine.Entry(engine.Action.NOTE, BASE, ACTOR, note="Koordinasi")
    with pytest.raises(ValueError, match="starts with its 'received' entry"):
        engine.replay(sop("kaltim-db"), [note], OFFICE)
    with pytest.raises(ValueError, match="no journal entries"):
        engine.replay(sop("kaltim-db"), [], OFFICE)


def test_an_unknown_journal_action_is_not_replayed_as_if_it_were_a_note():
    started = engine.start(sop("kaltim-db"), received_at=BASE, actor=ACTOR)
    strange = engine.Entry("x-archived", BASE + GAP, ACTOR)  # type: ignore[arg-type]  # as a newer sop might store one
    with pytest.raises(ValueError, match="unknown journal action 'x-archived'"):
        engine.replay(sop("kaltim-db"), [started.entry, strange], OFFICE)


def test_closing_and_cancelling_a_paused_case_say_what_apply_needs():
    definition = sop("kaltim-db")
    paused = replace(state_at("1", BASE), paused_since=BASE + GAP)
    cancel = engine.Entry(engine.Action.CANCEL, BASE + 2 * GAP, ACTOR, step="1", note="Duplikat")
    with pytest.raises(ValueError, match="needs its working calendar"):
        engine.apply(paused, cancel)
    last = replace(state_at("9", BASE), fields={})
    close = engine.Entry(engine.Action.STEP, BASE + GAP, ACTOR, step="9", next_step=None)
    with pytest.raises(ValueError, match="needs its SOP definition"):
        engine.apply(last, close, OFFICE)
    assert engine.apply(last, close, OFFICE, definition).status == Status.RESOLVED


def test_entry_hashes_are_unchanged_by_the_typed_vocabulary():
    # The digest of this journal as sop wrote it when actions were plain strings: the enums hash as their text.
    from sopcli.domain.chain import GENESIS, entry_hash

    definition = sop("tanahbumbu-jaringan")
    start = datetime(2026, 11, 23, 8, 0, 17, tzinfo=JKT)
    common = {"now": start + timedelta(days=1), "actor": ACTOR}
    transition = engine.start(definition, received_at=start, actor=ACTOR, note="Jaringan putus")
    entries, state = [transition.entry], transition.state
    for act in [
        lambda s: engine.complete_step(definition, s, OFFICE, at=start + timedelta(minutes=12, seconds=5), **common),
        lambda s: engine.pause(s, at=start + timedelta(minutes=20), reason="Menunggu vendor", **common),
        lambda s: engine.resume(s, OFFICE, at=start + timedelta(minutes=47, seconds=31), **common),
        lambda s: engine.add_note(s, at=start + timedelta(minutes=48), note="Koordinasi", **common),
        lambda s: engine.complete_step(
            definition, s, OFFICE, at=start + timedelta(minutes=50), decision="tidak", **common
        ),
        lambda s: engine.pause(s, at=start + timedelta(minutes=55), reason="Menunggu pelapor", **common),
        lambda s: engine.cancel(s, OFFICE, at=start + timedelta(hours=3, seconds=9), reason="Duplikat", **common),
    ]:
        transition = act(state)
        entries.append(transition.entry)
        state = transition.state
    previous = GENESIS
    for seq, entry in enumerate(entries, 1):
        data = engine.describe(entry) | {"seq": seq, "complaint_number": "ADU-2026-00001", "recorded_at": entry.at}
        assert type(data["action"]) is str
        previous = entry_hash(previous, data)
    assert previous == "baafcac330af2c6feed48846d7f21bc01c51a58dc1bc7633c945bf99597f672c"
    assert state.status == Status.CANCELLED and state == engine.replay(definition, entries, OFFICE)


# =====================================================================================
# Deadlines from a named moment (waktu_sejak) and in clock hours (jam = "kalender")
# =====================================================================================

COUNTING_SOP = """\
id = "contoh-sejak"
version = "1"
nama = "Contoh batas waktu sejak saat tertentu"
instansi = "Diskominfo Contoh"

[[roles]]
key = "operator"
nama = "Operator"

[[steps]]
id = "1"
kegiatan = "Menerima laporan insiden"
pelaksana = ["operator"]
waktu = "30 menit"

[[steps]]
id = "2"
kegiatan = "Identifikasi insiden"
pelaksana = ["operator"]
waktu = "24 jam"
jam = "kalender"
waktu_sejak = "diterima"

[[steps]]
id = "3"
kegiatan = "Menentukan estimasi pemulihan"
pelaksana = ["operator"]
waktu = "1 jam"
waktu_sejak = "mulai:1"

[[steps.fields]]
key = "estimasi"
meaning = "Estimasi waktu pemulihan"
type = "duration"

[[steps]]
id = "4"
kegiatan = "Pemulihan"
pelaksana = ["operator"]
waktu_dari = "estimasi"
waktu_sejak = "selesai:3"
end = "resolved"
"""

FRIDAY = at(2026, 11, 27, 15, 0)


def counting_sop():
    from sopcli.definitions.loader import load_text

    return load_text(COUNTING_SOP, "contoh-sejak.toml").definition


def _started(defn, received=FRIDAY):
    return engine.start(defn, received_at=received, actor=ACTOR)


def test_clock_hours_from_receipt_run_through_the_weekend():
    defn = counting_sop()
    state = complete(defn, _started(defn).state, FRIDAY + timedelta(minutes=20)).state  # → 2 at 15:20 Friday
    # 24 clock hours from receipt (Friday 15:00), not from the step's start and not in office hours
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 28, 15, 0)
    done = complete(defn, state, at(2026, 11, 28, 16, 0), now=at(2026, 11, 28, 16, 0)).entry
    # Friday 15:00 → Saturday 16:00: 25 clock hours against 24
    assert (done.took_minutes, done.standard_minutes, done.on_time) == (1500.0, 1440, False)


def test_the_first_step_s_start_is_the_receipt():
    defn = counting_sop()
    state = complete(defn, _started(defn).state, FRIDAY + timedelta(minutes=10)).state
    state = complete(defn, state, FRIDAY + timedelta(minutes=20)).state  # → 3 at 15:20
    assert state.moments == {}  # the first step's start is the receipt; nothing else named has passed
    # one working hour from 15:00 Friday (not from 15:20)
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 27, 16, 0)


def test_the_estimate_counts_from_the_end_of_the_step_that_set_it():
    defn = counting_sop()
    state = _started(defn).state
    for minutes in (10, 20):
        state = complete(defn, state, FRIDAY + timedelta(minutes=minutes)).state
    state = complete(defn, state, FRIDAY + timedelta(minutes=30), fields={"estimasi": "2 jam"}).state
    assert state.current_step == "4"
    assert state.moments == {"selesai:3": FRIDAY + timedelta(minutes=30)}
    # 15:30 Friday + 2 working hours: one to 16:30, one from 07:30 Monday
    assert engine.due_at(defn, state, OFFICE) == at(2026, 11, 30, 8, 30)
    # a pause in the step extends it by the working time paused
    paused = engine.pause(
        state, at=at(2026, 11, 27, 16, 0), now=at(2026, 11, 27, 16, 0), actor=ACTOR, reason="suku cadang"
    )
    resumed = engine.resume(
        paused.state, OFFICE, at=at(2026, 11, 27, 16, 20), now=at(2026, 11, 27, 16, 20), actor=ACTOR
    ).state
    assert engine.due_at(defn, resumed, OFFICE) == at(2026, 11, 30, 8, 50)


def test_replay_undo_and_transfer_keep_the_moments_apart():
    defn = counting_sop()
    started = _started(defn)
    journal = [started.entry]
    state = started.state
    for minutes, fields in ((10, None), (20, None), (30, {"estimasi": "2 jam"})):
        tr = complete(defn, state, FRIDAY + timedelta(minutes=minutes), fields=fields)
        journal.append(tr.entry)
        state = tr.state
    assert engine.replay(defn, journal, OFFICE) == state

    undone = engine.undo(
        defn,
        state,
        list(enumerate(journal, start=1)),
        OFFICE,
        at=FRIDAY + timedelta(minutes=40),
        now=FRIDAY + timedelta(minutes=40),
        actor=ACTOR,
        reason="estimasi salah",
    )
    assert (undone.state.current_step, undone.state.moments) == ("3", {})
    assert "case_moments" not in undone.entry.fields  # nothing to bring back: read as undo entries always were
    assert engine.replay(defn, [*journal, undone.entry], OFFICE) == undone.state

    moved = engine.transfer(
        state,
        sop("kaltim-db"),
        at=FRIDAY + timedelta(minutes=40),
        now=FRIDAY + timedelta(minutes=40),
        actor=ACTOR,
        reason="salah SOP",
        step=None,
        moves={"from_digest": "a", "digest": "b", "sop": "kaltim-db", "sop_version": "1"},
    )
    assert moved.state.moments == {}


def test_an_undo_brings_back_the_moments_before_the_step():
    defn = counting_sop()
    state = _started(defn).state
    journal = []
    for minutes, fields in ((10, None), (20, None), (30, {"estimasi": "2 jam"})):
        tr = complete(defn, state, FRIDAY + timedelta(minutes=minutes), fields=fields)
        journal.append(tr.entry)
        state = tr.state
    done = complete(defn, state, FRIDAY + timedelta(minutes=50))
    journal.append(done.entry)
    entries = list(enumerate([_started(defn).entry, *journal], start=1))
    back = engine.undo(
        defn,
        done.state,
        entries,
        OFFICE,
        at=FRIDAY + timedelta(hours=1),
        now=FRIDAY + timedelta(hours=1),
        actor=ACTOR,
        reason="belum pulih",
    )
    assert back.state.current_step == "4"
    assert back.state.moments == {"selesai:3": FRIDAY + timedelta(minutes=30)}
    assert engine.due_at(defn, back.state, OFFICE) == at(2026, 11, 30, 8, 30)


def test_a_text_that_names_no_moment_keeps_none():
    from pathlib import Path

    from sopcli.definitions.loader import load_text

    earlier = Path(__file__).parent / "fixtures" / "tanahbumbu-jaringan-before-waktu-sejak.toml"
    defn = load_text(earlier.read_text(encoding="utf-8"), str(earlier)).definition
    state = state_at("6", BASE)
    for fields in ({"estimasi": "4 jam"}, None, None):
        state = complete(defn, state, BASE + timedelta(minutes=30), fields=fields).state
    assert (state.current_step, state.moments) == ("9", {})
    # the earlier reading: from step 9's own start
    assert engine.due_at(defn, state, OFFICE) == BASE + timedelta(minutes=30 + 240)


# =====================================================================================
# Time standards by the complaint's priority (waktu_prioritas)
# =====================================================================================

PRIORITY_SOP = """\
id = "contoh-prioritas"
version = "1"
nama = "Contoh mutu baku per prioritas"
instansi = "Diskominfo Contoh"
waktu_prioritas = { kritis = "30 menit", tinggi = "2 jam" }

[[roles]]
key = "operator"
nama = "Operator"

[[steps]]
id = "1"
kegiatan = "Menangani gangguan"
pelaksana = ["operator"]
waktu = "1 hari"
waktu_prioritas = { kritis = "15 menit" }

[[steps]]
id = "2"
kegiatan = "Melaporkan penyelesaian"
pelaksana = ["operator"]
waktu = "1 jam"
end = "resolved"
"""


@pytest.mark.parametrize(
    ("priority", "first", "second"),
    [
        ("kritis", 15, 30),  # the step's table, then the SOP's
        ("tinggi", 120, 120),  # only the SOP's table names it
        ("sedang", 510, 60),  # no table does: waktu
        (None, 510, 60),
    ],
)
def test_the_priority_picks_the_step_s_table_then_the_sop_s_then_waktu(priority, first, second):
    from sopcli.definitions.loader import load_text

    defn = load_text(PRIORITY_SOP, "contoh-prioritas.toml").definition
    started = engine.start(defn, received_at=BASE, actor=ACTOR, priority=priority)
    assert started.state.priority == priority
    assert engine.allowance(defn, started.state, OFFICE) == first
    assert engine.due_at(defn, started.state, OFFICE) == OFFICE.add(BASE, first)
    done = complete(defn, started.state, BASE + timedelta(minutes=20))
    assert (done.entry.standard_minutes, done.entry.on_time) == (first, first >= 20)
    assert engine.allowance(defn, done.state, OFFICE) == second


def test_a_corrected_priority_is_the_one_replay_and_deadlines_follow():
    from sopcli.definitions.loader import load_text

    defn = load_text(PRIORITY_SOP, "contoh-prioritas.toml").definition
    started = engine.start(defn, received_at=BASE, actor=ACTOR, priority="sedang")
    corrected = engine.correct(
        started.state,
        at=BASE + GAP,
        now=BASE + GAP,
        actor=ACTOR,
        changes={"priority": ("sedang", "kritis")},
        reason="server pusat mati",
    )
    assert corrected.state.priority == "kritis"
    assert engine.due_at(defn, corrected.state, OFFICE) == BASE + timedelta(minutes=15)
    assert engine.replay(defn, [started.entry, corrected.entry], OFFICE) == corrected.state
