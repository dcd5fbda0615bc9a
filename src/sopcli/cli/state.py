"""What the global options decide, handed to every command through ``ctx.obj``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sopcli.services.terminal import Terminal


@dataclass
class AppState:
    db: str | None = None
    debug: bool = False
    language: str | None = None
    terminal: Terminal = field(default_factory=Terminal)
    _runtime: object | None = field(default=None, repr=False)

    def runtime(self):
        """The command's Runtime: configuration read, clock chosen (once per run)."""
        if self._runtime is None:
            from sopcli import config
            from sopcli.i18n import set_language
            from sopcli.services.runtime import Runtime, clock_from_environment

            loaded = config.load()
            if not self.language and not os.environ.get("SOP_LANG") and loaded.language:
                set_language(loaded.language)
            exposed = config.password_exposed(loaded)
            if exposed is not None:  # warned, not refused: the fix is one chmod, the office's work goes on
                import typer

                from sopcli.i18n import _

                typer.echo(
                    _("Warning: {path} holds a database password and others may read it; run: chmod 600 {path}").format(
                        path=exposed
                    ),
                    err=True,
                )
            self._runtime = Runtime(
                config=loaded,
                db_option=self.db,
                clock=clock_from_environment(),
                terminal=self.terminal,
                prober=run_probe,
            )
        return self._runtime


def run_probe(probe, **options):
    """One of a step's checks, run by ``integrations.probes`` (imported only when a check runs)."""
    from sopcli.integrations.probes import run

    return run(probe, **options)


def runtime_of(ctx):
    """The Runtime from a Typer context (the root callback always sets ``ctx.obj``).

    Its connections are closed when the command ends, not left to the garbage
    collector: a PostgreSQL server has a limited number of them.
    """
    root = ctx.find_root()
    state = root.obj
    if not isinstance(state, AppState):
        state = AppState()
        root.obj = state
    fresh = state._runtime is None
    runtime = state.runtime()
    if fresh:
        root.call_on_close(runtime.close)
    return runtime


def terminal_of(ctx) -> Terminal:
    """The run's Terminal, for commands that need no Runtime (they read no logbook and no configuration)."""
    state = ctx.find_root().obj
    return state.terminal if isinstance(state, AppState) else Terminal()
