"""The wall screen (``sop board``): the queue laid out to fit the terminal, and the loop that refreshes it.

The loop runs in the alternate screen (rich's ``Live``) and reads keys from standard input in cbreak mode,
one at a time, without waiting for Enter: ``q`` ends it, as does Ctrl+C. Whatever ends it, the screen and
the terminal's mode are put back as they were.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sopcli.domain.vocabulary import Status
from sopcli.i18n import _
from sopcli.present.casefmt import local
from sopcli.present.labels import status_label
from sopcli.present.render import console, visible

if TYPE_CHECKING:
    from sopcli.services.board import BoardView, UrgentStep
    from sopcli.services.terminal import Terminal

QUIT_KEYS = {"q", "Q"}
# How often the loop looks at the keyboard and the terminal's size between refreshes (seconds).
TICK = 0.2
# Lines around the queue's rows: title, counts by status, counts by SOP, the table's head and its rule, footer.
FRAME_LINES = 6
# From this width the queue also shows each complaint's SOP and unit.
WIDE = 110
NEW_MARK, MOVED_MARK = "+", "»"


def layout(view: BoardView, width: int, height: int | None, every: int | None, previous: BoardView | None = None):
    """The board as one rich renderable, ``width`` columns wide and at most ``height`` lines (None: every row).

    Complaints new since ``previous`` and steps that moved since then are marked and highlighted.
    """
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    new, moved = view.changes_since(previous)
    title = Table.grid(expand=True)
    title.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    title.add_column(no_wrap=True, justify="right")
    title.add_row(
        Text.assemble((visible(view.office or "sop"), "bold"), " — ", _("Complaint queue")),
        Text(local(view.now, view.zone), style="bold"),
    )
    rows = view.urgent if height is None else view.urgent[: max(height - FRAME_LINES, 0)]
    hidden = view.open_total - len(rows)
    footer = Text(no_wrap=True, overflow="ellipsis", style="dim")
    if new or moved:
        footer.append(
            _("{new} new  {moved} moved to another step  ").format(new=NEW_MARK, moved=MOVED_MARK), style="bold"
        )
    if hidden:
        footer.append(_("{n} more not shown  ").format(n=hidden))
    if every is not None:
        footer.append(_("refreshed every {n} s · q quits").format(n=every))
    parts = [title, _one_line(_status_counts(view)), _one_line(_sop_counts(view)), _queue(rows, width, new, moved)]
    return Group(*parts, footer) if footer else Group(*parts)


def _one_line(text: str):
    """``text`` as it was typed (no rich markup, control characters written out), cut to one line."""
    from rich.text import Text

    return Text(visible(text), no_wrap=True, overflow="ellipsis")


def _status_counts(view: BoardView) -> str:
    # The kinds only format-2 SOPs close with are shown when some complaint has one: the line fits 80 columns.
    rare = (Status.NO_FAULT_FOUND, Status.REFERRED)
    counts = [
        f"{status_label(status).capitalize()} {n}" for status, n in view.by_status.items() if n or status not in rare
    ]
    counts[0] += " (" + _("{late} late, {paused} paused").format(late=view.late, paused=view.paused) + ")"
    return " · ".join(counts)


def _sop_counts(view: BoardView) -> str:
    if not view.open_by_sop:
        return _("Open by SOP: none")
    return _("Open by SOP: {counts}").format(counts=" · ".join(f"{sop} {n}" for sop, n in view.open_by_sop.items()))


def _queue(rows: list[UrgentStep], width: int, new: set[str], moved: set[str]):
    from rich import box
    from rich.table import Table

    wide = width >= WIDE
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=True, padding=(0, 1), pad_edge=False)
    table.add_column(_("Number"), no_wrap=True, min_width=15)
    if wide:
        table.add_column(_("SOP"), no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column(_("Step"), no_wrap=True, overflow="ellipsis", ratio=3)
    table.add_column(_("Who acts"), no_wrap=True, overflow="ellipsis", ratio=2)
    if wide:
        table.add_column(_("Unit"), no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column(_("Time left"), no_wrap=True, justify="right")
    for row in rows:
        mark = NEW_MARK if row.number in new else MOVED_MARK if row.number in moved else ""
        cells = [f"{mark or ' '}{row.number}"]
        if wide:
            cells.append(row.sop_id)
        cells += [f"{row.step}. {row.step_name}", row.who]
        if wide:
            cells.append(row.unit)
        cells.append(_time_left(row))
        table.add_row(*map(_one_line, cells), style="bold reverse" if mark else "bold red" if row.late else None)
    if not rows:
        table.add_row(_one_line(_("No open complaints.")))
    return table


def _time_left(row: UrgentStep) -> str:
    """The working time left, counting down each refresh: ``2 jam 5 menit``, ``TERLAMBAT 1 hari 2 jam``.

    A day or more is shown to the hour: the minutes would only crowd the column.
    """
    from sopcli.worktime.parse import format_minutes

    if row.paused:
        return _("paused")
    if row.minutes_left is None:
        return "-"
    days, rest = divmod(abs(row.minutes_left), row.day_minutes)
    shown = days * row.day_minutes + (round(rest / 60) * 60 if days else rest)
    if row.minutes_left < 0:
        return _("LATE {late}").format(late=format_minutes(shown, row.day_minutes))
    return format_minutes(shown, row.day_minutes)


def print_snapshot(view: BoardView, terminal: Terminal) -> None:
    """The board once, every row, for a script or a file (``sop board --once``)."""
    screen = console(terminal=terminal)
    screen.print(layout(view, screen.width, None, None))


def run_live(fetch: Callable[[], BoardView], every: int, terminal: Terminal) -> None:
    """Show ``fetch()`` full screen, fetched again every ``every`` seconds and laid out again when the
    terminal is resized, until ``q`` or Ctrl+C."""
    screen = console(terminal=terminal)
    view = fetch()  # a refused first read is an error line on the normal screen
    previous = None
    try:
        with _keys() as read_key, _surface(screen) as draw:
            while True:
                size = screen.size
                draw(layout(view, size.width, size.height, every, previous))
                next_refresh = time.monotonic() + every
                while (left := next_refresh - time.monotonic()) > 0:
                    if read_key(min(left, TICK)) & QUIT_KEYS:
                        return
                    if screen.size != size:
                        size = screen.size
                        draw(layout(view, size.width, size.height, every, previous))
                previous, view = view, fetch()
    except KeyboardInterrupt:  # Ctrl+C is how a screen like this is left, as q is: not an interruption
        return


@contextmanager
def _surface(screen) -> Iterator[Callable[[Any], None]]:
    """Where each board is drawn: the alternate screen, redrawn in place (rich's Live), left as it was at the
    end; on a terminal that cannot move its cursor (``TERM=dumb``), one board printed after the other."""
    if not screen.is_interactive:
        yield screen.print
        return
    from rich.live import Live

    with Live(console=screen, screen=True, auto_refresh=False) as live:
        yield lambda board: live.update(board, refresh=True)


@contextmanager
def _keys() -> Iterator[Callable[[float], set[str]]]:
    """A reader of the keys pressed, waiting at most a given time: standard input in cbreak mode (each key as
    typed, not echoed; Ctrl+C still interrupts), its mode restored at the end. Without a terminal on standard
    input nothing is pressed: the reader only waits."""
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):  # no standard input, or one that is no file
        fd = -1
    if fd < 0 or not os.isatty(fd):
        yield _wait_only
        return
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    try:
        yield lambda timeout: _read_keys(fd, timeout)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _read_keys(fd: int, timeout: float) -> set[str]:
    import select

    ready, _w, _x = select.select([fd], [], [], timeout)
    return set(os.read(fd, 64).decode(errors="replace")) if ready else set()


def _wait_only(timeout: float) -> set[str]:
    time.sleep(timeout)
    return set()
