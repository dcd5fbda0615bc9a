"""Casework use cases: record a complaint, advance it, note, pause, resume, cancel, show, list.

Each function runs in one transaction and returns plain data (``CaseView``);
nothing here knows about Typer or rich. A failed action writes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sopcli.domain import engine
from sopcli.domain.chain import GENESIS, entry_hash
from sopcli.errors import ActionError, CaseMovedOn, ConflictError, InputError, NotFoundError, NotPermitted
from sopcli.i18n import _
from sopcli.services.runtime import Runtime
from sopcli.services.sops import check_sop_filter

CHANNELS = ("surat", "telepon", "email", "whatsapp", "monitoring", "langsung", "web", "lainnya")
PRIORITIES = ("rendah", "sedang", "tinggi", "kritis")
_PRIORITY_ALIASES = {
    "low": "rendah",
    "medium": "sedang",
    "normal": "sedang",
    "high": "tinggi",
    "critical": "kritis",
    "urgent": "kritis",
    "mendesak": "kritis",
}


def normalise_priority(value: str) -> str:
    """One of rendah, sedang, tinggi, kritis (English names accepted).

    Raises:
        InputError: any other value.
    """
    key = value.strip().lower()
    key = _PRIORITY_ALIASES.get(key, key)
    if key not in PRIORITIES:
        raise InputError(
            _("unknown priority {value!r}").format(value=value),
            _("choose {choices}").format(choices=", ".join(PRIORITIES)),
        )
    return key


NUMBER_PREFIX = "ADU"


@dataclass
class JournalView:
    seq: int
    action: str
    step: str | None
    decision: str | None
    fields: dict[str, str]
    actor: str
    at: datetime
    recorded_at: datetime
    note: str | None
    output: str | None
    on_time: bool | None
    took_minutes: float | None
    standard_minutes: int | None
    next_step: str | None
    hash: str


@dataclass
class CaseView:
    """A complaint as the commands show it."""

    number: str
    ref: str | None
    sop_id: str
    sop_version: str
    sop_name: str
    status: str
    description: str
    reporter: str
    unit: str
    system: str
    host: str | None
    channel: str
    priority: str
    received_at: datetime
    current_step: str | None
    due_at: datetime | None
    paused_since: datetime | None
    closed_at: datetime | None
    resolution_minutes: float | None
    overall_on_time: bool | None
    overall_standard: str | None
    revision: int
    day_minutes: int  # a working day of the SOP's calendar (24 hours for a 24x7 SOP), for showing durations
    journal: list[JournalView] = field(default_factory=list)

    def to_json(self, tz) -> dict[str, Any]:
        """The JSON contract scripts rely on; times in the office's zone, with offset."""

        def t(moment: datetime | None) -> str | None:
            return None if moment is None else moment.astimezone(tz).isoformat()

        return {
            "number": self.number,
            "ref": self.ref,
            "sop": {"id": self.sop_id, "version": self.sop_version, "nama": self.sop_name},
            "status": self.status,
            "current_step": self.current_step,
            "due_at": t(self.due_at),
            "paused_since": t(self.paused_since),
            "received_at": t(self.received_at),
            "closed_at": t(self.closed_at),
            "description": self.description,
            "reporter": self.reporter,
            "unit": self.unit,
            "system": self.system,
            "host": self.host,
            "channel": self.channel,
            "priority": self.priority,
            "resolution_minutes": self.resolution_minutes,
            "overall_on_time": self.overall_on_time,
            "revision": self.revision,
            "journal": [
                {
                    "seq": e.seq,
                    "action": e.action,
                    "step": e.step,
                    "decision": e.decision,
                    "fields": e.fields,
                    "actor": e.actor,
                    "at": t(e.at),
                    "recorded_at": t(e.recorded_at),
                    "note": e.note,
                    "output": e.output,
                    "on_time": e.on_time,
                    "took_minutes": e.took_minutes,
                    "standard_minutes": e.standard_minutes,
                    "next_step": e.next_step,
                    "hash": e.hash,
                }
                for e in self.journal
            ],
        }


@dataclass
class StepCard:
    """Everything ``sop next`` shows before asking: the current step and its clock."""

    case: CaseView
    sop: Any  # SopDefinition
    step: Any  # Step
    position: int
    total: int
    standard_text: str | None
    standard_minutes: int | None
    due_at: datetime | None
    minutes_left: float | None  # working minutes; negative when late
    paused: bool
    who: str  # the step's pelaksana by name
    day_minutes: int  # a working day of the SOP's calendar, for showing durations

    @property
    def decision_labels(self) -> list[str]:
        """The options a decision step offers (none for a plain step)."""
        return [option.label for option in self.step.decision.options] if self.step.decision else []

    def require_decision(self, decision: str | None) -> None:
        """Refuse to go on without the decision this step asks for.

        Raises:
            ActionError: the step is a decision and ``decision`` is None; the message lists its options.
        """
        if self.step.decision and decision is None:
            raise ActionError(
                _("step {id} needs a decision: {options}").format(
                    id=self.step.id, options=engine.describe_options(self.step)
                ),
                _("give --decision OPTION"),
            )


# --- reading ---------------------------------------------------------------------


# ADU-2026-00042, adu-2026-42, 2026-42 or 42 (this year's): the year and serial a number stands for.
_NUMBER = re.compile(rf"(?:{NUMBER_PREFIX}-)?(?:(\d{{4}})-)?0*(\d{{1,9}})", re.IGNORECASE | re.ASCII)


def _complaint(session, rt: Runtime, number: str):
    """The complaint a user means by ``number``: its number, written in full or short, else its ref."""
    from sqlmodel import select

    from sopcli.store.models import Complaint

    wanted = number.strip()
    by_ref = session.exec(select(Complaint).where(Complaint.ref == wanted)).first()  # the reporter's ticket number
    by_number = None
    if short := _NUMBER.fullmatch(wanted):
        year = int(short[1]) if short[1] else rt.now().astimezone(rt.zone).year
        by_number = session.exec(
            select(Complaint).where(Complaint.year == year, Complaint.serial == int(short[2]))
        ).first()
    written_in_full = wanted.upper().startswith(f"{NUMBER_PREFIX}-")
    if by_number and by_ref and by_number.id != by_ref.id and not written_in_full:
        raise InputError(
            _("{wanted} could be {number} or {other} (whose ref it is)").format(
                wanted=wanted, number=by_number.number, other=by_ref.number
            ),
            _("give the full number"),
        )
    found = by_number or by_ref
    if found is None:
        raise NotFoundError(_("no complaint {number}").format(number=number), _("see 'sop list --status all'"))
    return found


def _definition(session, sop_version_id: int):
    from sopcli.definitions.loader import load_text
    from sopcli.store.models import SopVersion

    version = session.get(SopVersion, sop_version_id)
    return load_text(version.source, version.origin).definition


def _state(complaint) -> engine.CaseState:
    return engine.CaseState(
        status=complaint.status,
        current_step=complaint.current_step,
        step_started_at=complaint.step_started_at,
        last_at=complaint.last_at,
        received_at=complaint.received_at,
        fields=json.loads(complaint.fields),
        paused_since=complaint.paused_since,
        paused_minutes=complaint.paused_minutes,
        total_paused_minutes=complaint.total_paused_minutes,
        closed_at=complaint.closed_at,
    )


def _journal(session, complaint_id: int) -> list[JournalView]:
    from sqlmodel import select

    from sopcli.store.models import JournalEntry

    rows = session.exec(
        select(JournalEntry).where(JournalEntry.complaint_id == complaint_id).order_by(JournalEntry.seq)
    )
    return [
        JournalView(
            r.seq,
            r.action,
            r.step,
            r.decision,
            json.loads(r.fields),
            r.actor,
            r.at,
            r.recorded_at,
            r.note,
            r.output,
            r.on_time,
            r.took_minutes,
            r.standard_minutes,
            r.next_step,
            r.hash,
        )
        for r in rows
    ]


def _view(session, complaint, sop, day_minutes: int, with_journal: bool = True) -> CaseView:
    return CaseView(
        number=complaint.number,
        ref=complaint.ref,
        sop_id=sop.id,
        sop_version=sop.version,
        sop_name=sop.nama,
        status=complaint.status,
        description=complaint.description,
        reporter=complaint.reporter,
        unit=complaint.unit,
        system=complaint.system,
        host=complaint.host,
        channel=complaint.channel,
        priority=complaint.priority,
        received_at=complaint.received_at,
        current_step=complaint.current_step,
        due_at=complaint.due_at,
        paused_since=complaint.paused_since,
        closed_at=complaint.closed_at,
        resolution_minutes=complaint.resolution_minutes,
        overall_on_time=complaint.overall_on_time,
        overall_standard=sop.waktu or None,
        revision=complaint.revision,
        day_minutes=day_minutes,
        journal=_journal(session, complaint.id) if with_journal else [],
    )


def show(rt: Runtime, number: str) -> CaseView:
    """The complaint and its whole timeline."""
    with rt.ready_database().transaction() as session:
        complaint = _complaint(session, rt, number)
        sop = _definition(session, complaint.sop_version_id)
        return _view(session, complaint, sop, rt.calendar_for(sop).day_minutes)


def step_card(rt: Runtime, number: str) -> StepCard:
    """The current step of an open complaint, with its deadline and time left.

    Raises:
        ActionError: the complaint is closed.
    """
    with rt.ready_database().transaction() as session:
        complaint = _complaint(session, rt, number)
        sop = _definition(session, complaint.sop_version_id)
        view = _view(session, complaint, sop, rt.calendar_for(sop).day_minutes, with_journal=False)
    state = _state(complaint)
    if state.status != engine.OPEN:
        raise engine.ActionError(
            _("{number} is already closed ({status})").format(
                number=complaint.number, status=engine.status_label(state.status)
            )
        )
    step = sop.step(state.current_step)
    calendar = rt.calendar_for(sop)
    standard = engine.standard_for(sop, step, state.fields)
    due = engine.due_at(sop, state, calendar)
    now = rt.now()
    left = None
    if due is not None:
        left = calendar.working_minutes(now, due) if now <= due else -calendar.working_minutes(due, now)
    return StepCard(
        view,
        sop,
        step,
        sop.step_number(step.id),
        len(sop.steps),
        standard.text if standard else None,
        standard.deadline_minutes(calendar.day_minutes) if standard else None,
        due,
        left,
        state.paused_since is not None,
        who=sop.who_acts(step),
        day_minutes=calendar.day_minutes,
    )


# --- writing ---------------------------------------------------------------------


def _lock_journal(session) -> None:
    """Serialise writers of the chain. SQLite's BEGIN IMMEDIATE already did; PostgreSQL needs a lock."""
    from sqlalchemy import text

    from sopcli.store.database import JOURNAL_LOCK

    if session.bind.dialect.name == "postgresql":
        session.exec(text(f"SELECT pg_advisory_xact_lock({JOURNAL_LOCK})"))


def _append(session, complaint, entry: engine.Entry, recorded_at: datetime) -> int:
    """Add one entry at the head of the chain (``complaint`` None for a seal); returns its seq."""
    from sqlalchemy import text

    from sopcli.store.models import JournalEntry

    last = session.exec(text("SELECT seq, hash FROM journal_entry ORDER BY seq DESC LIMIT 1")).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    number = complaint.number if complaint else None
    data = engine.describe(entry) | {"seq": seq, "complaint_number": number, "recorded_at": recorded_at}
    session.add(
        JournalEntry(
            seq=seq,
            complaint_id=complaint.id if complaint else None,
            complaint_number=number,
            action=entry.action,
            step=entry.step,
            decision=entry.decision,
            fields=json.dumps(dict(entry.fields), ensure_ascii=False, sort_keys=True),
            actor=entry.actor,
            at=entry.at,
            recorded_at=recorded_at,
            note=entry.note,
            output=entry.output,
            on_time=entry.on_time,
            took_minutes=entry.took_minutes,
            standard_minutes=entry.standard_minutes,
            next_step=entry.next_step,
            prev_hash=prev_hash,
            hash=entry_hash(prev_hash, data),
        )
    )
    return seq


def _store_state(complaint, state: engine.CaseState, due: datetime | None) -> None:
    complaint.status = state.status
    complaint.current_step = state.current_step
    complaint.step_started_at = state.step_started_at
    complaint.paused_since = state.paused_since
    complaint.paused_minutes = state.paused_minutes
    complaint.total_paused_minutes = state.total_paused_minutes
    complaint.fields = json.dumps(dict(state.fields), ensure_ascii=False, sort_keys=True)
    complaint.last_at = state.last_at
    complaint.closed_at = state.closed_at
    complaint.due_at = due
    complaint.revision += 1


def _load_sop(rt: Runtime, reference: str):
    """A built-in SOP, an SOP file, or the id of an office's SOP a complaint has already used.

    Raises:
        NotFoundError: none of these.
        DefinitionError: the file is invalid.
    """
    from sopcli.definitions.loader import load
    from sopcli.services.sops import recorded_sop

    try:
        return load(reference)
    except NotFoundError:
        database = rt.ready_database()
        if database.is_new:  # no logbook yet, so nothing recorded: do not create one
            raise
        with database.transaction() as session:
            found = recorded_sop(session, reference)
        if found is None:
            raise
        return found


def _pinned_version(session, loaded, now: datetime):
    from sqlmodel import select

    from sopcli.store.models import SopVersion

    version = session.exec(select(SopVersion).where(SopVersion.digest == loaded.digest)).first()
    if version is None:
        _check_version_is_new(session, loaded)
        version = SopVersion(
            sop_id=loaded.definition.id,
            version=loaded.definition.version,
            digest=loaded.digest,
            source=loaded.source,
            origin=loaded.origin,
            first_used_at=now,
        )
        session.add(version)
        session.flush()
    return version


def _check_version_is_new(session, loaded) -> None:
    """Refuse an office's SOP file edited without raising its ``version``.

    Complaints pin the text they started with; two texts both called "v1" would
    read as one SOP in reports and case views while their steps and time
    standards differ. Built-in SOPs are exempt: sop's releases version those, and
    refusing one would stop every complaint under it.

    Raises:
        ConflictError: complaints already use another text under this id and version.
    """
    from sqlmodel import select

    from sopcli.definitions.loader import is_builtin
    from sopcli.store.models import SopVersion

    if is_builtin(loaded):
        return
    definition = loaded.definition
    clash = session.exec(
        select(SopVersion.id).where(SopVersion.sop_id == definition.id, SopVersion.version == definition.version)
    ).first()
    if clash is not None:
        raise ConflictError(
            _("{origin}: SOP {id} version {version} is already in use with different content").format(
                origin=loaded.origin, id=definition.id, version=definition.version
            ),
            _("raise 'version' in the file after changing it (for example to {suggestion})").format(
                suggestion=_next_version(definition.version)
            ),
        )


def _next_version(version: str) -> str:
    head, dot, last = version.rpartition(".")
    return f"{head}{dot}{int(last) + 1}" if last.isdigit() else f"{version}.1"


def _next_serial(session, year: int) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    from sopcli.store.models import Complaint

    return (session.exec(select(func.max(Complaint.serial)).where(Complaint.year == year)).one() or 0) + 1


def _required(value: str | None, option: str) -> str:
    if value is None or not value.strip():
        raise InputError(_("{option} is empty").format(option=option))
    return " ".join(value.split()) if option != "--description" else value.strip()


@dataclass
class NewComplaint:
    """What ``sop new`` (or an import row) says about a complaint."""

    sop: str
    description: str
    reporter: str
    unit: str
    system: str
    channel: str = "telepon"
    priority: str = "sedang"
    host: str | None = None
    received_at: datetime | None = None
    ref: str | None = None


def record_complaint(rt: Runtime, new: NewComplaint, *, actor: str) -> CaseView:
    """Record a complaint; it pins the SOP version it starts with and enters its first step.

    Raises:
        ConflictError: the ref is already recorded (the message names the complaint).
        InputError: an empty field, a future received-at.
    """
    from sopcli.store.models import Complaint

    loaded = _load_sop(rt, new.sop)
    now = rt.now()
    received_at = new.received_at or now
    if received_at > now + engine.FUTURE_TOLERANCE:
        raise InputError(
            _("the received time {at} is in the future").format(at=received_at.isoformat(timespec="minutes"))
        )
    if received_at < now - engine.RECEIVED_AT_MOST_AGO:
        raise InputError(
            _("the received time {at} is more than {years} years ago").format(
                at=received_at.isoformat(timespec="minutes"), years=engine.RECEIVED_AT_MOST_AGO_YEARS
            ),
            _("check the year"),
        )
    details = {
        "description": _required(new.description, "--description"),
        "reporter": _required(new.reporter, "--reporter"),
        "unit": _required(new.unit, "--unit"),
        "system": _required(new.system, "--system"),
        "channel": _required(new.channel, "--channel").lower(),
        "priority": normalise_priority(_required(new.priority, "--priority")),
        "host": (new.host or "").strip() or None,
        "ref": (new.ref or "").strip() or None,
    }
    if details["ref"] and details["ref"].upper().startswith(f"{NUMBER_PREFIX}-"):
        # A ref is looked up after numbers, and ADU-… is always read as a number: such a ref could never be found.
        raise InputError(
            _("the ref {ref!r} looks like a complaint number").format(ref=details["ref"]),
            _("give the reporter's own letter or ticket number"),
        )
    sop = loaded.definition
    transition = engine.start(sop, received_at=received_at, actor=actor, note=details["description"])
    calendar = rt.calendar_for(sop)
    with rt.ready_database().transaction(write=True) as session:
        _lock_journal(session)
        if details["ref"]:
            _refuse_duplicate_ref(session, details["ref"])
        version = _pinned_version(session, loaded, now)
        year = received_at.astimezone(rt.zone).year
        serial = _next_serial(session, year)
        complaint = Complaint(
            number=f"{NUMBER_PREFIX}-{year}-{serial:05d}",
            year=year,
            serial=serial,
            sop_version_id=version.id,
            sop_id=sop.id,
            received_at=received_at,
            status=engine.OPEN,
            last_at=received_at,
            created_by=actor,
            **details,
        )
        _store_state(complaint, transition.state, engine.due_at(sop, transition.state, calendar))
        session.add(complaint)
        session.flush()
        entry = engine.Entry(**(engine.describe(transition.entry) | {"fields": received_fields(sop, details)}))
        _append(session, complaint, entry, now)
        session.flush()
        return _view(session, complaint, sop, calendar.day_minutes)


def received_fields(sop, details: Mapping[str, Any], source: str | None = None) -> dict[str, str]:
    """What a ``received`` journal entry records of the complaint (hashed with it)."""
    fields = {
        "sop": sop.id,
        "sop_version": sop.version,
        "source": source,
        **{k: details[k] for k in ("reporter", "unit", "system", "host", "channel", "priority", "ref")},
    }
    return {k: v for k, v in fields.items() if v}


def _refuse_duplicate_ref(session, ref: str) -> None:
    from sqlmodel import select

    from sopcli.store.models import Complaint

    existing = session.exec(select(Complaint.number).where(Complaint.ref == ref)).first()
    if existing:
        raise ConflictError(
            _("ref {ref!r} is already recorded as {number}").format(ref=ref, number=existing),
            _("see 'sop show {number}'").format(number=existing),
        )


def _act(
    rt: Runtime,
    number: str,
    act,
    *,
    expected_step: str | None = None,
    completing_as: str | None = None,
    cancelling_as: str | None = None,
) -> CaseView | None:
    """Load a complaint in a write transaction, apply ``act`` and store the result.

    ``act(sop, state, calendar, now)`` returns an engine Transition (``None``: only
    the checks below run, and nothing but a refusal is written). When the
    caller names the step it is completing (``expected_step``: the step the
    operator was shown), a case that has moved on since is refused. With
    ``enforce_roles`` on, ``completing_as`` must hold one of the step's
    pelaksana roles, and ``cancelling_as`` one of the SOP's (cancelling is final:
    not for just anyone); a refusal is journaled (and committed) before it is raised.

    Raises:
        NotPermitted: the operator does not hold a role for the step.
    """
    now = rt.now()
    with rt.ready_database().transaction(write=True) as session:
        _lock_journal(session)
        complaint = _complaint(session, rt, number)
        if expected_step is not None and complaint.current_step != str(expected_step):
            where = (
                _("it is at step {id}").format(id=complaint.current_step)
                if complaint.current_step
                else _("it is already {status}").format(status=engine.status_label(complaint.status))
            )
            raise CaseMovedOn(
                _("{number} is not at step {step}: {where}").format(
                    number=complaint.number, where=where, step=expected_step
                ),
                _("see 'sop show {number}'").format(number=complaint.number),
            )
        sop = _definition(session, complaint.sop_version_id)
        refused = None
        if rt.config.enforce_roles and (completing_as or cancelling_as):
            refused = _refusal(
                session, complaint, sop, completing_as or cancelling_as, now, any_role=bool(cancelling_as)
            )
        if refused is None:
            return _apply(rt, session, complaint, sop, act, now) if act is not None else None
    raise refused  # after the commit: the refusal stays in the journal


def _apply(rt: Runtime, session, complaint, sop, act, now: datetime) -> CaseView:
    """Run ``act`` on the loaded complaint; store its new state and journal entry."""
    calendar = rt.calendar_for(sop)
    transition = act(sop, _state(complaint), calendar, now)
    _store_state(complaint, transition.state, engine.due_at(sop, transition.state, calendar))
    if transition.state.status != engine.OPEN and transition.overall_minutes is not None:
        complaint.resolution_minutes = transition.overall_minutes
        complaint.overall_on_time = transition.overall_on_time
    session.add(complaint)
    _append(session, complaint, transition.entry, now)
    session.flush()
    return _view(session, complaint, sop, calendar.day_minutes)


def _refusal(session, complaint, sop, actor: str, now: datetime, *, any_role: bool = False) -> NotPermitted | None:
    """None when ``actor`` may complete the current step (``any_role``: holds any of the SOP's roles);
    else the error to raise, its entry added to the journal."""
    from sopcli.services.operators import cancel_refusal, refusal, roles_of

    if complaint.status != engine.OPEN:
        return None  # the engine says why nothing can be done
    step = sop.step(complaint.current_step)
    held = roles_of(session, actor)
    if any_role:
        if held & {role.key for role in sop.roles}:
            return None
        reason = cancel_refusal(sop, actor, held)
    elif engine.may_complete(step, held):
        return None
    else:
        reason = refusal(sop, step, actor, held)
    _append(session, complaint, engine.refuse(_state(complaint), step, at=now, actor=actor, reason=reason), now)
    return NotPermitted(
        reason,
        _("an operator with one of these roles must do it, or: sop operator add {name} --role ROLE").format(name=actor),
    )


def advance(
    rt: Runtime,
    number: str,
    *,
    actor: str,
    at: datetime | None = None,
    decision: str | None = None,
    fields: Mapping[str, str] | None = None,
    note: str | None = None,
    output: str | None = None,
    expected_step: str | None = None,
) -> CaseView:
    """Complete the current step of a complaint (``sop next``)."""

    def act(sop, state, calendar, now):
        return engine.complete_step(
            sop,
            state,
            calendar,
            at=at or now,
            now=now,
            actor=actor,
            decision=decision,
            fields=fields,
            note=_clean(note),
            output=_clean(output),
        )

    return _act(rt, number, act, expected_step=expected_step, completing_as=actor)


def check_may_complete(rt: Runtime, number: str, *, actor: str, step: str) -> None:
    """Refuse ``actor`` at ``step`` now, as ``advance`` would, before they type a step's answers.

    Raises:
        NotPermitted: enforce_roles is on and ``actor`` holds none of the step's roles (journaled).
    """
    if rt.config.enforce_roles:
        _act(rt, number, None, expected_step=step, completing_as=actor)


def add_note(rt: Runtime, number: str, text: str, *, actor: str, at: datetime | None = None) -> CaseView:
    return _act(
        rt, number, lambda sop, state, cal, now: engine.add_note(state, at=at or now, now=now, actor=actor, note=text)
    )


def pause(rt: Runtime, number: str, reason: str, *, actor: str, at: datetime | None = None) -> CaseView:
    return _act(
        rt, number, lambda sop, state, cal, now: engine.pause(state, at=at or now, now=now, actor=actor, reason=reason)
    )


def resume(rt: Runtime, number: str, *, actor: str, at: datetime | None = None, note: str | None = None) -> CaseView:
    return _act(
        rt,
        number,
        lambda sop, state, cal, now: engine.resume(state, cal, at=at or now, now=now, actor=actor, note=_clean(note)),
    )


def cancel(rt: Runtime, number: str, reason: str, *, actor: str, at: datetime | None = None) -> CaseView:
    return _act(
        rt,
        number,
        lambda sop, state, cal, now: engine.cancel(state, cal, at=at or now, now=now, actor=actor, reason=reason),
        cancelling_as=actor,
    )


def _clean(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None


def parse_field_options(values: list[str]) -> dict[str, str]:
    """``--field KEY=VALUE`` options as a mapping.

    Raises:
        InputError: an option without ``=``.
    """
    fields = {}
    for raw in values:
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise InputError(
                _("--field {raw!r} is not KEY=VALUE").format(raw=raw), _("for example --field estimasi='4 jam'")
            )
        fields[key.strip()] = value.strip()
    return fields


# --- listing ---------------------------------------------------------------------


@dataclass
class CaseRow:
    number: str
    sop_id: str
    status: str
    received_at: datetime
    unit: str
    system: str
    description: str
    current_step: str | None
    step_name: str | None
    who: str | None
    due_at: datetime | None
    overdue: bool
    paused: bool


def _case_filter(
    rt: Runtime, *, status: str, sop: str | None, overdue: bool, mine: str | None, since: datetime | None
) -> list:
    """The WHERE clauses of ``sop list``'s filters."""
    from sqlmodel import select

    from sopcli.store.models import Complaint, JournalEntry

    status = engine.parse_status(status, allow_all=True)
    clauses = []
    if status != engine.ALL_STATUSES:
        clauses.append(Complaint.status == status)
    if sop:
        clauses.append(Complaint.sop_id == sop)
    if overdue:
        clauses += [Complaint.status == engine.OPEN, Complaint.due_at.is_not(None), Complaint.due_at < rt.now()]
    if since:
        clauses.append(Complaint.received_at >= since)
    if mine:
        clauses.append(Complaint.id.in_(select(JournalEntry.complaint_id).where(JournalEntry.actor == mine)))
    return clauses


def count_cases(
    rt: Runtime,
    *,
    status: str = "open",
    sop: str | None = None,
    overdue: bool = False,
    mine: str | None = None,
    since: datetime | None = None,
) -> int:
    """How many complaints ``list_cases`` would give without a limit."""
    from sqlalchemy import func, select

    from sopcli.store.models import Complaint

    query = (
        select(func.count())
        .select_from(Complaint)
        .where(*_case_filter(rt, status=status, sop=sop, overdue=overdue, mine=mine, since=since))
    )
    with rt.ready_database().transaction() as session:
        check_sop_filter(session, sop)
        return session.execute(query).scalar_one()


def list_cases(
    rt: Runtime,
    *,
    status: str = "open",
    sop: str | None = None,
    overdue: bool = False,
    mine: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[CaseRow]:
    """Complaints with their current step, who must act and when it is due; oldest first, at most ``limit``."""
    from sqlmodel import select

    from sopcli.store.models import Complaint

    now = rt.now()
    query = select(Complaint).where(*_case_filter(rt, status=status, sop=sop, overdue=overdue, mine=mine, since=since))
    query = query.order_by(Complaint.received_at, Complaint.id)
    if limit:
        query = query.limit(limit)
    rows = []
    with rt.ready_database().transaction() as session:
        check_sop_filter(session, sop)
        definitions: dict[int, Any] = {}
        for complaint in session.exec(query):
            if complaint.sop_version_id not in definitions:
                definitions[complaint.sop_version_id] = _definition(session, complaint.sop_version_id)
            definition = definitions[complaint.sop_version_id]
            step = definition.step(complaint.current_step) if complaint.current_step else None
            rows.append(
                CaseRow(
                    complaint.number,
                    complaint.sop_id,
                    complaint.status,
                    complaint.received_at,
                    complaint.unit,
                    complaint.system,
                    complaint.description,
                    complaint.current_step,
                    step.kegiatan if step else None,
                    definition.who_acts(step) if step else None,
                    complaint.due_at,
                    bool(complaint.due_at and complaint.due_at < now and complaint.status == engine.OPEN),
                    complaint.paused_since is not None,
                )
            )
    return rows


# --- verifying -------------------------------------------------------------------


@dataclass
class VerifyResult:
    checked: int
    broken_seq: int | None
    problem: str | None


def verify(rt: Runtime) -> VerifyResult:
    """Walk the whole journal chain; report the first broken entry.

    Raises:
        DatabaseDamaged: SQLite's quick check finds the file damaged (the chain may read
            whole while complaints around it are lost: no "OK" for such a file).
    """
    from sopcli.domain.chain import verify_chain

    database = rt.ready_database()
    if database.path is not None and database.path.exists():
        from sopcli.store.damage import file_problems

        problems = file_problems(database.path, thorough=False)
        if problems:
            raise database.damaged(problems[0])
    with database.transaction() as session:
        checked, broken, problem = verify_chain(chain_entries(session))
    return VerifyResult(checked, broken, problem)


def chain_entries(session):
    """Every journal entry in seq order, as the hash chain encodes it."""
    from sqlalchemy import text

    from sopcli.store.models import UTCDateTime

    result = session.exec(
        text(
            "SELECT seq, complaint_number, action, step, decision, fields, actor, at, recorded_at, note, output, "
            "on_time, took_minutes, standard_minutes, next_step, prev_hash, hash FROM journal_entry ORDER BY seq"
        )
    )
    as_utc = UTCDateTime().process_result_value
    for row in result.mappings():
        data = dict(row)
        try:
            data["fields"] = json.loads(data["fields"])
        except (TypeError, ValueError):
            data["fields"] = {"undecodable": str(data["fields"])}  # cannot match its hash: reported as edited
        data["at"] = as_utc(_as_datetime(data["at"]), None)
        data["recorded_at"] = as_utc(_as_datetime(data["recorded_at"]), None)
        data["on_time"] = None if data["on_time"] is None else bool(data["on_time"])
        yield data


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
