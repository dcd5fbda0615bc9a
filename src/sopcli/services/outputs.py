"""The documents a complaint's steps produce (``[[dokumen]]``), filled from its record: ``sop doc N [DOC]``.

A document belongs to the step that produces it: it is filled from that
step's journal entry (who, when, the decision, the values recorded, the note)
and the complaint, so a copy printed later reads as it would have on the day.
Every copy written is journaled with its file name and SHA-256
(``document``), and ``sop verify --document FILE`` finds a printed copy's entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sopcli.domain import engine
from sopcli.domain.vocabulary import Action
from sopcli.errors import InputError, NotFoundError
from sopcli.i18n import _
from sopcli.services.runtime import Runtime

# The journal fields of a ``document`` entry.
DOCUMENT_ID, FILE_NAME, SHA256 = "dokumen", "berkas", "sha256"
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass
class DocumentState:
    """One document of a complaint's SOP, and where the complaint stands with it."""

    id: str
    title: str
    step: str
    kegiatan: str
    done_at: datetime | None  # when its step was done (None: not yet)
    when: str | None = None  # the decision it is written for (C-02 or C-03), if any
    printed: int = 0  # copies journaled as written


@dataclass
class Signer:
    role: str  # the lane's name: the signer's jabatan
    name: str | None
    nip: str | None


@dataclass
class FilledDocument:
    """A template and everything it is filled with; ``present.letters`` lays it out."""

    template: Any  # definitions.schema.DocumentTemplate
    number: str
    context: dict[str, Any]
    values: list[tuple[str, str, str]]  # the template's isian: (path, the SOP's meaning of a field or "", value)
    signers: list[Signer]
    day: datetime

    @property
    def file_stem(self) -> str:
        return f"{self.number}-{self.template.id}"


def documents_of(rt: Runtime, number: str) -> tuple[str, list[DocumentState]]:
    """The complaint's number and every document its SOP's steps produce: written, due, or not reached."""
    with rt.ready_database().transaction() as session:
        complaint, sop, journal = _record(session, rt, number)
        printed: dict[str, int] = {}
        for entry in journal:
            if entry.action == Action.DOCUMENT:
                key = entry.fields.get(DOCUMENT_ID, "").lower()
                printed[key] = printed.get(key, 0) + 1
        states = []
        for step in sop.steps:
            for document_id in step.dokumen:
                template = sop.document(document_id)
                if template is None:
                    continue
                done = _producing_entry(journal, step.id, template)
                states.append(
                    DocumentState(
                        template.id,
                        template.judul,
                        step.id,
                        step.kegiatan,
                        done.at if done else None,
                        template.keputusan,
                        printed.get(template.id.lower(), 0),
                    )
                )
        return complaint.number, states


def fill(rt: Runtime, number: str, document_id: str) -> FilledDocument:
    """The document ``document_id`` of the complaint, filled from the entry of the step that produced it.

    Raises:
        NotFoundError: no such complaint, or its SOP has no such document.
        InputError: the step that produces it is not done yet (or was done with the other decision).
    """
    from sopcli.services.operators import roles_of
    from sopcli.store import operators

    with rt.ready_database().transaction() as session:
        complaint, sop, journal = _record(session, rt, number)
        template = sop.document(document_id)
        if template is None:
            known = ", ".join(d.id for d in sop.dokumen) or "-"
            raise NotFoundError(
                _("{sop} has no document {id}").format(sop=sop.id, id=document_id),
                _("its documents: {ids}; 'sop doc {number}' lists them").format(ids=known, number=complaint.number),
            )
        step = next((s for s in sop.steps if template.id in s.dokumen), None)
        entry = _producing_entry(journal, step.id, template) if step else None
        if step is None or entry is None:
            waits = (
                _("{id} is written when step {step} is done with the decision {option}; it has not been").format(
                    id=template.id, step=step.id if step else "?", option=template.keputusan
                )
                if template.keputusan
                else _("{id} is written when step {step} is done; it is not done yet").format(
                    id=template.id, step=step.id if step else "?"
                )
            )
            raise InputError(
                waits, _("'sop doc {number}' lists what can be written now").format(number=complaint.number)
            )
        names = {o.name: o for o in operators.everyone(session)}
        signers = []
        for role in template.ttd:
            acted = entry.actor if role in roles_of(session, entry.actor) else None
            holder = acted or next((o.name for o in names.values() if role in json.loads(o.roles)), None)
            operator = names.get(holder) if holder else None
            signers.append(
                Signer(
                    sop.role_name(role),
                    (operator.display_name or operator.name) if operator else None,
                    operator.nip if operator else None,
                )
            )
        context = _context(rt, complaint, sop, journal, entry, template, names)
        meanings = {f.key: f.meaning for s in sop.steps for f in s.fields}
        values = [(path, meanings.get(path.partition(".")[2], ""), _value(context, path)) for path in template.isian]
        return FilledDocument(template, complaint.number, context, values, signers, entry.at)


def _record(session, rt: Runtime, number: str):
    from sopcli.services.cases import _complaint, _definition, _journal

    complaint = _complaint(session, rt, number)
    return complaint, _definition(session, complaint.sop_version_id), _journal(session, complaint.id)


def _producing_entry(journal, step_id: str, template):
    """The latest entry completing ``step_id`` (with the template's decision, if it names one)."""
    done = [e for e in journal if e.action == Action.STEP and e.step == step_id]
    if template.keputusan is not None:
        done = [e for e in done if (e.decision or "").lower() == template.keputusan.lower()]
    return done[-1] if done else None


def _value(context: dict[str, Any], path: str) -> str:
    top, _dot, attribute = path.partition(".")
    value = context.get(top, {}).get(attribute)
    return "" if value is None else str(value)


def _context(rt: Runtime, complaint, sop, journal, entry, template, operators) -> dict[str, Any]:
    from sopcli.domain.vocabulary import STATUS_LABELS
    from sopcli.worktime.parse import format_minutes
    from sopcli.worktime.periods import long_date

    zone = rt.zone
    day_minutes = rt.calendar_for(sop).day_minutes

    def local(moment: datetime | None) -> str:
        return f"{moment.astimezone(zone):%d/%m/%Y %H:%M} {moment.astimezone(zone).tzname()}" if moment else ""

    def who(name: str) -> str:
        operator = operators.get(name)
        return (operator.display_name or name) if operator else name

    def step_of(done) -> dict[str, str]:
        step = sop.step(done.step)
        started = next(
            (
                e.at
                for e in reversed(journal)
                if e.seq < done.seq and e.next_step and done.step in e.next_step.split(",")
            ),
            complaint.received_at,
        )
        return {
            "id": step.id,
            "kegiatan": step.kegiatan,
            "pelaksana": sop.who_acts(step),
            "oleh": who(done.actor),
            "mulai": local(started),
            "selesai": local(done.at),
            "waktu": format_minutes(done.took_minutes, done.day_minutes or day_minutes)
            if done.took_minutes is not None
            else "",
            "mutu_baku": step.waktu,
            "keputusan": done.decision or "",
            "catatan": done.note or "",
            "output": done.output or "",
        }

    until = [e for e in journal if e.seq <= entry.seq]
    recorded: dict[str, str] = {}
    for done in until:
        if done.action == Action.STEP:
            recorded.update(done.fields)
    from sopcli.services.cases import _outcome_label

    status = STATUS_LABELS.get(complaint.status)
    day = entry.at.astimezone(zone)
    return {
        "pengaduan": {
            "nomor": complaint.number,
            "ref": complaint.ref or "",
            "diterima": local(complaint.received_at),
            "pelapor": complaint.reporter,
            "unit": complaint.unit,
            "sistem": complaint.system,
            "host": complaint.host or "",
            "saluran": complaint.channel,
            "prioritas": complaint.priority,
            "uraian": complaint.description,
            "status": _(status) if status else complaint.status,
            "hasil": _outcome_label(sop, complaint.status, journal) or "",
        },
        "langkah": step_of(entry),
        "isian": recorded,
        "kantor": {
            "nama": rt.config.office_name or sop.instansi,
            "alamat": rt.config.office_address or "",
            "tempat": rt.config.office_place or "",
        },
        "dokumen": {
            "nomor": f"{template.id}/{complaint.serial:05d}/{_ROMAN[day.month - 1]}/{day.year}",
            "tanggal": long_date(day.date()),
            "judul": template.judul,
        },
        "jejak": [step_of(done) for done in until if done.action == Action.STEP],
    }


def record_written(rt: Runtime, number: str, document_id: str, path: Path, *, actor: str) -> str:
    """Journal a copy written to ``path`` (its name and SHA-256); returns the digest."""
    from sopcli.services.cases import _complaint
    from sopcli.store import journal

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with rt.ready_database().transaction(write=True) as session:
        journal.lock(session)
        now = rt.now()
        complaint = _complaint(session, rt, number)
        fields = {DOCUMENT_ID: document_id, FILE_NAME: path.name, SHA256: digest}
        entry = engine.Entry(Action.DOCUMENT, now, actor, fields=fields)
        journal.append(session, entry, now, complaint_id=complaint.id, complaint_number=complaint.number)
    return digest


@dataclass
class PrintedCopy:
    seq: int
    number: str | None
    document_id: str
    file_name: str
    at: datetime
    actor: str


def copies_with(rt: Runtime, digest: str) -> list[PrintedCopy]:
    """The journaled copies whose SHA-256 is ``digest``."""
    from sopcli.store import journal

    with rt.ready_database().transaction() as session:
        return [
            PrintedCopy(seq, number, fields[DOCUMENT_ID], fields[FILE_NAME], at, actor)
            for seq, number, fields, at, actor in journal.with_action(session, Action.DOCUMENT)
            if fields.get(SHA256) == digest
        ]
