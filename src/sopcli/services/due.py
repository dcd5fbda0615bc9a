"""What is due (``sop due``): every open step late or about to be, one row per current step, the most urgent first.

The query reads only the open complaints whose stored deadline (the earliest of their current steps') falls
before a wall-clock horizon; each step is then held exactly to the working time left in its own SOP's
calendar. After a fork a complaint is at several steps, each with its own deadline: a row each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sopcli.domain import engine
from sopcli.domain.urgency import minutes_left
from sopcli.errors import InputError, NotFoundError, TimeParseError
from sopcli.i18n import _
from sopcli.services.runtime import Runtime
from sopcli.worktime.parse import TimeStandard, parse_duration

# Working time is measured to fractions of a minute: a horizon this much past the exact bound keeps every
# step whose time left equals the bound (see ``_horizon``).
_SLACK_MINUTES = 1


@dataclass(frozen=True)
class DueStep:
    """One current step of an open complaint, with its deadline and the working time left (negative: late)."""

    number: str
    sop_id: str
    step: str
    step_number: int  # its position in the SOP's table, to order a complaint's branches
    kegiatan: str
    roles: tuple[tuple[str, str], ...]  # the step's pelaksana as (key, name)
    who: str
    due_at: datetime
    minutes_left: float
    late: bool
    day_minutes: int  # a working day of the SOP's calendar, for showing durations

    def to_json(self, zone) -> dict[str, Any]:
        return {
            "number": self.number,
            "sop": self.sop_id,
            "step": self.step,
            "kegiatan": self.kegiatan,
            "pelaksana": [{"key": key, "name": name} for key, name in self.roles],
            "due_at": self.due_at.astimezone(zone).isoformat(),
            "minutes_left": round(self.minutes_left, 2),
            "late": self.late,
        }


@dataclass(frozen=True)
class DueView:
    now: datetime
    until: datetime | None  # without --within: the end of today's working day; else None
    within: TimeStandard | None
    steps: list[DueStep]
    more: bool = False  # steps beyond ``limit`` were left out


def parse_within(text: str) -> TimeStandard:
    """``--within``'s length of time: one length (``2 jam``), not a range.

    Raises:
        InputError: not a length of time, or a range.
    """
    try:
        standard = parse_duration(text)
    except TimeParseError as exc:
        raise InputError(_("--within: {error}").format(error=exc.message), _within_hint()) from exc
    if standard is None:
        raise InputError(_("--within needs a length of time, not {text!r}").format(text=text), _within_hint())
    if standard.low != standard.high:
        raise InputError(
            _("--within takes one length of time, not a range: {text!r}").format(text=text), _within_hint()
        )
    return standard


def _within_hint() -> str:
    return _("write it like '30 menit', '2 jam' or '1 hari'")


def end_of_working_day(calendar, now: datetime) -> datetime:
    """When today's working day ends: the office's closing time; once it has closed, or on a closed day,
    the end of the day."""
    today = now.astimezone(calendar.tz).date()
    closing = calendar.closing(today)
    if closing is not None and now < closing:
        return closing
    return datetime.combine(today + timedelta(days=1), time(0), calendar.tz)


def _horizon(rt: Runtime, now: datetime, within: TimeStandard) -> datetime:
    """A wall-clock moment no step with at most ``within`` of working time left can be due after.

    Working time left is never more than wall time left, but it can be much less (two working hours from
    15:00 reach into the next morning), so the bound is where ``within`` of working time runs out on the
    office calendar or on a 24x7 one, whichever is later. A minute more keeps a step due right at the
    bound when the bound falls at closing time (a step due after hours counts its time left up to closing).
    """
    from sopcli.worktime.calendar import WorkingCalendar

    office = rt.office_calendar
    always = WorkingCalendar.twenty_four_seven(rt.zone)
    return max(
        office.add(now, within.deadline_minutes(office.day_minutes) + _SLACK_MINUTES),
        always.add(now, within.deadline_minutes(always.day_minutes) + _SLACK_MINUTES),
    )


def due_steps(
    rt: Runtime,
    *,
    within: str | None = None,
    operator: str | None = None,
    role: str | None = None,
    sop: str | None = None,
    limit: int | None = None,
) -> DueView:
    """The open steps late, or due by the end of today's working day (with ``within``: with at most that much
    working time left), of SOP ``sop``, whose pelaksana include ``role`` or a role ``operator`` holds.

    With ``limit``, the ``limit`` steps due first: complaints are read in deadline order and the reading
    stops once no later complaint can have a step due before those kept, so a backlog of a million is not
    read whole. Within one SOP's calendar the step due first is the one with the least working time left;
    across calendars (office hours, 24x7) the cut is by the moment due, as ``sop list``'s is.

    Raises:
        InputError: ``within`` is not one length of time; both ``operator`` and ``role``; ``operator``
            holds no roles.
        NotFoundError: ``sop`` or ``role`` is known to no SOP.
    """
    from sopcli.services.cases import _definition
    from sopcli.services.operators import known_roles, roles_of
    from sopcli.services.sops import check_sop_filter
    from sopcli.store import complaints

    standard = parse_within(within) if within is not None else None
    if operator is not None and role is not None:
        raise InputError(
            _("give either --mine (or --as) or --role, not both"), _("--role shows a role's steps, --mine yours")
        )
    now = rt.now()
    until = end_of_working_day(rt.office_calendar, now) if standard is None else None
    horizon = _horizon(rt, now, standard) if standard is not None else until
    assert horizon is not None
    steps: list[DueStep] = []
    with rt.ready_database().transaction() as session:
        check_sop_filter(session, sop)
        wanted: set[str] | None = None
        if role is not None:
            known = known_roles(session)
            if role not in known:
                shown = role if len(role) <= 60 else role[:57] + "..."
                raise NotFoundError(
                    _("no SOP has the role {role!r}").format(role=shown),
                    _("known roles: {roles}").format(roles=", ".join(sorted(known))),
                )
            wanted = {role}
        elif operator is not None:
            wanted = roles_of(session, operator)
            if not wanted:
                raise InputError(
                    _("{name} holds no pelaksana roles, so no step is theirs").format(name=operator),
                    _("register them with 'sop operator add {name} --role ROLE'").format(name=operator),
                )
        definitions: dict[int, Any] = {}
        more, kept, last_due = False, 0, now
        for complaint in complaints.open_due_by(session, horizon, sop):
            if limit is not None and len(steps) >= limit:
                if len(steps) != kept:  # the deadline the ``limit``-th step kept is due by
                    kept, last_due = len(steps), sorted(s.due_at for s in steps)[limit - 1]
                # a complaint's stored deadline is the earliest of its steps': none of its steps, nor any
                # later complaint's, is due before the ``limit`` kept
                if complaint.due_at is not None and complaint.due_at >= last_due:
                    more = True
                    break
            if complaint.paused_since is not None:  # a paused case has no deadline running
                continue
            if complaint.sop_version_id not in definitions:
                definitions[complaint.sop_version_id] = _definition(session, complaint.sop_version_id)
            definition = definitions[complaint.sop_version_id]
            calendar = rt.calendar_for(definition)
            due_by_step: dict[str, datetime | None] = {str(complaint.current_step): complaint.due_at}
            if complaint.branches != "[]":  # after a fork: each branch with its own deadline
                due_by_step = engine.deadlines(definition, complaints.state_of(complaint), calendar)
            most_left = standard.deadline_minutes(calendar.day_minutes) if standard is not None else None
            for step_id, due in due_by_step.items():
                if due is None:
                    continue
                step = definition.step(step_id)
                if wanted is not None and not wanted.intersection(step.pelaksana):
                    continue
                left = minutes_left(due, now, calendar)
                assert left is not None  # a deadline gives a time left
                late = due < now  # after hours a step may be late by less than a working minute: late all the same
                if not late and (due > horizon if most_left is None else left > most_left):
                    continue
                steps.append(
                    DueStep(
                        number=complaint.number,
                        sop_id=complaint.sop_id,
                        step=step.id,
                        step_number=definition.step_number(step.id),
                        kegiatan=step.kegiatan,
                        roles=tuple((key, definition.role_name(key)) for key in step.pelaksana),
                        who=definition.who_acts(step),
                        due_at=due,
                        minutes_left=left,
                        late=late,
                        day_minutes=calendar.day_minutes,
                    )
                )
    steps.sort(key=lambda s: (not s.late, s.minutes_left, s.due_at, s.number, s.step_number))
    if limit is not None and len(steps) > limit:
        steps, more = steps[:limit], True
    return DueView(now=now, until=until, within=standard, steps=steps, more=more)
