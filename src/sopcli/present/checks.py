"""A step's checks on the screen: a line per check as it finishes, a spinner while it runs (on a terminal)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sopcli.domain.checks import PASSED, SKIPPED, entry_fields, summary
from sopcli.i18n import _

_MARKS = {PASSED: "✓", SKIPPED: "–"}


def check_line(result) -> str:
    """``✓ ping 127.0.0.1: passed (0.1 ms, 0/3 lost)``: a result as ``sop check`` and ``sop next`` print it."""
    return f"{_MARKS.get(result.result, '✗')} {summary(entry_fields(result))}"


class CheckProgress:
    """Prints each check's line as it ends; on a terminal a spinner names the check running meanwhile."""

    def __init__(self, terminal, *, stderr: bool = True) -> None:
        from sopcli.present.render import console

        self.console = console(stderr=stderr, terminal=terminal)
        self.spinning = bool(getattr(terminal, "stderr_is_tty", False) if stderr else terminal.stdout_is_tty)
        self._status: AbstractContextManager[Any] = nullcontext()

    def started(self, check, prepared) -> None:
        if self.spinning and not hasattr(prepared, "passed"):
            self._status = self.console.status(
                _("checking {target} …").format(target=f"{check.kind} {prepared.target}")
            )
            self._status.__enter__()

    def finished(self, check, result) -> None:
        self._status.__exit__(None, None, None)
        self._status = nullcontext()
        style = {PASSED: "green", SKIPPED: "dim"}.get(result.result, "red")
        self.console.print(check_line(result), style=style, markup=False, highlight=False)

    def proposal(self, run) -> None:
        if run.proposed is not None:
            self.console.print(
                _("The checks propose: {option}").format(option=run.proposed), style="bold", markup=False
            )


def run_json(run) -> dict[str, Any]:
    return {
        "number": run.number,
        "step": run.step,
        "proposed": run.proposed,
        "checks": [entry_fields(result) for _check, result in run.results],
    }
