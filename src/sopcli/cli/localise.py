"""Help and usage errors in the interface language.

Typer prints help and usage errors in English. sop's own help texts (each
command's docstring, each option's ``help``) are message ids in the catalog,
translated when the help is printed, so ``--lang`` and ``SOP_LANG`` apply to
them as to every other message. The few words Typer prints itself (Usage,
Options, required, …) and its usage errors are translated here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import typer

from sopcli.i18n import N_, _, current_language

# The words Typer itself writes in a help page: message ids like sop's own help texts.
TYPER_WORDS = ("Usage: ", "Options", "Arguments", "Commands", "Show this message and exit.", "required")
# The placeholders of usage lines and option lists, in capitals as Typer and sop's metavars write them, and
# Typer's type names: each word translated on its own (``KEY=VALUE`` → ``KUNCI=NILAI``), in Indonesian only.
PLACEHOLDERS = (
    N_("OPTIONS"),
    N_("COMMAND"),
    N_("ARGS"),
    N_("NUMBER"),
    N_("TEXT"),
    N_("WHEN"),
    N_("OPTION"),
    N_("KEY"),
    N_("VALUE"),
    N_("NAME"),
    N_("STEP"),
    N_("FILE"),
    N_("NEW"),
    N_("SECONDS"),
    N_("DURATION"),
    N_("DOCUMENT"),
    N_("EXPORT"),
    N_("EXTERNAL_REF"),
    N_("ROLE_KEY"),
    N_("DIR"),
    N_("CODE"),
    N_("<str>"),
    N_("<int>"),
)
_PLACEHOLDER_WORD = r"<\w+>|\b[A-Z][A-Z_]*\b"
_REQUIRED_ARGUMENT = r"\{(?P<name>[^{}]+)\}"
# Typer appends "  [default: x; required]" to an option's help.
_EXTRA = r"(?s)(?P<help>.*?) {0,2}\[(?P<extra>[^\[\]]*)\]"
_DEFAULT = r"(?s)default: (?P<value>.*)"


def translate_help(text: str) -> str:
    """A help text (docstring, option help or one of Typer's words) in the interface language."""
    translated = _(text)
    if translated != text:
        return translated
    parts = re.fullmatch(_EXTRA, text)
    if parts is None:
        return text
    extras = []
    for extra in parts["extra"].split("; "):
        default = re.fullmatch(_DEFAULT, extra)
        extras.append(_("default: {default}").format(default=default["value"]) if default else _(extra))
    help_text = parts["help"]
    return f"{_(help_text) if help_text else ''}  [{'; '.join(extras)}]".lstrip()


def translate_placeholders(text: str) -> str:
    """Placeholders in the interface language: ``[OPTIONS] {NUMBER}`` → ``[OPSI] NOMOR``. English stays as Typer
    writes it; Indonesian drops the braces Typer puts around a required argument, and writes it in capitals."""
    if current_language() == "en":
        return text
    text = re.sub(_REQUIRED_ARGUMENT, lambda found: found["name"].upper(), text)
    return re.sub(_PLACEHOLDER_WORD, lambda found: _(found[0]), text)


def placeholder_name(param) -> str:
    """How a usage error names an argument or option: ``'NUMBER'`` in English, ``NOMOR`` in Indonesian."""
    if current_language() == "en" or param.param_type_name != "argument":
        return param.get_error_hint()
    return translate_placeholders(param.display_name_raw.upper())


class LocalisedFormatter(typer.Context.formatter_class):  # type: ignore[misc,valid-type]  # typer exports no name for it
    """Typer's help formatter, writing every text in the interface language.

    Summaries are never cut: a long one wraps, as every other help text does.
    """

    _section: str | None = None

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = translate_help("Usage: ") if prefix is None else prefix
        super().write_usage(prog, translate_placeholders(args), prefix)

    def write_heading(self, heading: str) -> None:
        self._section = heading
        super().write_heading(translate_help(heading))

    def write_text(self, text: str) -> None:
        super().write_text(translate_help(text))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(self._term(term), translate_help(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)

    def _term(self, term: str) -> str:
        if self._section == "Arguments" and current_language() != "en":
            term = re.sub(r" <\w+>$", "", term)  # the argument's type: its placeholder and help say more
            if re.fullmatch(r"[a-z_]+", term):  # an argument without a metavar: in capitals, as in the usage line
                term = term.upper()
        return translate_placeholders(term)


class LocalisedContext(typer.Context):
    formatter_class = LocalisedFormatter


def localise(command) -> None:
    """Have ``command`` and its subcommands print their help in the interface language.

    A subcommand's summary in its group's list is the first line of its
    docstring, a message id of its own, whole instead of click's cut-off text.
    """
    command.context_class = LocalisedContext
    for subcommand in getattr(command, "commands", {}).values():
        if subcommand.help and not subcommand.short_help:
            subcommand.short_help = subcommand.help.split("\n")[0]
        localise(subcommand)


def help_messages(command) -> Iterator[str]:
    """Every help text of ``command`` and its subcommands: the message ids the catalog must carry."""
    yield from TYPER_WORDS
    yield from _command_help(command)


def _command_help(command) -> Iterator[str]:
    if command.help:
        yield command.help
        yield command.help.split("\n")[0]
    if command.short_help:
        yield command.short_help
    for param in command.params:
        if getattr(param, "help", None):
            yield param.help
    for subcommand in getattr(command, "commands", {}).values():
        yield from _command_help(subcommand)


def extract(fileobj, keywords, comment_tags, options):
    """Babel extractor for ``cli/__init__.py``: its ``_()`` messages, then every help text of every command.

    Docstrings cannot be marked with ``_()``; ``[tool.babel]`` in pyproject.toml
    points ``pybabel extract`` here so the catalog carries them.
    """
    from babel.messages.extract import extract_python

    from sopcli.cli import every_command

    yield from extract_python(fileobj, keywords, comment_tags, options)
    for command in every_command():
        for message in help_messages(command):
            yield 0, None, message, []


# --- usage errors --------------------------------------------------------------

# Patterns as text, compiled (and cached by re) only when an error needs them: start-up stays lean.
_NO_SUCH_COMMAND = r"(?s)No such command (?P<name>'.*'|\".*\")\.(?: Did you mean .*)?"
_EXTRA_ARGUMENTS = r"(?s)Got unexpected extra argument\(s\) \((?P<arguments>.*)\)"
_NEEDS_VALUE = r"(?s)Option (?P<option>'.*') requires (?:an argument|\d+ arguments)\."
_TAKES_NO_VALUE = r"(?s)Option (?P<option>'.*') does not take a value\."
# Typer checks typed options with pydantic; the reasons an operator can meet.
_REASONS = {
    r"Input should be a valid integer": lambda found: _("a whole number is expected"),
    r"Input should be a valid number": lambda found: _("a number is expected"),
    r"Input should be a valid boolean": lambda found: _("yes or no is expected"),
    r"Input should be greater than or equal to (?P<n>\S+)": lambda found: _("at least {n}").format(n=found["n"]),
    r"Input should be less than or equal to (?P<n>\S+)": lambda found: _("at most {n}").format(n=found["n"]),
}


def usage_error(exc) -> str:
    """The message of a Typer usage error (unknown option, missing argument, …) in the interface language."""
    kind = type(exc).__name__
    ctx = getattr(exc, "ctx", None)
    message = exc.format_message()
    if kind == "NoSuchOption":
        text = _("no such option: {option}").format(option=exc.option_name)
        if exc.possibilities:
            text += " " + _("(did you mean {options}?)").format(options=", ".join(sorted(exc.possibilities)))
        return text
    if kind == "MissingParameter" and exc.param is not None:
        name = placeholder_name(exc.param)
        if exc.param.param_type_name == "argument":
            return _("missing argument {name}").format(name=name)
        return _("missing option {name}").format(name=name)
    if kind == "BadParameter":
        reason = next(
            (say(found) for english, say in _REASONS.items() if (found := re.match(english, exc.message))), exc.message
        )
        hint = exc.param_hint or (exc.param.get_error_hint() if exc.param is not None else None)
        if hint is None:
            return _("invalid value: {reason}").format(reason=reason)
        if not isinstance(hint, str):
            hint = " / ".join(hint)
        return _("invalid value for {option}: {reason}").format(option=hint, reason=reason)
    if found := re.fullmatch(_NO_SUCH_COMMAND, message):
        from difflib import get_close_matches

        text = _("no such command {name}").format(name=found["name"])
        names = ctx.command.list_commands(ctx) if ctx is not None and hasattr(ctx.command, "list_commands") else []
        if close := get_close_matches(found["name"].strip("'\""), names):
            text += " " + _("(did you mean {commands}?)").format(commands=", ".join(f"'{name}'" for name in close))
        return text
    if found := re.fullmatch(_EXTRA_ARGUMENTS, message):
        return _("unexpected extra argument(s): {arguments}").format(arguments=found["arguments"])
    if found := re.fullmatch(_NEEDS_VALUE, message):
        return _("option {option} needs a value").format(option=found["option"])
    if found := re.fullmatch(_TAKES_NO_VALUE, message):
        return _("option {option} takes no value").format(option=found["option"])
    if message == "Missing command.":
        return _("missing command")
    return message
