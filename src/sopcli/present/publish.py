"""A Document written in a format: rich on a terminal, plain text, markdown, CSV, HTML or PDF.

Apart from ``documents`` (which builds a Document from a report or a journal)
so that ``html`` can import the Document's dataclasses without a cycle.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

from sopcli.present.documents import Bar, Document, percent_text
from sopcli.present.render import _cell, numeric_columns
from sopcli.services.terminal import Terminal

DOCUMENT_FORMATS = ("table", "plain", "markdown", "csv", "json", "html", "pdf")
BINARY_FORMATS = ("pdf",)  # written as bytes (``pdf_bytes``), not through ``write``


def write(
    document: Document, fmt: str, out: TextIO, *, config=None, language: str = "id", terminal: Terminal | None = None
) -> None:
    """Write ``document`` as ``table`` (rich), ``plain``, ``markdown``, ``csv`` or ``html``."""
    if fmt == "html":
        from sopcli.present.html import render_page

        out.write(render_page(document, config=config, language=language))
    elif fmt == "csv":
        _write_csv(document, out)
    elif fmt == "table":
        _write_rich(document, terminal)
    else:
        _write_text(document, out, markdown=fmt == "markdown")


def pdf_bytes(document: Document, *, config=None, language: str = "id") -> bytes:
    """The printable HTML page laid out on A4 by WeasyPrint (the ``pdf`` extra).

    Raises:
        NotInstalled: WeasyPrint, or the Pango libraries it draws text with, is missing.
    """
    from sopcli.present.html import render_page

    return pdf_of_html(render_page(document, config=config, language=language))


def pdf_of_html(page: str) -> bytes:
    """A whole, self-contained HTML page laid out by WeasyPrint (the ``pdf`` extra), as its print CSS says.

    Raises:
        NotInstalled: WeasyPrint, or the Pango libraries it draws text with, is missing.
    """
    import logging

    from sopcli.errors import NotInstalled
    from sopcli.i18n import _

    try:
        import weasyprint  # type: ignore[import-untyped]  # it ships no type information
    except (ImportError, OSError):  # OSError: the Python package is there, the Pango libraries are not
        raise NotInstalled(_("PDF needs WeasyPrint and the Pango libraries"), _("pip install 'sopcli[pdf]'")) from None
    # The page is ours and self-contained: WeasyPrint's notes on it are not the reader's business.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint.HTML(string=page).write_pdf()


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


def _text_cell(value: Any, markdown: bool) -> str:
    text = _cell(value)
    return text.replace("|", "\\|").replace("\n", " ") if markdown else text


def _is_number(value: Any) -> bool:
    """A count or a figure: written as itself in CSV, for the spreadsheet to format."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _write_csv(document: Document, out: TextIO) -> None:
    """Each section as a block (its heading, then the table), a blank line between: opens in any spreadsheet."""
    from sopcli.files.formulas import neutralised

    writer = csv.writer(out, lineterminator="\n")
    for section in document.sections:
        writer.writerow([neutralised(section.heading)])
        writer.writerow(section.table.keys or section.table.columns)
        for row in section.table.rows:
            writer.writerow(["" if v is None else v if _is_number(v) else _cell(neutralised(v)) for v in row])
        if section.note and section.table.rows:  # a list given in part says so, and how to get it whole
            writer.writerow([neutralised(section.note)])
        writer.writerow([])


def _write_rich(document: Document, terminal: Terminal | None) -> None:
    """The document for a terminal: every table laid out for its width (``render.rich_view``), all text as written."""
    from rich.text import Text

    from sopcli.present.render import console, rich_view, visible

    screen = console(terminal=terminal)
    head, *rest = _header_lines(document)
    screen.print(Text(visible(head), style="bold"))
    for line in rest:
        screen.print(Text(visible(line)))
    if document.empty_notice:
        screen.print(Text(document.empty_notice, style="yellow"))
    for section in document.sections:
        screen.rule(Text(section.heading, style="bold"), align="left")
        if not section.table.rows:
            screen.print(Text(section.empty, style="dim"))
            continue
        screen.print(rich_view(section.table, screen.width))
        if section.bars:
            screen.print(_rich_bars(section.bars))
        if section.note:
            screen.print(Text(section.note, style="dim"))


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
        chart.add_row(Text(bar.label), drawn, percent_text(bar.percent))
    return chart
