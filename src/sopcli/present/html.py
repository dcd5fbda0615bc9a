"""A report or jurnal harian as one self-contained, printable HTML page.

No scripts, fonts, images or style sheets from anywhere: the styles are inline
and the charts are inline SVG, so the page opens in any browser offline and
prints on A4 with a signature block for the supervisor.
"""

from __future__ import annotations

from html import escape

from sopcli.i18n import _, format_number
from sopcli.present.documents import Bar, Columns, Document, Section, percent_text
from sopcli.present.render import _cell

STYLE = """
@page {
  size: A4 %(orientation)s; margin: 20mm 14mm 18mm;
  @top-center { content: %(header)s; font: 8pt %(font)s; color: #333; }
  @bottom-left { content: %(title)s; font: 8pt %(font)s; color: #333; }
  @bottom-right { content: %(page_of)s; font: 8pt %(font)s; color: #333; }
}
* { box-sizing: border-box; }
body { font-family: %(font)s; font-size: 9.5pt; color: #111;
       margin: 0 auto; max-width: %(width)s; padding: 12px; overflow-wrap: break-word; }
@media print { body { max-width: none; padding: 0; } }
header { border-bottom: 2px solid #111; margin-bottom: 8px; padding-bottom: 4px; text-align: center; }
header .office { font-size: 12pt; font-weight: bold; text-transform: uppercase; }
h1 { font-size: 14pt; margin: 4px 0; }
header .period { font-size: 11pt; }
.meta { color: #333; margin: 4px 0; }
.highlights { display: flex; gap: 8px; margin: 6px 0 2px; }
.highlights div { border: 1px solid #999; border-radius: 4px; flex: 1; padding: 3px 8px; text-align: center; }
.highlights b { display: block; font-size: 15pt; }
h2 { border-bottom: 1px solid #999; font-size: 11pt; margin: 12px 0 4px; break-after: avoid; }
table { border-collapse: collapse; width: 100%%; }
thead { display: table-header-group; }
th, td { border: 1px solid #999; padding: 1px 4px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; white-space: nowrap; }
td.long { overflow-wrap: anywhere; }
tr { break-inside: avoid; }
tr.late td { color: #a00; }
.empty, .note { color: #444; font-style: italic; margin: 2px 0; }
svg { display: block; margin: 4px 0; break-inside: avoid; }
.closing { break-inside: avoid; }
.signature { margin-top: 20px; margin-left: auto; text-align: center; width: 300px; }
.signature .space { height: 60px; }
.signature .name { font-weight: bold; text-decoration: underline; }
.signatures { break-inside: avoid; display: flex; flex-wrap: wrap; gap: 8px 16px; justify-content: space-between; }
.signatures .signature { margin-left: 0; width: 210px; }
footer { color: #666; font-size: 8pt; margin-top: 12px; }
"""


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, for a page's margin boxes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_of() -> str:
    """ "Halaman X dari Y" as CSS content: the translated words around the page counters."""
    marker = "\0"
    words = _("Page {page} of {pages}").format(page=marker + "page" + marker, pages=marker + "pages" + marker)
    parts = words.split(marker)
    return " ".join(f"counter({part})" if index % 2 else css_string(part) for index, part in enumerate(parts) if part)


def render_page(document: Document, *, config=None, language: str = "id") -> str:
    """The whole page as a string; ``config`` supplies the place and the signer."""
    from sopcli import __version__

    orientation = "landscape" if document.landscape else "portrait"
    heading = f"{document.title} — {document.period}"
    style = STYLE % {
        "orientation": orientation,
        "width": "277mm" if document.landscape else "190mm",
        "header": css_string(document.office or heading),
        "title": css_string(heading),
        "page_of": _page_of(),
        "font": '"Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif',
    }
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(heading)}</title>",
        f"<style>{style}</style>",
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
    sections = [_section(section, f"chart{index}") for index, section in enumerate(document.sections)]
    # The signature travels with the last section: never alone on a page of its own.
    parts += sections[:-1]
    parts.append('<div class="closing">')
    parts += sections[-1:]
    parts.append(_signature(document, config))
    footer = _("Made with sop {version}").format(version=__version__)  # outside the f-string, where Babel sees it
    parts.append(f"<footer>{escape(footer)}</footer>")
    parts += ["</div>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _section(section: Section, chart_id: str) -> str:
    parts = [f"<section><h2>{escape(section.heading)}</h2>"]
    table = section.table
    if not table.rows:
        parts.append(f'<p class="empty">{escape(section.empty)}</p></section>')
        return "".join(parts)
    if section.bars:
        parts.append(bar_chart(section.bars, title=section.heading, chart_id=chart_id + "b"))
    parts.append(
        "<table><thead><tr>" + "".join(f"<th>{escape(str(c))}</th>" for c in table.columns) + "</tr></thead><tbody>"
    )
    for index, row in enumerate(table.rows):
        late = index < len(table.row_styles) and table.row_styles[index] == "red"
        cells = "".join(
            f'<td class="n">{format_number(value)}</td>'
            if isinstance(value, int) and not isinstance(value, bool)
            else _text_cell(_cell(value))
            for value in row
        )
        parts.append(f'<tr class="late">{cells}</tr>' if late else f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    if section.note:
        parts.append(f'<p class="note">{escape(section.note)}</p>')
    if section.columns:  # after the table it draws: the counts come first, the picture sums them up
        parts.append(column_chart(section.columns, title=section.heading, chart_id=chart_id + "c"))
    parts.append("</section>")
    return "".join(parts)


_LONG_WORD = 30  # a "word" longer than this (a URL, a hash, pasted junk) may break anywhere to stay on the page


def _text_cell(text: str) -> str:
    """A cell of text, escaped; one holding a very long word may break it anywhere rather than run off the page.

    Only such cells: breaking anywhere also lets the table squeeze a column below its words.
    """
    long = any(len(word) > _LONG_WORD for word in text.split())
    return f'<td class="long">{escape(text)}</td>' if long else f"<td>{escape(text)}</td>"


# Fills that differ without colour, as a black-and-white office printer prints them: solid, hatched, dotted.
_FILLS = ("#333", "hatch", "dots")


def _patterns(chart_id: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{chart_id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6">'
        '<rect width="6" height="6" fill="#fff"/><path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="#000" '
        'stroke-width="1.2"/></pattern>'
        f'<pattern id="{chart_id}-dots" patternUnits="userSpaceOnUse" width="5" height="5">'
        '<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.1" fill="#000"/></pattern>'
        "</defs>"
    )


def _fill(index: int, chart_id: str) -> str:
    fill = _FILLS[index % len(_FILLS)]
    return fill if fill.startswith("#") else f"url(#{chart_id}-{fill})"


def _legend(names: list[str], chart_id: str, y: int) -> str:
    """A swatch and a name per series, left to right along the top."""
    parts, x = [], 0
    for index, name in enumerate(names):
        parts.append(
            f'<rect x="{x}" y="{y}" width="14" height="10" fill="{_fill(index, chart_id)}" stroke="#000" '
            'stroke-width="0.6"/>'
        )
        parts.append(f'<text x="{x + 18}" y="{y + 9}">{escape(name)}</text>')
        x += 30 + 6 * len(name)
    return "".join(parts)


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="9" font-family="Liberation Sans, Arial, DejaVu Sans, sans-serif">'
        f"<title>{escape(title)}</title>"
    )


def bar_chart(bars: list[Bar], title: str, chart_id: str = "chart") -> str:
    """On-time share per step as horizontal bars: solid on time, hatched late, each step named and counted."""
    label_width, bar_width, row_height, top = 210, 330, 18, 20
    width = label_width + bar_width + 120
    height = top + row_height * len(bars) + 16
    on_time_name, late_name = _("On time"), _("Late")
    parts = [_svg_open(width, height, title), _patterns(chart_id), _legend([on_time_name, late_name], chart_id, 0)]
    for index, bar in enumerate(bars):
        y = top + index * row_height
        on_time = round(bar_width * bar.on_time / (bar.on_time + bar.late), 1)
        parts.append(f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end">{escape(bar.label)}</text>')
        if bar.on_time:
            parts.append(
                f'<rect x="{label_width}" y="{y + 2}" width="{on_time}" height="{row_height - 5}" '
                f'fill="{_fill(0, chart_id)}" stroke="#000" stroke-width="0.6"/>'
            )
        if bar.late:
            parts.append(
                f'<rect x="{label_width + on_time}" y="{y + 2}" width="{round(bar_width - on_time, 1)}" '
                f'height="{row_height - 5}" fill="{_fill(1, chart_id)}" stroke="#000" stroke-width="0.6"/>'
            )
        counts = _("{on_time} on time, {late} late").format(on_time=bar.on_time, late=bar.late)
        parts.append(
            f'<text x="{label_width + bar_width + 6}" y="{y + 12}">'
            f"{escape(percent_text(bar.percent))} ({escape(counts)})</text>"
        )
    axis_y = top + row_height * len(bars) + 2
    for tick in (0, 50, 100):
        x = label_width + bar_width * tick / 100
        parts.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{axis_y}" stroke="#888" stroke-width="0.5"/>')
        parts.append(f'<text x="{x}" y="{axis_y + 11}" text-anchor="middle">{tick}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(chart: Columns, title: str, chart_id: str = "chart") -> str:
    """Counts as upright columns per category, series side by side in fills that print apart, each counted on top."""
    width, plot_height, top, left = 660, 120, 22, 6
    slot = (width - left) / max(len(chart.categories), 1)
    column = min(36.0, slot * 0.8 / len(chart.series))
    highest = max((v for series in chart.series for v in series.values), default=0) or 1
    label_size = 9 if column >= 14 else 7
    height = top + plot_height + 30
    baseline = top + plot_height
    parts = [
        _svg_open(width, height, title),
        _patterns(chart_id),
        _legend([series.label for series in chart.series], chart_id, 0),
        f'<line x1="{left}" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="#000" stroke-width="0.8"/>',
    ]
    for index, category in enumerate(chart.categories):
        group_left = left + index * slot + (slot - column * len(chart.series)) / 2
        for number, series in enumerate(chart.series):
            value = series.values[index]
            x = round(group_left + number * column, 1)
            tall = round((plot_height - 12) * value / highest, 1)
            if not value:  # an empty column says nothing, and thirty zeros crowd out the counts that matter
                continue
            parts.append(
                f'<rect x="{x}" y="{baseline - tall}" width="{round(column, 1)}" height="{tall}" '
                f'fill="{_fill(number, chart_id)}" stroke="#000" stroke-width="0.6"/>'
            )
            parts.append(
                f'<text x="{round(x + column / 2, 1)}" y="{baseline - tall - 2}" text-anchor="middle" '
                f'font-size="{label_size}">{value}</text>'
            )
        parts.append(
            f'<text x="{round(left + index * slot + slot / 2, 1)}" y="{baseline + 12}" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _signature(document: Document, config) -> str:
    """Where the supervisor signs, beside the document's other signers (a dossier's pelaksana) if it has them."""
    supervisor = _supervisor_signature(document, config)
    if not document.signers:
        return supervisor
    blocks = "".join(
        '<div class="signature">'
        "<div>&#160;</div>"  # the supervisor's block has the place and date on this line
        f"<div>{escape(title)}</div>"
        '<div class="space"></div>'
        f'<div class="name">{escape(name)}</div>'
        "</div>"
        for title, name in document.signers
    )
    return f'<div class="signatures">{blocks}{supervisor}</div>'


def _supervisor_signature(document: Document, config) -> str:
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
