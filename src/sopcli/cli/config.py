"""``sop config``: the settings file — office hours, time zone, operator, language."""

from __future__ import annotations

from typing import Annotated

import typer

from sopcli.cli.options import JsonOption
from sopcli.config import key_names

app = typer.Typer(
    help="Configuration: office hours, time zone, closed days, operator, language.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


@app.command("show")
def show(as_json: JsonOption = False) -> None:
    """Show the configuration in effect (defaults included).

    Example: sop config show
    """
    from dataclasses import asdict, replace

    from sopcli import config
    from sopcli.present import render

    current = config.load()
    if current.database_url:  # shown on screens and pasted into chats: never the password
        current = replace(current, database_url=config.without_password(current.database_url))
    masked = {name: tuple(map(config.masked_address, urls)) for name, urls in current.notify.items()}
    current = replace(current, notify=masked)  # nor a mail password or a bot token
    if as_json:
        render.print_json(asdict(current))
        return
    typer.echo(config.dumps(current), nl=False)


# The keys come from the one place that defines them (sopcli.config.Config), so this list cannot drift.
_KEYS = ", ".join(key_names())


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="One of: " + _KEYS + ".")],
    value: Annotated[
        str,
        typer.Argument(
            help="The new value: office_hours.DAY takes '07:30-16:00' or 'closed'; "
            "closed_days takes dates separated by commas (31/12/2026 or 2026-12-31); "
            "signer_nip takes 18 digits."
        ),
    ],
) -> None:
    """Change one setting.

    An empty value is refused, for every key: 'sop config unset KEY' removes a setting.
    Office hours are set one day at a time (a day that is closed: 'closed').

    Example: sop config set timezone WITA
    """
    from sopcli import config
    from sopcli.i18n import _

    path = config.set_in_file(key, value)
    typer.echo(_("Saved {key} in {path}.").format(key=key, path=path), err=True)


@app.command("unset")
def unset(key: Annotated[str, typer.Argument(help="One of: " + _KEYS + "; or office_hours for every day.")]) -> None:
    """Remove one setting from the file: its default applies again.

    Every other setting in the file is kept. 'office_hours.sat' removes that
    day (the office is then closed on it); 'office_hours' brings back the
    default hours of every day. A key that is not set is left as it is.

    Example: sop config unset operator
    """
    from sopcli import config
    from sopcli.i18n import _

    path, removed = config.unset_in_file(key)
    if not removed:
        typer.echo(_("{key} is not set in {path}: nothing to remove.").format(key=key, path=path), err=True)
    elif key.startswith("notify."):
        typer.echo(_("Removed {key} from {path}.").format(key=key, path=path), err=True)
    elif key.startswith("office_hours."):
        typer.echo(_("Removed {key} from {path}: the office is closed that day.").format(key=key, path=path), err=True)
    else:
        typer.echo(_("Removed {key} from {path}: its default applies again.").format(key=key, path=path), err=True)


@app.command("path")
def path() -> None:
    """Print where the configuration file is (it may not exist yet).

    Example: sop config path
    """
    from sopcli import config

    typer.echo(str(config.config_path()))
