"""``sop import`` and ``sop export``: complaints in bulk, in and out."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from sopcli.cli.options import AsOption, JsonOption, ModeOption, OutputOption, format_option
from sopcli.cli.state import runtime_of


def import_file(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="The file to import; - reads standard input.", metavar="FILE")],
    fmt: Annotated[str | None, format_option("csv, tsv, json, jsonl or xlsx (default: from the extension).")] = None,
    sop: Annotated[str | None, typer.Option("--sop", help="SOP for rows without a sop column.", metavar="ID")] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Text encoding (default UTF-8, with or without BOM), e.g. cp1252.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would happen; write nothing.")] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the good rows; report (and with --rejects, save) the bad ones."),
    ] = False,
    rejects: Annotated[
        str | None,
        typer.Option("--rejects", help="Write bad rows, with a reason column, to this CSV file.", metavar="PATH"),
    ] = None,
    ignore_unknown: Annotated[
        bool, typer.Option("--ignore-unknown", help="Ignore columns sop does not know instead of refusing the file.")
    ] = False,
    max_rows: Annotated[
        int | None,
        typer.Option(
            "--max-rows",
            help="Allow up to N rows (default 100000); a workbook may be as much bigger.",
            metavar="N",
            min=1,
        ),
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import complaints from CSV, TSV, JSON, JSON Lines or an Excel workbook.

    Every row is checked first; by default nothing is imported if any row is
    bad. Rows whose ref is already recorded are skipped, so importing the
    same file twice imports nothing the second time.

    Example: sop import sample_data/pengaduan-november-2026.csv --dry-run
    """
    from pathlib import Path

    from sopcli.cli.cases import _operator
    from sopcli.errors import ExitCode, InputError, os_reason
    from sopcli.files.tables import detect_format, write_rejects
    from sopcli.i18n import _
    from sopcli.present import render
    from sopcli.services.importer import import_batch

    rt = runtime_of(ctx)
    operator = _operator(rt, actor)
    chosen = detect_format(path, fmt)
    if rejects and not skip_invalid:
        raise InputError(_("--rejects goes with --skip-invalid"))
    if rejects and dry_run:  # a dry run writes nothing, not even the rejects file
        raise InputError(
            _("--dry-run writes nothing, so it cannot write --rejects"),
            _("leave out --rejects: the dry run lists the bad rows"),
        )
    source = "stdin" if path == "-" else Path(path).name
    try:
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise InputError(_("cannot open {path}: {reason}").format(path=path, reason=os_reason(exc))) from None
    if chosen == "xlsx" and path == "-":
        import io

        stream = io.BytesIO(stream.read())  # a workbook is a zip: it needs seeking
    try:
        # A file's size is known and its byte position read as it goes: a bar with an ETA, no second pass
        # to count lines. A workbook is read out of a zip, standard input has no size: a row counter.
        size = os.fstat(stream.fileno()).st_size if chosen != "xlsx" and path != "-" else None
        with _progress(not as_json and rt.terminal.stderr_is_tty, rt.terminal, stream, size) as tick:
            result = import_batch(
                rt,
                stream,
                fmt=chosen,
                source=source,
                actor=operator,
                default_sop=sop,
                encoding=encoding,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                ignore_unknown=ignore_unknown,
                progress=tick,
                max_rows=max_rows,
            )
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if rejects and result.invalid:
        write_rejects(rejects, result.invalid)
    if as_json:
        render.print_json(result.to_json())
    else:
        _print_result(result)
    if result.invalid and not skip_invalid:
        raise typer.Exit(ExitCode.ERROR)


def _progress(enabled: bool, terminal, stream, size: int | None):
    """On a terminal, a bar of the bytes of ``stream`` read out of ``size``, with the percentage, the time
    left and the rows read (without a size, the rows read alone); nothing when piped."""
    from contextlib import contextmanager

    @contextmanager
    def counter():
        if not enabled:
            yield None
            return
        from rich.progress import (
            BarColumn,
            Progress,
            ProgressColumn,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from sopcli.i18n import _, format_number
        from sopcli.present.render import console

        rows_read = TextColumn(_("{task.fields[rows]} rows read"))
        columns: tuple[ProgressColumn, ...]
        if size:
            columns = (BarColumn(), TaskProgressColumn(), rows_read, TimeRemainingColumn())
        else:
            columns = (SpinnerColumn(), rows_read, TimeElapsedColumn())
        with Progress(*columns, console=console(stderr=True, terminal=terminal), transient=True) as bar:
            task = bar.add_task("import", total=size or None, rows=format_number(0))
            if size:

                def read(rows: int) -> None:
                    try:
                        done = stream.tell()
                    except ValueError:  # the reader has closed the file: it is read to the end
                        done = size
                    bar.update(task, completed=done, rows=format_number(rows))

                yield read
            else:
                yield lambda rows: bar.update(task, rows=format_number(rows))

    return counter()


def _print_result(result) -> None:
    from sopcli.i18n import _, format_number

    for problem in result.invalid:
        column = f" {problem.column}" if problem.column else ""
        typer.echo(_("line {line}{column}: {reason}").format(line=problem.line, column=column, reason=problem.reason))
    bad_rows = len({p.line for p in result.invalid})
    summary = _("{source}: {rows} rows, {new} new, {dup} duplicates (already recorded), {bad} invalid.").format(
        source=result.source,
        rows=format_number(result.rows),
        new=format_number(result.imported),
        dup=format_number(result.duplicates),
        bad=format_number(bad_rows),
    )
    typer.echo(summary)
    if result.closed_in_source:
        typer.echo(
            _(
                "Note: {n} of the new rows were closed in their source (resolved, rejected or cancelled); they are "
                "recorded as new open complaints, since an import carries a complaint but not its history. To move "
                "a whole logbook, use 'sop db backup' and 'sop db restore'."
            ).format(n=format_number(result.closed_in_source)),
            err=True,
        )
    if result.committed:
        if result.imported:
            typer.echo(
                _("Imported {n} complaints: {first} … {last}.").format(
                    n=format_number(result.imported), first=result.first_number, last=result.last_number
                )
            )
        else:
            typer.echo(_("Nothing new to import."))
    elif result.dry_run:
        typer.echo(_("Dry run: nothing was written."))
    else:
        typer.echo(_("Nothing was imported: fix the rows above, or use --skip-invalid --rejects FILE."), err=True)


def export(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(help="complaints or journal.", metavar="complaints|journal")],
    fmt: Annotated[
        str | None, format_option("csv, json, jsonl or xlsx (default: from -o's extension, else csv).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="From this moment: complaints received, journal entries recorded.", metavar="WHEN"
        ),
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before this moment.", metavar="WHEN")] = None,
    sop: Annotated[str | None, typer.Option("--sop", help="complaints only: this SOP id.", metavar="ID")] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help=(
                "complaints only: open, resolved, no_fault_found, referred, rejected or cancelled (or terbuka, "
                "selesai, 'tidak ditemukan gangguan', dirujuk, ditolak, dibatalkan)."
            ),
        ),
    ] = None,
    utc: Annotated[
        bool, typer.Option("--utc", help="journal only: times in UTC instead of the office's time zone.")
    ] = False,
    output: OutputOption = None,
    mode: ModeOption = None,
) -> None:
    """Export complaints (re-importable) or the journal (with its hashes, for 'sop verify --file').

    A journal export is the whole chain or, with --since/--until, the entries
    recorded in that time (when they were written, whatever time they are
    about): an unbroken stretch of the chain, so that a missing entry shows.
    Times are in the office's time zone with their offset (+07:00 for WIB).

    Example: sop export journal --since 2026-11-01 -o jurnal-november.csv
    """
    from sopcli.cli.options import choose_format
    from sopcli.errors import InputError
    from sopcli.files.output import file_mode, output_file
    from sopcli.i18n import _, format_number
    from sopcli.present.labels import parse_status
    from sopcli.services.exporter import EXPORT_FORMATS
    from sopcli.services.exporter import export as run_export

    rt = runtime_of(ctx)
    if what not in ("complaints", "journal"):
        raise InputError(_("export complaints or journal, not {what!r}").format(what=what))
    extensions = {f".{name}": name for name in EXPORT_FORMATS}
    fmt = choose_format(fmt, EXPORT_FORMATS, rt.terminal, output=output, extensions=extensions, default="csv")
    if fmt == "xlsx" and output is None and rt.terminal.stdout_is_tty:
        raise InputError(_("an .xlsx workbook is not for the terminal"), _("give -o FILE.xlsx"))
    start = rt.parse_when(since) if since else None
    end = rt.parse_when(until) if until else None
    if start is not None and end is not None and end <= start:  # an empty range exports nothing, and says OK
        raise InputError(
            _("--until {until} is not after --since {since}").format(until=until, since=since),
            _("nothing is recorded between them: swap them, or give a later --until"),
        )
    wanted = parse_status(status) if status is not None else None
    if output is None:
        count = run_export(
            rt, what, sys.stdout.buffer, fmt=fmt, since=start, until=end, sop=sop, status=wanted, utc=utc
        )
        sys.stdout.buffer.flush()
    else:
        with output_file(output, binary=True, mode=file_mode(mode)) as out:
            count = run_export(rt, what, out, fmt=fmt, since=start, until=end, sop=sop, status=wanted, utc=utc)
    message = _("Exported {n} complaints.") if what == "complaints" else _("Exported {n} journal entries.")
    typer.echo(message.format(n=format_number(count)), err=True)
