"""The SOP as its official sheet (Permen PAN-RB 35/2012): the identity sheet, then the flowchart table.

One self-contained HTML page (inline styles, inline SVG, no scripts), printed landscape on A4 or F4. Every row
of the flowchart table has a fixed height, measured from its text with the font's widths, so the lanes can be
drawn as one SVG per row whose lines meet the next row's, and the table is cut into pages here: a flow that
crosses a page, or jumps far, is an off-page connector carrying the step number, never a long line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from sopcli.definitions.flowchart import outcome_label
from sopcli.definitions.schema import SopDefinition, Step
from sopcli.i18n import _
from sopcli.present.letters import logo_image

# Paper (width, height) in mm, landscape.
PAPERS = {"a4": (297.0, 210.0), "f4": (330.0, 215.0)}
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 10.0, 12.0, 12.0
PT = 0.3528  # mm per point
FONT_PT = 7.0  # the table's text
LINE = FONT_PT * PT * 1.2  # its line height in mm
PAD = 1.0  # a cell's padding in mm, each side
FONT = '"Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif'

# Helvetica/Arial (Liberation Sans has the same) advance widths per 1000 em, for the text's line count.
_WIDTHS = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@",
        (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278)
        + (556,) * 10
        + (278, 278, 584, 584, 584, 556, 1015),
        strict=True,
    )
)
_WIDTHS.update(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        (
            667,
            667,
            722,
            722,
            667,
            611,
            778,
            722,
            278,
            500,
            667,
            556,
            833,
            722,
            778,
            667,
            778,
            722,
            667,
            611,
            722,
            667,
            944,
            667,
            667,
            611,
        ),
        strict=True,
    )
)
_WIDTHS.update(
    zip(
        "abcdefghijklmnopqrstuvwxyz",
        (
            556,
            556,
            500,
            556,
            556,
            278,
            556,
            556,
            222,
            222,
            500,
            222,
            833,
            556,
            556,
            556,
            556,
            333,
            500,
            278,
            556,
            500,
            722,
            500,
            500,
            500,
        ),
        strict=True,
    )
)


def text_width(text: str, size_pt: float) -> float:
    """The width of ``text`` in mm at ``size_pt``; a character not in the table counts as wide as an ``m``."""
    return sum(_WIDTHS.get(ch, 833) for ch in text) / 1000 * size_pt * PT


def line_count(text: str, width_mm: float, size_pt: float = FONT_PT) -> int:
    """How many lines ``text`` takes in a column ``width_mm`` wide, broken between words as the browser does.

    Counted a little narrow (95%), so the real text never needs more lines than the row was given.
    """
    room = width_mm * 0.95
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0.0
        for word in paragraph.split():
            wide = text_width(word, size_pt)
            if used and used + text_width(" ", size_pt) + wide > room:
                count += 1 + int(wide // room)
                used = wide % room if wide > room else wide
            else:
                used += (text_width(" ", size_pt) if used else 0) + wide
    return count


def sop_sheet_html(definition: SopDefinition, config=None, paper: str = "a4") -> str:
    """The SOP's identity sheet and flowchart table as one printable HTML page, landscape on ``paper`` (a4, f4).

    Raises:
        InputError: a paper other than a4 or f4.
    """
    from sopcli import __version__

    if paper not in PAPERS:
        from sopcli.errors import InputError

        raise InputError(_("unknown paper {paper!r}").format(paper=paper), _("choose a4 or f4"))
    page_w, page_h = PAPERS[paper]
    sheet = _Layout(definition, page_w - 2 * MARGIN_X, page_h - MARGIN_TOP - MARGIN_BOTTOM)
    office = getattr(config, "office_name", None) or definition.instansi
    title = f"{definition.nomor} {definition.nama}".strip()
    style = _STYLE % {
        "width": f"{page_w}mm",
        "height": f"{page_h}mm",
        "mt": MARGIN_TOP,
        "mb": MARGIN_BOTTOM,
        "mx": MARGIN_X,
        "header": _css_string(office),
        "title": _css_string(title),
        "page_of": _page_of(),
        "font": FONT,
        "size": FONT_PT,
        "content": f"{page_w - 2 * MARGIN_X}mm",
    }
    parts = [
        "<!DOCTYPE html>",
        '<html lang="id">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        _identity(definition, office, getattr(config, "office_logo", None)),
        *sheet.pages(),
        f"<footer>{escape(_('Made with sop {version}').format(version=__version__))}</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def sop_sheet_pdf(definition: SopDefinition, config=None, paper: str = "a4") -> bytes:
    """The sheet laid out by WeasyPrint (the ``pdf`` extra), fonts embedded.

    Raises:
        NotInstalled: WeasyPrint, or the Pango libraries it draws text with, is missing.
        InputError: a paper other than a4 or f4.
    """
    from sopcli.present.publish import pdf_of_html

    return pdf_of_html(sop_sheet_html(definition, config, paper))


_STYLE = """
@page {
  size: %(width)s %(height)s; margin: %(mt)smm %(mx)smm %(mb)smm;
  @top-center { content: %(header)s; font: 7pt %(font)s; color: #333; }
  @bottom-left { content: %(title)s; font: 7pt %(font)s; color: #333; }
  @bottom-right { content: %(page_of)s; font: 7pt %(font)s; color: #333; }
}
* { box-sizing: border-box; }
body { font-family: %(font)s; font-size: %(size)spt; color: #000; margin: 0 auto; max-width: %(content)s; }
table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
th, td { border: 0.6pt solid #000; padding: 1mm; vertical-align: top; text-align: left; overflow-wrap: normal; }
th { font-weight: bold; text-align: center; vertical-align: middle; background: #e8e8e8; }
.identity { font-size: 8.5pt; page-break-after: always; break-after: page; }
.identity td.office { text-align: center; vertical-align: middle; }
.identity .emblem { margin: 0 auto 3mm; width: 22mm; height: 22mm; border: 1.2pt solid #000; border-radius: 50%%;
  display: flex; align-items: center; justify-content: center; font-size: 6pt; }
.identity .agency { font-size: 11pt; font-weight: bold; text-transform: uppercase; }
.identity .unit { font-size: 10pt; font-weight: bold; margin-top: 2mm; }
.identity td.label { width: 28%%; font-weight: bold; }
.identity td.name { font-size: 11pt; font-weight: bold; }
.identity .sign { height: 16mm; }
.identity ol { margin: 0; padding-left: 5mm; }
.identity th { text-align: left; }
.flow { page-break-after: always; break-after: page; }
.flow:last-of-type { page-break-after: auto; break-after: auto; }
.flow h2 { font-size: 9pt; margin: 0 0 1.5mm; }
.flow td { padding: %(pad)smm; line-height: 1.2; }
.flow td.lanes { padding: 0; }
.flow td.no { text-align: center; }
.flow th.role { font-weight: normal; }
.flow svg { display: block; }
footer { color: #666; font-size: 6.5pt; margin-top: 2mm; }
""".replace("%(pad)s", str(PAD))


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_of() -> str:
    from sopcli.present.html import _page_of as page_of

    return page_of()


def _dash(text: str) -> str:
    return escape(text) if text.strip() else "-"


def _numbered(items: tuple[str, ...] | list[str]) -> str:
    if not items:
        return "-"
    return "<ol>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ol>"


def _identity(sop: SopDefinition, office: str, logo_file: str | None = None) -> str:
    """The first page: the office on the left, the SOP's numbers and approval on the right, then the paired lists."""
    rows = [
        (_("SOP number"), _dash(sop.nomor), ""),
        (_("Date made"), _dash(sop.tanggal_pembuatan), ""),
        (_("Date revised"), _dash(sop.tanggal_revisi), ""),
        (_("Date effective"), _dash(sop.tanggal_efektif), ""),
        (_("Approved by"), _dash(sop.disahkan_oleh) + '<div class="sign"></div>', ""),
        (_("SOP name"), _dash(sop.nama), "name"),
    ]
    agency = [office] if office == sop.instansi else [office, sop.instansi]
    logo = _("LOGO")  # outside the f-string, where Babel sees it
    image = logo_image(logo_file)
    left = (
        f'<td class="office" colspan="2" rowspan="{len(rows)}">'
        + (image if image else f'<div class="emblem">{escape(logo)}</div>')
        + "".join(f'<div class="agency">{escape(name)}</div>' for name in agency)
        + (f'<div class="unit">{escape(sop.unit)}</div>' if sop.unit else "")
        + "</td>"
    )
    parts = [
        '<table class="identity">',
        '<colgroup><col style="width:25%"><col style="width:25%">'
        '<col style="width:14%"><col style="width:36%"></colgroup>',
    ]
    for index, (label, value, kind) in enumerate(rows):
        cell = f'<td class="{kind}">' if kind else "<td>"
        parts.append(f'<tr>{left if index == 0 else ""}<td class="label">{escape(label)}</td>{cell}{value}</td></tr>')
    pairs = [
        (_("Legal basis"), _numbered(sop.dasar_hukum), _("Staff qualifications"), _numbered(sop.kualifikasi_pelaksana)),
        (_("Related SOPs"), _numbered(sop.keterkaitan), _("Equipment"), _numbered(sop.peralatan)),
        (_("Warning"), _dash(sop.peringatan), _("Records and data"), _dash(sop.pencatatan)),
    ]
    for left_label, left_value, right_label, right_value in pairs:
        parts.append(f'<tr><th colspan="2">{escape(left_label)}:</th><th colspan="2">{escape(right_label)}:</th></tr>')
        parts.append(f'<tr><td colspan="2">{left_value}</td><td colspan="2">{right_value}</td></tr>')
    parts.append("</table>")
    return "\n".join(parts)


# --- the flowchart table ---------------------------------------------------------------

TOP = 5.0  # mm above a symbol: incoming lines and connectors
BELOW = 8.5  # mm below it: outgoing connectors, the line to the next row
SYMBOL_H = 7.0
DIAMOND_H = 9.0
CONNECTOR = 4.2  # an off-page connector's height
LABEL_PT = 5.5


@dataclass
class _Row:
    step: Step
    index: int
    height: float
    top: float = 0.0  # within its page
    page: int = 0


@dataclass
class _Drawing:
    """What one row's SVG holds, in the page's coordinates (mm)."""

    shapes: list[str] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)


class _Layout:
    def __init__(self, sop: SopDefinition, width: float, height: float) -> None:
        self.sop = sop
        self.height = height
        lanes = len(sop.roles)
        fixed = {"no": 7.0, "kelengkapan": 27.0, "waktu": 16.0, "output": 27.0, "keterangan": 40.0}
        rest = width - sum(fixed.values())
        self.lane_w = max(9.0, min(26.0, (rest - 50.0) / lanes))
        self.widths = fixed | {"kegiatan": rest - self.lane_w * lanes}
        self.lanes_w = self.lane_w * lanes
        self.lane_of = {role.key: i for i, role in enumerate(sop.roles)}
        self.index = {step.id: i for i, step in enumerate(sop.steps)}
        self.header_fonts = [self._header_font(role.nama) for role in sop.roles]
        header_lines = max(line_count(r.nama, self.lane_w - 2 * PAD, f) for r, f in zip(sop.roles, self.header_fonts))
        self.header_h = 6.0 + max(6.0, header_lines * max(self.header_fonts) * PT * 1.25 + 2 * PAD + 1)
        self.rows = [_Row(step, i, self._row_height(step)) for i, step in enumerate(sop.steps)]
        self._paginate()

    def _header_font(self, name: str) -> float:
        """A lane header's size: 7pt, smaller where the column is too narrow for its longest word (not below 4.5)."""
        longest = max((text_width(word, 1.0) for word in name.split()), default=1.0)
        return max(4.5, min(FONT_PT, (self.lane_w - 2 * PAD) * 0.92 / longest))

    def _cells(self, step: Step) -> dict[str, str]:
        return {
            "no": step.id,
            "kegiatan": step.kegiatan,
            "kelengkapan": step.kelengkapan or "-",
            "waktu": step.waktu or (f"= {step.waktu_dari}" if step.waktu_dari else "-"),
            "output": step.output or "-",
            "keterangan": self._remarks(step),
        }

    def _remarks(self, step: Step) -> str:
        """The keterangan, with a decision's question and where each option leads."""
        lines = [step.keterangan] if step.keterangan else []
        if step.decision:
            lines.append(step.decision.question)
            for option in step.decision.options:
                where = (
                    _("end ({outcome})").format(outcome=outcome_label(option.end, self.sop))
                    if option.end
                    else f"→ {option.goto}"
                )
                lines.append(f"{option.label}: {where}")
        if step.cabang:
            lines.append(_("→ {ids} at once").format(ids=", ".join(step.cabang)))
        return "\n".join(lines) or "-"

    def _row_height(self, step: Step) -> float:
        text = (
            max(line_count(value, self.widths[key] - 2 * PAD) for key, value in self._cells(step).items()) * LINE
            + 2 * PAD
            + 1.0
        )
        return round(max(text, TOP + DIAMOND_H + BELOW), 1)

    def _paginate(self) -> None:
        room = self.height - self.header_h - 9.0 - 8.0  # the title line, and a margin for rounding
        used, page = 0.0, 0
        for row in self.rows:
            if used and used + row.height > room:
                page, used = page + 1, 0.0
            row.page, row.top = page, used
            used += row.height

    # --- geometry

    def _x(self, role: str) -> float:
        return (self.lane_of[role] + 0.5) * self.lane_w

    def _symbol_w(self) -> float:
        return min(self.lane_w * 0.72, 18.0)

    def _kind(self, step: Step) -> str:
        if step.decision:
            return "decision"
        if step.id == self.sop.steps[0].id or step.end:
            return "terminator"
        return "process"

    def _box(self, row: _Row) -> tuple[float, float, float]:
        """The primary symbol's centre x, top y and bottom y (page coordinates)."""
        h = DIAMOND_H if row.step.decision else SYMBOL_H
        top = row.top + TOP
        return self._x(row.step.pelaksana[0]), top, top + h

    def pages(self) -> list[str]:
        drawings = {row.index: _Drawing() for row in self.rows}
        for row in self.rows:
            self._draw_symbols(row, drawings[row.index])
        self._draw_flow(drawings)
        out = []
        for page in range(self.rows[-1].page + 1):
            rows = [row for row in self.rows if row.page == page]
            out.append(self._page_table(rows, drawings, page))
        return out

    def _draw_symbols(self, row: _Row, drawing: _Drawing) -> None:
        step, kind = row.step, self._kind(row.step)
        w = self._symbol_w()
        _x, top, bottom = self._box(row)
        h = bottom - top
        xs = [self._x(key) for key in step.pelaksana if key in self.lane_of]
        if len(xs) > 1:  # one activity in several lanes: its symbols joined
            drawing.lines.append((min(xs), top + h / 2, max(xs), top + h / 2))
        for x in xs:
            data = f'data-step="{escape(step.id)}"'
            if kind == "decision":
                points = f"{x:.2f},{top:.2f} {x + w / 2:.2f},{top + h / 2:.2f} {x:.2f},{bottom:.2f} {x - w / 2:.2f},{top + h / 2:.2f}"
                drawing.shapes.append(f'<polygon class="decision" {data} points="{points}"/>')
            else:
                radius = h / 2 if kind == "terminator" else 0
                drawing.shapes.append(
                    f'<rect class="{kind}" {data} x="{x - w / 2:.2f}" y="{top:.2f}" width="{w:.2f}" '
                    f'height="{h:.2f}" rx="{radius:.2f}"/>'
                )

    def _draw_flow(self, drawings: dict[int, _Drawing]) -> None:
        """Every arrow: to the next row a line, anywhere else an off-page connector at each end."""
        incoming: dict[int, list[str]] = {}
        for row in self.rows:
            step = row.step
            drawing = drawings[row.index]
            x, top, bottom = self._box(row)
            half = self._symbol_w() / 2
            mid = (top + bottom) / 2
            # Options that lead to the same place share one arrow, their labels joined.
            targets: dict[tuple[str | None, str | None], list[str]] = {}
            for label, goto, end in self.sop.successors(step):
                if end and not step.decision:
                    continue  # the step itself is the terminator
                targets.setdefault((goto, end), []).append(label or "")
            ordered = sorted(targets.items(), key=lambda t: not self._is_near(row, t[0][0]))
            sides = [self._free_side(step), -self._free_side(step)]
            bottom_used = False
            fan = 0
            for (goto, end), labels in ordered:
                text = " / ".join(label for label in labels if label)
                if goto is not None and self._is_near(row, goto) and not bottom_used:
                    bottom_used = True
                    # the label on the side no option leaves from
                    self._label(drawing, text, x - 0.6 * sides[0], bottom + 2.2, "end" if sides[0] > 0 else "start")
                    self._line_to_next(row, goto, drawings)
                    continue
                foot = bottom + 1.6
                if step.decision and sides:
                    side = sides.pop(0)
                    out_x = x + side * min(half + 1.6, self.lane_w / 2 - 0.3)
                    drawing.lines.append((x + side * half, mid, out_x, mid))
                    drawing.lines.append((out_x, mid, out_x, foot))
                    self._label(drawing, text, out_x, mid - 0.7, "start" if side > 0 else "end")
                else:  # out of the bottom, fanned out beside any line to the next row
                    fan += 1
                    shift = (fan if bottom_used else fan - 1) * 5.0 * (1 if fan % 2 else -1)
                    out_x = x + shift
                    drawing.lines.append((x, bottom, x, bottom + 0.8))
                    drawing.lines.append((x, bottom + 0.8, out_x, bottom + 0.8))
                    drawing.lines.append((out_x, bottom + 0.8, out_x, foot))
                    self._label(drawing, text, out_x + 0.6, bottom + 2.2, "start")
                if end:
                    self._terminator(drawing, out_x, foot, outcome_label(end, self.sop))
                else:
                    self._connector(drawing, out_x, foot, str(goto), "out")
                    incoming.setdefault(self.index[str(goto)], []).append(step.id)
        for index, sources in incoming.items():
            row = self.rows[index]
            x, _top, _bottom = self._box(row)
            text = ", ".join(dict.fromkeys(sources))
            w = self._connector_w(text)
            cx = x + 0.6 + w / 2
            self._connector(drawings[index], cx, row.top + 0.3, text, "in")
            entry = self._entry_y(row, cx)
            drawings[index].lines.append((cx, row.top + 0.3 + CONNECTOR, cx, entry))
            self._arrowhead(drawings[index], cx, entry)

    def _is_near(self, row: _Row, goto: str | None) -> bool:
        if goto is None or goto not in self.index:
            return False
        target = self.rows[self.index[goto]]
        return target.index == row.index + 1 and target.page == row.page

    def _free_side(self, step: Step) -> int:
        """Right (1) or left (-1): the side of the primary symbol no joining line leaves from."""
        mine = self.lane_of.get(step.pelaksana[0], 0)
        others = [self.lane_of[key] for key in step.pelaksana[1:] if key in self.lane_of]
        if any(o > mine for o in others) and not any(o < mine for o in others):
            return -1
        if any(o < mine for o in others):
            return 1
        return -1 if mine == len(self.sop.roles) - 1 else 1

    def _entry_y(self, row: _Row, x: float) -> float:
        """Where a line coming straight down at ``x`` meets the row's primary symbol."""
        cx, top, bottom = self._box(row)
        if row.step.decision:
            half = self._symbol_w() / 2
            return top + (bottom - top) / 2 * min(1.0, abs(x - cx) / half)
        return top

    def _line_to_next(self, row: _Row, goto: str, drawings: dict[int, _Drawing]) -> None:
        """Down from the symbol to the row's foot, across to the next step's lane, down into it."""
        target = self.rows[self.index[goto]]
        x, _top, bottom = self._box(row)
        tx, _ttop, _tb = self._box(target)
        bus = row.top + row.height - 1.8
        drawing = drawings[row.index]
        drawing.lines.append((x, bottom, x, bus))
        if abs(tx - x) > 0.01:
            drawing.lines.append((x, bus, tx, bus))
        drawing.lines.append((tx, bus, tx, row.top + row.height))
        entry = self._entry_y(target, tx)
        drawings[target.index].lines.append((tx, target.top, tx, entry))
        self._arrowhead(drawings[target.index], tx, entry)

    def _arrowhead(self, drawing: _Drawing, x: float, y: float) -> None:
        drawing.shapes.append(
            f'<polygon class="arrow" points="{x:.2f},{y:.2f} {x - 0.9:.2f},{y - 1.8:.2f} {x + 0.9:.2f},{y - 1.8:.2f}" '
            'fill="#000" stroke="none"/>'
        )

    def _label(self, drawing: _Drawing, text: str, x: float, y: float, anchor: str) -> None:
        if text:
            # kept inside the lanes: a label by the outermost lane is turned back in rather than cut at the edge
            wide = text_width(text.capitalize(), LABEL_PT)
            if anchor == "start" and x + wide > self.lanes_w - 0.3:
                x, anchor = self.lanes_w - 0.3, "end"
            elif anchor == "end" and x - wide < 0.3:
                x, anchor = 0.3, "start"
            drawing.shapes.append(
                f'<text class="option" x="{x:.2f}" y="{y:.2f}" text-anchor="{anchor}" font-size="{LABEL_PT * PT:.2f}">'
                f"{escape(text.capitalize())}</text>"
            )

    def _connector(self, drawing: _Drawing, x: float, top: float, text: str, kind: str) -> None:
        """An off-page connector: a pentagon pointing down with the step number it leads to (or comes from)."""
        size = LABEL_PT * PT
        w = self._connector_w(text)
        h = CONNECTOR
        points = (
            f"{x - w / 2:.2f},{top:.2f} {x + w / 2:.2f},{top:.2f} {x + w / 2:.2f},{top + h * 0.6:.2f} "
            f"{x:.2f},{top + h:.2f} {x - w / 2:.2f},{top + h * 0.6:.2f}"
        )
        drawing.shapes.append(f'<polygon class="offpage {kind}" data-to="{escape(text)}" points="{points}"/>')
        drawing.shapes.append(
            f'<text x="{x:.2f}" y="{top + h * 0.5:.2f}" text-anchor="middle" font-size="{size:.2f}">'
            f"{escape(text)}</text>"
        )

    def _connector_w(self, text: str) -> float:
        return max(4.0, text_width(text, LABEL_PT) + 1.4)

    def _terminator(self, drawing: _Drawing, x: float, top: float, text: str) -> None:
        """A small terminator for a decision's option that ends the case."""
        w, h = max(4.0, min(self.lane_w - 1.0, 9.0)), 3.2
        drawing.shapes.append(
            f'<rect class="terminator end" x="{x - w / 2:.2f}" y="{top:.2f}" width="{w:.2f}" height="{h:.2f}" '
            f'rx="{h / 2:.2f}"><title>{escape(text)}</title></rect>'
        )

    # --- the page

    def _page_table(self, rows: list[_Row], drawings: dict[int, _Drawing], page: int) -> str:
        sop = self.sop
        cols = ["no", "kegiatan"] + ["lane"] * len(sop.roles) + ["kelengkapan", "waktu", "output", "keterangan"]
        widths = "".join(f'<col style="width:{(self.lane_w if c == "lane" else self.widths[c]):.2f}mm">' for c in cols)
        number, activity, who, standard, remarks = (
            _("No"),
            _("Activity"),
            _("Who acts"),
            _("Service standard"),
            _("Remarks"),
        )  # outside the f-strings, where Babel sees them
        head = (
            f'<tr style="height:6mm"><th rowspan="2">{escape(number)}</th>'
            f'<th rowspan="2">{escape(activity)}</th>'
            f'<th colspan="{len(sop.roles)}">{escape(who)}</th>'
            f'<th colspan="3">{escape(standard)}</th>'
            f'<th rowspan="2">{escape(remarks)}</th></tr>'
            f'<tr style="height:{self.header_h - 6:.1f}mm">'
            + "".join(
                f'<th class="role" style="font-size:{font:.1f}pt">{escape(role.nama)}</th>'
                for role, font in zip(sop.roles, self.header_fonts)
            )
            + f"<th>{escape(_('Inputs'))}</th><th>{escape(_('Time'))}</th><th>{escape(_('Output'))}</th></tr>"
        )
        body = []
        for row in rows:
            cells = self._cells(row.step)
            svg = self._row_svg(row, drawings[row.index])

            def cell(key: str, css: str = "", cells: dict[str, str] = cells) -> str:
                text = "<br>".join(escape(line) for line in cells[key].split("\n"))
                return f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>"

            body.append(
                f'<tr style="height:{row.height:.1f}mm">{cell("no", "no")}{cell("kegiatan")}'
                f'<td class="lanes" colspan="{len(sop.roles)}">{svg}</td>'
                f"{cell('kelengkapan')}{cell('waktu')}{cell('output')}{cell('keterangan')}</tr>"
            )
        heading = _("Flowchart of the SOP: {name}").format(name=sop.nama)
        if sop.nomor:
            heading += f" ({sop.nomor})"
        return (
            f'<section class="flow"><h2>{escape(heading)}</h2>'
            f"<table><colgroup>{widths}</colgroup><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
            "</section>"
        )

    def _row_svg(self, row: _Row, drawing: _Drawing) -> str:
        top, bottom = row.top, row.top + row.height
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.lanes_w:.2f}mm" height="{row.height:.1f}mm" '
            f'viewBox="0 {top:.2f} {self.lanes_w:.2f} {row.height:.2f}" font-family="Liberation Sans, Arial, sans-serif" '
            'fill="#fff" stroke="#000" stroke-width="0.25">'
        ]
        for lane in range(1, len(self.sop.roles)):  # the lanes' borders
            x = lane * self.lane_w
            parts.append(
                f'<line class="lane" x1="{x:.2f}" y1="{top:.2f}" x2="{x:.2f}" y2="{bottom:.2f}" stroke-width="0.2"/>'
            )
        for x1, y1, x2, y2 in drawing.lines:
            y1, y2 = max(min(y1, bottom), top), max(min(y2, bottom), top)
            parts.append(f'<line class="flow" x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}"/>')
        for shape in drawing.shapes:
            if shape.startswith("<text"):
                shape = shape.replace("<text ", '<text fill="#000" stroke="none" ', 1)
            parts.append(shape)
        parts.append("</svg>")
        return "".join(parts)
