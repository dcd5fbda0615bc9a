"""``sop notify``: send the reminders, escalations and notices that have come due (for cron or a timer)."""

from __future__ import annotations

from typing import Annotated

import typer

from sopcli.cli.options import AsOption, JsonOption
from sopcli.cli.state import runtime_of


def notify(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent and to whom; send and write nothing.")
    ] = False,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send the reminders, escalations and notices that have come due.

    Each is sent once: a new complaint and each disposisi to the step's pelaksana, reminders at the
    thresholds of the step's time (50% and 75% by default), escalations to the superior (100%) and the
    head of office (200%), a closed complaint to its unit, each sealed day's digest. One message per
    address per run. Every notice sent is a journal entry. Outside office hours notices wait for the
    next opening, unless the SOP runs 24x7 or the priority is tinggi or kritis. A failed delivery is
    reported (exit 1) and sent again by the next run. Run it every few minutes from cron or a timer.

    Example: sop notify --dry-run
    """
    from sopcli.errors import ExitCode
    from sopcli.present.notices import compose
    from sopcli.services.notify import notify as run

    rt = runtime_of(ctx)
    operator = rt.operator(actor)
    sender = None
    if not dry_run:
        rt.database.refuse_if_read_only()
        from sopcli.integrations.notify import require, send

        require()  # without the extra: one line saying how to install it, before anything is read
        sender = send
    result = run(rt, dry_run=dry_run, compose=lambda message: compose(message, rt.zone), sender=sender, actor=operator)
    if as_json:
        from sopcli.present import render
        from sopcli.present.notices import result_json

        render.print_json(result_json(result, dry_run, rt.zone))
    else:
        from sopcli.present.notices import print_result

        print_result(result, dry_run, rt.zone)
    if result.failed:
        raise typer.Exit(ExitCode.ERROR)
