"""A report or jurnal harian as one self-contained, printable HTML page.

No scripts, fonts, images or style sheets from anywhere: the styles are inline
and the charts are inline SVG, so the page opens in any browser offline and
prints on A4 with a signature block for the supervisor.
"""

from __future__ import annotations

from html import escape

from sopcli.i18n import _, format_number
from sopcli.present.documents import Bar, Document, Section
from sopcli.present.render import _cell

STYLE = """
@page { size: A4 %(orientation)s; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 10pt; color: #111; margin: 0 auto;
       max-width: %(width)s; padding: 12px; }
header { border-bottom: 2px solid #111; margin-bottom: 10px; padding-bottom: 6px; text-align: center; }
header .office { font-size: 12pt; font-weight: bold; text-transform: uppercase; }
h1 { font-size: 14pt; margin: 4px 0; }
header .period { font-size: 11pt; }
.meta { color: #333; margin: 6px 0; }
.highlights { display: flex; gap: 8px; margin: 8px 0 4px; }
.highlights div { border: 1px solid #999; border-radius: 4px; flex: 1; padding: 4px 8px; text-align: center; }
.highlights b { display: block; font-size: 16pt; }
h2 { border-bottom: 1px solid #999; font-size: 11pt; margin: 14px 0 4px; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%%; }
th, td { border: 1px solid #999; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; white-space: nowrap; }
tr { page-break-inside: avoid; }
tr.late td { color: #a00; }
.empty, .note { color: #444; font-style: italic; margin: 2px 0; }
svg { display: block; margin: 6px 0; }
.signature { margin-top: 28px; margin-left: auto; page-break-inside: avoid; text-align: center; width: 300px; }
.signature .space { height: 64px; }
.signature .name { font-weight: bold; text-decoration: underline; }
footer { color: #666; font-size: 8pt; margin-top: 18px; }
"""


def render_page(document: Document, *, config=None, language: str = "id") -> str:
    """The whole page as a string; ``config`` supplies the place and the signer."""
    from sopcli import __version__

    orientation = "landscape" if document.landscape else "portrait"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(document.title)} — {escape(document.period)}</title>",
        f"<style>{STYLE % {'orientation': orientation, 'width': '277mm' if document.landscape else '190mm'}}</style>",
        "</head>",
        "<body>",
        "<header>",
    ]
    if document.office:
        parts.append(f'<div class="office">{escape(document.office)}</div>')
    parts += [f"<h1>{escape(document.title)}</h1>", f'<div class="period">{escape(document.period)}</div>', "</header>"]
    if document.meta:
        parts.append(
            '<div class="meta">'
            + " · ".join(f"{escape(label)}: {escape(value)}" for label, value in document.meta)
            + "</div>"
        )
    if document.highlights:
        parts.append(
            '<div class="highlights">'
            + "".join(
                f"<div>{escape(label)}<b>{format_number(value)}</b></div>" for label, value in document.highlights
            )
            + "</div>"
        )
    if document.empty_notice:
        parts.append(f'<p class="empty">{escape(document.empty_notice)}</p>')
    for section in document.sections:
        parts.append(_section(section))
    parts.append(_signature(document, config))
    footer = _("Made with sop {version}").format(version=__version__)  # outside the f-string, where Babel sees it
    parts.append(f"<footer>{escape(footer)}</footer>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _section(section: Section) -> str:
    parts = [f"<section><h2>{escape(section.heading)}</h2>"]
    table = section.table
    if not table.rows:
        parts.append(f'<p class="empty">{escape(section.empty)}</p></section>')
        return "".join(parts)
    if section.bars:
        parts.append(bar_chart(section.bars, title=section.heading))
    parts.append(
        "<table><thead><tr>" + "".join(f"<th>{escape(str(c))}</th>" for c in table.columns) + "</tr></thead><tbody>"
    )
    for index, row in enumerate(table.rows):
        late = index < len(table.row_styles) and table.row_styles[index] == "red"
        cells = "".join(
            f'<td class="n">{format_number(value)}</td>'
            if isinstance(value, int) and not isinstance(value, bool)
            else f"<td>{escape(_cell(value))}</td>"
            for value in row
        )
        parts.append(f'<tr class="late">{cells}</tr>' if late else f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    if section.note:
        parts.append(f'<p class="note">{escape(section.note)}</p>')
    parts.append("</section>")
    return "".join(parts)


def bar_chart(bars: list[Bar], title: str) -> str:
    """Horizontal bars of on-time share, one per step: green on time, red late, the percentage after."""
    label_width, bar_width, row_height = 150, 380, 20
    width = label_width + bar_width + 60
    height = row_height * len(bars) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="10" font-family="Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = index * row_height
        on_time = round(bar_width * bar.on_time / (bar.on_time + bar.late), 1)
        parts.append(f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end">{escape(bar.label)}</text>')
        tooltip = escape(_("{on_time} on time, {late} late").format(on_time=bar.on_time, late=bar.late))
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{on_time}" height="{row_height - 6}" fill="#2e7d32">'
            f"<title>{tooltip}</title></rect>"
        )
        if bar.late:
            parts.append(
                f'<rect x="{label_width + on_time}" y="{y + 3}" width="{round(bar_width - on_time, 1)}" '
                f'height="{row_height - 6}" fill="#c62828"><title>{tooltip}</title></rect>'
            )
        parts.append(f'<text x="{label_width + bar_width + 6}" y="{y + 14}">{bar.percent:.0f}%</text>')
    axis_y = row_height * len(bars) + 4
    for tick in (0, 50, 100):
        x = label_width + bar_width * tick / 100
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{axis_y}" stroke="#888" stroke-width="0.5"/>')
        parts.append(f'<text x="{x}" y="{axis_y + 12}" text-anchor="middle">{tick}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def _signature(document: Document, config) -> str:
    """Where the supervisor signs: configured place, title, name and NIP, or lines to fill in by hand."""
    place = getattr(config, "office_place", None)
    title = getattr(config, "signer_title", None) or _("Supervisor")
    name = getattr(config, "signer_name", None)
    nip = getattr(config, "signer_nip", None)
    dated = f"{place}, {document.signature_day}" if place else document.signature_day
    return (
        '<div class="signature">'
        f"<div>{escape(dated)}</div>"
        f"<div>{escape(title)}</div>"
        '<div class="space"></div>'
        f'<div class="name">{escape(name) if name else "(" + "." * 40 + ")"}</div>'
        f"<div>NIP. {escape(nip) if nip else '.' * 30}</div>"
        "</div>"
    )
