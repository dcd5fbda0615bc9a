"""``sop journal`` and ``sop report``: the jurnal harian and the supervisor's report."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from sopcli.cli.options import AsOption, JsonOption, ModeOption, NoPagerOption, OutputOption, format_option
from sopcli.cli.state import runtime_of

DateOption = Annotated[
    str | None,
    typer.Option("--date", help="The day: today (default), yesterday, 2026-11-24 or 24/11/2026.", metavar="D"),
]
FromOption = Annotated[str | None, typer.Option("--from", help="First day of a range of days.", metavar="D")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day of the range (default today).", metavar="D")]
SopOption = Annotated[str | None, typer.Option("--sop", help="Only complaints of this SOP id.", metavar="ID")]
FormatOption = Annotated[
    str | None,
    format_option(
        "table, plain, markdown, csv, json, html or pdf (default: from -o's extension, else table on a terminal)."
    ),
]
OverdueOption = Annotated[
    str | None,
    typer.Option(
        "--overdue", help="How many of the most overdue complaints to list: a number (default 20) or all.", metavar="N"
    ),
]

# `sop journal` lists the day; `sop journal seal` fixes it.
journal_app = typer.Typer(rich_markup_mode=None, add_completion=False)


def _period(rt, kind: str, day: str | None, first: str | None, last: str | None):
    """The period the options name; every date in the office's time zone."""
    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.worktime import periods
    from sopcli.worktime.parse import parse_day

    def parse(text: str):
        return parse_day(text, rt.zone, rt.now())

    if first is None and last is None:
        chosen = parse(day) if day else rt.now().astimezone(rt.zone).date()
        return {"daily": periods.daily, "weekly": periods.weekly, "monthly": periods.monthly}[kind](chosen, rt.zone)
    if day is not None:
        raise InputError(_("give either --date or --from/--to, not both"))
    if first is None:
        raise InputError(_("--to needs --from"))
    return periods.between(parse(first), parse(last) if last else rt.now().astimezone(rt.zone).date(), rt.zone)


def _choose_format(rt, fmt: str | None, output: str | None) -> str:
    """``--format``, or the one ``-o``'s extension names (``.pdf`` too); a PDF is never shown on a terminal."""
    from sopcli.cli.options import EXTENSION_FORMATS, choose_format
    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.present import publish

    chosen = choose_format(
        fmt, publish.DOCUMENT_FORMATS, rt.terminal, output=output, extensions={**EXTENSION_FORMATS, ".pdf": "pdf"}
    )
    if chosen in publish.BINARY_FORMATS and output is None and rt.terminal.stdout_is_tty:
        raise InputError(_("a PDF is not shown on a terminal"), _("give -o FILE.pdf"))
    return chosen


def _emit(rt, document_or_data, fmt: str, output: str | None, to_json, *, pager: bool, mode: str | None) -> None:
    from sopcli.files.output import file_mode, output_file
    from sopcli.i18n import current_language
    from sopcli.present import publish, render
    from sopcli.present.pager import paged

    def write(out) -> None:
        if fmt == "json":
            render.print_json(to_json(), out)
        else:
            publish.write(
                document_or_data(), fmt, out, config=rt.config, language=current_language(), terminal=rt.terminal
            )

    if fmt in publish.BINARY_FORMATS:
        # Laid out in full before anything is written: a missing library leaves no file behind.
        pdf = publish.pdf_bytes(document_or_data(), config=rt.config, language=current_language())
        if output is None:
            sys.stdout.buffer.write(pdf)
            sys.stdout.flush()
            return
        with output_file(output, binary=True, mode=file_mode(mode)) as out:
            out.write(pdf)
    elif output is None:
        with paged(rt.terminal, pager):
            write(sys.stdout)
        return
    else:
        with output_file(output, mode=file_mode(mode)) as out:
            write(out)
    from sopcli.i18n import _

    typer.echo(_("Written to {path}.").format(path=output), err=True)


@journal_app.callback(invoke_without_command=True)
def journal(
    ctx: typer.Context,
    day: DateOption = None,
    first: FromOption = None,
    last: ToOption = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only entries by this operator.", metavar="NAME")] = None,
    sop: SopOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    mode: ModeOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """The jurnal harian / log tanggapan keluhan: every entry of the day in time order.

    Each line shows the time, complaint, step and kegiatan, pelaksana,
    operator, decision, note, output, and whether the step was on time.

    Example: sop journal --date today --format html -o jurnal.html
    """
    if ctx.invoked_subcommand is not None:
        return
    from sopcli.present import documents
    from sopcli.services.reports import build_journal

    rt = runtime_of(ctx)
    fmt = _choose_format(rt, fmt, output)
    period = _period(rt, "daily", day, first, last)
    journal_data = build_journal(rt, period, actor=actor, sop=sop)
    _emit(
        rt,
        lambda: documents.journal_document(journal_data),
        fmt,
        output,
        journal_data.to_json,
        pager=not no_pager,
        mode=mode,
    )


@journal_app.command("seal")
def seal(
    ctx: typer.Context,
    day: DateOption = None,
    actor: AsOption = None,
) -> None:
    """Seal a day of the journal and print its digest, to write on the signed printout.

    The seal covers the day as it stands; an entry later backdated into it, or
    any change behind sop's back, is reported by 'sop verify'.

    Example: sop journal seal --date yesterday
    """
    from sopcli.cli.cases import _operator
    from sopcli.i18n import _, format_number
    from sopcli.services.seals import seal_day
    from sopcli.worktime.parse import parse_day

    rt = runtime_of(ctx)
    chosen = parse_day(day, rt.zone, rt.now()) if day else rt.now().astimezone(rt.zone).date()
    done = seal_day(rt, chosen, _operator(rt, actor))
    if done.already:
        typer.echo(
            _("{day} was already sealed as it stands ({n} entries).").format(
                day=chosen.isoformat(), n=format_number(done.entries)
            )
        )
    else:
        typer.echo(
            _("Sealed {day}: {n} entries (journal entry {seq}).").format(
                day=chosen.isoformat(), n=format_number(done.entries), seq=done.seq
            )
        )
    typer.echo(_("Digest: {digest}").format(digest=done.digest))
    _echo_checkpoint(rt)


def _echo_checkpoint(rt) -> None:
    """The line that ties a printout to the journal's head: ``sop verify --checkpoint CODE`` checks it later."""
    from sopcli.i18n import _
    from sopcli.services.checkpoints import take

    head = take(rt)
    typer.echo(_("Checkpoint: entry {seq} · code {code}").format(seq=head.seq, code=head.code))


@journal_app.command("checkpoint")
def checkpoint(
    ctx: typer.Context,
    output: OutputOption = None,
    as_json: JsonOption = False,
    witness: Annotated[
        str | None,
        typer.Option(
            "--witness",
            help="Write it into this directory (a USB stick, a share), named by date and entry.",
            metavar="DIR",
        ),
    ] = None,
) -> None:
    """Print the journal's head to keep away from this computer: print and sign it, e-mail it, or save it elsewhere.

    Entries removed from the end, or the whole journal rewritten with every
    hash recomputed, leave a chain that checks; they do not leave the entry a
    checkpoint recorded. 'sop verify --checkpoint FILE|CODE' and 'sop verify
    --witness DIR' check that the journal still extends it.

    Example: sop journal checkpoint --witness /media/usb/sop
    """
    from sopcli.domain.checkpoint import format_text, to_json
    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.services import checkpoints

    rt = runtime_of(ctx)
    if witness:
        if output or as_json:
            raise InputError(_("--witness names its own file: leave out -o and --json"))
        _head, path = checkpoints.write_witness(rt, witness)
        typer.echo(_("Written to {path}.").format(path=path), err=True)
        return
    head = checkpoints.take(rt)
    if as_json:
        import json

        text = json.dumps(to_json(head, rt.zone), ensure_ascii=False, indent=2) + "\n"
    else:
        text = format_text(head, rt.zone)
    if output is None:
        typer.echo(text, nl=False)
        return
    from sopcli.files.output import output_file

    with output_file(output) as out:
        out.write(text)
    typer.echo(_("Written to {path}.").format(path=output), err=True)


def report(
    ctx: typer.Context,
    daily: Annotated[bool, typer.Option("--daily", help="One day (the default).")] = False,
    weekly: Annotated[bool, typer.Option("--weekly", help="The week, Monday to Sunday, holding --date.")] = False,
    monthly: Annotated[bool, typer.Option("--monthly", help="The calendar month holding --date.")] = False,
    day: DateOption = None,
    first: FromOption = None,
    last: ToOption = None,
    sop: SopOption = None,
    overdue: OverdueOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    mode: ModeOption = None,
    no_pager: NoPagerOption = False,
    send: Annotated[
        str | None,
        typer.Option(
            "--send",
            help="Send the report as an HTML page, with the seal digests of its days, to an operator, a "
            "notify name of the configuration (kepala) or an Apprise URL.",
            metavar="NAME|URL",
        ),
    ] = None,
) -> None:
    """The supervisor's report: what came in, what was done, what is open, what ran late.

    Totals per SOP, unit and system; SLA compliance per SOP step; time to
    resolve; open complaints past their deadline; loops and pauses; activity
    per operator. Times are working time.

    Example: sop report --daily --date yesterday --format html -o laporan.html
    """
    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.present import documents
    from sopcli.services.reports import OVERDUE_LISTED, build_report

    rt = runtime_of(ctx)
    kinds = [name for name, chosen in (("daily", daily), ("weekly", weekly), ("monthly", monthly)) if chosen]
    if len(kinds) > 1:
        raise InputError(_("choose one of --daily, --weekly and --monthly"))
    if kinds and (first or last):
        raise InputError(_("--from/--to give their own period: leave out --{kind}").format(kind=kinds[0]))
    fmt = _choose_format(rt, fmt, output)
    listed = OVERDUE_LISTED if overdue is None else _overdue_count(overdue)
    period = _period(rt, kinds[0] if kinds else "daily", day, first, last)
    if send:
        from sopcli.integrations.notify import require

        require()  # without the extra: one line, before the report is built
    data = build_report(rt, period, sop=sop, overdue_limit=listed)
    if send:
        _send(rt, documents.report_document(data, rt.config), period, send)
        if output is None:
            return
    _emit(
        rt, lambda: documents.report_document(data, rt.config), fmt, output, data.to_json, pager=not no_pager, mode=mode
    )


def _send(rt, document, period, to: str) -> None:
    """Deliver the report's HTML page, attached, to each address of ``to``; a failure exits 1 after the others."""
    import tempfile
    from pathlib import Path

    from sopcli.config import masked_address
    from sopcli.errors import ExitCode
    from sopcli.i18n import _, current_language
    from sopcli.integrations.notify import send
    from sopcli.present.html import render_page
    from sopcli.present.notices import report_message
    from sopcli.services import notify, seals

    addresses = notify.addresses_of(rt, to)
    sealed = {day: seals.recorded_digests(rt, day) for day in period.days()}
    title, body = report_message(document.title, period, {day: found[-1] for day, found in sealed.items() if found})
    spanned = period.first.isoformat() + ("" if period.first == period.last else f"..{period.last.isoformat()}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="sop-laporan-") as folder:
        page = Path(folder) / f"laporan-{spanned}.html"
        page.write_text(render_page(document, config=rt.config, language=current_language()), encoding="utf-8")
        for recipient, url in addresses:
            delivery = send(url, title, body, attachment=page)
            where = f"{recipient} ({masked_address(url)})"
            if delivery.ok:
                notify.record_report_sent(rt, recipient, url, spanned, rt.operator())
                typer.echo(_("Report sent to {where}.").format(where=where), err=True)
            else:
                failed = True
                typer.echo(_("NOT SENT to {where}: {reason}").format(where=where, reason=delivery.reason), err=True)
    if failed:
        raise typer.Exit(ExitCode.ERROR)


def _overdue_count(text: str) -> int | None:
    """``--overdue``: how many to list, None for all."""
    from sopcli.errors import InputError
    from sopcli.i18n import _

    if text.strip().lower() in ("all", "semua"):
        return None
    if text.strip().isdigit() and int(text) > 0:
        return int(text)
    raise InputError(_("--overdue takes a number or all, not {value!r}").format(value=text))
