"""``sop db``: where the logbook is, its schema, its integrity, and its backups."""

from __future__ import annotations

from typing import Annotated

import typer

from sopcli.cli.state import runtime_of

app = typer.Typer(
    help="The database: schema version, upgrades, integrity check, backup and restore.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)


@app.command("current")
def current(ctx: typer.Context) -> None:
    """Show the database location and its schema revision.

    Example: sop db current
    """
    from sopcli.i18n import _
    from sopcli.store.database import HEAD_REVISION

    database = runtime_of(ctx).database
    revision = database.current_revision()
    if revision == HEAD_REVISION:
        state = _("current")
    elif revision is None:
        state = _("empty: created on first use")
    elif revision > HEAD_REVISION:
        state = _("made by a newer sop: upgrade sop itself")
    else:
        state = _("needs 'sop db upgrade'")
    typer.echo(f"{database.display()}")
    typer.echo(
        _("schema {revision} ({state}); this sop expects {head}").format(
            revision=revision or "-", state=state, head=HEAD_REVISION
        )
    )


@app.command("upgrade")
def upgrade(
    ctx: typer.Context,
    grant: Annotated[
        list[str],
        typer.Option(
            "--grant",
            help="PostgreSQL: let this operator role record and read, never change or remove the journal "
            "(repeat for more).",
            metavar="ROLE",
        ),
    ] = [],  # noqa: B006 (typer reads the default)
) -> None:
    """Bring the database schema up to date (creating it if new). Back up first.

    Example: sop db upgrade
    """
    from sopcli.errors import DatabaseError
    from sopcli.i18n import _
    from sopcli.store.database import HEAD_REVISION, _create_private_file

    database = runtime_of(ctx).database
    if database.path is not None and not database.path.exists():
        _create_private_file(database.path)
    before = database.current_revision()
    if before == HEAD_REVISION:
        typer.echo(_("Already at schema {head}.").format(head=HEAD_REVISION))
    elif before is not None and before > HEAD_REVISION:
        raise DatabaseError(
            _("the database was made by a newer sop (schema {found})").format(found=before), _("upgrade sop")
        )
    else:
        database.upgrade()
        typer.echo(
            _("Upgraded {url} from schema {before} to {head}.").format(
                url=database.display(), before=before or "-", head=HEAD_REVISION
            )
        )
    for role in grant:
        _grant(ctx, role)


def _grant(ctx: typer.Context, role: str) -> None:
    from sopcli.i18n import _
    from sopcli.services.operators import grant_database_role

    grant_database_role(runtime_of(ctx), role)
    typer.echo(_("{role} may now record and read; it may not change or remove journal lines.").format(role=role))


@app.command("check")
def check(
    ctx: typer.Context,
    salvage: Annotated[
        str | None,
        typer.Option(
            "--salvage",
            help="Copy what can still be read of a damaged SQLite logbook into this new file, and say what was lost.",
            metavar="NEW.db",
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Check everything: SQLite's integrity checks of the whole file, the whole chain, every case "
            "(by default only what came after the last check, the file's engine checks left to --full).",
        ),
    ] = False,
) -> None:
    """Check the database: the engine's integrity check, the journal chain, and each case against its journal.

    Run it after a crash, a restore, or when in doubt; exit 1 when anything is wrong. By default it checks
    what came after the last successful check (proven again first): the new journal entries and the
    complaints they belong to; --full checks everything, as the first run does (run it weekly).
    A damaged SQLite file is reported, not repaired: restore a backup, or give
    --salvage NEW.db to copy what can still be read into a new logbook (never over an existing file).

    Example: sop db check --salvage /media/usb/sop-diselamatkan.db
    """
    from sopcli.errors import ExitCode
    from sopcli.i18n import _, format_number
    from sopcli.services.integrity import check as run_check

    if salvage is not None:
        _salvage(ctx, salvage)
        return
    rt = runtime_of(ctx)
    result = run_check(rt, full=full)
    verdicts = {True: _("ok"), False: _("FAILED")}
    if result.tampered is not None:
        head = result.tampered.head
        typer.echo(
            _(
                "TAMPERED: the check of {when} (entry {seq}) no longer holds: {problem}. Everything was checked again."
            ).format(
                when=head.at.astimezone(rt.zone).strftime("%Y-%m-%d %H:%M"),
                seq=format_number(head.seq),
                problem=result.tampered.problem,
            )
        )
    if result.engine_checked:
        typer.echo(
            _("Database engine integrity check: {verdict} ({detail})").format(
                verdict=verdicts[result.engine_ok], detail=result.engine_detail
            )
        )
    else:
        typer.echo(_("Database engine integrity check: not run (sop db check --full runs it)."))
    if result.unreadable is not None:
        typer.echo(_("Journal chain and complaints: not checked: {reason}").format(reason=result.unreadable))
    else:
        _chain_and_cases(result, rt.zone)
    if not result.engine_ok:
        typer.echo(
            _(
                "The file is damaged: restore a backup ('sop db restore'), "
                "or copy what can still be read with 'sop db check --salvage NEW.db'."
            )
        )
    if not result.ok:
        raise typer.Exit(ExitCode.ERROR)
    typer.echo(_("OK."))


def _chain_and_cases(result, zone) -> None:
    from sopcli.i18n import _, format_number

    if result.protections:
        typer.echo(_("Journal protections: ALTERED: {problems}").format(problems="; ".join(result.protections)))
    else:
        typer.echo(_("Journal protections: the append-only triggers are as sop installs them."))
    if result.broken_seq is None and result.since is not None:
        typer.echo(
            _("Journal chain: {n} new entries since the check of {when} (entry {seq}), intact; {total} in all.").format(
                n=format_number(result.checked),
                when=result.since.checked_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                seq=format_number(result.since.seq),
                total=format_number(result.entries),
            )
        )
    elif result.broken_seq is None:
        typer.echo(_("Journal chain: {n} entries, intact.").format(n=format_number(result.entries)))
    else:
        typer.echo(
            _("Journal chain: BROKEN at entry {seq}: {problem}").format(
                seq=result.broken_seq, problem=result.chain_problem
            )
        )
    if result.disagreeing == 0 and result.since is not None:
        typer.echo(
            _("Complaints with new journal entries, against their journal: {n} agree.").format(
                n=format_number(result.complaints)
            )
        )
    elif result.disagreeing == 0:
        typer.echo(_("Complaints against their journal: {n} agree.").format(n=format_number(result.complaints)))
    else:
        typer.echo(
            _("Complaints against their journal: {bad} of {n} disagree:").format(
                bad=result.disagreeing, n=result.complaints
            )
        )
        for line in result.disagreements:
            typer.echo(f"  {line}")


def _salvage(ctx: typer.Context, out: str) -> None:
    from pathlib import Path

    from sopcli.errors import ExitCode
    from sopcli.i18n import _, format_number
    from sopcli.services.integrity import salvage

    result = salvage(runtime_of(ctx), Path(out))
    if result.engine_problems:
        typer.echo(
            _("Database engine integrity check: {verdict} ({detail})").format(
                verdict=_("FAILED"), detail="; ".join(result.engine_problems[:5])
            )
        )
    copied, lost = result.copied, len(result.lost_entries)
    typer.echo(
        _("Salvaged into {path}: {entries} of {total} journal entries, {complaints} complaints.").format(
            path=out,
            entries=format_number(copied.get("journal_entry", 0)),
            total=format_number(copied.get("journal_entry", 0) + lost),
            complaints=format_number(copied.get("complaint", 0)),
        )
    )
    if result.lost_entries:
        line = _("Lost journal entries: {seqs}.").format(seqs=_ranges(result.lost_entries))
        if result.lost_entry_complaints:
            line += " " + _("They belonged to {numbers}.").format(numbers=", ".join(result.lost_entry_complaints))
        typer.echo(line)
    if result.lost_complaints:
        typer.echo(_("Lost complaints: {numbers}.").format(numbers=", ".join(result.lost_complaints)))
    if result.lost_other.get("sop_version"):
        typer.echo(_("Lost SOP texts: {n}.").format(n=result.lost_other["sop_version"]))
    if result.lost_other.get("operator"):
        typer.echo(_("Lost operators: {n}.").format(n=result.lost_other["operator"]))
    if result.chain_breaks:
        for seq, problem in result.chain_breaks:
            typer.echo(_("Recovered journal chain: BROKEN at entry {seq}: {problem}").format(seq=seq, problem=problem))
    elif result.lost_entries:
        typer.echo(
            _(
                "Recovered journal chain: intact in each of its {runs} unbroken runs (it breaks only where entries were lost)."
            ).format(runs=result.runs)
        )
    else:
        typer.echo(_("Recovered journal chain: intact."))
    if not result.whole:
        raise typer.Exit(ExitCode.ERROR)
    typer.echo(_("Nothing was lost."))


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 7 → "1–3, 7"."""
    parts, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}–{n}")
            start = None
    return ", ".join(parts)


@app.command("backup")
def backup(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="The new backup file.", metavar="PATH")],
    force: Annotated[
        bool, typer.Option("--force", help="Copy a logbook that fails the integrity check, as it is.")
    ] = False,
) -> None:
    """Copy the SQLite logbook to a new file, consistently, while others keep working.

    A logbook that fails SQLite's integrity check is not copied unless --force is given.

    Example: sop db backup /media/usb/sop-2026-11-24.db
    """
    from pathlib import Path

    from sopcli.i18n import _, format_number
    from sopcli.services.backup import backup as run_backup

    result = run_backup(runtime_of(ctx), Path(path), force=force)
    if result.problems:
        typer.echo(
            _("Copied to {path} as it is: it fails the integrity check like the logbook it copies.").format(path=path)
        )
        return
    entries = result.entries if result.entries is not None else 0  # counted whenever the copy passed its check
    typer.echo(_("Backed up to {path}: {n} journal entries.").format(path=path, n=format_number(entries)))


@app.command("restore")
def restore(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="A backup made by 'sop db backup'.", metavar="PATH")],
    force: Annotated[bool, typer.Option("--force", help="Replace a logbook that already holds complaints.")] = False,
) -> None:
    """Replace the logbook with a backup, once its schema and journal chain check out.

    A logbook that already holds complaints is replaced only with --force.

    Example: sop db restore /media/usb/sop-2026-11-24.db
    """
    from pathlib import Path

    from sopcli.i18n import _, format_number
    from sopcli.services.backup import restore as run_restore

    entries = run_restore(runtime_of(ctx), Path(path), force=force)
    typer.echo(_("Restored from {path}: {n} journal entries.").format(path=path, n=format_number(entries)))
