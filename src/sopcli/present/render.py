"""Output formats for every listing and report: one registry, one call.

``table`` is a rich table for people at a terminal; ``plain`` (tabulate) is the
default when stdout is not a terminal; ``markdown``, ``csv`` and ``json`` are
for documents and scripts. Data goes to stdout; messages go to stderr.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TextIO

from sopcli.i18n import format_number
from sopcli.services.terminal import Terminal

FORMATS = ("table", "plain", "markdown", "csv", "json")


# How a column gives way when a rich table is wider than the terminal (plain text and the files ignore it).
KEEP = "keep"  # never broken: complaint numbers, dates, counts
CUT = "cut"  # one line, ending in "…" when narrow: free text that is whole elsewhere (the step's name in a list)
WRAP = "wrap"  # wraps between words, never inside one that fits: notes, descriptions, names


class Column(str):
    """A column's header, and how the column fits a narrow terminal.

    A ``str`` so that it is the header wherever one is read (tabulate, CSV, HTML):
    a column is declared in one place, ``Column(_("Number"), KEEP)``.

    Args:
        header: the column's heading.
        fit: ``KEEP``, ``CUT`` or ``WRAP`` (see above).
        drop: 0 to show it at every width; otherwise it is left out when the table does
            not fit, 1 first, then 2, … (and the table says so under it).
        min_width: the narrowest it may be made (default: what its fit needs).
    """

    fit: str
    drop: int
    min_width: int | None

    def __new__(cls, header: str, fit: str = WRAP, *, drop: int = 0, min_width: int | None = None) -> Column:
        column = super().__new__(cls, header)
        column.fit, column.drop, column.min_width = fit, drop, min_width
        return column


@dataclass
class Table:
    """Rows under headed columns. ``keys`` name the columns in JSON (default: the headers).

    ``columns`` are headers, or ``Column``s saying how each fits a narrow terminal (a plain
    header wraps between words). ``row_styles`` holds a rich style per row (``"red"`` for a
    late one), and ``cell_styles`` one for a single cell; both used only on a terminal.
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    title: str | None = None
    keys: Sequence[str] | None = None
    row_styles: list[str | None] = field(default_factory=list)
    cell_styles: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → style of one cell
    wrap: dict[int, int] = field(default_factory=dict)  # column index → max width in plain text


def default_format(terminal: Terminal | None = None) -> str:
    """A rich table for people at a terminal, plain text for a pipe or a file."""
    return "table" if (terminal or Terminal()).stdout_is_tty else "plain"


def console(stderr: bool = False, terminal: Terminal | None = None):
    """A rich console as wide as the terminal, without colour under NO_COLOR (rich drops it when piped)."""
    from rich.console import Console

    terminal = terminal or Terminal()
    return Console(stderr=stderr, highlight=False, soft_wrap=False, no_color=not terminal.colour, width=terminal.width)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def print_json(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    json.dump(to_jsonable(data), out, ensure_ascii=False, indent=2)
    out.write("\n")


# Control characters other than newline and tab. Stored text keeps them (the journal is exactly
# what was recorded), but shown raw an escape sequence in a note could retitle, clear or
# recolour the reader's terminal: displayed, they are written out as \x1b and the like.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with control characters written out (``\x1b``), safe to print to a terminal."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return visible(str(value))


def numeric_columns(table: Table) -> list[bool]:
    """Which columns hold only counts: they are right-aligned."""
    return [
        bool(table.rows) and all(isinstance(row[i], int) and not isinstance(row[i], bool) for row in table.rows)
        for i in range(len(table.columns))
    ]


# Columns are set apart by blank space, as in plain text, not by box lines: two cells between columns
# (a space of padding and the blank divider), no edges. Eight columns then fit 80 where a box would not.
_GAP = 2
_WORD_LIMIT = 20  # a longer "word" (a URL, a path) may fold rather than widen its column further
_CUT_WIDTH = 10  # the least a CUT column shows before its "…"


def _fit(column: str) -> tuple[str, int, int | None]:
    if isinstance(column, Column):
        return column.fit, column.drop, column.min_width
    return WRAP, 0, None


def _widths(lines: list[str]) -> tuple[int, int]:
    """(longest line, longest word) in terminal cells: wide characters count two."""
    from rich.cells import cell_len

    longest = max((cell_len(line) for line in lines), default=0)
    word = max((cell_len(w) for line in lines for w in line.split()), default=0)
    return longest, word


@dataclass
class _Layout:
    """Each column's natural and least width, and the widths chosen for the columns shown."""

    natural: list[int]
    least: list[int]
    fits: list[str]
    cells: list[list[str]]

    @classmethod
    def of(cls, table: Table) -> _Layout:
        cells = [[_cell(value) for value in row] for row in table.rows]
        numeric = numeric_columns(table)
        natural, least, fits = [], [], []
        for index, column in enumerate(table.columns):
            fit, _drop, min_width = _fit(column)
            fit = KEEP if numeric[index] else fit
            content, word = _widths([line for row in cells for line in row[index].splitlines()])
            header, header_word = _widths([column])
            if fit == KEEP:
                low = content
            elif fit == CUT:
                low = min(content, _CUT_WIDTH)
            else:
                low = min(content, word, _WORD_LIMIT) if word <= _WORD_LIMIT else min(content, _WORD_LIMIT)
            low = max(low, header_word, min(min_width or 0, content), 1)
            natural.append(max(content, header, low))
            least.append(low)
            fits.append(fit)
        return cls(natural, least, fits, cells)

    def widths(self, shown: list[int], room: int) -> list[int] | None:
        """Widths for the ``shown`` columns within ``room`` cells, gaps counted; None when they cannot fit.

        Every column gets its least width. The room left goes first to wrapping columns that can then
        be whole, the narrowest first (each saves lines), then evenly to the columns cut with "…" (each
        cell shows more), then evenly to the wrapping ones still short (fewer lines).
        """
        widths = {i: self.least[i] for i in shown}
        spare = room - _GAP * (len(shown) - 1) - sum(widths.values())
        if spare < 0:
            return None
        wrapping = [i for i in shown if self.fits[i] == WRAP]
        for i in sorted(wrapping, key=lambda i: self.natural[i] - widths[i]):
            if self.natural[i] - widths[i] <= spare:
                spare -= self.natural[i] - widths[i]
                widths[i] = self.natural[i]
        for group in ([i for i in shown if self.fits[i] == CUT], wrapping):
            while spare > 0 and (short := [i for i in group if widths[i] < self.natural[i]]):
                share = max(1, spare // len(short))
                for i in short:
                    grown = min(share, self.natural[i] - widths[i], spare)
                    widths[i] += grown
                    spare -= grown
        return [widths[i] for i in shown]


def rich_view(table: Table, width: int):
    """``table`` laid out for a terminal ``width`` cells wide: nothing wider, nothing cut without saying so.

    Every column if they fit; else without the empty ones and then the ones marked to drop (1
    first), saying which were left out; else, when even that is too wide, one card per row (each
    non-empty cell as ``header  value``) so that no figure is lost.
    """
    from rich import box
    from rich.table import Table as RichTable
    from rich.text import Text

    from sopcli.i18n import _

    layout = _Layout.of(table)
    shown = list(range(len(table.columns)))
    if sum(layout.natural) + _GAP * (len(shown) - 1) > width:  # squeezed: columns with nothing in them go first
        shown = [i for i in shown if any(row[i] for row in layout.cells)] or shown
    left_out: list[int] = []
    widths = layout.widths(shown, width)
    for index in sorted((i for i in shown if _fit(table.columns[i])[1]), key=lambda i: _fit(table.columns[i])[1]):
        if widths is not None:
            break
        shown.remove(index)
        left_out.append(index)
        widths = layout.widths(shown, width)
    if widths is None:
        return _cards(table, layout.cells, width)
    numeric = numeric_columns(table)
    rich_table = RichTable(
        title=table.title,
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        title_justify="left",
        caption_justify="left",
    )
    if left_out:
        names = ", ".join(str(table.columns[i]) for i in sorted(left_out))
        rich_table.caption = Text(_("Left out at this screen width: {columns}.").format(columns=names))
    for index, column_width in zip(shown, widths):
        fit = layout.fits[index]
        rich_table.add_column(
            Text(str(table.columns[index]), no_wrap=False),  # a long heading wraps even over a column that does not
            width=column_width,
            justify="right" if numeric[index] else "left",
            no_wrap=fit != WRAP,
            overflow="fold" if fit == WRAP else "ellipsis",
        )
    for number, row in enumerate(layout.cells):
        style = table.row_styles[number] if number < len(table.row_styles) else None
        rich_table.add_row(*(Text(row[i], style=table.cell_styles.get((number, i), "")) for i in shown), style=style)
    return rich_table


def _cards(table: Table, cells: list[list[str]], width: int):
    """One card per row: each non-empty cell under its header's name, the first in bold; a blank line between."""
    from rich.console import Group
    from rich.table import Table as RichTable
    from rich.text import Text

    parts: list[Any] = [Text(table.title, style="bold")] if table.title else []
    labels = min(max(_widths([str(column)])[0] for column in table.columns), max(10, width // 3))
    for number, row in enumerate(cells):
        style = table.row_styles[number] if number < len(table.row_styles) else None
        card = RichTable.grid(padding=(0, 2))
        card.add_column(style="bold", width=labels, overflow="fold")
        card.add_column(overflow="fold")
        for index, value in enumerate(row):
            if value or index == 0:
                emphasis = ("bold " if index == 0 else "") + table.cell_styles.get((number, index), style or "")
                card.add_row(Text(str(table.columns[index])), Text(value, style=emphasis))
        if number:
            parts.append(Text())
        parts.append(card)
    return Group(*parts)


def _tabulate(fmt: str) -> Callable[[Table, TextIO], None]:
    def render(table: Table, out: TextIO) -> None:
        from tabulate import tabulate

        widths = [table.wrap.get(i) for i in range(len(table.columns))] if fmt == "simple" else None
        if table.title and fmt == "simple":
            out.write(table.title + "\n")
        out.write(
            tabulate(
                [[_cell(v) for v in row] for row in table.rows],
                headers=list(table.columns),
                tablefmt=fmt,
                maxcolwidths=widths,
                disable_numparse=True,
            )
        )
        out.write("\n")

    return render


def _csv(table: Table, out: TextIO) -> None:
    from sopcli.files.formulas import neutralised

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.keys or table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else to_jsonable(neutralised(v)) for v in row])


def _json(table: Table, out: TextIO) -> None:
    keys = table.keys or table.columns
    print_json([dict(zip(keys, row)) for row in table.rows], out)


# Files and pipes; "table" (rich) is for a terminal and needs its width.
RENDERERS: dict[str, Callable[[Table, TextIO], None]] = {
    "plain": _tabulate("simple"),
    "markdown": _tabulate("pipe"),
    "csv": _csv,
    "json": _json,
}


def print_table(
    table: Table, fmt: str | None = None, out: TextIO | None = None, terminal: Terminal | None = None
) -> None:
    """Write ``table`` in ``fmt`` (default: rich on a terminal, plain otherwise)."""
    terminal = terminal or Terminal()
    fmt = fmt or default_format(terminal)
    if fmt == "table" and not terminal.stdout_is_tty and out is None:
        fmt = "plain"
    if fmt == "table":
        screen = console(terminal=terminal)
        screen.print(rich_view(table, screen.width))
    else:
        RENDERERS[fmt](table, out or sys.stdout)
