"""The correction actions in the engine, pure: correct, undo, reopen, transfer, through ``apply`` and ``replay``.

Moments are Tuesday 24 November 2026, Asia/Jakarta, on the default calendar (07:30–16:00).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sopcli import i18n
from sopcli.definitions.loader import load
from sopcli.domain import engine
from sopcli.domain.vocabulary import Status
from sopcli.errors import ActionError, InputError
from sopcli.worktime.calendar import WorkingCalendar

JKT = ZoneInfo("Asia/Jakarta")
OFFICE = WorkingCalendar()
NOW = datetime(2026, 11, 24, 16, 0, tzinfo=JKT)
TB = load("tanahbumbu-jaringan")
KALTIM = load("kaltim-db")


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def t(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, 24, hh, mm, tzinfo=JKT)


def walk(sop, *steps: tuple[datetime, str | None]) -> tuple[engine.CaseState, list[tuple[int, engine.Entry]]]:
    """A case received at 08:00 with ``steps`` done (moment, decision); returns its state and numbered journal."""
    first = engine.start(sop, received_at=t(8), actor="budi")
    state, journal = first.state, [(1, first.entry)]
    for moment, decision in steps:
        done = engine.complete_step(sop, state, OFFICE, at=moment, now=NOW, actor="budi", decision=decision)
        state = done.state
        journal.append((len(journal) + 1, done.entry))
    return state, journal


def test_a_correction_records_old_and_new_and_leaves_the_case_as_it_was():
    state, _journal = walk(TB.definition, (t(8, 10), None))
    done = engine.correct(state, at=t(9), now=NOW, actor="sari", changes={"unit": ("BKD", "BKPSDM")}, reason="typo")
    assert done.entry.fields == {"before.unit": "BKD", "after.unit": "BKPSDM"}
    assert engine.corrected_details(done.entry) == {"unit": "BKPSDM"}
    assert done.state == engine.apply(state, done.entry) and done.state.current_step == state.current_step
    with pytest.raises(InputError, match="colour cannot be corrected"):
        engine.correct(state, at=t(9), now=NOW, actor="sari", changes={"colour": ("a", "b")}, reason="x")
    with pytest.raises(InputError, match="nothing to correct"):
        engine.correct(state, at=t(9), now=NOW, actor="sari", changes={"unit": ("BKD", "BKD")}, reason="x")


def test_undo_of_a_closing_decision_reopens_the_case_at_that_step_with_its_clock():
    sop = TB.definition
    open_at_2, _ = walk(sop, (t(8, 10), None))
    closed, journal = walk(sop, (t(8, 10), None), (t(8, 30), "ya"))
    assert closed.status == Status.NO_FAULT_FOUND
    done = engine.undo(sop, closed, journal, OFFICE, at=t(9), now=NOW, actor="sari", reason="ping belum dicoba")
    assert done.entry.fields["undoes"] == "3" and done.entry.next_step == "2"
    back = done.state
    assert (back.status, back.current_step, back.step_started_at) == (Status.OPEN, "2", t(8, 10))
    assert back.closed_at is None and back.paused_minutes == open_at_2.paused_minutes
    assert engine.due_at(sop, back, OFFICE) == engine.due_at(sop, open_at_2, OFFICE)
    # The journal replayed, undo included, leads to the same state.
    journal.append((4, done.entry))
    assert engine.replay(sop, [e for _s, e in journal], OFFICE) == back
    # Undoing again reverses step 1; a third time, nothing is left.
    again = engine.undo(sop, back, journal, OFFICE, at=t(9, 5), now=NOW, actor="sari", reason="x")
    assert (again.entry.fields["undoes"], again.state.current_step, again.state.step_started_at) == ("2", "1", t(8))
    journal.append((5, again.entry))
    with pytest.raises(ActionError, match="nothing to undo"):
        engine.undo(sop, again.state, journal, OFFICE, at=t(9, 10), now=NOW, actor="sari", reason="x")


def test_undo_stops_at_a_cancellation():
    sop = KALTIM.definition
    state, journal = walk(sop, (t(8, 20), None))
    cancelled = engine.cancel(state, OFFICE, at=t(9), now=NOW, actor="budi", reason="duplikat")
    journal.append((3, cancelled.entry))
    with pytest.raises(ActionError, match="sop reopen"):
        engine.undo(sop, cancelled.state, journal, OFFICE, at=t(9, 5), now=NOW, actor="sari", reason="x")


def test_reopen_starts_the_chosen_step_now_and_replays():
    sop = TB.definition
    closed, journal = walk(sop, (t(8, 10), None), (t(8, 30), "ya"))
    done = engine.reopen(sop, closed, at=t(10), now=NOW, actor="sari", reason="x", step=None, last_step="2")
    assert (done.state.status, done.state.current_step, done.state.step_started_at) == (Status.OPEN, "2", t(10))
    assert done.state.closed_at is None and done.state.paused_minutes == 0.0
    journal.append((4, done.entry))
    assert engine.replay(sop, [e for _s, e in journal], OFFICE) == done.state
    with pytest.raises(ActionError, match="open"):
        engine.reopen(sop, done.state, at=t(11), now=NOW, actor="sari", reason="x", step=None, last_step="2")
    with pytest.raises(InputError, match="no step 42"):
        engine.reopen(sop, closed, at=t(10), now=NOW, actor="sari", reason="x", step="42", last_step="2")


def test_transfer_moves_to_the_new_sops_step_and_replay_switches_definitions():
    closed, journal = walk(TB.definition, (t(8, 10), None), (t(8, 30), "ya"))
    reopened = engine.reopen(
        TB.definition, closed, at=t(9), now=NOW, actor="sari", reason="x", step=None, last_step="2"
    )
    journal.append((4, reopened.entry))
    moves = {
        "from_sop": TB.definition.id,
        "from_version": TB.definition.version,
        "from_digest": TB.digest,
        "sop": KALTIM.definition.id,
        "sop_version": KALTIM.definition.version,
        "digest": KALTIM.digest,
    }
    moved = engine.transfer(
        reopened.state, KALTIM.definition, at=t(10), now=NOW, actor="sari", reason="x", step=None, moves=moves
    )
    assert (moved.state.current_step, moved.state.step_started_at, moved.state.fields) == ("1", t(10), {})
    journal.append((5, moved.entry))
    by_digest = {TB.digest: TB.definition, KALTIM.digest: KALTIM.definition}.__getitem__
    # Replayed from the SOP it follows now, the fold starts under the one it left: step 2 closed under it.
    assert engine.replay(KALTIM.definition, [e for _s, e in journal], OFFICE, by_digest) == moved.state
    with pytest.raises(ActionError, match="already follows"):
        engine.transfer(moved.state, KALTIM.definition, at=t(11), now=NOW, actor="sari", reason="x", step=None,
                        moves={**moves, "from_digest": KALTIM.digest})  # fmt: skip
    with pytest.raises(InputError, match="no step 99"):
        engine.transfer(
            reopened.state, KALTIM.definition, at=t(10), now=NOW, actor="sari", reason="x", step="99", moves=moves
        )
