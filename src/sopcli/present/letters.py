"""A step's document as offices print and sign it: the kop surat, the title and its number, the values of the
record (a form) or the letter's text, the place and date, the signature blocks, the tembusan.

The SOP's texts are Jinja2 templates rendered in a sandbox with every value
escaped: a complaint's description holding HTML prints as the text it is.
"""

from __future__ import annotations

import base64
import mimetypes
from html import escape
from pathlib import Path

from sopcli.i18n import N_, _
from sopcli.present.html import css_string

# The record's values a form may show, as a form labels them (translated where shown).
LABELS = {
    "pengaduan.nomor": N_("Complaint number"),
    "pengaduan.ref": N_("Reporter's reference"),
    "pengaduan.diterima": N_("Received"),
    "pengaduan.pelapor": N_("Reported by"),
    "pengaduan.unit": N_("Unit"),
    "pengaduan.sistem": N_("System"),
    "pengaduan.host": N_("Host"),
    "pengaduan.saluran": N_("Channel"),
    "pengaduan.prioritas": N_("Priority"),
    "pengaduan.uraian": N_("Description of the disruption"),
    "pengaduan.status": N_("Status"),
    "pengaduan.hasil": N_("Outcome"),
    "langkah.id": N_("Step"),
    "langkah.kegiatan": N_("Activity"),
    "langkah.pelaksana": N_("Pelaksana"),
    "langkah.oleh": N_("Done by"),
    "langkah.mulai": N_("Started"),
    "langkah.selesai": N_("Done"),
    "langkah.waktu": N_("Time taken"),
    "langkah.mutu_baku": N_("Time standard"),
    "langkah.keputusan": N_("Decision"),
    "langkah.catatan": N_("Notes"),
    "langkah.output": N_("Output"),
    "kantor.nama": N_("Office"),
    "kantor.alamat": N_("Address"),
    "kantor.tempat": N_("Place"),
    "dokumen.nomor": N_("Document number"),
    "dokumen.tanggal": N_("Date"),
    "dokumen.judul": N_("Title"),
}

STYLE = """
@page { size: A4 portrait; margin: 18mm 20mm 20mm 25mm;
  @bottom-right { content: %(footer)s " · " %(page_of)s; font-size: 8pt; color: #555; } }
body { font-family: "Liberation Serif", "Times New Roman", "DejaVu Serif", serif; font-size: 11.5pt; color: #000;
  max-width: 170mm; margin: 0 auto; overflow-wrap: anywhere; }
.kop { display: flex; align-items: center; gap: 4mm; border-bottom: 3px double #000; padding-bottom: 2mm; }
.kop img { height: 22mm; }
.kop .who { flex: 1; text-align: center; }
.kop .office { font-size: 15pt; font-weight: bold; text-transform: uppercase; }
.kop .address { font-size: 9.5pt; }
h1 { font-size: 13pt; text-align: center; text-decoration: underline; margin: 6mm 0 0; text-transform: uppercase; }
.number { text-align: center; margin-bottom: 5mm; }
.letter-head td { padding: 0 2mm 0 0; vertical-align: top; }
table.values { width: 100%%; border-collapse: collapse; margin: 3mm 0; }
table.values td { border: 1px solid #000; padding: 1.5mm 2mm; vertical-align: top; }
table.values td.label { width: 38%%; }
table.values tr, .signatures, .sign { break-inside: avoid; page-break-inside: avoid; }
.closing { break-inside: avoid; page-break-inside: avoid; }
.signatures { display: flex; justify-content: space-between; gap: 6mm; margin-top: 8mm; }
.sign { flex: 1; text-align: center; }
.sign .space { height: 22mm; }
.sign .name { font-weight: bold; text-decoration: underline; }
.dated { text-align: right; margin-top: 6mm; }
.tembusan { margin-top: 8mm; font-size: 10pt; }
p { text-align: justify; }
"""


def render_text(text: str, context: dict) -> str:
    """One of the SOP's texts filled in: Jinja2 in a sandbox, values escaped (the result is HTML)."""
    if not text:
        return ""
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    from sopcli.errors import DefinitionError

    environment = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    try:
        return environment.from_string(text).render(**context)
    except TemplateError as exc:  # a template 'sop sops validate' would have refused: said, not a traceback
        raise DefinitionError(
            _("a template of this document cannot be filled: {reason}").format(reason=exc.message or exc)
        ) from None


def logo_image(path: str | None) -> str:
    """The office's logo as an embedded image: the page stays one file, openable offline."""
    if not path:
        return ""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return ""
    kind = mimetypes.guess_type(path)[0] or "image/png"
    return f'<img src="data:{kind};base64,{base64.b64encode(data).decode()}" alt="">'


def letter_html(filled, config, language: str = "id") -> str:
    """The filled document as a whole HTML page, laid out for A4."""
    from sopcli.present.html import _page_of

    template, context = filled.template, filled.context
    office = context["kantor"]
    footer = _("{number} · from the sop logbook").format(number=filled.number)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(language)}"><head><meta charset="utf-8">',
        f"<title>{escape(template.judul)} — {escape(filled.number)}</title>",
        f"<style>{STYLE % {'footer': css_string(footer), 'page_of': _page_of()}}</style>",
        "</head><body>",
        '<div class="kop">',
        logo_image(getattr(config, "office_logo", None)),
        '<div class="who">',
        f'<div class="office">{escape(office["nama"])}</div>',
    ]
    if office["alamat"]:
        parts.append(f'<div class="address">{escape(office["alamat"])}</div>')
    parts += ["</div></div>"]
    parts.append(f"<h1>{escape(template.judul)}</h1>")
    parts.append(f'<div class="number">{escape(_("Number"))}: {escape(context["dokumen"]["nomor"])}</div>')
    if template.jenis == "surat" or template.kepada or template.perihal:
        rows = []
        if template.perihal:
            rows.append((_("Subject"), render_text(template.perihal, context)))
        if template.kepada:
            rows.append((_("To"), render_text(template.kepada, context)))
        parts.append(
            '<table class="letter-head">'
            + "".join(f"<tr><td>{escape(label)}</td><td>:</td><td>{value}</td></tr>" for label, value in rows)
            + "</table>"
        )
    if template.pembuka:
        parts.append(f"<p>{render_text(template.pembuka, context)}</p>")
    if template.isi:
        parts.append(f'<div class="isi">{render_text(template.isi, context)}</div>')
    elif filled.values:
        cells = [
            f'<tr><td class="label">{escape(_label(path, meaning))}</td><td>{escape(value) or "&nbsp;"}</td></tr>'
            for path, meaning, value in filled.values
        ]
        parts.append('<table class="values">' + "".join(cells) + "</table>")
    parts.append('<div class="closing">')
    if template.penutup:
        parts.append(f"<p>{render_text(template.penutup, context)}</p>")
    place = office["tempat"]
    dated = f"{place}, {context['dokumen']['tanggal']}" if place else context["dokumen"]["tanggal"]
    parts.append(f'<div class="dated">{escape(dated)}</div>')
    if filled.signers:
        parts.append('<div class="signatures">')
        for signer in filled.signers:
            name = escape(signer.name) if signer.name else "(" + "." * 30 + ")"
            nip = escape(signer.nip) if signer.nip else "." * 24
            parts.append(
                f'<div class="sign"><div>{escape(signer.role)}</div><div class="space"></div>'
                f'<div class="name">{name}</div><div>NIP. {nip}</div></div>'
            )
        parts.append("</div>")
    if template.tembusan:
        copies_to = _("Copies to")
        parts.append(
            f'<div class="tembusan">{escape(copies_to)}:<ol>'
            + "".join(f"<li>{escape(line)}</li>" for line in template.tembusan)
            + "</ol></div>"
        )
    parts += ["</div>", "</body></html>", ""]
    return "\n".join(parts)


def _label(path: str, meaning: str) -> str:
    """A value's label: the SOP's meaning of a field it records, else the record's own word for it."""
    if path.startswith("isian.") and meaning:
        return meaning
    label = LABELS.get(path)
    return _(label) if label else path
