"""How a complaint looks at the terminal: the step card, the timeline, the list."""

from __future__ import annotations

from datetime import datetime

from sopcli.i18n import _, format_number


def local(moment: datetime | None, tz) -> str:
    """``20/11/2026 08:15 WIB``: the office's local time, as officers write it."""
    if moment is None:
        return "-"
    shown = moment.astimezone(tz)
    return f"{shown:%d/%m/%Y %H:%M} {shown.tzname()}"


def took_text(took: float | None, standard: int | None, on_time: bool | None, day_minutes: int) -> str:
    from sopcli.worktime.parse import format_minutes

    if took is None:
        return ""
    spent = format_minutes(took, day_minutes)
    if standard is None:
        return spent
    verdict = _("on time") if on_time else _("late by {late}").format(late=format_minutes(took - standard, day_minutes))
    return f"{spent} / {format_minutes(standard, day_minutes)} ({verdict})"


def time_left_text(card) -> tuple[str, bool]:
    """(text, late?) for the card's time-left line."""
    from sopcli.worktime.parse import format_minutes

    day_minutes = card.day_minutes
    if card.paused:
        return _("paused: the clock is stopped"), False
    if card.minutes_left is None:
        return _("no time standard"), False
    if card.minutes_left < 0:
        return _("LATE by {late} of working time").format(late=format_minutes(-card.minutes_left, day_minutes)), True
    return _("{left} of working time left").format(left=format_minutes(card.minutes_left, day_minutes)), False


def age_text(card) -> str:
    """How long ago the complaint came in: working time, and calendar days once there is one."""
    from sopcli.worktime.parse import format_minutes

    working = format_minutes(card.age_minutes, card.day_minutes)
    if card.age_days == 0:
        return _("{working} of working time").format(working=working)
    if card.age_days == 1:
        return _("{working} of working time (1 calendar day)").format(working=working)
    return _("{working} of working time ({days} calendar days)").format(
        working=working, days=format_number(card.age_days)
    )


def card_json(card, tz) -> dict:
    """The step card for scripts (``sop next N --show --json``): what ``print_card`` shows, times with offset."""

    def t(moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(tz).isoformat()

    step = card.step
    decision = step.decision
    return {
        "number": card.case.number,
        "sop": {"id": card.sop.id, "version": card.case.sop_version, "nama": card.sop.nama},
        "unit": card.case.unit,
        "system": card.case.system,
        "description": card.case.description,
        "reporter": card.case.reporter,
        "priority": card.case.priority,
        "received_at": t(card.case.received_at),
        "age_working_minutes": round(card.age_minutes, 2),
        "age_calendar_days": card.age_days,
        "step": step.id,
        "position": card.position,
        "total": card.total,
        "kegiatan": step.kegiatan,
        "who": card.who,
        "kelengkapan": step.kelengkapan or None,
        "waktu": card.standard_text,
        "waktu_dari": step.waktu_dari,
        "waktu_prioritas": card.standard_priority,
        "standard_minutes": card.standard_minutes,
        "due_at": t(card.due_at),
        "minutes_left": card.minutes_left,
        "late": card.minutes_left is not None and card.minutes_left < 0 and not card.paused,
        "paused": card.paused,
        "output": step.output or None,
        "keterangan": step.keterangan or None,
        "decision": None
        if decision is None
        else {
            "question": decision.question,
            "options": [
                {"label": o.label, "meaning": o.meaning, "goto": o.goto, "end": o.end} for o in decision.options
            ],
        },
        "fields": [{"key": f.key, "meaning": f.meaning, "type": f.type, "required": f.required} for f in step.fields],
        "other_steps": list(card.other_steps),
        "diinformasikan": list(step.diinformasikan),
        "persetujuan": list(step.persetujuan),
        "checks": [check.model_dump(mode="json", by_alias=True, exclude_none=True) for check in step.checks],
        "signed": list(card.signed),
        "to_sign": list(card.to_sign),
    }


def print_card(card, tz, terminal=None, *, stderr: bool = False) -> None:
    """The current step as a card: who acts, what to do, with what, by when (on standard error with ``stderr``).

    Every text is a ``Text``, never markup: an SOP's or a reporter's square brackets are shown as written.
    """
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from sopcli.present.render import console, visible

    def text(value: str, style: str = "") -> Text:
        return Text(visible(value), style=style)

    step, sop = card.step, card.sop
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row(_("Description"), text(card.case.description))
    grid.add_row(_("Reporter"), text(f"{card.case.reporter} · {card.case.unit}"))
    grid.add_row(_("Age"), age_text(card))
    grid.add_row(_("Activity"), text(step.kegiatan))
    grid.add_row(_("Who acts"), text(card.who))
    if step.kelengkapan:
        grid.add_row(_("Inputs"), text(step.kelengkapan))
    standard = card.standard_text or (_("set by field {key}").format(key=step.waktu_dari) if step.waktu_dari else "-")
    if card.standard_priority:
        standard += " " + _("(for priority {priority})").format(priority=card.standard_priority)
    grid.add_row(_("Time standard"), text(standard))
    if card.due_at:
        grid.add_row(_("Due"), local(card.due_at, tz))
    left, late = time_left_text(card)
    grid.add_row(_("Time left"), text(left, "bold red" if late else ""))
    if step.output:
        grid.add_row(_("Output"), text(step.output))
    if step.keterangan:
        grid.add_row(_("Remarks"), text(step.keterangan, "dim"))
    if step.decision:
        grid.add_row(_("Decision"), text(step.decision.question))
        for number, option in enumerate(step.decision.options, 1):  # the number is an answer too
            target = (option.goto and _("step {id}").format(id=option.goto)) or _("end: {outcome}").format(
                outcome=_outcome(option.end, sop)
            )
            grid.add_row(
                "",
                Text(f"{number}. ")
                + text(option.label, "cyan")
                + f" — {visible(option.meaning)} "
                + text(f"(→ {target})", "dim"),
            )
    for check in step.checks:  # run by 'sop next' before the decision is asked
        from sopcli.domain.checks import describe

        grid.add_row(_("Check"), text(describe(check)))
    for spec in step.fields:
        grid.add_row(_("Field"), text(f"{spec.key}: {spec.meaning}" + ("" if spec.required else _(" (optional)"))))
    if step.diinformasikan:
        grid.add_row(_("Inform"), text(", ".join(sop.role_name(role) for role in step.diinformasikan)))
    if step.persetujuan:
        signatures = [f"{name} ✓" for name in card.signed] + [
            _("{role} (not yet)").format(role=sop.role_name(role)) for role in card.to_sign
        ]
        grid.add_row(_("Signed off by"), text(", ".join(signatures)))
    if card.other_steps:
        grid.add_row(_("Also running"), text(", ".join(_("step {id}").format(id=i) for i in card.other_steps)))
    if step.id == str(card.position):
        title = _("{number} · step {id} of {total}").format(number=card.case.number, id=step.id, total=card.total)
    else:  # the id is what --step and the journal use; the position tells how far along it is
        title = _("{number} · step {id} ({n} of {total})").format(
            number=card.case.number, id=step.id, n=card.position, total=card.total
        )
    console(stderr=stderr, terminal=terminal).print(
        Panel(
            grid,
            title=text(title),
            subtitle=text(f"{sop.id} · {card.case.unit} · {card.case.system}"),
            border_style="red" if late else "cyan",
        )
    )


def _outcome(outcome: str | None, sop) -> str:
    from sopcli.definitions.flowchart import outcome_label

    return outcome_label(outcome or "", sop)


def _status_text(view) -> str:
    """The status, with the SOP's own words for how it ended where they say more ("ditolak (Bukan gangguan …)")."""
    from sopcli.present.labels import status_label

    label = status_label(view.status)
    return f"{label} ({view.outcome})" if view.outcome and view.outcome.lower() != label.lower() else label


def print_case(view, tz, terminal=None) -> None:
    """``sop show``: the complaint, then its timeline with time taken against the standard."""
    from sopcli.domain.vocabulary import Action, Status
    from sopcli.present import render
    from sopcli.present.labels import action_label, fields_text
    from sopcli.present.render import KEEP, Column
    from sopcli.worktime.parse import format_minutes

    day_minutes = view.day_minutes
    header = [
        (_("Number"), view.number),
        (_("Status"), _status_text(view)),
        (_("SOP"), f"{view.sop_id} v{view.sop_version} — {view.sop_name}"),
        (_("Received"), local(view.received_at, tz)),
        (_("Reporter"), view.reporter),
        (_("Unit"), view.unit),
        (_("System"), view.system + (f" ({view.host})" if view.host else "")),
        (_("Channel"), view.channel),
        (_("Priority"), view.priority),
        (_("Ref"), view.ref or "-"),
        (_("Description"), view.description),
    ]
    if view.handed_from:
        header.append((_("Handed over from"), view.handed_from))
    if view.handed_to:
        header.append((_("Handed over to"), ", ".join(view.handed_to)))
    if view.status == Status.OPEN and len(view.step_deadlines) > 1:  # a fork's branches: each its own deadline
        header.append((_("Current steps"), ", ".join(view.step_deadlines)))
        for step_id, due in view.step_deadlines.items():
            when = (
                _("paused since {at}").format(at=local(view.paused_since, tz)) if view.paused_since else local(due, tz)
            )
            header.append((_("Step {id} due").format(id=step_id), when))
    elif view.status == Status.OPEN:
        header.append((_("Current step"), view.current_step))
        header.append(
            (
                _("Due"),
                _("paused since {at}").format(at=local(view.paused_since, tz))
                if view.paused_since
                else local(view.due_at, tz),
            )
        )
    else:
        header.append((_("Closed"), local(view.closed_at, tz)))
        if view.resolution_minutes is not None:
            total = format_minutes(view.resolution_minutes, day_minutes)
            if view.overall_on_time is not None:
                verdict = _("on time") if view.overall_on_time else _("late")
                total += f" / {view.overall_standard} ({verdict})"
            header.append((_("Working time taken"), total))
    render.print_table(
        render.Table(columns=[Column(_("Complaint"), KEEP), ""], rows=[list(r) for r in header], wrap={1: 80}),
        terminal=terminal,
    )
    print()
    rows, styles = [], []
    for entry in view.journal:
        recorded = local(entry.recorded_at, tz) if abs((entry.recorded_at - entry.at).total_seconds()) >= 60 else ""
        detail = entry.note or ""
        if entry.action == Action.RECEIVED:
            detail = ""
        fields = fields_text(entry.action, entry.fields, entry.next_step)
        rows.append(
            [
                str(entry.seq),  # a number that names the entry, not a quantity
                local(entry.at, tz),
                recorded,
                entry.actor,
                action_label(entry.action),
                entry.step or "",
                entry.decision or "",
                fields,
                detail,
                entry.output or "",
                took_text(entry.took_minutes, entry.standard_minutes, entry.on_time, entry.day_minutes or day_minutes)
                if entry.action == Action.STEP
                else "",
            ]
        )
        styles.append("red" if entry.on_time is False else None)
    render.print_table(
        render.Table(
            columns=[
                Column("#", KEEP),
                Column(_("Happened"), KEEP),
                Column(_("Recorded"), KEEP, drop=1),
                _("By"),
                _("Action"),
                Column(_("Step"), KEEP),
                Column(_("Decision"), KEEP),
                _("Fields"),
                _("Note"),
                _("Output"),
                _("Time taken / standard"),
            ],
            rows=rows,
            row_styles=styles,
            title=_("Timeline"),
            wrap={8: 30, 10: 28},
        ),
        terminal=terminal,
    )
