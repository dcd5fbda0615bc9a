"""The wall screen's queue (``sop board``): counts by status and by SOP, and the most urgent open steps.

Read-only, one transaction per refresh, through the queries ``sop list`` uses. What changed between two
refreshes (a new complaint, a step that moved on) is worked out from two views, here, as plain data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sopcli.domain import engine
from sopcli.domain.urgency import minutes_left, urgency
from sopcli.domain.vocabulary import Status
from sopcli.services.cases import _definition
from sopcli.services.runtime import Runtime
from sopcli.store import complaints

# More than any screen holds: the screen shows what fits, and says how many more there are.
TOP = 100


@dataclass(frozen=True)
class UrgentStep:
    """An open complaint at its current step, with the working time left (negative: how late)."""

    number: str
    sop_id: str
    step: str
    step_name: str
    who: str
    unit: str
    received_at: datetime
    due_at: datetime | None
    minutes_left: float | None
    paused: bool
    day_minutes: int

    @property
    def late(self) -> bool:
        return not self.paused and self.minutes_left is not None and self.minutes_left < 0


@dataclass(frozen=True)
class BoardView:
    """One refresh of the board."""

    now: datetime
    zone: Any  # the office's time zone, for the time shown
    office: str | None
    by_status: dict[str, int]  # every status, in the vocabulary's order
    open_by_sop: dict[str, int]  # SOP id → open complaints, most first
    late: int
    paused: int
    urgent: list[UrgentStep]  # the most urgent first, at most TOP
    open_total: int
    steps: dict[str, str] = field(repr=False)  # every open complaint's number → its current step

    def changes_since(self, previous: BoardView | None) -> tuple[set[str], set[str]]:
        """(numbers new since ``previous``, numbers whose step moved since ``previous``); nothing without one."""
        if previous is None:
            return set(), set()
        new = set(self.steps) - set(previous.steps)
        moved = {number for number, step in self.steps.items() if previous.steps.get(number, step) != step}
        return new, moved


def board(rt: Runtime, top: int = TOP) -> BoardView:
    """The queue as it stands now."""
    now = rt.now()
    definitions: dict[int, Any] = {}
    with rt.ready_database().transaction() as session:
        by_status = {
            status.value: complaints.count_matching(session, complaints.CaseFilter(now, status=status))
            for status in Status
        }
        open_steps = []
        for complaint in complaints.matching(session, complaints.CaseFilter(now, status=Status.OPEN)):
            if complaint.sop_version_id not in definitions:
                definitions[complaint.sop_version_id] = _definition(session, complaint.sop_version_id)
            sop = definitions[complaint.sop_version_id]
            calendar = rt.calendar_for(sop)
            # Each step the case is at, with its own deadline: after a fork, a row per branch.
            due_by_step: dict[str, datetime | None] = {str(complaint.current_step): complaint.due_at}
            if complaint.branches != "[]":
                due_by_step = engine.deadlines(sop, complaints.state_of(complaint), calendar)
            for step_id, due in due_by_step.items():
                step = sop.step(step_id)
                open_steps.append(
                    UrgentStep(
                        number=complaint.number,
                        sop_id=complaint.sop_id,
                        step=step.id,
                        step_name=step.kegiatan,
                        who=sop.who_acts(step),
                        unit=complaint.unit,
                        received_at=complaint.received_at,
                        due_at=due,
                        minutes_left=minutes_left(due, now, calendar),
                        paused=complaint.paused_since is not None,
                        day_minutes=calendar.day_minutes,
                    )
                )
    open_steps.sort(key=lambda s: urgency(s.minutes_left, s.paused, s.received_at))
    return BoardView(
        now=now,
        zone=rt.zone,
        office=rt.config.office_name,
        by_status=by_status,
        open_by_sop=dict(Counter(s.sop_id for s in open_steps).most_common()),
        late=sum(s.late for s in open_steps),
        paused=sum(s.paused for s in open_steps),
        urgent=open_steps[:top],
        open_total=len(open_steps),
        steps=_steps_by_number(open_steps),
    )


def _steps_by_number(open_steps: list[UrgentStep]) -> dict[str, str]:
    """Each open complaint's number → the steps it is at (after a fork, several), to tell a case that moved."""
    steps: dict[str, list[str]] = {}
    for step in open_steps:
        steps.setdefault(step.number, []).append(step.step)
    return {number: ",".join(sorted(ids)) for number, ids in steps.items()}
