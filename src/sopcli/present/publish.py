"""A Document written in a format: rich on a terminal, plain text, markdown, CSV or HTML.

Apart from ``documents`` (which builds a Document from a report or a journal)
so that ``html`` can import the Document's dataclasses without a cycle.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

from sopcli.present.documents import Bar, Document, percent_text
from sopcli.present.render import Table, _cell

DOCUMENT_FORMATS = ("table", "plain", "markdown", "csv", "json", "html")
WIDE_TERMINAL = 120  # narrower, a section leaves out its narrow_drop columns


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


def _is_number(value: Any) -> bool:
    """A count or a figure: written as itself in CSV, for the spreadsheet to format."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _write_csv(document: Document, out: TextIO) -> None:
    """Each section as a block (its heading, then the table), a blank line between: opens in any spreadsheet."""
    writer = csv.writer(out, lineterminator="\n")
    for section in document.sections:
        writer.writerow([section.heading])
        writer.writerow(section.table.keys or section.table.columns)
        for row in section.table.rows:
            writer.writerow(["" if v is None else v if _is_number(v) else _cell(v) for v in row])
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
        chart.add_row(bar.label, drawn, percent_text(bar.percent))
    return chart
