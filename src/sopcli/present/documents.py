"""Reports and the jurnal harian as documents: headed sections of tables and charts.

A ``Document`` is built once from a report or journal and then written in any
format by ``present.publish``: a rich layout on a terminal, plain text,
Markdown, CSV blocks, or a printable HTML page (``present.html``). JSON skips this layer: it is the report's
own ``to_json()``, the contract scripts rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sopcli.domain.vocabulary import Action
from sopcli.i18n import _
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
class Section:
    heading: str
    table: Table
    empty: str = ""  # said instead of an empty table
    bars: list[Bar] = field(default_factory=list)
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
    from sopcli.i18n import current_language

    if value is None:
        return ""
    text = f"{value:.1f}%"
    return text.replace(".", ",") if current_language() == "id" else text


def _local(moment: datetime, tz, with_date: bool = True) -> str:
    shown = moment.astimezone(tz)
    return f"{shown:%d/%m/%Y %H:%M}" if with_date else f"{shown:%H:%M}"


# --- the supervisor's report ------------------------------------------------------


def report_document(report, config) -> Document:
    from sopcli.worktime.periods import DAILY, MONTHLY, WEEKLY

    titles = {DAILY: _("Daily report"), WEEKLY: _("Weekly report"), MONTHLY: _("Monthly report")}
    tz, day = report.period.tz, report.day_minutes
    totals = report.totals
    count_columns = [_("Received"), _("Resolved"), _("Rejected"), _("Cancelled"), _("Open"), _("Overdue")]

    def counts_table(title: str, groups) -> Table:
        return Table(
            columns=[title, *count_columns],
            rows=[
                [
                    g.name,
                    g.counts.received,
                    g.counts.resolved,
                    g.counts.rejected,
                    g.counts.cancelled,
                    g.counts.open,
                    g.counts.overdue,
                ]
                for g in groups
            ],
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
    bars = [Bar(f"{s.sop} {s.step}", s.on_time, s.late) for s in report.steps if s.on_time + s.late]
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
    overdue = Table(
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
    summary = Table(
        columns=count_columns,
        rows=[[totals.received, totals.resolved, totals.rejected, totals.cancelled, totals.open, totals.overdue]],
    )
    none = _("None.")
    sections = [
        Section(_("Summary"), summary),
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
        Section(
            _("Open complaints past their deadline"),
            overdue,
            _("No open complaint is past its deadline."),
        ),
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
    spent = format_minutes(line.took_minutes, day_minutes)
    if line.on_time is None:
        return spent
    return f"{spent} ({_('on time') if line.on_time else _('late')})"


# Actions whose fields are told in words, not listed: a correction's old and new values, an undo's reversed entry.
CORRECTIONS = (Action.CORRECT, Action.UNDO, Action.REOPEN, Action.TRANSFER)


def journal_document(journal) -> Document:
    tz, day = journal.period.tz, journal.day_minutes
    one_day = journal.period.first == journal.period.last

    def note(line) -> str:
        if line.action == Action.RECEIVED:  # who reported what, where: the log's opening line for the case
            recorded = ", ".join(
                line.fields[k] for k in ("reporter", "unit", "system", "host", "channel") if line.fields.get(k)
            )
        elif line.action in CORRECTIONS:
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
        ],
        keys=["at", "number", "step", "kegiatan", "pelaksana", "actor", "action", "note", "output", "timing"],
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
    meta.append((_("Entries"), str(len(journal.lines))))
    meta.append(working_time_meta(day))
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
