"""The pages of the evidence pack (``sop bukti``): SOP sheets, reports, dossiers and the index, as HTML and PDF.

``services.evidence`` chooses what goes in and writes it; this module gives each page its look,
through the same ``Document`` model and printable page as every report.
"""

from __future__ import annotations

from sopcli.i18n import _, current_language, format_number
from sopcli.present.documents import Document, Section
from sopcli.present.render import KEEP, Column, Table


def sop_sheet(definition, config) -> str:
    """An SOP as its official sheet (Permen PAN-RB 35/2012), the page an auditor reads."""
    from sopcli.present.sopsheet import sop_sheet_html

    return sop_sheet_html(definition, config)


class PackPages:
    """The ``PackRenderer`` of ``services.evidence``: each page as HTML, and as PDF while WeasyPrint is there."""

    def __init__(self, config) -> None:
        self.config = config
        self.pdf_missing: str | None = None  # why PDFs are skipped, once known

    def _html(self, document: Document) -> str:
        from sopcli.present.html import render_page

        return render_page(document, config=self.config, language=current_language())

    def _pdf(self, document: Document) -> bytes | None:
        from sopcli.errors import NotInstalled
        from sopcli.present.publish import pdf_bytes

        if self.pdf_missing is not None:
            return None
        try:
            return pdf_bytes(document, config=self.config, language=current_language())
        except NotInstalled as exc:
            self.pdf_missing = str(exc)
            return None

    def sop_sheet(self, definition) -> str:
        return sop_sheet(definition, self.config)

    def report_html(self, report) -> str:
        from sopcli.present.documents import report_document

        return self._html(report_document(report, self.config))

    def report_pdf(self, report) -> bytes | None:
        from sopcli.present.documents import report_document

        return self._pdf(report_document(report, self.config))

    def dossier_html(self, data) -> str:
        from sopcli.present.dossier import dossier_document

        return self._html(dossier_document(data, self.config, full_hashes=True))

    def dossier_pdf(self, data) -> bytes | None:
        from sopcli.present.dossier import dossier_document

        return self._pdf(dossier_document(data, self.config, full_hashes=True))

    def index_html(self, pack) -> str:
        return self._html(index_document(pack, self.config))


def index_document(pack, config) -> Document:
    """The pack's index: what it covers, how it was made, and every file with its size and SHA-256."""
    from sopcli.present.casefmt import local
    from sopcli.worktime.periods import long_date

    zone = config.zone() if config is not None else None
    made = local(pack.made_at, zone) if zone is not None else pack.made_at.isoformat()
    parts = [
        (_("Year"), str(pack.year)),
        (_("Made"), made),
        (_("Made by"), pack.made_by),
        (_("Complaints received"), format_number(pack.complaints)),
        (_("SOPs in force"), f"{format_number(len(pack.sops))}: {', '.join(pack.sops)}"),
        (_("Monthly reports"), format_number(pack.months)),
        (_("Dossiers of complaints that ran late"), format_number(len(pack.late))),
        (
            _("Dossiers of a random sample of the others"),
            _("{n} of {total} (seed {seed}, asked for {asked})").format(
                n=format_number(len(pack.sampled)),
                total=format_number(pack.complaints - len(pack.late)),
                seed=pack.seed,
                asked=format_number(pack.sample_size),
            ),
        ),
        (_("Sealed days"), format_number(len(pack.seals))),
    ]
    if pack.pdf_skipped:
        parts.append((_("PDF"), _("not made here (WeasyPrint missing): the HTML pages print the same")))
    files = Table(
        columns=[_("File"), Column(_("Size (bytes)"), KEEP), Column("SHA-256", KEEP)],
        rows=[[f.path, f.size, f.sha256] for f in pack.files],
    )
    return Document(
        title=_("Evidence pack for SPBE and Audit TIK"),
        period=str(pack.year),
        office=getattr(config, "office_name", None) or "",
        meta=[],
        sections=[
            Section(_("Contents"), Table(columns=[_("Item"), _("Value")], rows=[list(row) for row in parts])),
            Section(
                _("Files"),
                files,
                note=_("Check them with: sha256sum -c SHA256SUMS (in this folder)."),
            ),
        ],
        signature_day=long_date(pack.made_at.astimezone(zone).date() if zone else pack.made_at.date()),
    )
