"""Lean start-up: ``sop --help`` and ``sop --version`` import none of the heavy libraries.

Each check runs in a fresh interpreter, so modules imported by other tests
cannot hide (or fake) an import.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest

from helpers import complaint_args, process_env
from sopcli import __version__

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "holidays", "openpyxl", "rich")

PROGRAM = (
    "import sys; sys.argv=['sop',{args}]; from sopcli.cli import main\n"
    "try: main()\n"
    "except SystemExit: pass\n"
    "print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
)


def run_sop(*args: str) -> tuple[str, list[str]]:
    """Run ``sop ARGS`` in a new interpreter: (its output, the heavy modules it imported)."""
    code = PROGRAM.format(args=", ".join(repr(a) for a in args), heavy=set(HEAVY))
    env = process_env(SOP_LANG="en", NO_COLOR="1")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    *output, modules = done.stdout.rstrip("\n").split("\n")
    return "\n".join(output), ast.literal_eval(modules)


def test_the_probe_sees_heavy_imports():
    # The probe must be able to fail: importing the schema pulls in pydantic.
    code = PROGRAM.format(args="'--version'", heavy=set(HEAVY)).replace(
        "from sopcli.cli import main", "from sopcli.cli import main; import sopcli.definitions.schema"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "pydantic" in ast.literal_eval(done.stdout.strip().splitlines()[-1])


def test_help_is_lean():
    output, heavy = run_sop("--help")
    assert "Usage: sop" in output
    assert "sops" in output
    assert heavy == []


def test_version_is_lean():
    output, heavy = run_sop("--version")
    assert output.strip() == f"sop {__version__}"
    assert heavy == []


@pytest.mark.parametrize("args", [("sops", "--help"), ("sops", "graph", "--help")])
def test_subcommand_help_is_lean(args):
    # Typer >= 0.29 coerces every non-flag option value (here the root's --db and
    # --lang) through a pydantic TypeAdapter, so once a subcommand is reached
    # pydantic is imported by Typer itself. Everything else must still stay out.
    output, heavy = run_sop(*args)
    assert "Usage: sop sops" in output
    assert [m for m in heavy if m.split(".")[0] != "pydantic"] == []


@pytest.mark.parametrize(("words", "expected"), [("sop ne", {"new", "next"}), ("sop next --", {"--decision", "--at"})])
def test_shell_completion_is_lean(words, expected):
    # Completing parses the root's options, so Typer builds its pydantic adapters (see above);
    # the database, the holidays and the spreadsheet libraries stay out.
    code = PROGRAM.format(args="", heavy=set(HEAVY))
    env = {
        **os.environ,
        "_SOP_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    *candidates, modules = done.stdout.rstrip("\n").split("\n")
    assert expected <= set(candidates), done.stdout + done.stderr
    assert [m for m in ast.literal_eval(modules) if m.split(".")[0] != "pydantic"] == []


def test_help_builds_no_command_and_lists_every_one():
    # `sop --help` prints the summaries kept in COMMANDS: no command module is even imported.
    code = (
        "import sys; sys.argv=['sop','--help']; from sopcli.cli import main, COMMANDS\n"
        "try: main()\nexcept SystemExit: pass\n"
        "print(sorted({f'sopcli.cli.{module}' for module, _a, _s in COMMANDS.values()} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env={**os.environ, "SOP_LANG": "en"}
    )
    *output, modules = done.stdout.rstrip("\n").split("\n")
    assert ast.literal_eval(modules) == []
    from sopcli.cli import COMMANDS, PANELS

    commands = "\n".join(output).split("Daily:")[1].split("Options:")[0]
    listed = [line.split()[0] for line in commands.splitlines() if line.startswith("  ")]
    assert listed == [name for names in PANELS.values() for name in names]
    assert sorted(listed) == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(__import__("sopcli.cli", fromlist=["COMMANDS"]).COMMANDS))
def test_each_summary_is_its_commands_short_help(name):
    from sopcli.cli import COMMANDS, load_command

    command = load_command(name)
    assert command.name == name
    assert command.short_help == COMMANDS[name][2]


@pytest.mark.parametrize("args", [("list",), ("show", "1"), ("next", "1", "--show")])
def test_everyday_commands_never_load_the_probes(args, tmp_path):
    # The network code behind a step's checks is loaded only when a check runs (sop check, sop next).
    code = PROGRAM.format(args=", ".join(repr(a) for a in args), heavy={"sopcli"})
    env = process_env(SOP_LANG="en", NO_COLOR="1", SOP_DATABASE_URL=f"sqlite:///{tmp_path / 'sop.db'}")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    loaded = ast.literal_eval(done.stdout.rstrip("\n").split("\n")[-1])
    assert "sopcli.domain" in loaded or "sopcli.cli" in loaded  # the probe sees sop's own modules
    assert [m for m in loaded if m.startswith(("sopcli.integrations", "sopcli.services.checks"))] == []


@pytest.mark.parametrize("args", [("list",), ("show", "1"), ("due",), ("next", "1", "--json"), ("notify", "--dry-run")])
def test_everyday_commands_never_load_apprise(args, tmp_path):
    # Apprise (the notify extra) is loaded to send a message, never to read the logbook: a dry run included.
    env = process_env(SOP_LANG="en", NO_COLOR="1", SOP_DATABASE_URL=f"sqlite:///{tmp_path / 'sop.db'}")
    subprocess.run([sys.executable, "-m", "sopcli", *complaint_args("2026-11-20 08:00")], env=env, timeout=60)
    code = PROGRAM.format(args=", ".join(repr(a) for a in args), heavy={"apprise", "sopcli", "aiosmtpd"})
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    loaded = ast.literal_eval(done.stdout.rstrip("\n").split("\n")[-1])
    assert "sopcli.domain" in loaded  # the command ran far enough to read the logbook
    assert [m for m in loaded if m.startswith(("apprise", "aiosmtpd", "sopcli.integrations"))] == []


@pytest.mark.parametrize("args", [("list",), ("show", "1"), ("next", "1", "--json")])
def test_everyday_commands_never_load_the_template_engine(args, tmp_path):
    # Jinja2 parses a document's template when one is filled or an office's SOP file is checked, never to read.
    env = process_env(SOP_LANG="en", NO_COLOR="1", SOP_DATABASE_URL=f"sqlite:///{tmp_path / 'sop.db'}")
    subprocess.run([sys.executable, "-m", "sopcli", *complaint_args("2026-11-20 08:00")], env=env, timeout=60)
    code = PROGRAM.format(args=", ".join(repr(a) for a in args), heavy={"jinja2", "sopcli"})
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    loaded = ast.literal_eval(done.stdout.rstrip("\n").split("\n")[-1])
    assert "sopcli.domain" in loaded
    assert [m for m in loaded if m.startswith("jinja2")] == []
