"""A complaint's dossier: everything its formulir penanganan gangguan shows, gathered as plain data.

The form an office prints, signs and files for one complaint (and an auditor asks for): who
reported what, every journal entry with the step's kegiatan and its time against the standard,
the outcome, each entry's hash and the seals of the days the entries fall on, and who signs.
``present.dossier`` lays it out; ``--format json`` gives it as it is here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sopcli.domain.vocabulary import Action, Status
from sopcli.services.runtime import Runtime


@dataclass
class DossierEntry:
    """One journal entry of the complaint, with the step's kegiatan and the operator's name."""

    seq: int
    action: str
    step: str | None
    kegiatan: str
    actor: str
    actor_name: str | None  # the operator's display name, if registered
    at: datetime
    recorded_at: datetime
    took_minutes: float | None
    standard_minutes: int | None
    on_time: bool | None
    decision: str | None
    fields: dict[str, str]
    note: str | None
    output: str | None
    next_step: str | None
    hash: str
    day_minutes: int | None = None  # a day in the hours this step counts in, where not the SOP's calendar's


@dataclass
class DossierSeal:
    """A day the complaint's entries fall on, and its newest seal (``digest`` None: not sealed yet)."""

    day: date
    digest: str | None
    entries: int = 0


@dataclass
class Pelaksana:
    """An operator who completed steps of the complaint: one who signs the form."""

    operator: str
    name: str | None
    steps: list[str] = field(default_factory=list)


@dataclass
class DossierData:
    office: str
    number: str
    ref: str | None
    received_at: datetime
    reporter: str
    unit: str
    system: str
    host: str | None
    channel: str
    priority: str
    description: str
    sop_id: str
    sop_version: str
    sop_nama: str
    sop_nomor: str
    status: str
    outcome: str | None
    closed_at: datetime | None
    current_step: str | None
    due_at: datetime | None
    paused_since: datetime | None
    resolution_minutes: float | None
    overall_on_time: bool | None
    overall_standard: str | None
    handed_to: list[str]
    handed_from: str | None
    day_minutes: int
    tz: Any  # ZoneInfo: the office's zone, every time shown in it
    made_at: datetime
    entries: list[DossierEntry]
    seals: list[DossierSeal]
    pelaksana: list[Pelaksana]

    @property
    def ever_late(self) -> bool:
        """A step done late, or still open past its deadline when the dossier was made."""
        if any(e.on_time is False for e in self.entries):
            return True
        return (
            self.status == Status.OPEN
            and self.paused_since is None
            and self.due_at is not None
            and self.due_at < self.made_at
        )

    def to_json(self) -> dict[str, Any]:
        def t(moment: datetime | None) -> str | None:
            return None if moment is None else moment.astimezone(self.tz).isoformat()

        return {
            "number": self.number,
            "ref": self.ref,
            "office": self.office,
            "received_at": t(self.received_at),
            "reporter": self.reporter,
            "unit": self.unit,
            "system": self.system,
            "host": self.host,
            "channel": self.channel,
            "priority": self.priority,
            "description": self.description,
            "sop": {"id": self.sop_id, "version": self.sop_version, "nama": self.sop_nama, "nomor": self.sop_nomor},
            "status": self.status,
            "outcome": self.outcome,
            "closed_at": t(self.closed_at),
            "current_step": self.current_step,
            "due_at": t(self.due_at),
            "paused_since": t(self.paused_since),
            "resolution_minutes": self.resolution_minutes,
            "overall_on_time": self.overall_on_time,
            "overall_standard": self.overall_standard,
            "ever_late": self.ever_late,
            "linked_to": self.handed_to,
            "linked_from": self.handed_from,
            "made_at": t(self.made_at),
            "entries": [
                {
                    "seq": e.seq,
                    "action": e.action,
                    "step": e.step,
                    "kegiatan": e.kegiatan or None,
                    "actor": e.actor,
                    "actor_name": e.actor_name,
                    "at": t(e.at),
                    "recorded_at": t(e.recorded_at),
                    "took_minutes": e.took_minutes,
                    "standard_minutes": e.standard_minutes,
                    "on_time": e.on_time,
                    "decision": e.decision,
                    "fields": e.fields,
                    "note": e.note,
                    "output": e.output,
                    "next_step": e.next_step,
                    "hash": e.hash,
                }
                for e in self.entries
            ],
            "seals": [{"day": s.day.isoformat(), "digest": s.digest, "entries": s.entries} for s in self.seals],
            "pelaksana": [{"operator": p.operator, "name": p.name, "steps": p.steps} for p in self.pelaksana],
        }


def dossier(rt: Runtime, number: str) -> DossierData:
    """The dossier of the complaint ``number`` (its number, short or in full, or its ref).

    Raises:
        NotFoundError: no such complaint.
    """
    from sopcli.services import cases
    from sopcli.store import journal, operators

    with rt.ready_database().transaction() as session:
        complaint = cases._complaint(session, rt, number)
        sop = cases._definition(session, complaint.sop_version_id)
        calendar = rt.calendar_for(sop)
        view = cases._view(session, complaint, sop, calendar.day_minutes, calendar=calendar)
        names = {o.name: o.display_name for o in operators.everyone(session)}
        sealed = [json.loads(fields) for _seq, fields in journal.seals(session, newest_first=True)]
    zone = rt.zone
    entries = [
        DossierEntry(
            seq=e.seq,
            action=e.action,
            step=e.step,
            kegiatan=sop.step(e.step).kegiatan if e.step is not None and sop.has_step(e.step) else "",
            actor=e.actor,
            actor_name=names.get(e.actor) or None,
            at=e.at,
            recorded_at=e.recorded_at,
            took_minutes=e.took_minutes,
            standard_minutes=e.standard_minutes,
            on_time=e.on_time,
            decision=e.decision,
            fields=e.fields,
            note=e.note,
            output=e.output,
            next_step=e.next_step,
            hash=e.hash,
            day_minutes=e.day_minutes,
        )
        for e in view.journal
    ]
    newest: dict[str, DossierSeal] = {}
    for recorded in sealed:  # newest first: the first seal of a day is the one that stands
        day = recorded.get("date")
        if day and day not in newest and recorded.get("zone", zone.key) == zone.key:
            newest[day] = DossierSeal(date.fromisoformat(day), recorded.get("digest"), int(recorded.get("entries", 0)))
    days = sorted({e.at.astimezone(zone).date() for e in entries})
    seals = [newest.get(day.isoformat(), DossierSeal(day, None)) for day in days]
    signers: dict[str, Pelaksana] = {}
    for e in entries:
        if e.action == Action.STEP and e.step is not None:
            signer = signers.setdefault(e.actor, Pelaksana(e.actor, e.actor_name))
            if e.step not in signer.steps:
                signer.steps.append(e.step)
    return DossierData(
        office=rt.config.office_name or sop.instansi,
        number=view.number,
        ref=view.ref,
        received_at=view.received_at,
        reporter=view.reporter,
        unit=view.unit,
        system=view.system,
        host=view.host,
        channel=view.channel,
        priority=view.priority,
        description=view.description,
        sop_id=view.sop_id,
        sop_version=view.sop_version,
        sop_nama=view.sop_name,
        sop_nomor=sop.nomor,
        status=view.status,
        outcome=view.outcome,
        closed_at=view.closed_at,
        current_step=view.current_step,
        due_at=view.due_at,
        paused_since=view.paused_since,
        resolution_minutes=view.resolution_minutes,
        overall_on_time=view.overall_on_time,
        overall_standard=view.overall_standard,
        handed_to=view.handed_to,
        handed_from=view.handed_from,
        day_minutes=view.day_minutes,
        tz=zone,
        made_at=rt.now(),
        entries=entries,
        seals=seals,
        pelaksana=list(signers.values()),
    )
