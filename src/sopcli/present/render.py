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


@dataclass
class Table:
    """Rows under headed columns. ``keys`` name the columns in JSON (default: the headers).

    ``row_styles`` holds a rich style per row (``"red"`` for a late one), and
    ``cell_styles`` one for a single cell; both used only on a terminal.
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


def _rich(table: Table, out: TextIO) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text

    rich_table = RichTable(title=table.title, show_lines=False, header_style="bold")
    for column in table.columns:
        rich_table.add_column(column, overflow="fold")
    for index, row in enumerate(table.rows):
        style = table.row_styles[index] if index < len(table.row_styles) else None
        cells: list[str | Text] = [
            Text(text, style=cell_style) if (cell_style := table.cell_styles.get((index, at))) else text
            for at, text in enumerate(_cell(v) for v in row)
        ]
        rich_table.add_row(*cells, style=style)
    console().print(rich_table)


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
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.keys or table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else to_jsonable(v) for v in row])


def _json(table: Table, out: TextIO) -> None:
    keys = table.keys or table.columns
    print_json([dict(zip(keys, row)) for row in table.rows], out)


RENDERERS: dict[str, Callable[[Table, TextIO], None]] = {
    "table": _rich,
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
    RENDERERS[fmt](table, out or sys.stdout)
