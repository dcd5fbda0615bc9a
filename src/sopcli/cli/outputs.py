"""What ``sop doc`` does with a step's document: list a complaint's documents, or fill one and write it."""

from __future__ import annotations

from pathlib import Path

import typer

# What a document is written as, by -o's extension when --format is not given.
DOCUMENT_FORMATS = ("pdf", "html")


def list_documents(rt, number: str, as_json: bool = False) -> None:
    """The documents the complaint's SOP produces: written (and how many copies), due now, or not reached."""
    from sopcli.i18n import _
    from sopcli.present import render
    from sopcli.present.casefmt import local
    from sopcli.services.outputs import documents_of

    number, states = documents_of(rt, number)
    if as_json:
        render.print_json(
            [
                {
                    "document": s.id,
                    "title": s.title,
                    "step": s.step,
                    "decision": s.when,
                    "step_done_at": s.done_at.astimezone(rt.zone).isoformat() if s.done_at else None,
                    "copies_written": s.printed,
                }
                for s in states
            ]
        )
        return
    if not states:
        typer.echo(_("The SOP of {number} names no documents.").format(number=number), err=True)
        return

    def state(s) -> str:
        if s.done_at is None:
            waiting = _("after step {step}").format(step=s.step)
            return waiting + (f" ({s.when})" if s.when else "")
        return _("can be written (step {step} done {at})").format(step=s.step, at=local(s.done_at, rt.zone))

    render.print_table(
        render.Table(
            columns=[_("Document"), _("Title"), _("State"), _("Copies")],
            rows=[[s.id, s.title, state(s), str(s.printed)] for s in states],
        )
    )
    ready = next((s for s in states if s.done_at is not None), None)
    if ready:
        typer.echo(
            _("Write one: sop doc {number} {id} -o {number}-{id}.pdf").format(number=number, id=ready.id), err=True
        )


def write_document(rt, number: str, document_id: str, fmt: str | None, output: str | None, *, actor: str) -> Path:
    """Fill the document, write it as HTML or PDF, journal the copy (name and SHA-256); returns the file."""
    from sopcli.errors import InputError
    from sopcli.files.output import output_file
    from sopcli.i18n import _, current_language
    from sopcli.present.letters import letter_html
    from sopcli.services.outputs import fill, record_written

    chosen = fmt or (Path(output).suffix.lstrip(".").lower() if output else "pdf")
    if chosen not in DOCUMENT_FORMATS:
        raise InputError(
            _("a document is written as pdf or html, not {value!r}").format(value=chosen),
            _("give -o FILE.pdf or -o FILE.html"),
        )
    rt.database.refuse_if_read_only()
    filled = fill(rt, number, document_id)
    page = letter_html(filled, rt.config, current_language())
    target = Path(output) if output else Path(f"{filled.file_stem}.{chosen}")
    if chosen == "pdf":
        from sopcli.present.publish import pdf_of_html

        pdf = pdf_of_html(page)  # laid out in full first: a missing library leaves no file behind
        with output_file(str(target), binary=True) as out:
            out.write(pdf)
    else:
        with output_file(str(target)) as out:
            out.write(page)
    digest = record_written(rt, filled.number, filled.template.id, target, actor=actor)
    typer.echo(
        _("Written to {path} (SHA-256 {digest}); the journal keeps its digest.").format(path=target, digest=digest),
        err=True,
    )
    return target


def check_printed(rt, path: str) -> bool:
    """``sop verify --document FILE``: whether the journal recorded this very file; says which copy it is."""
    import hashlib

    from sopcli.errors import InputError, os_reason
    from sopcli.i18n import _
    from sopcli.present.casefmt import local
    from sopcli.services.outputs import copies_with

    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(_("cannot read {path}: {reason}").format(path=path, reason=os_reason(exc))) from None
    copies = copies_with(rt, digest)
    if not copies:
        typer.echo(
            _("NOT IN THE JOURNAL: {path} (SHA-256 {digest}) is no copy sop wrote, or it was changed since.").format(
                path=path, digest=digest
            )
        )
        return False
    for copy in copies:
        typer.echo(
            _("{path}: {document} of {number}, written {at} by {actor} (journal entry {seq}).").format(
                path=path,
                document=copy.document_id,
                number=copy.number,
                at=local(copy.at, rt.zone),
                actor=copy.actor,
                seq=copy.seq,
            )
        )
    return True
