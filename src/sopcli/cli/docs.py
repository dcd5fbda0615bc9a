"""``sop doc``: a complaint's documents to print, sign and file; ``sop bukti``: the year's evidence pack."""

from __future__ import annotations

from typing import Annotated

import typer

from sopcli.cli.cases import NumberArgument
from sopcli.cli.options import AsOption, JsonOption, ModeOption, OutputOption, format_option
from sopcli.cli.state import runtime_of

DOSSIER_FORMATS = ("text", "markdown", "html", "pdf", "json")


def _choose_format(rt, fmt: str | None, output: str | None) -> str:
    """``--format``, else from ``-o``'s extension, else text; ``text`` is written as the plain document."""
    from sopcli.cli.options import EXTENSION_FORMATS, choose_format
    from sopcli.errors import InputError
    from sopcli.i18n import _

    extensions = {**EXTENSION_FORMATS, ".pdf": "pdf", ".txt": "text"}
    extensions.pop(".csv")
    chosen = choose_format(fmt, DOSSIER_FORMATS, rt.terminal, output=output, extensions=extensions, default="text")
    if chosen == "pdf" and output is None and rt.terminal.stdout_is_tty:
        raise InputError(_("a PDF is not shown on a terminal"), _("give -o FILE.pdf"))
    return "plain" if chosen in ("text", "plain") else chosen


def doc(
    ctx: typer.Context,
    number: NumberArgument,
    document: Annotated[
        str | None,
        typer.Argument(
            help="The document to fill, as the SOP names it (C-03); without it, the complaint's documents are listed.",
            metavar="DOCUMENT",
        ),
    ] = None,
    dossier: Annotated[
        bool, typer.Option("--dossier", help="The formulir penanganan gangguan: the whole complaint on one form.")
    ] = False,
    fmt: Annotated[
        str | None,
        format_option(
            "A document: pdf or html. The dossier: text, markdown, html, pdf or json "
            "(default: from -o's extension, else pdf for a document and text for the dossier)."
        ),
    ] = None,
    output: OutputOption = None,
    mode: ModeOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print a complaint's documents and its dossier, to sign and file.

    A document (C-01, a surat perintah, a laporan) is filled from the record of the step that produced
    it: kop surat, number, the values, the date, the signature blocks. Each copy written is journaled
    with its SHA-256, so 'sop verify --document FILE' tells a printed copy from a changed one. Without a
    document, the list of those the complaint's SOP produces, written or still to come.

    The dossier (formulir penanganan gangguan) holds the complaint, every
    journal entry with its time against the standard, the outcome, each
    entry's hash with the seals of its days, and the signature blocks.

    Example: sop doc ADU-2026-00042 C-03 -o c03.pdf
    """
    from sopcli.errors import InputError
    from sopcli.i18n import _

    rt = runtime_of(ctx)
    if dossier and document:
        raise InputError(_("give a document or --dossier, not both"))
    if dossier:
        _print_dossier(rt, number, fmt, output, mode)
        return
    from sopcli.cli.outputs import list_documents, write_document

    if document is None:
        list_documents(rt, number, as_json)
        return
    write_document(rt, number, document, fmt, output, actor=rt.operator(actor))


def _print_dossier(rt, number: str, fmt: str | None, output: str | None, mode: str | None) -> None:
    from sopcli.cli.reports import _emit
    from sopcli.present.dossier import dossier_document
    from sopcli.services.dossier import dossier

    chosen = _choose_format(rt, fmt, output)
    data = dossier(rt, number)
    _emit(
        rt,
        lambda: dossier_document(data, rt.config, full_hashes=chosen in ("html", "pdf")),
        chosen,
        output,
        data.to_json,
        pager=False,
        mode=mode,
    )


def bukti(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The year the pack covers.", metavar="YEAR")],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="The folder to make, or a zip file (a name ending in .zip); default bukti-spbe-YEAR.",
            metavar="DIR|FILE.zip",
        ),
    ] = None,
    sample: Annotated[
        int,
        typer.Option("--sample", help="How many of the complaints that were on time to add at random.", metavar="N"),
    ] = 10,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", help="The random sample's seed (default: the year): same seed, same sample.", metavar="S"
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing folder or file.")] = False,
    actor: AsOption = None,
) -> None:
    """Make the year's evidence pack for SPBE and Audit TIK.

    One folder (or zip) to open offline: the SOPs in force, the twelve
    monthly reports, the dossiers of every complaint that ran late and of a
    random sample of the others, the seals of the year's days, and an index
    with each file's SHA-256 (also as SHA256SUMS, for sha256sum -c).

    Example: sop bukti --year 2026 -o bukti-spbe-2026.zip
    """
    from sopcli.i18n import _, format_number
    from sopcli.present.evidence import PackPages
    from sopcli.services.evidence import make_pack

    rt = runtime_of(ctx)
    pages = PackPages(rt.config)
    pack = make_pack(rt, year, pages, target=output, sample=sample, seed=seed, force=force, actor=rt.operator(actor))
    if pages.pdf_missing:
        typer.echo(
            _("Warning: PDFs skipped, the HTML pages are there: {reason}").format(reason=pages.pdf_missing), err=True
        )
    typer.echo(
        _(
            "Evidence pack {year} written to {path}: {sops} SOPs, {months} monthly reports, {late} dossiers of "
            "complaints that ran late, {sampled} sampled (seed {seed}), {seals} sealed days."
        ).format(
            year=year,
            path=pack.target,
            sops=format_number(len(pack.sops)),
            months=format_number(pack.months),
            late=format_number(len(pack.late)),
            sampled=format_number(len(pack.sampled)),
            seed=pack.seed,
            seals=format_number(len(pack.seals)),
        ),
        err=True,
    )
