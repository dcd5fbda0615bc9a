"""The formulir penanganan gangguan of one complaint as a ``Document``: printed, signed and filed.

Built from ``services.dossier.DossierData`` and written by ``present.publish`` like a report:
text, Markdown, a printable HTML page or a PDF. Each journal entry's hash is shortened in text
(the line stays readable) and whole on paper (``full_hashes``), where an auditor copies it.
"""

from __future__ import annotations

from sopcli.domain.vocabulary import Action, Status
from sopcli.i18n import _
from sopcli.present.casefmt import local, took_text
from sopcli.present.documents import Document, Section, seal_meta
from sopcli.present.labels import action_label, fields_text, status_label
from sopcli.present.render import KEEP, Column, Table
from sopcli.worktime.parse import format_minutes
from sopcli.worktime.periods import long_date

SHORT_HASH = 16  # characters of a hash shown in text


def _status_text(data) -> str:
    label = status_label(data.status)
    return f"{label} ({data.outcome})" if data.outcome and data.outcome.lower() != label.lower() else label


def _who(entry) -> str:
    return (
        f"{entry.actor_name} ({entry.actor})" if entry.actor_name and entry.actor_name != entry.actor else entry.actor
    )


def _step_text(entry) -> str:
    if not entry.step:
        return ""
    return f"{entry.step}. {entry.kegiatan}" if entry.kegiatan else entry.step


def _details(entry) -> str:
    """What the entry says besides its step and time: its fields, the note (a pause's reason), the output."""
    if entry.action == Action.RECEIVED:
        return entry.note or ""
    if entry.action == Action.STEP or entry.action in (
        Action.CHECKED,
        Action.NOTIFIED,
        Action.INFORMED,
        Action.CORRECT,
        Action.UNDO,
        Action.REOPEN,
        Action.TRANSFER,
        Action.APPROVE,
    ):
        recorded = fields_text(entry.action, entry.fields, entry.next_step)
    else:
        recorded = "; ".join(f"{k} = {v}" for k, v in entry.fields.items())
    parts = [part for part in (entry.note or "", recorded) if part]
    if entry.output:
        parts.append(_("output: {output}").format(output=entry.output))
    return " — ".join(parts)


def _timing(entry, day_minutes: int) -> str:
    if entry.action != Action.STEP:
        return ""
    return took_text(entry.took_minutes, entry.standard_minutes, entry.on_time, entry.day_minutes or day_minutes)


def dossier_document(data, config, *, full_hashes: bool = False) -> Document:
    """The dossier of ``data`` as a Document; ``full_hashes`` for paper (HTML, PDF), shortened otherwise."""
    tz, day = data.tz, data.day_minutes
    identity = [
        (_("Number"), data.number),
        (_("Ref"), data.ref or "-"),
        (_("Received"), local(data.received_at, tz)),
        (_("Reporter"), data.reporter),
        (_("Unit"), data.unit),
        (_("System"), data.system),
        (_("Host"), data.host or "-"),
        (_("Channel"), data.channel),
        (_("Priority"), data.priority),
        (_("Description"), data.description),
        ("SOP", f"{data.sop_id} v{data.sop_version} — {data.sop_nama}"),
    ]
    if data.sop_nomor:
        identity.append((_("SOP number"), data.sop_nomor))
    identity.append((_("Status"), _status_text(data)))
    if data.handed_from:
        identity.append((_("Handed over from"), data.handed_from))

    steps = Table(
        columns=[
            Column("#", KEEP),
            Column(_("Time"), KEEP),
            _("Step"),
            _("Who"),
            _("Action"),
            _("Time taken / standard"),
            _("Details"),
        ],
        keys=["seq", "at", "step", "who", "action", "timing", "details"],
        rows=[
            [
                str(e.seq),
                local(e.at, tz),
                _step_text(e),
                _who(e),
                action_label(e.action) + (f": {e.decision}" if e.decision else ""),
                _timing(e, day),
                _details(e),
            ]
            for e in data.entries
        ],
        wrap={2: 30, 3: 18, 5: 24, 6: 36},
        row_styles=["red" if e.on_time is False else None for e in data.entries],
    )

    outcome = [(_("Status"), _status_text(data))]
    if data.status == Status.OPEN:
        outcome.append((_("Current step"), data.current_step or "-"))
        if data.paused_since:
            outcome.append((_("Due"), _("paused since {at}").format(at=local(data.paused_since, tz))))
        else:
            outcome.append((_("Due"), local(data.due_at, tz)))
    else:
        outcome.append((_("Closed"), local(data.closed_at, tz)))
        if data.resolution_minutes is not None:
            total = format_minutes(data.resolution_minutes, day)
            if data.overall_on_time is not None:
                verdict = _("on time") if data.overall_on_time else _("late")
                total += f" / {data.overall_standard} ({verdict})"
            outcome.append((_("Working time taken"), total))
    late_steps = [e for e in data.entries if e.on_time is False]
    outcome.append(
        (
            _("Steps late"),
            ", ".join(e.step or "" for e in late_steps) if late_steps else _("none"),
        )
    )
    if data.handed_to:
        outcome.append((_("Handed over to"), ", ".join(data.handed_to)))

    def shown_hash(value: str) -> str:
        return value if full_hashes or len(value) <= SHORT_HASH else value[:SHORT_HASH] + "…"

    trail = Table(
        columns=[Column("#", KEEP), Column(_("Time"), KEEP), _("Action"), Column(_("Hash"), KEEP)],
        keys=["seq", "at", "action", "hash"],
        rows=[[str(e.seq), local(e.at, tz), action_label(e.action), shown_hash(e.hash)] for e in data.entries],
    )
    seals = Table(
        columns=[Column(_("Day"), KEEP), _("Seal")],
        keys=["day", "seal"],
        rows=[[f"{seal.day:%d/%m/%Y}", seal_meta(seal, one_day=True)[1]] for seal in data.seals],
    )
    signers = Table(
        columns=[_("Operator"), _("Name"), _("Steps completed")],
        keys=["operator", "name", "steps"],
        rows=[[p.operator, p.name or "", ", ".join(p.steps)] for p in data.pelaksana],
    )
    return Document(
        title=_("Disruption handling form"),
        period=data.number,
        office=data.office,
        meta=[(_("Made"), local(data.made_at, tz))],
        sections=[
            Section(_("Complaint"), Table(columns=[_("Item"), _("Value")], rows=[list(r) for r in identity])),
            Section(
                _("Handling, step by step"),
                steps,
                _("No journal entries."),
                note=_("Times are working time, against the SOP's time standard."),
            ),
            Section(_("Outcome"), Table(columns=[_("Item"), _("Value")], rows=[list(r) for r in outcome])),
            Section(
                _("Journal trail"),
                trail,
                _("No journal entries."),
                note=_("'sop verify' checks each hash against the journal's chain."),
            ),
            Section(
                _("Seals of the days"),
                seals,
                _("No journal entries."),
                note=_("A day's seal digest, as written on its signed jurnal harian."),
            ),
            Section(_("Pelaksana"), signers, _("No step has been completed yet.")),
        ],
        signature_day=long_date(data.made_at.astimezone(tz).date()),
        signers=[(_("Pelaksana"), p.name or p.operator) for p in data.pelaksana],
    )
