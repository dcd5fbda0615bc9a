"""Reports and the jurnal harian as documents: headed sections of tables and charts.

A ``Document`` is built once from a report or journal and then written in any
format: a rich layout on a terminal, plain text, Markdown, CSV blocks, or a
printable HTML page (``present.html``). JSON skips this layer: it is the report's
own ``to_json()``, the contract scripts rely on.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from sopcli.domain.vocabulary import Action
from sopcli.i18n import _
from sopcli.present.render import Table, _cell
from sopcli.worktime.parse import format_minutes
from sopcli.worktime.periods import describe, long_date

DOCUMENT_FORMATS = ("table", "plain", "markdown", "csv", "json", "html")
WIDE_TERMINAL = 120


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
    narrow_drop: tuple[int, ...] = ()  # columns left out on a terminal narrower than WIDE_TERMINAL


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


def _percent_text(value: float | None) -> str:
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
            _("SOP step"),
            _("Kegiatan"),
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
                _percent_text(s.on_time_percent),
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
        columns=[_("Number"), "SOP", _("Step"), _("Kegiatan"), _("Must act"), _("Due"), _("Late by")],
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
            _("Entries"),
        ],
        rows=[
            [o.operator, o.recorded, o.steps, o.late_steps, o.notes, o.pauses, o.cancellations, o.entries]
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
            narrow_drop=(1,),
        ),
        Section(_("Time to resolve"), resolution, _("No complaints were resolved in this period.")),
        Section(
            _("Open complaints past their deadline"),
            overdue,
            _("No open complaint is past its deadline."),
            narrow_drop=(3,),
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


def journal_document(journal) -> Document:
    tz, day = journal.period.tz, journal.day_minutes
    one_day = journal.period.first == journal.period.last

    def note(line) -> str:
        if line.action == Action.RECEIVED:  # who reported what, where: the log's opening line for the case
            recorded = ", ".join(
                line.fields[k] for k in ("reporter", "unit", "system", "host", "channel") if line.fields.get(k)
            )
        else:
            recorded = "; ".join(f"{k} = {v}" for k, v in line.fields.items())
        return " — ".join(part for part in (line.note or "", recorded) if part)

    table = Table(
        columns=[
            _("Time"),
            _("Number"),
            _("Step"),
            _("Kegiatan"),
            _("Pelaksana"),
            _("Operator"),
            _("Action"),
            _("Note"),
            _("Output"),
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
    return Document(
        title=_("Jurnal harian / log tanggapan keluhan"),
        period=describe(journal.period),
        office=journal.office,
        meta=meta,
        sections=[Section(_("Entries"), table, _("No journal entries in this period."), narrow_drop=(3, 4, 8))],
        empty_notice=None if journal.lines else _("No journal entries in this period."),
        signature_day=long_date(journal.period.last),
        landscape=True,
    )


# --- writing -----------------------------------------------------------------------


def write(document: Document, fmt: str, out: TextIO, *, config=None, language: str = "id") -> None:
    """Write ``document`` as ``table`` (rich), ``plain``, ``markdown``, ``csv`` or ``html``."""
    if fmt == "html":
        from sopcli.present.html import render_page

        out.write(render_page(document, config=config, language=language))
    elif fmt == "csv":
        _write_csv(document, out)
    elif fmt == "table":
        _write_rich(document)
    else:
        _write_text(document, out, markdown=fmt == "markdown")


def _header_lines(document: Document) -> list[str]:
    lines = [f"{document.title} — {document.period}"]
    if document.office:
        lines.append(document.office)
    lines += [f"{label}: {value}" for label, value in document.meta]
    return lines


def _write_text(document: Document, out: TextIO, markdown: bool) -> None:
    from tabulate import tabulate

    head, *rest = _header_lines(document)
    out.write(f"# {head}\n\n" if markdown else f"{head}\n{'=' * len(head)}\n")
    for line in rest:
        out.write(f"{line}  \n" if markdown else f"{line}\n")
    if document.empty_notice:
        out.write(f"\n{document.empty_notice}\n")
    for section in document.sections:
        out.write(f"\n## {section.heading}\n\n" if markdown else f"\n{section.heading}\n{'-' * len(section.heading)}\n")
        if not section.table.rows:
            out.write(f"{section.empty}\n")
            continue
        widths = None if markdown else [section.table.wrap.get(i) for i in range(len(section.table.columns))]
        numeric = numeric_columns(section.table)
        out.write(
            tabulate(
                [[_text_cell(v, markdown) for v in row] for row in section.table.rows],
                headers=list(section.table.columns),
                tablefmt="pipe" if markdown else "simple",
                maxcolwidths=widths,
                disable_numparse=True,
                colalign=["right" if n else "left" for n in numeric],
            )
        )
        out.write("\n")
        if section.note:
            out.write(f"\n{section.note}\n" if markdown else f"{section.note}\n")


def numeric_columns(table: Table) -> list[bool]:
    """Which columns hold only counts: they are right-aligned."""
    return [
        all(isinstance(row[i], int) and not isinstance(row[i], bool) for row in table.rows)
        for i in range(len(table.columns))
    ]


def _text_cell(value: Any, markdown: bool) -> str:
    text = _cell(value)
    return text.replace("|", "\\|").replace("\n", " ") if markdown else text


def _write_csv(document: Document, out: TextIO) -> None:
    """Each section as a block (its heading, then the table), a blank line between: opens in any spreadsheet."""
    writer = csv.writer(out, lineterminator="\n")
    for section in document.sections:
        writer.writerow([section.heading])
        writer.writerow(section.table.keys or section.table.columns)
        for row in section.table.rows:
            writer.writerow(["" if v is None else _cell(v) for v in row])
        writer.writerow([])


def _write_rich(document: Document) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text

    from sopcli.present.render import console

    screen = console()
    head, *rest = _header_lines(document)
    screen.print(Text(head, style="bold"))
    for line in rest:
        screen.print(line)
    if document.empty_notice:
        screen.print(Text(document.empty_notice, style="yellow"))
    for section in document.sections:
        screen.rule(Text(section.heading, style="bold"), align="left")
        if not section.table.rows:
            screen.print(section.empty, style="dim")
            continue
        table = RichTable(header_style="bold", show_edge=False)
        shown = [
            i
            for i in range(len(section.table.columns))
            if screen.width >= WIDE_TERMINAL or i not in section.narrow_drop
        ]
        numeric = numeric_columns(section.table)
        for index in shown:
            column = section.table.columns[index]
            cells = [_cell(row[index]) for row in section.table.rows]
            if numeric[index]:
                table.add_column(column, justify="right", no_wrap=True, min_width=max(map(len, cells)))
                continue
            # Text wraps between words, never inside one; long free text gives way first.
            longest_word = max((len(word) for text in [column, *cells] for word in text.split()), default=1)
            table.add_column(
                column,
                overflow="fold",
                min_width=min(longest_word, 16),
                ratio=1 if index in section.table.wrap else None,
                max_width=section.table.wrap.get(index),
            )
        styles = section.table.row_styles
        for index, row in enumerate(section.table.rows):
            table.add_row(*(_cell(row[i]) for i in shown), style=styles[index] if index < len(styles) else None)
        screen.print(table)
        if section.bars:
            screen.print(_rich_bars(section.bars))
        if section.note:
            screen.print(section.note, style="dim")


def _rich_bars(bars: list[Bar], width: int = 30):
    """On-time share of each step as a bar: full blocks (green) for on time, light shade (red) for late."""
    from rich.table import Table as RichTable
    from rich.text import Text

    chart = RichTable.grid(padding=(0, 1))
    chart.add_column()
    chart.add_column()
    chart.add_column(justify="right")
    for bar in bars:
        filled = round(width * bar.on_time / (bar.on_time + bar.late))
        # Different characters, not only colours: the bar reads without colour (NO_COLOR, a pipe, colour blindness).
        drawn = Text("█" * filled, style="green") + Text("░" * (width - filled), style="red")
        chart.add_row(bar.label, drawn, _percent_text(bar.percent))
    return chart
