"""``sop config``: the settings file — office hours, time zone, operator, language."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Configuration: office hours, time zone, closed days, operator, language.", no_args_is_help=True, rich_markup_mode=None,
                  add_completion=False)


@app.command("show")
def show(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show the configuration in effect (defaults included).

    Example: sop config show
    """
    from dataclasses import asdict, replace

    from sopcli import config, render

    current = config.load()
    if current.database_url:  # shown on screens and pasted into chats: never the password
        current = replace(current, database_url=config.without_password(current.database_url))
    if as_json:
        render.print_json(asdict(current))
        return
    typer.echo(config.dumps(current), nl=False)


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="database_url, timezone, office_hours.mon … office_hours.sun, closed_days, operator, language, enforce_roles.")],
    value: Annotated[str, typer.Argument(help="The new value; for office_hours '07:30-16:00' or 'closed'; closed_days comma-separated ISO dates.")],
) -> None:
    """Change one setting.

    Example: sop config set timezone WITA
    """
    from sopcli import config
    from sopcli.i18n import _

    path = config.save(config.set_value(config.load(), key, value))
    typer.echo(_("Saved {key} in {path}.").format(key=key, path=path), err=True)


@app.command("path")
def path() -> None:
    """Print where the configuration file is (it may not exist yet).

    Example: sop config path
    """
    from sopcli import config

    typer.echo(str(config.config_path()))
