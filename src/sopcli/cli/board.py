"""``sop board``: the queue full screen, for the helpdesk's wall screen."""

from __future__ import annotations

from typing import Annotated

import typer

from sopcli.cli.state import runtime_of


def board(
    ctx: typer.Context,
    every: Annotated[
        int,
        typer.Option("--every", min=1, max=3600, metavar="SECONDS", help="Seconds between refreshes."),
    ] = 5,
    once: Annotated[
        bool, typer.Option("--once", help="Print the board once and end (for scripts, or when not at a terminal).")
    ] = False,
) -> None:
    """Show the open queue full screen, refreshed every few seconds.

    For the helpdesk's wall screen: counts by status and by SOP, then the most
    urgent steps, late ones first, then by working time left. New complaints
    and steps that moved since the last refresh are marked. Read-only; q or
    Ctrl+C ends it. Without a terminal, --once prints the board once.

    Example: sop board --every 10
    """
    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.present.board import print_snapshot, run_live
    from sopcli.services.board import board as queue_board

    rt = runtime_of(ctx)
    if once:
        print_snapshot(queue_board(rt), rt.terminal)
        return
    if not rt.terminal.stdout_is_tty:
        raise InputError(_("sop board needs a terminal to draw on"), _("use --once for a single snapshot"))
    rt.database.interrupt_reads = True  # Ctrl+C leaves the board, whenever in its refresh it is pressed
    run_live(lambda: queue_board(rt), every, rt.terminal)
