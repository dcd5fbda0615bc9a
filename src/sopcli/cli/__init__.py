"""The ``sop`` command line: global options, command groups, and the one error path.

Only Typer is imported here. Every command imports what it needs inside its
own body, so ``sop --help`` and ``sop --version`` stay fast.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from sopcli import __version__
from sopcli.cli.localise import LocalisedContext, localise, translate_help, usage_error
from sopcli.cli.state import AppState
from sopcli.errors import ExitCode, SopError
from sopcli.i18n import N_

# Every command as (module in sopcli.cli, attribute, summary), built only when it
# runs: `sop --help` prints these summaries instead of building every command
# from its signature. A summary is the command's short help: a whole sentence
# that fits one line of an 80-column screen in either language (a test keeps it so).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "new": ("cases", "new", "Record a complaint and show its first step."),
    "next": ("cases", "next_step", "Show a complaint's current step and complete it."),
    "check": ("checks", "check", "Run the checks of a complaint's current step."),
    "note": ("cases", "note", "Add a remark to a complaint's journal."),
    "inform": ("cases", "inform", "Record that a party the SOP names was told of a complaint."),
    "pause": ("cases", "pause", "Pause a complaint: the waiting time does not count."),
    "resume": ("cases", "resume", "Resume a paused complaint."),
    "cancel": ("cases", "cancel", "Cancel a complaint (a duplicate, or withdrawn)."),
    "correct": ("cases", "correct", "Correct a complaint's details; the journal keeps both values."),
    "reopen": ("cases", "reopen", "Reopen a closed complaint at a step."),
    "transfer": ("cases", "transfer", "Move a complaint to the SOP it should follow."),
    "undo": ("cases", "undo", "Undo the last step or decision."),
    "show": ("cases", "show", "Show a complaint and its whole timeline."),
    "doc": ("docs", "doc", "Print a complaint's documents and its dossier, to sign and file."),
    "list": ("cases", "list_complaints", "List complaints, the most urgent first, with time left."),
    "due": ("cases", "due", "Show the open steps that are due, the most urgent first."),
    "verify": ("cases", "verify", "Check the journal's hash chain and the sealed days."),
    "import": ("transfer", "import_file", "Import complaints from CSV, TSV, JSON or Excel."),
    "export": ("transfer", "export", "Export complaints, or the journal with its hashes."),
    "journal": ("reports", "journal_app", "The jurnal harian: every entry of a day in time order."),
    "report": ("reports", "report", "The supervisor's report: what came in, was done, ran late."),
    "sops": ("sops", "app", "SOP definitions: list, show, validate, draw, simulate."),
    "db": ("db", "app", "The database: schema, integrity check, backup and restore."),
    "operator": ("operators", "app", "Operators and their pelaksana roles."),
    "config": ("config", "app", "Settings: office hours, time zone, closed days, language."),
    "board": ("board", "board", "Show the open queue full screen, refreshed every few seconds."),
    "notify": ("notify", "notify", "Send the reminders and escalations that have come due."),
    "bukti": ("docs", "bukti", "Make the year's evidence pack for SPBE and Audit TIK."),
}

# The panels `sop --help` lists the commands in: the day's casework, what supervisors watch and read, upkeep.
PANELS: dict[str, tuple[str, ...]] = {
    N_("Daily"): (
        "new",
        "next",
        "check",
        "list",
        "due",
        "show",
        "doc",
        "note",
        "inform",
        "pause",
        "resume",
        "cancel",
        "correct",
        "undo",
        "reopen",
    ),
    N_("Supervisors"): ("board", "report", "journal"),
    # verify beside db, its integrity check, and notify, which cron runs: the Admin title stays on a 24-line screen
    N_("Admin"): ("import", "export", "sops", "db", "verify", "notify", "operator", "config", "bukti", "transfer"),
}


@cache  # one run builds one command; a process that runs many (the test suite) builds each once
def load_command(name: str):
    """The click command for ``name``, built from its module on first use."""
    from importlib import import_module

    module, attribute, _summary = COMMANDS[name]
    target = getattr(import_module(f"sopcli.cli.{module}"), attribute)
    if not isinstance(target, typer.Typer):  # a plain function: a one-command app gives its click command
        target = typer.Typer(rich_markup_mode=None, add_completion=False)
        target.command(name)(getattr(import_module(f"sopcli.cli.{module}"), attribute))
    command = typer.main.get_command(target)
    command.name = name
    command.short_help = COMMANDS[name][2]
    localise(command)
    _accept_debug_after(command)
    return command


def _accept_debug_after(command) -> None:
    """Let ``--debug`` follow the command too (``sop db check --debug``), as people type it after an error.

    A hidden option of each command, parsed by click like any other, so a value
    that happens to read ``--debug`` (``--note --debug``) stays that option's value.
    """
    command.params.append(_debug_option())
    for subcommand in getattr(command, "commands", {}).values():
        _accept_debug_after(subcommand)


def _debug_option():
    """A hidden ``--debug`` flag as Typer builds it, turning on the run's debug when given."""
    holder = typer.Typer(add_completion=False)
    holder.command()(_debug_carrier)
    return typer.main.get_command(holder).params[0]


def _debug_on(ctx: typer.Context, value: bool) -> None:
    state = ctx.find_root().obj
    if value and isinstance(state, AppState):
        state.debug = True


def _debug_carrier(
    debug: Annotated[bool, typer.Option("--debug", hidden=True, expose_value=False, callback=_debug_on)] = False,
) -> None:
    """Only carries the option."""


def every_command() -> list:
    """The root and every command, all loaded: for what must see them all (the help texts' catalog)."""
    return [typer.main.get_command(app)] + [load_command(name) for name in COMMANDS]


class SopGroup(TyperGroup):
    """The root group: loads commands lazily, and turns every error into one line on stderr and an exit code."""

    context_class = LocalisedContext

    # ctx is left unannotated in these overrides: click's Context is a private module of typer's.
    def list_commands(self, ctx) -> list[str]:
        return [name for names in PANELS.values() for name in names]

    def get_command(self, ctx, name: str):
        if name not in COMMANDS:
            return None
        if name not in self.commands:
            self.commands[name] = load_command(name)
        return self.commands[name]

    def format_help_text(self, ctx, formatter) -> None:
        """The root's help: "start here", two lines as written (not rewrapped into one paragraph), right under the
        usage line, so that with the commands below it the panels' titles fit a 24-line screen."""
        with formatter.indentation():
            for line in translate_help(self.help or "").splitlines():
                formatter.write_text(line)

    def format_options(self, ctx, formatter) -> None:
        """The commands first, then the global options: a 24-line screen shows the commands."""
        self.format_commands(ctx, formatter)
        options = [record for param in self.get_params(ctx) if (record := param.get_help_record(ctx)) is not None]
        with formatter.section("Options"):
            formatter.write_dl(options)

    def format_commands(self, ctx, formatter) -> None:
        """The commands in their panels, each with its whole summary (wrapped, never cut), names aligned."""
        width = max(len(name) for name in COMMANDS)
        # No blank line above the first panel: the indented "start here" lines stand apart from its title, and
        # the line is needed for the last panel's title to stay on a 24-line screen.
        for panel, names in PANELS.items():
            formatter.write_heading(panel)  # the formatter translates heading and summaries
            with formatter.indentation():
                formatter.write_dl([(name.ljust(width), COMMANDS[name][2]) for name in names])

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        args = list(sys.argv[1:] if args is None else args)
        _refuse_unstorable(args)
        # Run Typer non-standalone so a usage error is ours to word: one line,
        # not Typer's multi-line panel.
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except typer.TyperException as exc:  # click's UsageError and friends
            if type(exc).__name__ == "NoArgsIsHelpError":  # a bare `sop` or `sop sops`: show the help
                typer.echo(exc.ctx.get_help())  # type: ignore[attr-defined]  # a UsageError: it has its context
                sys.exit(ExitCode.OK)
            help_hint = _usage_hint(getattr(exc, "ctx", None))
            _fail(_error_line(usage_error(exc), help_hint), getattr(exc, "exit_code", ExitCode.USAGE))
        except typer.Abort:
            _fail(_interrupted(), ExitCode.ERROR)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx):
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # here, not at exit: a reader gone away is then the BrokenPipeError below
            return result
        except typer.Exit:
            _flush_quietly()
            raise
        except (typer.TyperException, typer.Abort):
            raise
        except SopError as exc:
            if _debug(ctx):
                raise
            _fail(_error_line(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail(_interrupted(ctx), ExitCode.INTERRUPTED)
        except BrokenPipeError:
            _reader_gone()
        except Exception as exc:  # a bug: say so plainly, never a traceback
            if _debug(ctx):
                raise
            from sopcli.i18n import _

            _fail(
                _error_line(
                    _("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}"),
                    _("run it again as 'sop --debug …' and report the output"),
                ),
                ExitCode.INTERNAL,
            )


def _flush_quietly() -> None:
    """Flush standard output before an explicit exit; a reader gone away ends the run as it does elsewhere."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_gone()


def _reader_gone() -> NoReturn:
    """The reader of standard output (head, less, grep -q) went away: end silently, as git, ls and cat do.

    They die of SIGPIPE, which a shell reports as 141 (128 + 13), and scripts under
    ``set -o pipefail`` expect that status from a writer whose reader stopped early;
    Python's own recommendation (exit 1) would make it look like sop's error. The
    signal's default action is restored only now, the run's output being over: set
    at start-up it would also kill sop on a write to a closed socket. Anything in
    flight has been committed or rolled back by the time the error reaches here,
    and the process ends at once, as a SIGPIPE would end it, so half-written
    output (an .xlsx stream) leaves no traceback behind.
    """
    import signal

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # nothing more is written to the closed pipe
    sys.stderr.flush()
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    os._exit(ExitCode.BROKEN_PIPE)  # where there is no SIGPIPE: the status a shell would show


def _refuse_unstorable(args: list[str]) -> None:
    """Text no field can store, refused once here: bytes that are not UTF-8 (argv's lone
    surrogates), and NUL (impossible from a shell, but a script may pass one; PostgreSQL refuses it)."""
    for arg in args:
        try:
            arg.encode("utf-8")
            if "\x00" not in arg:
                continue
        except UnicodeEncodeError:
            pass
        from sopcli.i18n import _

        shown = arg.encode("utf-8", "replace").decode("utf-8")
        _fail(
            _error_line(
                _("{arg!r} is not valid text (bytes that are not UTF-8, or NUL)").format(arg=shown),
                _("check the terminal's or script's encoding"),
            ),
            ExitCode.USAGE,
        )


def _usage_hint(ctx) -> str | None:
    from sopcli.i18n import _

    if ctx is None:
        return None
    return _("see '{command} --help'").format(command=ctx.command_path)


def _debug(ctx: typer.Context) -> bool:
    state = ctx.obj if isinstance(ctx.obj, AppState) else None
    return bool((state and state.debug) or os.environ.get("SOP_DEBUG"))


def _error_line(message, hint: str | None = None) -> str:
    from sopcli.i18n import _

    text = str(message) if hint is None else f"{message} ({hint})"
    return _("Error: {message}").format(message=" ".join(text.split()))


def _interrupted(ctx: typer.Context | None = None) -> str:
    from sopcli.i18n import _

    state = ctx.find_root().obj if ctx else None
    runtime = getattr(state, "_runtime", None)
    if runtime is not None and runtime.saved_anything:
        return _("Interrupted after saving: what was recorded stays recorded.")
    return _("Interrupted: nothing was written.")


def _fail(line: str, code: int) -> NoReturn:
    typer.echo(line, err=True)
    sys.exit(int(code))


app = typer.Typer(
    cls=SopGroup,
    name="sop",
    help="Start here: 'sop new' records a complaint; 'sop next NUMBER' walks its steps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: rendering it with rich costs more than all of Typer's own import.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _language(value: str | None) -> str | None:
    """Switch the interface language as soon as ``--lang`` is read: help printed after it uses it."""
    if value:
        from sopcli.i18n import LANGUAGES, _, set_language

        if value.lower() not in LANGUAGES:
            raise typer.BadParameter(_("{value!r}: choose id or en").format(value=value))
        set_language(value.lower())
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sop {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database: a file path or SQLAlchemy URL (default: SOP_DATABASE_URL, then the config, then the app dir).",
            metavar="PATH|URL",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            callback=_language,
            is_eager=True,
            help="Interface language: id or en (default: SOP_LANG, config, locale).",
            metavar="id|en",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Incident logbook for IT-disruption SOPs.

    Example: sop sops list
    """
    # A caller may hand in its own state (a test: its own Terminal); the options fill it in.
    state = ctx.obj if isinstance(ctx.obj, AppState) else AppState()
    state.db, state.debug, state.language = db, debug, lang
    ctx.obj = state


def main() -> None:
    """Console-script entry point."""
    # A run imports a few hundred modules: hundreds of thousands of long-lived objects and
    # no garbage cycles worth collecting; what a command discards, reference counting frees.
    # The cyclic collector would only rescan the imported modules, 15-25 ms of an everyday
    # command (a single full pass while tabulate loads takes 14 ms). A 1,000,000-row import
    # and the monthly report keep the same peak memory without it (benchmarks/run.py).
    gc.disable()
    # sop uses no pydantic plugins, and looking for them scans every installed package's
    # entry points the first time a model is built (about 18 ms). Pydantic's documented switch.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    app(prog_name="sop")
