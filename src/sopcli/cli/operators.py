"""``sop operator``: who may act, by the pelaksana roles of the SOPs."""

from __future__ import annotations

from typing import Annotated

import typer

from sopcli.cli.options import AsOption, JsonOption
from sopcli.cli.state import runtime_of

app = typer.Typer(
    help=(
        "Operators and their pelaksana roles (used when enforce_roles is on).\n\n"
        "Roles are a workflow guard, not a login: enforce_roles stops a step being completed through sop "
        "by an operator of the wrong lane. It does not check who is typing (--as and SOP_OPERATOR name "
        "anyone), nor stop someone with write access to the logbook. In a shared office, use PostgreSQL "
        "with one database role per operator and 'sop config set operator_from database-role': the operator "
        "is then the role the server logged in, and --as naming anyone else is refused."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The operator's name, as given to --as.", metavar="NAME")],
    roles: Annotated[
        list[str],
        typer.Option(
            "--role", help="A pelaksana role key (repeat for more), e.g. pemeriksa_pengelola_ti.", metavar="ROLE_KEY"
        ),
    ] = [],  # noqa: B006 (typer reads the default)
    display_name: Annotated[str | None, typer.Option("--display-name", help="Full name, for reports.")] = None,
    nip: Annotated[
        str | None, typer.Option("--nip", help="NIP (18 digits), printed under the name where they sign a document.")
    ] = None,
    sop_file: Annotated[
        str | None,
        typer.Option(
            "--sop", help="Also accept the roles of this SOP (an id or a .toml file not used yet).", metavar="ID|FILE"
        ),
    ] = None,
    notify: Annotated[
        list[str],
        typer.Option(
            "--notify",
            help="Where sop notify reaches them: an Apprise URL (tgram://…, mailtos://…); repeat for more.",
            metavar="URL",
        ),
    ] = [],  # noqa: B006 (typer reads the default)
    notify_off: Annotated[
        bool, typer.Option("--notify-off", help="Forget every address given before (then --notify adds anew).")
    ] = False,
    actor: AsOption = None,
) -> None:
    """Register an operator with the roles they hold; an existing one gains the roles.

    With --notify, sop notify tells them of the steps their roles act on: new complaints, each
    disposisi, reminders and escalations. An address may hold a password or a bot token: it is never
    shown in full.

    Example: sop operator add budi --role pemeriksa_pengelola_ti --notify 'tgram://BOT_TOKEN/CHAT_ID'
    """
    from sopcli.config import masked_address
    from sopcli.i18n import _
    from sopcli.integrations.notify import check_address
    from sopcli.services.operators import add_operator

    rt = runtime_of(ctx)
    for url in notify:
        check_address(url)
    view = add_operator(
        rt,
        name,
        roles,
        display_name,
        sop_file,
        actor=rt.operator(actor),
        addresses=notify,
        forget_addresses=notify_off,
        nip=nip,
    )
    typer.echo(_("{name}: {roles}").format(name=view.name, roles=", ".join(view.roles)))
    if view.addresses:
        typer.echo(
            _("Notices go to: {addresses}").format(addresses=", ".join(map(masked_address, view.addresses))),
            err=True,
        )


@app.command("list")
def list_operators(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List operators and their roles.

    Example: sop operator list
    """
    from sopcli.i18n import _
    from sopcli.present import render
    from sopcli.services.operators import list_operators as operators

    found = operators(runtime_of(ctx))
    if as_json:
        render.print_json([o.to_json() for o in found])
        return
    if not found:
        typer.echo(_("No operators registered."), err=True)
        return
    from sopcli.config import masked_address

    render.print_table(
        render.Table(
            columns=[_("Operator"), _("Name"), _("Roles"), _("Notices to")],
            rows=[
                [o.name, o.display_name or "", ", ".join(o.roles), ", ".join(map(masked_address, o.addresses))]
                for o in found
            ],
        )
    )


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The operator to remove.", metavar="NAME")],
    actor: AsOption = None,
) -> None:
    """Remove an operator (their journal entries stay).

    Example: sop operator remove budi
    """
    from sopcli.i18n import _
    from sopcli.services.operators import remove_operator

    rt = runtime_of(ctx)
    removed = remove_operator(rt, name, actor=rt.operator(actor))
    typer.echo(_("{name} removed.").format(name=removed))
