"""Reports and the jurnal harian as documents: headed sections of tables and charts.

A ``Document`` is built once from a report or journal and then written in any
format by ``present.publish``: a rich layout on a terminal, plain text,
Markdown, CSV blocks, or a printable HTML page (``present.html``). JSON skips this layer: it is the report's
own ``to_json()``, the contract scripts rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from sopcli.domain.vocabulary import Action
from sopcli.i18n import _, format_number
from sopcli.present.labels import fields_text
from sopcli.present.render import KEEP, Column, Table
from sopcli.worktime.parse import format_minutes
from sopcli.worktime.periods import describe, long_date


@dataclass
class Bar:
    """One bar of a compliance chart: a step's on-time and late counts."""

    label: str
    on_time: int
    late: int

    @property
    def percent(self) -> float:
        return 100 * self.on_time / (self.on_time + self.late)


@dataclass
class Series:
    label: str
    values: list[int]


@dataclass
class Columns:
    """Counts per category as upright columns, one per series side by side: received and resolved per day."""

    categories: list[str]
    series: list[Series]


@dataclass
class Section:
    heading: str
    table: Table
    empty: str = ""  # said instead of an empty table
    bars: list[Bar] = field(default_factory=list)
    columns: Columns | None = None  # a chart of counts, drawn on the printed page
    note: str | None = None


@dataclass
class Document:
    title: str
    period: str
    office: str
    meta: list[tuple[str, str]]
    sections: list[Section]
    highlights: list[tuple[str, int]] = field(default_factory=list)  # the big numbers at the top
    empty_notice: str | None = None
    signature_day: str = ""  # the date above the signature
    landscape: bool = False  # printed across the page: the journal's many columns
    # Who signs besides the supervisor, as (title, name): the pelaksana of a complaint's dossier.
    signers: list[tuple[str, str]] = field(default_factory=list)


def minutes_text(minutes: float | None, day_minutes: int) -> str:
    return "" if minutes is None else format_minutes(minutes, day_minutes)


def working_time_meta(day_minutes: int) -> tuple[str, str]:
    """The header line saying a "hari" in this document is a working day, not 24 hours."""
    return _("Durations"), _("working time; 1 working day = {span}").format(span=format_minutes(day_minutes))


def checkpoint_meta(checkpoint: tuple[int, str] | None) -> list[tuple[str, str]]:
    """The header line tying a printout to the journal's head, for 'sop verify --checkpoint CODE' later."""
    if checkpoint is None:
        return []
    seq, code = checkpoint
    return [(_("Checkpoint"), _("entry {seq} · code {code}").format(seq=seq, code=code))]


def percent_text(value: float | None) -> str:
    """``87,5%`` in Indonesian, ``87.5%`` in English."""
    return "" if value is None else format_number(value, 1) + "%"


def _step_label(sop: str, step: str, kegiatan: str, width: int = 38) -> str:
    """``kaltim-db 2 Menerima dan mengecek…``: a chart's row names the step in the SOP's words."""
    label = f"{sop} {step} {kegiatan}".strip()
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def _local(moment: datetime, tz, with_date: bool = True) -> str:
    shown = moment.astimezone(tz)
    return f"{shown:%d/%m/%Y %H:%M}" if with_date else f"{shown:%H:%M}"


# --- the supervisor's report ------------------------------------------------------


def age_band_labels() -> list[str]:
    """The overdue age bands in working days, as column headings: ``< 1 hari kerja`` … ``≥ 10 hari kerja``."""
    from sopcli.domain.figures import AGE_BAND_DAYS

    labels = [_("< {days} working day").format(days=AGE_BAND_DAYS[0])]
    labels += [_("{low}–{high} working days").format(low=low, high=high) for low, high in pairwise(AGE_BAND_DAYS)]
    return [*labels, _("≥ {days} working days").format(days=AGE_BAND_DAYS[-1])]


def full_list_command(report) -> str:
    """The command that lists every overdue case of ``report``'s period."""
    from sopcli.worktime.periods import DAILY, MONTHLY, WEEKLY

    period = report.period
    kinds = {DAILY: "--daily", WEEKLY: "--weekly", MONTHLY: "--monthly"}
    if period.kind in kinds:
        words = ["sop", "report", kinds[period.kind], "--date", period.first.isoformat()]
    else:
        words = ["sop", "report", "--from", period.first.isoformat(), "--to", period.last.isoformat()]
    if report.sop:
        words += ["--sop", report.sop]
    return " ".join([*words, "--overdue", "all"])


def _overdue_sections(report, day: int) -> list[Section]:
    """The backlog counted by SOP step and age band, then the most overdue cases (or all of them)."""
    tz = report.period.tz
    bands = age_band_labels()
    by_step = Table(
        columns=[
            Column("SOP", KEEP),
            Column(_("Step"), KEEP),
            Column(_("Kegiatan"), drop=1),
            Column(_("Must act"), drop=2),
            *bands,
            Column(_("Total"), KEEP),
        ],
        rows=[[g.sop, g.step, g.kegiatan, g.role, *g.bands, g.total] for g in report.overdue_by_step],
        wrap={2: 30, 3: 24},
    )
    not_yet_due = max(report.totals.open - report.totals.overdue, 0)
    backlog = Columns(
        [_("Not yet due"), *bands],
        [Series(_("Open complaints"), [not_yet_due, *report.backlog_bands])],
    )
    listed = Table(
        columns=[
            Column(_("Number"), KEEP),
            Column("SOP", KEEP, drop=2),
            Column(_("Step"), KEEP),
            Column(_("Kegiatan"), drop=1),
            _("Must act"),
            Column(_("Due"), KEEP),
            _("Late by"),
        ],
        rows=[
            [o.number, o.sop, o.step, o.kegiatan, o.role, _local(o.due_at, tz), minutes_text(o.late_minutes, day)]
            for o in report.overdue
        ],
        wrap={3: 40, 4: 30},
        row_styles=["red"] * len(report.overdue),
    )
    more = report.overdue_not_listed
    if report.overdue_limit is None or not more:
        heading, note = _("Open complaints past their deadline"), None
    else:
        heading = _("The {n} most overdue complaints").format(n=len(report.overdue))
        note = _("… and {n} more — the full list: {command}").format(n=more, command=full_list_command(report))
    return [
        Section(
            _("Overdue complaints by step and age"),
            by_step,
            _("No open complaint is past its deadline."),
            columns=backlog if report.totals.open else None,
            note=_("Age: working time past the deadline."),
        ),
        Section(heading, listed, _("No open complaint is past its deadline."), note=note),
    ]


def report_document(report, config) -> Document:
    from sopcli.worktime.periods import DAILY, MONTHLY, WEEKLY

    titles = {DAILY: _("Daily report"), WEEKLY: _("Weekly report"), MONTHLY: _("Monthly report")}
    tz, day = report.period.tz, report.day_minutes
    totals = report.totals
    # Each closing status apart: a complaint with no fault found, or referred elsewhere, is not a rejected one.
    # The summary always has all; the tables per SOP, unit and system have those two only when the period
    # does, so that they still fit 80 columns in the usual case.
    figures = [
        (_("Received"), "received"),
        (_("Resolved"), "resolved"),
        (_("No fault found"), "no_fault_found"),
        (_("Referred"), "referred"),
        (_("Rejected"), "rejected"),
        (_("Cancelled"), "cancelled"),
        (_("Open"), "open"),
        (_("Overdue"), "overdue"),
    ]
    count_columns = [header for header, _name in figures]
    grouped = [(h, n) for h, n in figures if n not in ("no_fault_found", "referred") or getattr(totals, n)]

    def counts_table(title: str, groups) -> Table:
        return Table(
            columns=[title, *(header for header, _name in grouped)],
            rows=[[g.name, *(getattr(g.counts, name) for _header, name in grouped)] for g in groups],
        )

    steps = Table(
        columns=[
            _("SOP step"),  # may wrap between the SOP's id and the step: the figures need the room at 80 columns
            Column(_("Kegiatan"), drop=1),
            _("Done"),
            _("On time"),
            _("Late"),
            _("On time %"),
            _("Median"),
            "P90",
            _("Standard"),
        ],
        rows=[
            [
                f"{s.sop} {s.step}",
                s.kegiatan,
                s.done,
                s.on_time,
                s.late,
                percent_text(s.on_time_percent),
                minutes_text(s.median_minutes, day),
                minutes_text(s.p90_minutes, day),
                minutes_text(s.standard_minutes, day) if s.standard_minutes is not None else "-",
            ]
            for s in report.steps
        ],
        wrap={1: 40},
    )
    bars = [Bar(_step_label(s.sop, s.step, s.kegiatan), s.on_time, s.late) for s in report.steps if s.on_time + s.late]
    resolution = Table(
        columns=["SOP", _("Resolved"), _("Within standard"), _("Median"), "P90", _("Standard")],
        rows=[
            [
                r.sop,
                r.resolved,
                "-" if r.within_standard is None else r.within_standard,
                minutes_text(r.median_minutes, day),
                minutes_text(r.p90_minutes, day),
                minutes_text(r.standard_minutes, day) if r.standard_minutes is not None else "-",
            ]
            for r in report.resolution
        ],
    )
    rework = Table(
        columns=["SOP", _("Loop"), _("Times")],
        rows=[[r.sop, f"{r.from_step} → {r.to_step}", r.times] for r in report.rework],
    )
    pauses = Table(
        columns=[_("Reason"), _("Times")],
        rows=[[reason or "-", times] for reason, times in report.pauses],
        wrap={0: 60},
    )
    operators = Table(
        columns=[
            _("Operator"),
            _("Recorded"),
            _("Steps done"),
            _("Late steps"),
            _("Notes"),
            _("Pauses/resumes"),
            _("Cancelled"),
            _("Corrections"),
            _("Entries"),
        ],
        rows=[
            [
                o.operator,
                o.recorded,
                o.steps,
                o.late_steps,
                o.notes,
                o.pauses,
                o.cancellations,
                o.corrections,
                o.entries,
            ]
            for o in report.operators
        ],
    )
    decisions = Table(
        columns=[
            "SOP",
            _("Decided by a check"),
            _("Decided by hand"),
            _("Check overridden"),
            _("Checks passed"),
            _("Checks failed"),
            _("Checks skipped"),
        ],
        rows=[
            [d.sop, d.by_check, d.by_hand, d.overridden, d.checks_passed, d.checks_failed, d.checks_skipped]
            for d in report.decisions
        ],
    )
    summary = Table(
        columns=count_columns,
        rows=[[getattr(totals, name) for _header, name in figures]],
    )
    none = _("None.")
    flow = None
    if report.flow:
        flow = Columns(
            [str(f.day.day) for f in report.flow],
            [
                Series(_("Received"), [f.received for f in report.flow]),
                Series(_("Resolved"), [f.resolved for f in report.flow]),
            ],
        )
    sections = [
        Section(_("Summary"), summary, columns=flow),
        *_overdue_sections(report, day),
        Section(_("Per SOP"), counts_table("SOP", report.by_sop), none),
        Section(_("Per unit"), counts_table(_("Unit"), report.by_unit), none),
        Section(_("Per system"), counts_table(_("System"), report.by_system), none),
        Section(
            _("SLA compliance per SOP step"),
            steps,
            _("No steps were done in this period."),
            bars=bars,
            note=_("Working time; the median and 90th percentile of the time each step took."),
        ),
        Section(_("Time to resolve"), resolution, _("No complaints were resolved in this period.")),
        Section(_("Rework: loops taken"), rework, none),
        Section(
            _("Pauses by reason"),
            pauses,
            _("No pauses."),
            note=_("Paused working time ended in this period: {time}.").format(
                time=minutes_text(report.paused_minutes, day)
            )
            if report.paused_minutes
            else None,
        ),
        Section(_("Activity per operator"), operators, _("No activity.")),
    ]
    if report.decisions:  # only where steps have checks: other offices' reports are as they were
        sections.append(
            Section(
                _("Decisions and checks"),
                decisions,
                none,
                note=_("A decision overridden took another option than the checks proposed, with its reason."),
            )
        )
    meta = [(_("Open and overdue as of"), _local(report.as_of, tz)), working_time_meta(day)]
    if report.sop:
        meta.append(("SOP", report.sop))
    meta += checkpoint_meta(report.checkpoint)
    return Document(
        title=titles.get(report.period.kind, _("Report")),
        period=describe(report.period),
        office=report.office,
        meta=meta,
        sections=sections,
        highlights=[
            (_("Received"), totals.received),
            (_("Resolved"), totals.resolved),
            (_("Open"), totals.open),
            (_("Overdue"), totals.overdue),
        ],
        empty_notice=_("No complaints and no activity in this period.") if report.is_empty else None,
        signature_day=long_date(report.as_of.astimezone(tz).date()),
    )


# --- the jurnal harian ------------------------------------------------------------


def action_label(action: str, decision: str | None) -> str:
    from sopcli.present.labels import action_label as label_of

    label = label_of(action)
    return f"{label}: {decision}" if decision else label


def timing_label(line, day_minutes: int) -> str:
    if line.action != Action.STEP or line.took_minutes is None:
        return ""
    spent = format_minutes(line.took_minutes, line.day_minutes or day_minutes)
    if line.on_time is None:
        return spent
    return f"{spent} ({_('on time') if line.on_time else _('late')})"


# Actions whose fields are told in words, not listed: a correction's old and new values, an undo's reversed entry,
# an operator's roles before and after.
TOLD_IN_WORDS = (
    Action.CORRECT,
    Action.UNDO,
    Action.REOPEN,
    Action.TRANSFER,
    Action.ROLES,
    Action.CHECKED,
    Action.NOTIFIED,
    Action.DOCUMENT,
)


def recorded_later(line, tz) -> str:
    """When an entry was written down, if not in the minute it says it happened: made afterwards, back-dated."""
    if line.recorded_at is None:
        return ""
    recorded = _local(line.recorded_at, tz)
    return "" if recorded == _local(line.at, tz) else recorded


def seal_meta(seal, one_day: bool) -> tuple[str, str]:
    """The day's seal digest in groups of eight, to copy by hand onto the signed printout; or "not sealed yet"."""
    label = _("Seal") if one_day else _("Seal of {day}").format(day=f"{seal.day:%d/%m/%Y}")
    if seal.digest is None:
        return label, _("not sealed yet")
    groups = " ".join(seal.digest[i : i + 8] for i in range(0, len(seal.digest), 8))
    return label, _("{digest} ({n} entries)").format(digest=groups, n=seal.entries)


def journal_document(journal) -> Document:
    tz, day = journal.period.tz, journal.day_minutes
    one_day = journal.period.first == journal.period.last

    def note(line) -> str:
        if line.action == Action.RECEIVED:  # who reported what, where: the log's opening line for the case
            recorded = ", ".join(
                line.fields[k] for k in ("reporter", "unit", "system", "host", "channel") if line.fields.get(k)
            )
        elif line.action in TOLD_IN_WORDS:
            recorded = fields_text(line.action, line.fields, line.next_step)
        else:
            recorded = "; ".join(f"{k} = {v}" for k, v in line.fields.items())
        return " — ".join(part for part in (line.note or "", recorded) if part)

    table = Table(
        columns=[
            Column(_("Time"), KEEP),
            Column(_("Number"), KEEP),
            Column(_("Step"), KEEP),
            Column(_("Kegiatan"), drop=1),
            Column(_("Pelaksana"), drop=2),
            _("Operator"),
            _("Action"),
            _("Note"),
            Column(_("Output"), drop=3),
            _("Time taken"),
            Column(_("Recorded"), KEEP),
        ],
        keys=[
            "at",
            "number",
            "step",
            "kegiatan",
            "pelaksana",
            "actor",
            "action",
            "note",
            "output",
            "timing",
            "recorded_at",
        ],
        rows=[
            [
                _local(line.at, tz, with_date=not one_day),
                line.number or "",
                line.step or "",
                line.kegiatan,
                line.pelaksana,
                line.actor,
                action_label(line.action, line.decision),
                note(line),
                line.output or "",
                timing_label(line, day),
                recorded_later(line, tz),
            ]
            for line in journal.lines
        ],
        wrap={3: 30, 4: 20, 7: 30, 8: 20},
        row_styles=["red" if line.on_time is False else None for line in journal.lines],
    )
    meta = []
    if journal.actor:
        meta.append((_("Operator"), journal.actor))
    if journal.sop:
        meta.append(("SOP", journal.sop))
    meta.append((_("Entries"), format_number(len(journal.lines))))
    meta.append(working_time_meta(day))
    meta += [seal_meta(seal, one_day) for seal in journal.seals]
    meta += checkpoint_meta(journal.checkpoint)
    return Document(
        title=_("Jurnal harian / log tanggapan keluhan"),
        period=describe(journal.period),
        office=journal.office,
        meta=meta,
        sections=[Section(_("Entries"), table, _("No journal entries in this period."))],
        empty_notice=None if journal.lines else _("No journal entries in this period."),
        signature_day=long_date(journal.period.last),
        landscape=True,
    )
