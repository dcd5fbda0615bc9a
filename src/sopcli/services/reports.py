"""The jurnal harian and the supervisor's report over a period, as plain data.

Figures come from SQL aggregates (``store.aggregates``); Python only names
steps and roles from the SOP definitions, works out how late the few overdue
cases the report lists are, and rebuilds the cases that changed after the
moment the report judges (a past period's end) as they stood then. However
long the backlog, the overdue cases are counted by SOP, step and age band in
the database, and only the most overdue are read (``OVERDUE_LISTED``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from sopcli.domain import engine
from sopcli.domain.figures import AGE_BAND_DAYS, age_band, is_rework, percent
from sopcli.domain.vocabulary import Action, Status
from sopcli.errors import InputError
from sopcli.i18n import _
from sopcli.services.checkpoints import head_code
from sopcli.services.runtime import Runtime
from sopcli.services.sops import check_sop_filter
from sopcli.worktime.periods import Period

OVERDUE_LISTED = 20  # the most overdue cases a report lists by default; --overdue all lists every one
FLOW_DAYS = 62  # the longest period whose received and resolved complaints are shown per day


@dataclass
class Counts:
    received: int = 0
    resolved: int = 0
    no_fault_found: int = 0
    referred: int = 0
    rejected: int = 0
    cancelled: int = 0
    open: int = 0
    overdue: int = 0

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class GroupCounts:
    name: str
    counts: Counts


@dataclass
class StepFigures:
    sop: str
    step: str
    kegiatan: str
    done: int
    on_time: int
    late: int
    median_minutes: float | None
    p90_minutes: float | None
    standard_minutes: int | None  # None: no standard, or one that differs between cases (waktu_dari, waktu_prioritas)

    @property
    def on_time_percent(self) -> float | None:
        return percent(self.on_time, self.on_time + self.late)


@dataclass
class ResolutionFigures:
    sop: str
    resolved: int
    within_standard: int | None  # None: no overall standard to be within
    median_minutes: float | None
    p90_minutes: float | None
    standard_minutes: int | None


@dataclass
class OverdueCase:
    number: str
    sop: str
    step: str
    kegiatan: str
    role: str
    unit: str
    system: str
    due_at: datetime
    late_minutes: float


@dataclass
class OverdueGroup:
    """How many cases wait overdue at one SOP step, per age band (``AGE_BAND_DAYS``)."""

    sop: str
    step: str
    kegiatan: str
    role: str
    bands: list[int]

    @property
    def total(self) -> int:
        return sum(self.bands)


@dataclass
class DayFlow:
    day: date
    received: int
    resolved: int


@dataclass
class Rework:
    sop: str
    from_step: str
    to_step: str
    times: int


@dataclass
class DecisionSources:
    """Per SOP whose steps have checks: how its decisions were taken, and what its checks found."""

    sop: str
    by_check: int  # the option the checks proposed, taken
    by_hand: int  # no proposal (no check ran, or none pointed to an option)
    overridden: int  # another option than the proposed one, with its reason
    checks_passed: int
    checks_failed: int
    checks_skipped: int


@dataclass
class OperatorActivity:
    operator: str
    recorded: int
    steps: int
    late_steps: int
    notes: int
    pauses: int
    cancellations: int
    corrections: int  # corrected, undone, reopened, moved to another SOP
    entries: int


@dataclass
class Report:
    period: Period
    as_of: datetime  # the moment "open" and "overdue" are judged at: the period's end, or now
    office: str
    day_minutes: int
    sop: str | None
    totals: Counts
    by_sop: list[GroupCounts] = field(default_factory=list)
    by_unit: list[GroupCounts] = field(default_factory=list)
    by_system: list[GroupCounts] = field(default_factory=list)
    steps: list[StepFigures] = field(default_factory=list)
    resolution: list[ResolutionFigures] = field(default_factory=list)
    overdue: list[OverdueCase] = field(default_factory=list)  # the most overdue, or all (overdue_limit None)
    overdue_limit: int | None = None
    overdue_by_step: list[OverdueGroup] = field(default_factory=list)
    flow: list[DayFlow] = field(default_factory=list)  # per day, for a period of a few weeks at most
    rework: list[Rework] = field(default_factory=list)
    pauses: list[tuple[str, int]] = field(default_factory=list)
    paused_minutes: float = 0.0
    operators: list[OperatorActivity] = field(default_factory=list)
    decisions: list[DecisionSources] = field(default_factory=list)
    checkpoint: tuple[int, str] | None = None  # the journal's head when it was made: seq and short code

    @property
    def overdue_not_listed(self) -> int:
        return self.totals.overdue - len(self.overdue)

    @property
    def backlog_bands(self) -> list[int]:
        """Overdue cases per age band, every SOP and step together."""
        return [sum(g.bands[i] for g in self.overdue_by_step) for i in range(len(AGE_BAND_DAYS) + 1)]

    @property
    def is_empty(self) -> bool:
        return not (self.totals.received or self.steps or self.operators or self.totals.open)

    def to_json(self) -> dict[str, Any]:
        tz = self.period.tz

        def groups(items: list[GroupCounts], key: str) -> list[dict[str, Any]]:
            return [{key: g.name, **g.counts.to_json()} for g in items]

        return {
            "period": {
                "kind": self.period.kind,
                "from": self.period.first.isoformat(),
                "to": self.period.last.isoformat(),
            },
            "as_of": self.as_of.astimezone(tz).isoformat(),
            "office": self.office,
            "sop": self.sop,
            "totals": self.totals.to_json(),
            "by_sop": groups(self.by_sop, "sop"),
            "by_unit": groups(self.by_unit, "unit"),
            "by_system": groups(self.by_system, "system"),
            "steps": [
                {
                    "sop": s.sop,
                    "step": s.step,
                    "kegiatan": s.kegiatan,
                    "done": s.done,
                    "on_time": s.on_time,
                    "late": s.late,
                    "on_time_percent": s.on_time_percent,
                    "median_minutes": _round(s.median_minutes),
                    "p90_minutes": _round(s.p90_minutes),
                    "standard_minutes": s.standard_minutes,
                }
                for s in self.steps
            ],
            "resolution": [
                {
                    "sop": r.sop,
                    "resolved": r.resolved,
                    "within_standard": r.within_standard,
                    "median_minutes": _round(r.median_minutes),
                    "p90_minutes": _round(r.p90_minutes),
                    "standard_minutes": r.standard_minutes,
                }
                for r in self.resolution
            ],
            "overdue": [
                {
                    "number": o.number,
                    "sop": o.sop,
                    "step": o.step,
                    "kegiatan": o.kegiatan,
                    "role": o.role,
                    "unit": o.unit,
                    "system": o.system,
                    "due_at": o.due_at.astimezone(tz).isoformat(),
                    "late_minutes": _round(o.late_minutes),
                }
                for o in self.overdue
            ],
            "overdue_not_listed": self.overdue_not_listed,
            "overdue_by_step": [
                {
                    "sop": g.sop,
                    "step": g.step,
                    "kegiatan": g.kegiatan,
                    "role": g.role,
                    "late_working_days": dict(zip(band_keys(), g.bands)),
                    "total": g.total,
                }
                for g in self.overdue_by_step
            ],
            "per_day": [{"day": f.day.isoformat(), "received": f.received, "resolved": f.resolved} for f in self.flow],
            "decisions": [
                {
                    "sop": d.sop,
                    "by_check": d.by_check,
                    "by_hand": d.by_hand,
                    "overridden": d.overridden,
                    "checks_passed": d.checks_passed,
                    "checks_failed": d.checks_failed,
                    "checks_skipped": d.checks_skipped,
                }
                for d in self.decisions
            ],
            "rework": [
                {"sop": r.sop, "from_step": r.from_step, "to_step": r.to_step, "times": r.times} for r in self.rework
            ],
            "pauses": {
                "by_reason": [{"reason": reason, "times": times} for reason, times in self.pauses],
                "paused_minutes": _round(self.paused_minutes),
            },
            "operators": [dict(o.__dict__) for o in self.operators],
        }


def band_keys() -> list[str]:
    """The age bands as JSON keys: ``0-1``, ``1-3``, ``3-10``, ``10+`` (working days late)."""
    bounds = [0, *AGE_BAND_DAYS]
    return [f"{low}-{high}" for low, high in pairwise(bounds)] + [f"{bounds[-1]}+"]


def _round(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes, 1)


class PinnedDefinitions:
    """SOP definitions as the cases pinned them, loaded once per version."""

    def __init__(self, session):
        from sopcli.store import sop_versions

        self._session = session
        self._by_version: dict[int, Any] = {}
        self._latest: dict[str, int] = sop_versions.newest_version_ids(session)

    def version(self, version_id: int):
        if version_id not in self._by_version:
            from sopcli.definitions.loader import load_text
            from sopcli.store import sop_versions

            row = sop_versions.with_id(self._session, version_id)
            self._by_version[version_id] = load_text(row.source, row.origin).definition
        return self._by_version[version_id]

    def by_digest(self, digest: str):
        """The version pinned under ``digest``: a case moved to another SOP is replayed through both."""
        from sopcli.store import sop_versions

        row = sop_versions.with_digest(self._session, digest)
        if row is None:
            raise ValueError(f"no SOP version with digest {digest}")
        assert row.id is not None  # a stored row has its id
        return self.version(row.id)

    def latest(self, sop_id: str):
        """The newest version in use: names steps in figures that span versions."""
        version_id = self._latest.get(sop_id)
        return None if version_id is None else self.version(version_id)

    def loaded(self) -> list:
        return list(self._by_version.values())


def _office_name(rt: Runtime, definitions: PinnedDefinitions) -> str:
    if rt.config.office_name:
        return rt.config.office_name
    names = {d.instansi for d in definitions.loaded()}
    return names.pop() if len(names) == 1 else ""


def _check_not_future(rt: Runtime, period: Period) -> datetime:
    now = rt.now()
    if period.start > now:
        raise InputError(
            _("the period starts on {day}, in the future").format(day=period.first.isoformat()),
            _("choose a day up to today"),
        )
    return min(period.end, now)


def _kegiatan(definition, step_id: str | None) -> str:
    if definition is None or step_id is None:
        return ""
    try:
        return definition.step(step_id).kegiatan
    except KeyError:
        return ""


def _roles(definition, step_id: str) -> str:
    return definition.who_acts(definition.step(step_id))


def build_report(
    rt: Runtime, period: Period, sop: str | None = None, overdue_limit: int | None = OVERDUE_LISTED
) -> Report:
    """Every figure of the supervisor's report for ``period``, listing the ``overdue_limit`` most overdue cases.

    ``overdue_limit`` None lists every overdue case; the counts cover them all either way.

    Raises:
        InputError: the period starts in the future.
    """
    from sopcli.store import aggregates as sql

    as_of = _check_not_future(rt, period)
    start, end = period.start, period.end
    with rt.ready_database().transaction() as session:
        check_sop_filter(session, sop)
        definitions = PinnedDefinitions(session)
        rebuilt = _overdue_rebuilt(rt, session, definitions, as_of, sop)
        listed, groups = _overdue(rt, session, definitions, as_of, sop, overdue_limit, rebuilt)
        # The SQL counts cover the cases untouched since as_of; the rebuilt ones are added here.
        late_by = {key: Counter(getattr(o, key) for _d, o in rebuilt) for key in ("sop", "unit", "system")}

        def counts(row: tuple, rebuilt_late: int) -> Counts:
            _group, received, resolved, no_fault_found, referred, rejected, cancelled, still_open, late = row
            return Counts(
                received, resolved, no_fault_found, referred, rejected, cancelled, still_open, late + rebuilt_late
            )

        def grouped(column: str, key: str) -> list[GroupCounts]:
            rows = sql.complaint_counts(session, start, end, as_of, column, sop)
            return [GroupCounts(row[0], counts(row, late_by[key][row[0]])) for row in rows]

        report = Report(
            period=period,
            as_of=as_of,
            office="",
            day_minutes=rt.office_calendar.day_minutes,
            sop=sop,
            totals=counts(sql.complaint_counts(session, start, end, as_of, None, sop)[0], len(rebuilt)),
            by_sop=grouped("sop_id", "sop"),
            by_unit=grouped("unit", "unit"),
            by_system=grouped("system", "system"),
            steps=_steps(sql.step_figures(session, start, end, sop), definitions),
            resolution=[_resolution(row, definitions, rt) for row in sql.resolution_figures(session, start, end, sop)],
            overdue=listed,
            overdue_limit=overdue_limit,
            overdue_by_step=groups,
            flow=_flow(session, period, sop),
            rework=_rework(sql.step_moves(session, start, end, sop), definitions),
            pauses=sql.pause_reasons(session, start, end, sop),
            paused_minutes=sql.paused_minutes(session, start, end, sop),
            operators=[OperatorActivity(*row) for row in sql.operator_activity(session, start, end, sop)],
            decisions=_decisions(sql.decision_and_check_fields(session, start, end, sop)),
        )
        report.office = _office_name(rt, definitions)
        report.checkpoint = head_code(session)
    return report


def _decisions(rows: list[tuple]) -> list[DecisionSources]:
    """Decisions by check, by hand and overridden, per SOP where a check ran in the period (others: none)."""
    import json

    from sopcli.definitions.schema import CHECK_PROPOSED, OVERRIDE_REASON

    by_sop: dict[str, Counter[str]] = {}
    for sop_id, action, stored in rows:
        fields = json.loads(stored)
        counts = by_sop.setdefault(sop_id, Counter())
        if action == Action.CHECKED:
            counts["checks_" + {"pass": "passed", "fail": "failed"}.get(fields.get("result"), "skipped")] += 1
        elif OVERRIDE_REASON in fields:
            counts["overridden"] += 1
        elif CHECK_PROPOSED in fields:
            counts["by_check"] += 1
        else:
            counts["by_hand"] += 1
    keys = ("by_check", "by_hand", "overridden", "checks_passed", "checks_failed", "checks_skipped")
    return [
        DecisionSources(sop_id, *(counts[key] for key in keys))
        for sop_id, counts in sorted(by_sop.items())
        if counts["by_check"] or counts["overridden"] or any(counts[k] for k in keys[3:])
    ]


def _steps(rows: list[tuple], definitions: PinnedDefinitions) -> list[StepFigures]:
    figures = []
    for sop_id, step, done, on_time, late, median, p90, low, high in rows:
        definition = definitions.latest(sop_id)
        figures.append(
            StepFigures(
                sop_id,
                step,
                _kegiatan(definition, step),
                done,
                on_time,
                late,
                median,
                p90,
                low if low == high else None,
            )
        )

    def order(f: StepFigures):
        definition = definitions.latest(f.sop)
        try:
            position = definition.step_number(f.step)
        except ValueError:
            position = 10**6
        return f.sop, position, f.step

    return sorted(figures, key=order)


def _resolution(row: tuple, definitions: PinnedDefinitions, rt: Runtime) -> ResolutionFigures:
    sop_id, resolved, within, median, p90, judged = row
    definition = definitions.latest(sop_id)
    standard = definition.standard if definition else None
    limit = standard.deadline_minutes(rt.calendar_for(definition).day_minutes) if standard else None
    # Without a standard (or with no resolved case judged against one) a count of 0 would read as "all late".
    return ResolutionFigures(sop_id, resolved, within if limit is not None and judged else None, median, p90, limit)


def _rework(rows: list[tuple], definitions: PinnedDefinitions) -> list[Rework]:
    loops = [
        Rework(sop_id, step, next_step, times)
        for sop_id, step, next_step, times in rows
        if definitions.latest(sop_id) and is_rework(definitions.latest(sop_id), step, next_step)
    ]
    return sorted(loops, key=lambda r: (-r.times, r.sop, r.from_step, r.to_step))


def _flow(session, period: Period, sop: str | None) -> list[DayFlow]:
    from datetime import time

    from sopcli.store import aggregates as sql

    days = period.days()
    if not 1 < len(days) <= FLOW_DAYS:
        return []
    starts = [datetime.combine(day, time(), period.tz) for day in days]
    counted = {
        index: (received, resolved) for index, received, resolved in sql.daily_flow(session, starts, period.end, sop)
    }
    return [DayFlow(day, *counted.get(index, (0, 0))) for index, day in enumerate(days)]


def _overdue(
    rt: Runtime,
    session,
    definitions: PinnedDefinitions,
    as_of: datetime,
    sop: str | None,
    limit: int | None,
    rebuilt: list[tuple[int, OverdueCase]],
) -> tuple[list[OverdueCase], list[OverdueGroup]]:
    """The ``limit`` most overdue cases at ``as_of`` (all for None), and every one counted by SOP step and age band.

    A case untouched since ``as_of`` carries its deadline: the database counts those per band and returns
    only the listed ones, per working calendar (a band's start is a moment on that calendar). ``rebuilt``
    are the cases that moved on since, as they stood then.
    """
    from sopcli.store import aggregates as sql

    calendars: dict[int, tuple[Any, list[int]]] = {}
    for version_id in sql.overdue_versions(session, as_of, sop):
        calendar = rt.calendar_for(definitions.version(version_id))
        calendars.setdefault(id(calendar), (calendar, []))[1].append(version_id)

    listed: list[OverdueCase] = []
    bands: dict[tuple[int, str], list[int]] = {}

    def counted(version_id: int, step: str) -> list[int]:
        return bands.setdefault((version_id, step), [0] * (len(AGE_BAND_DAYS) + 1))

    for calendar, versions in calendars.values():
        starts = [calendar.before(as_of, days * calendar.day_minutes) for days in AGE_BAND_DAYS]
        for version_id, step, band, cases in sql.overdue_by_band(session, as_of, starts, versions, sop):
            counted(version_id, step)[band] += cases
        for _id, number, version_id, sop_id, unit, system, step, due in sql.overdue_now(
            session, as_of, sop, versions, limit
        ):
            listed.append(
                _late_case(rt, definitions.version(version_id), number, sop_id, unit, system, step, due, as_of)
            )
    for version_id, case_then in rebuilt:
        definition = definitions.version(version_id)
        counted(version_id, case_then.step)[
            age_band(case_then.late_minutes, rt.calendar_for(definition).day_minutes)
        ] += 1
    listed = sorted(listed + [case_then for _d, case_then in rebuilt], key=lambda o: (-o.late_minutes, o.number))
    return listed[:limit] if limit is not None else listed, _overdue_groups(bands, definitions)


def _overdue_groups(bands: dict[tuple[int, str], list[int]], definitions: PinnedDefinitions) -> list[OverdueGroup]:
    """One group per SOP and step (versions of an SOP together), in the SOP's own order."""
    groups: dict[tuple[str, str], OverdueGroup] = {}
    for (version_id, step), counts in bands.items():
        definition = definitions.version(version_id)
        group = groups.get((definition.id, step))
        if group is None:
            group = groups[definition.id, step] = OverdueGroup(
                definition.id, step, _kegiatan(definition, step), _roles(definition, step), [0] * len(counts)
            )
        group.bands = [a + b for a, b in zip(group.bands, counts)]

    def order(group: OverdueGroup):
        definition = definitions.latest(group.sop)
        try:
            position = definition.step_number(group.step)
        except (ValueError, AttributeError):
            position = 10**6
        return group.sop, position, group.step

    return sorted(groups.values(), key=order)


def _overdue_rebuilt(
    rt: Runtime, session, definitions: PinnedDefinitions, as_of: datetime, sop: str | None
) -> list[tuple[int, OverdueCase]]:
    """Cases open at ``as_of`` that moved on since and were past their deadline then, with their SOP version.

    Their state then is rebuilt from their journal (``engine.replay``).
    """
    from sopcli.store import aggregates as sql
    from sopcli.store.journal import replay_entry

    found = []
    changed = sql.open_then_changed(session, as_of, sop)
    journals: dict[int, list[engine.Entry]] = {}
    for complaint_id, *columns in sql.entries_before(session, [c[0] for c in changed], as_of):
        journals.setdefault(complaint_id, []).append(replay_entry(*columns))
    for complaint_id, number, version_id, sop_id, unit, system in changed:
        definition = definitions.version(version_id)
        calendar = rt.calendar_for(definition)
        state = engine.replay(definition, journals.get(complaint_id, []), calendar, definitions.by_digest)
        if state.status != Status.OPEN:
            continue
        # The step furthest past its deadline: after a fork, any of the branches.
        due, step = min(
            ((due, step) for step, due in engine.deadlines(definition, state, calendar).items() if due is not None),
            default=(None, None),
        )
        if due is not None and due < as_of:
            late = _late_case(rt, definition, number, sop_id, unit, system, step, due, as_of)
            found.append((version_id, late))
    return found


def _late_case(rt: Runtime, definition, number, sop_id, unit, system, step, due, as_of) -> OverdueCase:
    late = rt.calendar_for(definition).working_minutes(due, as_of)
    return OverdueCase(
        number, sop_id, step, _kegiatan(definition, step), _roles(definition, step), unit, system, due, round(late, 2)
    )


# --- the jurnal harian -------------------------------------------------------------


@dataclass
class JournalLine:
    seq: int
    at: datetime
    number: str | None
    action: str
    step: str | None
    kegiatan: str
    pelaksana: str
    actor: str
    decision: str | None
    fields: dict[str, str]
    note: str | None
    output: str | None
    on_time: bool | None
    took_minutes: float | None
    standard_minutes: int | None
    next_step: str | None = None  # where the case went (an undo, reopening or move names it)
    recorded_at: datetime | None = None  # when it was written down: later than ``at`` for an entry made afterwards
    # The length of a day in the hours the step counts in (24 hours for clock hours or a 24x7 SOP), to show its time.
    day_minutes: int | None = None


@dataclass
class DaySeal:
    """A day's newest seal (``digest`` None: not sealed), the figure the supervisor copies onto the printout."""

    day: date
    digest: str | None
    entries: int = 0


@dataclass
class Journal:
    period: Period
    office: str
    day_minutes: int
    actor: str | None
    sop: str | None
    lines: list[JournalLine]
    seals: list[DaySeal] = field(default_factory=list)
    checkpoint: tuple[int, str] | None = None  # the journal's head when it was made: seq and short code

    def to_json(self) -> dict[str, Any]:
        tz = self.period.tz
        return {
            "period": {
                "kind": self.period.kind,
                "from": self.period.first.isoformat(),
                "to": self.period.last.isoformat(),
            },
            "office": self.office,
            "actor": self.actor,
            "sop": self.sop,
            "seals": [{"day": s.day.isoformat(), "digest": s.digest, "entries": s.entries} for s in self.seals],
            "entries": [
                {
                    **{key: value for key, value in line.__dict__.items() if key != "day_minutes"},
                    "at": line.at.astimezone(tz).isoformat(),
                    "recorded_at": line.recorded_at.astimezone(tz).isoformat() if line.recorded_at else None,
                }
                for line in self.lines
            ],
        }


def build_journal(rt: Runtime, period: Period, actor: str | None = None, sop: str | None = None) -> Journal:
    """Every journal entry of ``period`` in time order, with the step's kegiatan and pelaksana."""
    from sopcli.store import aggregates as sql

    _check_not_future(rt, period)
    lines = []
    with rt.ready_database().transaction() as session:
        check_sop_filter(session, sop)
        definitions = PinnedDefinitions(session)
        for entry, version_id in sql.journal_entries(session, period.start, period.end, actor, sop):
            definition = definitions.version(version_id) if version_id is not None else None
            known = definition if definition is not None and definition.has_step(entry.step or "") else None
            known_step = known is not None
            lines.append(
                JournalLine(
                    entry.seq,
                    entry.at,
                    entry.complaint_number,
                    entry.action,
                    entry.step,
                    _kegiatan(definition, entry.step) if known_step else "",
                    _roles(definition, entry.step) if known_step else "",
                    entry.actor,
                    entry.decision,
                    json.loads(entry.fields),
                    entry.note,
                    entry.output,
                    entry.on_time,
                    entry.took_minutes,
                    entry.standard_minutes,
                    entry.next_step,
                    entry.recorded_at,
                    engine.hours_for(known.step(entry.step), rt.calendar_for(known)).day_minutes
                    if known is not None and entry.step is not None
                    else None,
                )
            )
        office = _office_name(rt, definitions)
        seals = _day_seals(session, period)
        head = head_code(session)
    return Journal(period, office, rt.office_calendar.day_minutes, actor, sop, lines, seals, head)


def _day_seals(session, period: Period) -> list[DaySeal]:
    """Each day of ``period`` with its newest seal, if it has one."""
    from sopcli.store import journal

    newest: dict[str, DaySeal] = {}
    for _seq, fields in journal.seals(session, newest_first=True):
        recorded = json.loads(fields)
        if recorded.get("date") not in newest:
            newest[recorded["date"]] = DaySeal(
                date.fromisoformat(recorded["date"]), recorded["digest"], int(recorded["entries"])
            )
    return [newest.get(day.isoformat(), DaySeal(day, None)) for day in period.days()]
