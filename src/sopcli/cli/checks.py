"""``sop check``: run the checks of a complaint's current step without completing it."""

from __future__ import annotations

from typing import Annotated

import typer

from sopcli.cli.cases import NumberArgument
from sopcli.cli.options import AsOption, JsonOption
from sopcli.cli.state import runtime_of


def check(
    ctx: typer.Context,
    number: NumberArgument,
    step: Annotated[
        str | None,
        typer.Option("--step", help="The step whose checks run, when several run at once.", metavar="STEP"),
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the checks of a complaint's current step.

    Each check (ping, tcp, http, dns, tls, command) is a line: passed or failed, with its figures
    (latency, status code, days to expiry) and the reason it failed. The results are kept in the
    journal as evidence; the decision they propose is taken with 'sop next'.

    Example: sop check ADU-2026-00042
    """
    from sopcli.i18n import _
    from sopcli.present.checks import CheckProgress, run_json
    from sopcli.services.checks import run_checks

    rt = runtime_of(ctx)
    operator = rt.operator(actor)
    rt.database.refuse_if_read_only()
    if as_json:
        from sopcli.present import render

        render.print_json(run_json(run_checks(rt, number, actor=operator, step_id=step)))
        return
    progress = CheckProgress(rt.terminal, stderr=False)
    run = run_checks(rt, number, actor=operator, step_id=step, on_start=progress.started, on_result=progress.finished)
    if not run.results:
        typer.echo(_("Step {id} has no checks.").format(id=run.step))
        return
    progress.proposal(run)
