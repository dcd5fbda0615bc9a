"""``sop sops``: the SOP definitions — list, show, validate, draw, simulate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sopcli.cli.options import JsonOption, ModeOption, NoPagerOption, OutputOption
from sopcli.cli.state import terminal_of

app = typer.Typer(
    help="SOP definitions: list, show, validate, draw and simulate them.",
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
)

SopArgument = Annotated[
    str, typer.Argument(help="A built-in SOP id (see 'sop sops list') or a path to a .toml file.", metavar="ID|FILE")
]


@app.command("list")
def list_sops(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the built-in SOPs.

    Example: sop sops list
    """
    from sopcli.definitions.loader import builtin_ids, load
    from sopcli.i18n import _
    from sopcli.present import render

    rows = []
    for sop_id in builtin_ids():
        sop = load(sop_id).definition
        rows.append([sop.id, sop.nomor, sop.nama, sop.instansi, len(sop.steps), sop.version])
    keys = ["id", "nomor", "nama", "instansi", "steps", "version"]
    if as_json:
        render.print_json([dict(zip(keys, row)) for row in rows])
        return
    render.print_table(
        render.Table(
            columns=[_("Id"), _("Number"), _("Name"), _("Agency"), _("Steps"), _("Version")],
            rows=rows,
            keys=keys,
            wrap={2: 40, 3: 40},
        ),
        terminal=terminal_of(ctx),
    )


@app.command("show")
def show(
    ctx: typer.Context,
    reference: SopArgument,
    as_json: JsonOption = False,
    no_pager: NoPagerOption = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="html or pdf: the official sheet (Permen PAN-RB 35/2012), landscape (default: from -o's extension, "
            "else the terminal view).",
            metavar="html|pdf",
        ),
    ] = None,
    output: OutputOption = None,
    paper: Annotated[
        str, typer.Option("--paper", help="Paper of the sheet: a4 or f4 (215 × 330 mm).", metavar="a4|f4")
    ] = "a4",
    mode: ModeOption = None,
) -> None:
    """Show an SOP as the document lays it out: identity sheet, then the flowchart table.

    With --format html or pdf (or -o FILE.html / FILE.pdf) it is the official sheet of Permen PAN-RB 35/2012:
    the identity page, then the flowchart table with a lane per pelaksana, landscape on A4 or F4.

    Example: sop sops show kaltim-db --format pdf -o sop-kaltim.pdf --paper f4
    """
    from sopcli.definitions.loader import load
    from sopcli.present import render
    from sopcli.present.pager import paged

    sheet = _sheet_format(fmt, output, paper)
    loaded = load(reference)
    if sheet is not None:
        _write_sheet(loaded.definition, sheet, output, paper, mode)
        return
    if as_json:
        # by_alias: a check's pass/fail under the names the file gives them
        render.print_json(loaded.definition.model_dump(mode="json", by_alias=True) | {"digest": loaded.digest})
        return
    terminal = terminal_of(ctx)
    with paged(terminal, not no_pager):
        _print_identity(loaded.definition, terminal)
        render.print_table(_flowchart_table(loaded.definition), terminal=terminal)
        readings = _readings_table(loaded.definition)
        if readings.rows:
            print()
            render.print_table(readings, terminal=terminal)


def _sheet_format(fmt: str | None, output: str | None, paper: str) -> str | None:
    """html or pdf when the sheet is wanted, None for the terminal view; checked before anything is read."""
    import os

    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.present.sopsheet import PAPERS

    if paper not in PAPERS:
        raise InputError(_("unknown paper {paper!r}").format(paper=paper), _("choose a4 or f4"))
    if fmt is None and output is not None:
        fmt = {".html": "html", ".htm": "html", ".pdf": "pdf"}.get(os.path.splitext(output)[1].lower())
        if fmt is None:
            raise InputError(
                _("cannot tell the format of {path}").format(path=output),
                _("give --format, or a name ending in {extensions}").format(extensions=".html|.pdf"),
            )
    if fmt is not None and fmt.lower() not in ("html", "pdf"):
        raise InputError(_("unknown format {fmt!r}").format(fmt=fmt), _("choose {formats}").format(formats="html, pdf"))
    return fmt.lower() if fmt else None


def _write_sheet(sop, fmt: str, output: str | None, paper: str, mode: str | None) -> None:
    """The sheet to ``output`` (or standard output); laid out in full first, so a failure leaves no file."""
    import sys

    from sopcli import config
    from sopcli.errors import InputError
    from sopcli.files.output import file_mode, output_file
    from sopcli.i18n import _
    from sopcli.present.sopsheet import sop_sheet_html, sop_sheet_pdf

    settings = config.load()
    if fmt == "pdf":
        if output is None and sys.stdout.isatty():
            raise InputError(_("a PDF is not shown on a terminal"), _("give -o FILE.pdf"))
        data = sop_sheet_pdf(sop, settings, paper)
    else:
        data = sop_sheet_html(sop, settings, paper).encode("utf-8")
    permissions = file_mode(mode)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    with output_file(output, binary=True, mode=permissions) as out:
        out.write(data)
    typer.echo(_("Written to {path}.").format(path=output), err=True)


def _print_identity(sop, terminal) -> None:
    from sopcli.i18n import _
    from sopcli.present import render

    def joined(items) -> str:
        return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1)) if len(items) > 1 else "".join(items)

    rows = [
        (_("SOP number"), sop.nomor),
        (_("SOP name"), sop.nama),
        (_("Agency"), sop.instansi),
        (_("Unit"), sop.unit),
        (_("Date made"), sop.tanggal_pembuatan),
        (_("Date revised"), sop.tanggal_revisi),
        (_("Date effective"), sop.tanggal_efektif),
        (_("Approved by"), sop.disahkan_oleh),
        (_("Drawn up by"), sop.disusun_oleh),
        (_("Person in charge"), sop.penanggung_jawab),
        (_("Purpose"), sop.tujuan),
        (_("Introduction"), sop.pengantar),
        (_("Legal basis"), joined(sop.dasar_hukum)),
        (_("Staff qualifications"), joined(sop.kualifikasi_pelaksana)),
        (_("Related SOPs"), joined(sop.keterkaitan)),
        (_("Equipment"), joined(sop.peralatan)),
        # With each role's key: the key is what 'sop operator add --role' and the TOML's pelaksana take.
        (
            _("Who acts"),
            joined(
                [f"{role.nama} ({role.key})" + (" — " + _("outside party") if role.luar else "") for role in sop.roles]
            ),
        ),
        (_("Chain of command"), joined(_chains(sop))),
        (_("Warning"), sop.peringatan),
        (_("Records and data"), sop.pencatatan),
        (_("Overall time standard"), sop.waktu),
        (_("Step time standards by priority"), _by_priority(sop.waktu_prioritas)),
        (_("Calendar"), _("working time") if sop.calendar == "office" else "24x7"),
        (_("Version"), sop.version),
        (_("Outcomes"), joined([_outcome_text(o) for o in sop.outcomes])),
        (_("How the document was read"), sop.catatan_transkripsi),
    ]
    render.print_table(
        render.Table(
            columns=[render.Column(sop.id, render.KEEP), ""], rows=[list(r) for r in rows if r[1]], wrap={1: 80}
        ),
        terminal=terminal,
    )
    print()


def _chains(sop) -> list[str]:
    """The chain of command by role names: a line from each role no one answers to, up to the top.

    A line stops at the first role an earlier line showed, so each role's atasan is shown once.
    """
    superior = {role.key: role.atasan for role in sop.roles}

    def upwards(key: str) -> list[str]:
        chain = [key]
        while (above := superior.get(chain[-1])) is not None and above not in chain:
            chain.append(above)
        return chain

    below = {role.atasan for role in sop.roles if role.atasan}
    full = [upwards(role.key) for role in sop.roles if role.atasan and role.key not in below]
    shown: set[str] = set()
    lines = []
    acts = {role.key: sum(role.key in step.pelaksana for step in sop.steps) for role in sop.roles}
    # the longest first; of those as long, the one whose first role does most of the steps
    for chain in sorted(full, key=lambda chain: (-len(chain), -acts[chain[0]])):
        cut = next((i for i, key in enumerate(chain) if i and key in shown), len(chain) - 1)
        lines.append(" → ".join(map(sop.role_name, chain[: cut + 1])))
        shown |= set(chain)
    return lines


def _flowchart_table(sop):
    from sopcli.i18n import _
    from sopcli.present import render

    columns = [
        render.Column(_("No"), render.KEEP),
        _("Activity"),
        *(render.Column(role.nama, render.KEEP) for role in sop.roles),  # one lane per pelaksana: ■ or ◆
        _("Inputs"),
        _("Time"),
        _("Output"),
        _("Next"),
    ]
    rows = []
    for step in sop.steps:
        marks = []
        for role in sop.roles:
            if role.key not in step.pelaksana:
                marks.append("")
            else:
                marks.append("◆" if step.decision else "■")
        rows.append(
            [
                step.id,
                step.kegiatan,
                *marks,
                step.kelengkapan,
                _time_text(step),
                step.output,
                _next_text(sop, step),
            ]
        )
    wrap = {1: 44, len(columns) - 4: 20, len(columns) - 2: 20, len(columns) - 1: 22}
    wrap.update({2 + i: 10 for i in range(len(sop.roles))})
    return render.Table(columns=columns, rows=rows, wrap=wrap, title=sop.nama)


def _outcome_text(outcome) -> str:
    from sopcli.definitions.flowchart import outcome_label

    return f"{outcome.label} ({outcome.id}): {outcome_label(outcome.kind)}"


def _readings_table(sop):
    """Each step's keterangan, and each decision's question with every option's meaning and where it leads."""
    from sopcli.definitions.flowchart import outcome_label
    from sopcli.domain.checks import describe as describe_check
    from sopcli.i18n import _
    from sopcli.present import render

    rows = []
    for step in sop.steps:
        number = step.id
        if step.keterangan:
            rows.append([number, _("Remarks"), step.keterangan])
            number = ""
        if step.gabung:
            waits = (
                _("waits for every branch") if step.gabung == "semua" else _("starts with the first branch to arrive")
            )
            rows.append([number, _("Join"), waits])
            number = ""
        if step.diinformasikan:
            rows.append([number, _("Inform"), ", ".join(map(sop.role_name, step.diinformasikan))])
            number = ""
        if step.persetujuan:
            rows.append(
                [
                    number,
                    _("Signed off by"),
                    _("each of: {roles}").format(roles=", ".join(map(sop.role_name, step.persetujuan))),
                ]
            )
            number = ""
        if step.reminders is not None:
            rows.append([number, _("Reminders"), ", ".join(map(_threshold_text, step.reminders)) or _("none")])
            number = ""
        if step.escalate is not None:
            rows.append(
                [number, _("Escalation"), "\n".join(_escalation_text(sop, step, e) for e in step.escalate) or _("none")]
            )
            number = ""
        for check in step.checks:
            rows.append([number, _("Check"), describe_check(check)])
            number = ""
        if step.decision is None:
            continue
        rows.append([number, _("Decision"), step.decision.question])
        for option in step.decision.options:
            if option.end:
                target = _("end ({outcome})").format(outcome=outcome_label(option.end, sop))
            else:
                target = f"→ {option.goto}"
            rows.append(["", option.label, f"{target}: {option.meaning}" if option.meaning else target])
    return render.Table(
        columns=[render.Column(_("No"), render.KEEP), "", ""],
        rows=rows,
        wrap={1: 16, 2: 90},
        title=_("Remarks and decisions"),
    )


def _threshold_text(text: str) -> str:
    """``50%`` as written; ``1 jam`` as the time before the deadline it is."""
    from sopcli.i18n import _
    from sopcli.worktime.parse import parse_threshold

    threshold = parse_threshold(text)
    return threshold.text if threshold.percent is not None else _("{time} before the deadline").format(time=text)


def _escalation_text(sop, step, escalation) -> str:
    """``100% → Pejabat Administrator Bidang TIK``; ``atasan`` with the superiors it reaches from this step."""
    from sopcli.definitions.schema import ESCALATE_HEAD, ESCALATE_SUPERIOR
    from sopcli.i18n import _

    if escalation.to == ESCALATE_SUPERIOR:
        superior = {role.key: role.atasan for role in sop.roles}
        above = dict.fromkeys(superior[key] for key in step.pelaksana if superior.get(key))
        to = _("the superior of whoever acts")
        if above:
            to += f" ({', '.join(sop.role_name(key) for key in above)})"
    elif escalation.to == ESCALATE_HEAD:
        to = _("the head of office")
    else:
        to = sop.role_name(escalation.to)
    return f"{_threshold_text(escalation.at)} → {to}"


def _time_text(step) -> str:
    """The Time cell: the standard as written, its table by priority, from when and in which hours it counts."""
    from sopcli.i18n import _

    lines = [step.waktu or (f"= {step.waktu_dari}" if step.waktu_dari else "-")]
    if step.waktu_prioritas:
        lines.append(_by_priority(step.waktu_prioritas))
    if step.waktu_sejak:
        lines.append(_("from {moment}").format(moment=step.waktu_sejak))
    if step.jam == "kalender":
        lines.append(_("clock hours"))
    return "\n".join(lines)


def _by_priority(table) -> str:
    return "\n".join(f"{priority}: {text}" for priority, text in table.items()) if table else ""


def _next_text(sop, step) -> str:
    from sopcli.definitions.flowchart import outcome_label
    from sopcli.i18n import _

    if step.cabang:
        return _("→ {ids} at once").format(ids=", ".join(step.cabang))
    parts = []
    for label, goto, end in sop.successors(step):
        target = _("end ({outcome})").format(outcome=outcome_label(end, sop)) if end else f"→ {goto}"
        parts.append(f"{label}: {target}" if label else target)
    return "; ".join(parts)


@app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="SOP definition files to check.", metavar="FILE...")],
) -> None:
    """Check SOP files: OK per valid file, every problem with its location otherwise.

    Exits 1 if any file is invalid.

    Example: sop sops validate sample_data/contoh-sop.toml
    """
    from sopcli.definitions.loader import check_text, refuse_too_large
    from sopcli.errors import DefinitionError, ExitCode, os_reason
    from sopcli.i18n import _

    invalid = False
    for path in files:
        try:
            refuse_too_large(path)
            problems = [p.located(str(path)) for p in check_text(path.read_text(encoding="utf-8"), str(path))]
        except DefinitionError as exc:
            problems = [str(exc)]
        except UnicodeDecodeError:
            problems = [_("{path}: not UTF-8 text").format(path=path)]
        except OSError as exc:
            problems = [_("{path}: cannot read: {reason}").format(path=path, reason=os_reason(exc))]
        if problems:
            invalid = True
            for problem in problems:
                typer.echo(problem)
        else:
            typer.echo(_("{path}: OK").format(path=path))
    if invalid:
        raise typer.Exit(ExitCode.ERROR)


@app.command("graph")
def graph(
    reference: SopArgument,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="mermaid (renders in Markdown viewers) or dot (Graphviz).", metavar="mermaid|dot"
        ),
    ] = "mermaid",
) -> None:
    """Draw the SOP's flowchart: a lane per pelaksana, decisions as diamonds, loops visible.

    Example: sop sops graph ipas-pemulihan --format mermaid
    """
    from sopcli.definitions.flowchart import to_dot, to_mermaid
    from sopcli.definitions.loader import load

    writers = {"mermaid": to_mermaid, "dot": to_dot}
    if fmt not in writers:
        from sopcli.i18n import _

        raise typer.BadParameter(_("{fmt!r}: choose mermaid or dot").format(fmt=fmt), param_hint="--format")
    typer.echo(writers[fmt](load(reference).definition), nl=False)


@app.command("path")
def path(ctx: typer.Context, reference: SopArgument, as_json: JsonOption = False) -> None:
    """Simulate the SOP: shortest and longest loop-free path to each end, with total standard time.

    Times are working time; a working day counts as the office's usual day.

    Example: sop sops path kaltim-db
    """
    from sopcli import config
    from sopcli.definitions.flowchart import outcome_label, simulate
    from sopcli.definitions.loader import load
    from sopcli.i18n import _
    from sopcli.present import render
    from sopcli.services.settings import calendar_for
    from sopcli.worktime.parse import format_standard_range

    sop = load(reference).definition
    day = calendar_for(sop, config.load()).day_minutes
    results = simulate(sop, day)
    records, rows = [], []
    for outcome, (shortest, longest) in results.items():
        for kind, found in (("shortest", shortest), ("longest", longest)):
            route = " → ".join(_route(found))
            total = format_standard_range(found.low_minutes, found.high_minutes, day)
            extra = []
            if found.open_ended:
                extra.append(_("+ estimate at step {steps}").format(steps=", ".join(found.open_ended)))
            if found.unstandardised:
                extra.append(_("steps without standard: {steps}").format(steps=", ".join(found.unstandardised)))
            kind_label = {"shortest": _("shortest"), "longest": _("longest")}[kind]
            rows.append([outcome_label(outcome, sop), kind_label, len(found.steps), route, " ".join([total, *extra])])
            records.append(
                {
                    "outcome": outcome,
                    "kind": kind,
                    "steps": list(found.steps),
                    "decisions": [{"step": s, "option": o} for s, o in found.choices],
                    "min_minutes": found.low_minutes,
                    "max_minutes": found.high_minutes,
                    "estimated_steps": list(found.open_ended),
                    "steps_without_standard": list(found.unstandardised),
                }
            )
    if as_json:
        render.print_json({"sop": sop.id, "day_minutes": day, "paths": records})
        return
    render.print_table(
        render.Table(
            columns=[_("End"), _("Path"), _("Steps"), _("Route"), _("Standard time")],
            rows=rows,
            title=sop.nama,
            wrap={3: 60, 4: 40},
        ),
        terminal=terminal_of(ctx),
    )


def _route(found) -> list[str]:
    choices = dict(found.choices)
    return [f"{s} [{choices[s]}]" if s in choices else s for s in found.steps]
