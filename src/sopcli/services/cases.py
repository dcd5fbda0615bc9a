"""Casework use cases: record a complaint, advance it, note, pause, resume, cancel, show, list.

Each function runs in one transaction and returns plain data (``CaseView``);
nothing here knows about Typer or rich. A failed action writes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict, overload

from sopcli.definitions.schema import HANDED_FROM, HANDED_TO, OUTCOME_FIELD, PRIORITIES, RETURNS
from sopcli.domain import engine
from sopcli.domain.urgency import minutes_left
from sopcli.domain.vocabulary import STATUS_LABELS, Action, Status
from sopcli.errors import ActionError, CaseMovedOn, ConflictError, InputError, NotFoundError, NotPermitted
from sopcli.i18n import _
from sopcli.limits import check_entry, check_lengths
from sopcli.services.runtime import Runtime
from sopcli.services.sops import check_sop_filter
from sopcli.store import complaints, journal, sop_versions

if TYPE_CHECKING:
    from sopcli.services.checkpoints import CheckpointResult, Named
    from sopcli.services.seals import SealCheck
    from sopcli.services.verified import HeadTampered, StartPoint

# How a complaint came in (saluran): one fixed list, so one way in is always written one way (``wa`` and
# ``WhatsApp`` are one channel). Logbooks kept before the list was fixed may hold other words, shown as written.
CHANNELS = ("surat", "telepon", "email", "whatsapp", "monitoring", "langsung", "web", "lainnya")
_CHANNEL_ALIASES = {
    "letter": "surat",
    "nota dinas": "surat",
    "disposisi": "surat",
    "telp": "telepon",
    "tlp": "telepon",
    "telfon": "telepon",
    "telpon": "telepon",
    "phone": "telepon",
    "telephone": "telepon",
    "e-mail": "email",
    "surel": "email",
    "mail": "email",
    "wa": "whatsapp",
    "whats app": "whatsapp",
    "alert": "monitoring",
    "otomatis": "monitoring",
    "datang": "langsung",
    "datang langsung": "langsung",
    "tatap muka": "langsung",
    "walk-in": "langsung",
    "in person": "langsung",
    "aplikasi": "web",
    "website": "web",
    "portal": "web",
    "lapor": "web",
    "online": "web",
    "lain": "lainnya",
    "lain-lain": "lainnya",
    "other": "lainnya",
}
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


def normalise_channel(value: str) -> str:
    """One of ``CHANNELS``; the other words offices use for them are accepted (``wa``: whatsapp, ``datang``:
    langsung), in any case.

    Raises:
        InputError: any other word; the message lists the channels.
    """
    key = " ".join(value.split()).lower()
    key = _CHANNEL_ALIASES.get(key, key)
    if key not in CHANNELS:
        raise InputError(
            _("unknown channel {value!r}").format(value=value),
            _("choose {choices}").format(choices=", ".join(CHANNELS)),
        )
    return key


# Short answers to a yes/no decision, in either language: they stand for the option labelled with one of them.
_YES_WORDS = ("ya", "y", "yes")
_NO_WORDS = ("tidak", "t", "n", "no")


def pick(answer: str, choices: Sequence[str]) -> str | None:
    """The choice ``answer`` stands for: the choice itself in any case, its number in the list (from 1), or
    the start of exactly one choice; None when it stands for none, or for more than one."""
    wanted = " ".join(answer.split()).lower()
    if not wanted:
        return None
    exact = [choice for choice in choices if choice.lower() == wanted]
    if exact:
        return exact[0]
    if wanted.isdigit():
        index = int(wanted) - 1
        return choices[index] if 0 <= index < len(choices) else None
    starting = [choice for choice in choices if choice.lower().startswith(wanted)]
    return starting[0] if len(starting) == 1 else None


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
    day_minutes: int | None = None  # a day in the hours the step counts in, where they are not the SOP's calendar's


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
    # Every step the case is at (after a fork, several) → its deadline; the current step alone otherwise.
    step_deadlines: dict[str, datetime | None] = field(default_factory=dict)
    outcome: str | None = None  # how a closed case ended, in its SOP's words (format 2: the outcome's label)
    handed_to: list[str] = field(default_factory=list)  # the complaints its steps handed to other SOPs (serahkan)
    handed_from: str | None = None  # the complaint that handed this one over

    def to_json(self, tz) -> dict[str, Any]:
        """The JSON contract scripts rely on; times in the office's zone, with offset."""

        def t(moment: datetime | None) -> str | None:
            return None if moment is None else moment.astimezone(tz).isoformat()

        return {
            "number": self.number,
            "ref": self.ref,
            "sop": {"id": self.sop_id, "version": self.sop_version, "nama": self.sop_name},
            "status": self.status,
            "outcome": self.outcome,
            "linked_to": self.handed_to,
            "linked_from": self.handed_from,
            "current_step": self.current_step,
            "current_steps": [{"step": step, "due_at": t(due)} for step, due in self.step_deadlines.items()],
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
    standard_priority: str | None  # the priority whose waktu_prioritas gave the standard; None: waktu
    standard_minutes: int | None
    due_at: datetime | None
    minutes_left: float | None  # working minutes; negative when late
    paused: bool
    who: str  # the step's pelaksana by name
    day_minutes: int  # a working day of the SOP's calendar, for showing durations
    age_minutes: float  # working minutes since the complaint was received
    age_days: int  # whole calendar days since it was received
    other_steps: tuple[str, ...] = ()  # the other steps current at the same time (a fork's branches)
    signed: tuple[str, ...] = ()  # the persetujuan roles (names) that have signed the step off
    to_sign: tuple[str, ...] = ()  # ... and those still to sign (keys)

    @property
    def last_signature(self) -> bool:
        """Whether completing now completes the step: no sign-off asked, or only one still missing."""
        return len(self.to_sign) <= 1

    @property
    def decision_labels(self) -> list[str]:
        """The options a decision step offers (none for a plain step)."""
        return [option.label for option in self.step.decision.options] if self.step.decision else []

    def option_for(self, answer: str) -> str | None:
        """The decision option an operator's answer stands for (``y``/``t`` for ya/tidak, a number, a prefix)."""
        word = answer.strip().lower()
        for words in (_YES_WORDS, _NO_WORDS):
            if word in words:
                labelled = [label for label in self.decision_labels if label.lower() in words]
                if len(labelled) == 1:
                    return labelled[0]
        return pick(answer, self.decision_labels)

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
    wanted = number.strip()
    by_ref = complaints.with_ref(session, wanted)  # the reporter's ticket number
    by_number = None
    if short := _NUMBER.fullmatch(wanted):
        year = int(short[1]) if short[1] else rt.now().astimezone(rt.zone).year
        by_number = complaints.with_number(session, year, int(short[2]))
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

    version = sop_versions.with_id(session, sop_version_id)
    return load_text(version.source, version.origin).definition


def _journal(session, complaint_id: int) -> list[JournalView]:
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
        for r in complaints.journal_of(session, complaint_id)
    ]


def _view(session, complaint, sop, day_minutes: int, with_journal: bool = True, calendar=None) -> CaseView:
    """The complaint as commands show it; with ``calendar``, every current step's deadline as well."""
    deadlines: dict[str, datetime | None] = {}
    if complaint.status == Status.OPEN and complaint.current_step is not None:
        if complaint.branches != "[]" and calendar is not None:  # shown in the SOP's order
            by_step = engine.deadlines(sop, complaints.state_of(complaint), calendar)
            deadlines = {step: by_step[step] for step in sorted(by_step, key=sop.step_number)}
        else:
            deadlines = {complaint.current_step: complaint.due_at}
    entries = _journal(session, complaint.id) if with_journal else []
    for entry in entries:  # a step counted in clock hours shows its time in days of 24 hours
        if entry.step is not None and sop.has_step(entry.step) and sop.step(entry.step).jam == "kalender":
            entry.day_minutes = 24 * 60
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
        journal=entries,
        step_deadlines=deadlines,
        outcome=_outcome_label(sop, complaint.status, entries),
        handed_to=[e.fields[HANDED_TO] for e in entries if e.action == Action.STEP and HANDED_TO in e.fields],
        handed_from=entries[0].fields.get(HANDED_FROM) if entries else None,
    )


def _outcome_label(sop, status: str, entries: list[JournalView]) -> str | None:
    """The label of the outcome a closed case ended with, as its closing step recorded it (format 2)."""
    if status == Status.OPEN:
        return None
    moves = (Action.STEP, Action.CANCEL, Action.UNDO, Action.REOPEN, Action.TRANSFER)  # notes may come after
    closing = next((e for e in reversed(entries) if e.action in moves), None)
    if closing is None or closing.action != Action.STEP:
        return None
    outcome = sop.outcome(closing.fields.get(OUTCOME_FIELD, ""))
    return outcome.label if outcome else None


def show(rt: Runtime, number: str) -> CaseView:
    """The complaint and its whole timeline."""
    with rt.ready_database().transaction() as session:
        complaint = _complaint(session, rt, number)
        sop = _definition(session, complaint.sop_version_id)
        calendar = rt.calendar_for(sop)
        return _view(session, complaint, sop, calendar.day_minutes, calendar=calendar)


def step_card(rt: Runtime, number: str, step_id: str | None = None) -> StepCard:
    """A current step of an open complaint (``step_id``; default: the first), with its deadline and time left.

    Raises:
        ActionError: the complaint is closed, or not at ``step_id``.
    """
    with rt.ready_database().transaction() as session:
        complaint = _complaint(session, rt, number)
        sop = _definition(session, complaint.sop_version_id)
        view = _view(session, complaint, sop, rt.calendar_for(sop).day_minutes, with_journal=False)
    state = open_at(complaint, step_id)
    step = sop.step(state.current_step)
    calendar = rt.calendar_for(sop)
    standard = engine.standard_for(sop, step, state.fields, state.priority)
    by_priority = None if step.waktu_dari else sop.waktu_for(step, state.priority)[1]
    due = engine.due_at(sop, state, calendar)
    now = rt.now()
    left = minutes_left(due, now, calendar)
    return StepCard(
        view,
        sop,
        step,
        sop.step_number(step.id),
        len(sop.steps),
        standard.text if standard else None,
        by_priority,
        standard.deadline_minutes(engine.hours_for(step, calendar).day_minutes) if standard else None,
        due,
        left,
        state.paused_since is not None,
        who=sop.who_acts(step),
        day_minutes=calendar.day_minutes,
        age_minutes=calendar.working_minutes(complaint.received_at, now),
        age_days=max((now - complaint.received_at).days, 0),
        other_steps=state.current_steps[1:],
        signed=tuple(sop.role_name(role) for role in state.approvals),
        to_sign=engine.pending_approvals(step, state),
    )


# --- writing ---------------------------------------------------------------------


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
    version = sop_versions.with_digest(session, loaded.digest)
    if version is None:
        _check_version_is_new(session, loaded)
        version = sop_versions.pin(
            session,
            sop_id=loaded.definition.id,
            version=loaded.definition.version,
            digest=loaded.digest,
            source=loaded.source,
            origin=loaded.origin,
            now=now,
        )
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
    from sopcli.definitions.loader import is_builtin

    if is_builtin(loaded):
        return
    definition = loaded.definition
    if sop_versions.named_in_use(session, definition.id, definition.version):
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


def _required(value: str | None, option: str) -> str:
    if value is None or not value.strip():
        raise InputError(_("{option} is empty").format(option=option))
    return " ".join(value.split()) if option != "--description" else value.strip()


class _Details(TypedDict):
    """A new complaint's own details, checked: the columns ``record_complaint`` fills from ``NewComplaint``."""

    description: str
    reporter: str
    unit: str
    system: str
    channel: str
    priority: str
    host: str | None
    ref: str | None


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
    loaded = _load_sop(rt, new.sop)
    if new.received_at is not None:
        check_received_at(new.received_at, rt.now())
    details: _Details = {
        "description": _required(new.description, "--description"),
        "reporter": _required(new.reporter, "--reporter"),
        "unit": _required(new.unit, "--unit"),
        "system": _required(new.system, "--system"),
        "channel": normalise_channel(_required(new.channel, "--channel")),
        "priority": normalise_priority(_required(new.priority, "--priority")),
        "host": (new.host or "").strip() or None,
        "ref": (new.ref or "").strip() or None,
    }
    check_lengths(details)
    if details["ref"] and details["ref"].upper().startswith(f"{NUMBER_PREFIX}-"):
        # A ref is looked up after numbers, and ADU-… is always read as a number: such a ref could never be found.
        raise InputError(
            _("the ref {ref!r} looks like a complaint number").format(ref=details["ref"]),
            _("give the reporter's own letter or ticket number"),
        )
    sop = loaded.definition
    calendar = rt.calendar_for(sop)
    with rt.ready_database().transaction(write=True) as session:
        journal.lock(session)
        now = rt.now()  # under the lock, as in _act: the journal's moments follow its chain
        if details["ref"]:
            _refuse_duplicate_ref(session, details["ref"])
        complaint = _open_complaint(rt, session, loaded, details, new.received_at or now, actor, now)
        return _view(session, complaint, sop, calendar.day_minutes)


def _open_complaint(
    rt: Runtime,
    session,
    loaded,
    details: Mapping[str, Any],
    received_at: datetime,
    actor: str,
    now: datetime,
    linked: Mapping[str, str] | None = None,
):
    """A new complaint row at its SOP's first step, and its received entry (with ``linked`` fields), in the
    caller's write transaction; the journal's lock is held."""
    from sopcli.store.models import Complaint

    sop = loaded.definition
    calendar = rt.calendar_for(sop)
    transition = engine.start(
        sop, received_at=received_at, actor=actor, note=details["description"], priority=details["priority"]
    )
    version = _pinned_version(session, loaded, now)
    year = received_at.astimezone(rt.zone).year
    serial = complaints.last_serial(session, year) + 1
    complaint = Complaint(
        number=f"{NUMBER_PREFIX}-{year}-{serial:05d}",
        year=year,
        serial=serial,
        sop_version_id=version.id,
        sop_id=sop.id,
        received_at=received_at,
        status=Status.OPEN,
        last_at=received_at,
        created_by=actor,
        **details,
    )
    complaints.store_state(complaint, transition.state, engine.due_at(sop, transition.state, calendar))
    session.add(complaint)
    session.flush()
    fields = received_fields(sop, details) | dict(linked or {})
    entry = engine.Entry(**(engine.describe(transition.entry) | {"fields": fields}))
    journal.append(session, entry, now, complaint_id=complaint.id, complaint_number=complaint.number)
    session.flush()
    return complaint


def check_received_at(received_at: datetime, now: datetime) -> None:
    """Refuse a given received-at in the future or implausibly long ago.

    Raises:
        InputError: either.
    """
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
    existing = complaints.number_with_ref(session, ref)
    if existing:
        raise ConflictError(
            _("ref {ref!r} is already recorded as {number}").format(ref=ref, number=existing),
            _("see 'sop show {number}'").format(number=existing),
        )


# What an action does to a loaded case: (sop, state, calendar, now) → the transition it makes.
_Action = Callable[[Any, engine.CaseState, Any, datetime], engine.Transition]
# A correction takes the loaded case as well (``_act(..., with_case=True)``).
_CaseAction = Callable[[Any, engine.CaseState, Any, datetime, "CaseAt"], engine.Transition]


@overload
def _act(
    rt: Runtime,
    number: str,
    act: _Action | _CaseAction,
    *,
    expected_step: str | None = None,
    completing_as: str | None = None,
    cancelling_as: str | None = None,
    supervising_as: str | None = None,
    with_case: bool = False,
    on_behalf_of: str | None = None,
) -> CaseView: ...


@overload
def _act(
    rt: Runtime,
    number: str,
    act: None,
    *,
    expected_step: str | None = None,
    completing_as: str,
    on_behalf_of: str | None = None,
) -> None: ...


def _act(
    rt: Runtime,
    number: str,
    act: _Action | _CaseAction | None,
    *,
    expected_step: str | None = None,
    completing_as: str | None = None,
    cancelling_as: str | None = None,
    supervising_as: str | None = None,
    with_case: bool = False,
    on_behalf_of: str | None = None,
) -> CaseView | None:
    """Load a complaint in a write transaction, apply ``act`` and store the result.

    ``act(sop, state, calendar, now)`` returns an engine Transition (``None``: only
    the checks below run, and nothing but a refusal is written). When the
    caller names the step it is completing (``expected_step``: the step the
    operator was shown), a case that has moved on since is refused. With
    ``enforce_roles`` on, ``completing_as`` must hold one of the step's
    pelaksana roles, and ``cancelling_as`` one of the SOP's (cancelling is final:
    not for just anyone), and ``supervising_as`` (a correction) one of the
    configured ``supervisor_roles`` (none set: one of the SOP's), open case or
    closed; a refusal is journaled (and committed) before it is raised.
    ``with_case``: ``act`` takes a fifth argument, the ``CaseAt`` (the row, its
    journal, and the row's columns the action sets).

    Raises:
        NotPermitted: the operator does not hold a role for the step.
    """
    with rt.ready_database().transaction(write=True) as session:
        journal.lock(session)
        now = rt.now()  # under the lock: a writer that commits first cannot make this moment look backdated
        complaint = _complaint(session, rt, number)
        if expected_step is not None:
            _refuse_moved_on(complaint, complaints.state_of(complaint), str(expected_step))
        sop = _definition(session, complaint.sop_version_id)
        refused = None
        acting_as = completing_as or cancelling_as or supervising_as
        if rt.config.enforce_roles and acting_as:
            refused = _refusal(
                session,
                complaint,
                sop,
                acting_as,
                now,
                step_id=str(expected_step) if expected_step is not None else None,
                on_behalf_of=on_behalf_of,
                any_role=bool(cancelling_as),
                supervisors=rt.config.supervisor_roles if supervising_as else None,
            )
        if refused is None:
            return _apply(rt, session, complaint, sop, act, now, with_case) if act is not None else None
    raise refused  # after the commit: the refusal stays in the journal


def open_at(complaint, step_id: str | None) -> engine.CaseState:
    """The open case ``complaint`` holds, at ``step_id`` (one of its current steps) when given.

    Raises:
        ActionError: the complaint is closed.
        CaseMovedOn: it is not at ``step_id``.
    """
    state = complaints.state_of(complaint)
    if state.status != Status.OPEN:
        raise engine.ActionError(
            _("{number} is already closed ({status})").format(
                number=complaint.number, status=_(STATUS_LABELS[state.status])
            )
        )
    if step_id is None:
        return state
    _refuse_moved_on(complaint, state, str(step_id))
    return engine.focus(state, str(step_id))


def _refuse_moved_on(complaint, state: engine.CaseState, step_id: str) -> None:
    """Refuse a step the operator was shown (or named) that the case is no longer at.

    Raises:
        CaseMovedOn: the case is at other steps, or closed.
    """
    if step_id in state.current_steps:
        return
    where = (
        _("it is at step {id}").format(id=", ".join(state.current_steps))
        if state.current_steps
        else _("it is already {status}").format(status=_(STATUS_LABELS[complaint.status]))
    )
    raise CaseMovedOn(
        _("{number} is not at step {step}: {where}").format(number=complaint.number, where=where, step=step_id),
        _("see 'sop show {number}'").format(number=complaint.number),
    )


def _apply(rt: Runtime, session, complaint, sop, act: Any, now: datetime, with_case: bool = False) -> CaseView:
    """Run ``act`` on the loaded complaint; store its new state and journal entry."""
    calendar = rt.calendar_for(sop)
    case = CaseAt(session, complaint) if with_case else None
    state = complaints.state_of(complaint)
    transition = act(sop, state, calendar, now) if case is None else act(sop, state, calendar, now, case)
    for entry in (transition.entry, *transition.also):
        check_entry(entry)
    if case is not None:
        for column, value in case.row.items():
            setattr(complaint, column, value)
        if case.sop_after is not None:  # moved to another SOP: its deadline and view are the new SOP's
            sop = case.sop_after
            calendar = rt.calendar_for(sop)
    complaints.store_state(complaint, transition.state, engine.earliest_due(sop, transition.state, calendar))
    if transition.state.status != Status.OPEN and transition.overall_minutes is not None:
        complaint.resolution_minutes = transition.overall_minutes
        complaint.overall_on_time = transition.overall_on_time
    if transition.state.status == Status.OPEN:  # reopened or a closing step undone: not resolved (yet)
        complaint.resolution_minutes = None
        complaint.overall_on_time = None
    session.add(complaint)
    for entry in (transition.entry, *transition.also):
        journal.append(session, entry, now, complaint_id=complaint.id, complaint_number=complaint.number)
    if state.status == Status.OPEN and transition.state.status != Status.OPEN:
        _return_to_handing(rt, session, complaint, transition.entry, now)
    session.flush()
    return _view(session, complaint, sop, calendar.day_minutes, calendar=calendar)


def _refusal(
    session,
    complaint,
    sop,
    actor: str,
    now: datetime,
    *,
    step_id: str | None = None,
    on_behalf_of: str | None = None,
    any_role: bool = False,
    supervisors: tuple[str, ...] | None = None,
) -> NotPermitted | None:
    """None when ``actor`` may complete the current step (``any_role``: holds any of the SOP's roles;
    ``supervisors``: a correction, which takes one of these roles, or if none are configured one of the
    SOP's); else the error to raise, its entry added to the journal."""
    from sopcli.services.operators import cancel_refusal, refusal, roles_of, supervisor_refusal

    if supervisors is not None:  # open or closed: a correction is checked whatever the case's status
        held = roles_of(session, actor)
        allowed = set(supervisors) or {role.key for role in sop.roles}
        if held & allowed:
            return None
        reason = supervisor_refusal(sop, actor, held, supervisors)
        refused = engine.Entry(Action.REFUSED, now, actor, step=complaint.current_step, note=reason)
        journal.append(session, refused, now, complaint_id=complaint.id, complaint_number=complaint.number)
        return NotPermitted(
            reason,
            _("an operator with one of these roles must do it; to be given a role, ask the administrator"),
        )
    if complaint.status != Status.OPEN:
        return None  # the engine says why nothing can be done
    step = sop.step(step_id or complaint.current_step)  # the step completed: after a fork, one of several
    held = roles_of(session, actor)
    if any_role:
        if held & {role.key for role in sop.roles}:
            return None
        reason = cancel_refusal(sop, actor, held)
    elif engine.may_complete(step, held, sop, _role_key(sop, on_behalf_of) if on_behalf_of else None):
        return None
    else:
        reason = refusal(sop, step, actor, held)
        if engine.outside_lanes(sop, step) and on_behalf_of is None:
            reason += "; " + _("IT staff record an outside party's step with --on-behalf-of ROLE")
    refused = engine.refuse(complaints.state_of(complaint), step, at=now, actor=actor, reason=reason)
    journal.append(session, refused, now, complaint_id=complaint.id, complaint_number=complaint.number)
    return NotPermitted(
        reason,
        _("an operator with one of these roles must do it; to be given a role, ask the administrator"),
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
    step_id: str | None = None,
    signing_as: str | None = None,
    proposed: str | None = None,
    override_reason: str | None = None,
    on_behalf_of: str | None = None,
    informed: Sequence[str] = (),
) -> CaseView:
    """Complete a current step of a complaint (``sop next``): ``step_id`` after a fork, when several are.

    ``proposed``: the decision option the step's checks proposed (``services.checks.run_checks``); taking
    another needs ``override_reason``; the step's entry records both.

    A step several roles sign off (``persetujuan``) is signed as ``signing_as``
    (a role key or name), or else as the one still to sign that ``actor`` holds.

    Raises:
        NotPermitted: with enforce_roles on, ``actor`` does not hold the role named to sign as.
    """

    def act(sop, state, calendar, now, case: CaseAt):
        from sopcli.services.operators import roles_of

        target = engine.focus(state, str(step_id)) if step_id is not None else state
        step = sop.step(target.current_step) if target.current_step else None
        signing = _role_key(sop, signing_as) if signing_as else None
        if step is not None and step.persetujuan:
            held = roles_of(case.session, actor)
            pending = engine.pending_approvals(step, target)
            if signing is None:
                signing = next((r for r in pending if r in held), None)
            if signing is None and len(pending) == 1 and not rt.config.enforce_roles:
                signing = pending[0]  # the one signature still missing: whose it is goes without saying
            elif rt.config.enforce_roles and signing not in held:
                raise NotPermitted(
                    _("{actor} does not hold the role {role}, so cannot sign step {id} off as it").format(
                        actor=actor, role=sop.role_name(signing), id=step.id
                    ),
                    _("to be given a role, ask the administrator"),
                )
        handed = None
        if step is not None and step.serahkan is not None and len(engine.pending_approvals(step, target)) <= 1:
            handed = _hand_over(rt, case, step.serahkan, at or now, actor, now)
        transition = engine.complete_step(
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
            step_id=step_id,
            signing_as=signing,
            proposed=proposed,
            override_reason=override_reason,
            on_behalf_of=_role_key(sop, on_behalf_of) if on_behalf_of else None,
            handed_to=handed.number if handed else None,
        )
        if handed is not None and step is not None and step.serahkan is not None and step.serahkan.kembali:
            if transition.state.status == Status.OPEN:  # a sub-process: wait for it, paused, at the next step
                reason = _("waiting for {number} ({sop})").format(number=handed.number, sop=handed.sop_id)
                waiting = engine.pause(transition.state, at=at or now, now=now, actor=actor, reason=reason)
                transition = engine.and_then(transition, waiting)
        for party in informed:  # told with the step: written after it, in the same transaction
            told = engine.inform(
                sop,
                transition.state,
                at=at or now,
                now=now,
                actor=actor,
                party=_role_key(sop, party),
                step=transition.entry.step,
            )
            transition = engine.and_then(transition, told)
        return transition

    return _act(
        rt,
        number,
        act,
        expected_step=expected_step or step_id,
        completing_as=actor,
        with_case=True,
        on_behalf_of=on_behalf_of,
    )


def _hand_over(rt: Runtime, case: CaseAt, handover, at: datetime, actor: str, now: datetime):
    """The new complaint a step's ``serahkan`` hands ``case`` to: same details, under the named SOP.

    Raises:
        NotFoundError: no built-in or recorded SOP has that id.
    """
    from sopcli.definitions.loader import load
    from sopcli.services.sops import recorded_sop

    try:
        loaded = load(handover.sop)
    except NotFoundError:
        loaded = recorded_sop(case.session, handover.sop)
        if loaded is None:
            raise NotFoundError(
                _("the step hands the complaint to SOP {sop}, which this logbook does not know").format(
                    sop=handover.sop
                ),
                _("record a complaint under it once with 'sop new --sop FILE', or correct the SOP file"),
            ) from None
    parent = case.complaint
    details = {key: getattr(parent, key) for key in ("description", "reporter", "unit", "system", "channel")}
    details |= {"priority": parent.priority, "host": parent.host, "ref": None}
    linked = {HANDED_FROM: parent.number} | ({RETURNS: "ya"} if handover.kembali else {})
    return _open_complaint(rt, case.session, loaded, details, at, actor, now, linked)


def _return_to_handing(rt: Runtime, session, child, closing: engine.Entry, now: datetime) -> None:
    """A complaint handed over as a sub-process (``serahkan`` with ``kembali``) closed: the complaint that
    handed it, waiting paused, goes on, in the same transaction."""
    received = json.loads(complaints.journal_of(session, child.id)[0].fields)
    if received.get(RETURNS) != "ya" or not received.get(HANDED_FROM):
        return
    parent = _complaint(session, rt, received[HANDED_FROM])
    state = complaints.state_of(parent)
    if state.status != Status.OPEN or state.paused_since is None:  # someone resumed or closed it by hand
        return
    sop = _definition(session, parent.sop_version_id)
    calendar = rt.calendar_for(sop)
    at = max(closing.at, state.last_at)
    note = _("{number} closed: {status}").format(number=child.number, status=_(STATUS_LABELS[child.status]))
    resumed = engine.resume(state, calendar, at=at, now=max(now, at), actor=closing.actor, note=note)
    complaints.store_state(parent, resumed.state, engine.earliest_due(sop, resumed.state, calendar))
    session.add(parent)
    journal.append(session, resumed.entry, now, complaint_id=parent.id, complaint_number=parent.number)


def _role_key(sop, given: str) -> str:
    """The key of the SOP's role ``given`` names (its key or its name, any case).

    Raises:
        InputError: the SOP has no such role.
    """
    wanted = given.strip().lower()
    for role in sop.roles:
        if wanted in (role.key.lower(), role.nama.lower()):
            return role.key
    raise InputError(
        _("SOP {sop} has no role {role!r}").format(sop=sop.id, role=given),
        _("its roles: {roles}").format(roles=", ".join(role.key for role in sop.roles)),
    )


def check_may_complete(rt: Runtime, number: str, *, actor: str, step: str, on_behalf_of: str | None = None) -> None:
    """Refuse ``actor`` at ``step`` now, as ``advance`` would, before they type a step's answers.

    Raises:
        NotPermitted: enforce_roles is on and ``actor`` holds none of the step's roles (journaled).
    """
    if rt.config.enforce_roles:
        _act(rt, number, None, expected_step=step, completing_as=actor, on_behalf_of=on_behalf_of)


def add_note(rt: Runtime, number: str, text: str, *, actor: str, at: datetime | None = None) -> CaseView:
    return _act(
        rt, number, lambda sop, state, cal, now: engine.add_note(state, at=at or now, now=now, actor=actor, note=text)
    )


def inform(
    rt: Runtime,
    number: str,
    party: str,
    *,
    actor: str,
    via: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> CaseView:
    """Record that ``party`` (a role of the complaint's SOP, by key or name) was told of it (``sop inform``)."""

    def act(sop, state, calendar, now):
        return engine.inform(
            sop, state, at=at or now, now=now, actor=actor, party=_role_key(sop, party), via=via, note=_clean(note)
        )

    return _act(rt, number, act)


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


# --- corrections -----------------------------------------------------------------


@dataclass
class CaseAt:
    """A loaded complaint as a correction sees it: its row, its journal, and what the action changes in the row."""

    session: Any
    complaint: Any
    row: dict[str, Any] = field(default_factory=dict)  # the complaint's columns the action sets
    sop_after: Any = None  # the definition the case follows after the action (a move to another SOP)

    def journal(self) -> list[tuple[int, engine.Entry]]:
        """The case's entries so far, with their seqs, in order."""
        return [
            (
                r.seq,
                engine.Entry(
                    Action(r.action),
                    r.at,
                    r.actor,
                    step=r.step,
                    decision=r.decision,
                    fields=json.loads(r.fields),
                    note=r.note,
                    took_minutes=r.took_minutes,
                    next_step=r.next_step,
                ),
            )
            for r in complaints.journal_of(self.session, self.complaint.id)
        ]

    def definition(self, digest: str):
        """The SOP text pinned under ``digest``."""
        from sopcli.definitions.loader import load_text

        version = sop_versions.with_digest(self.session, digest)
        if version is None:
            raise ValueError(f"no SOP version with digest {digest}")
        return load_text(version.source, version.origin).definition


def _corrected_value(key: str, value: str) -> str:
    """A corrected detail checked as ``sop new`` checks it (``""``: no host, no ref).

    Raises:
        InputError: an unknown detail, an empty required one, a priority word not known, a ref like a number.
    """
    if key not in engine.CORRECTABLE:
        raise InputError(
            _("{keys} cannot be corrected").format(keys=key),
            _("correct one of: {keys}").format(keys=", ".join(engine.CORRECTABLE)),
        )
    if key in ("host", "ref"):
        value = value.strip()
    else:
        value = _required(value, f"--field {key}" if key != "description" else "--description")
    if key == "channel":
        value = normalise_channel(value)
    elif key == "priority":
        value = normalise_priority(value)
    check_lengths({key: value})
    if key == "ref" and value.upper().startswith(f"{NUMBER_PREFIX}-"):
        raise InputError(
            _("the ref {ref!r} looks like a complaint number").format(ref=value),
            _("give the reporter's own letter or ticket number"),
        )
    return value


def correct(rt: Runtime, number: str, changes: Mapping[str, str], reason: str, *, actor: str) -> CaseView:
    """Correct a complaint's own details (``sop correct``): a journal entry keeps each old and new value.

    Raises:
        InputError: an unknown detail, a value ``sop new`` would refuse, nothing changing, no reason.
        ConflictError: the new ref is another complaint's.
        NotPermitted: enforce_roles is on and ``actor`` holds no supervising role (journaled).
    """
    if not changes:
        raise InputError(_("nothing to correct"), _("give --field NAME=VALUE, for example --field unit='BKD'"))
    checked = {key: _corrected_value(key, value) for key, value in changes.items()}
    engine.need_reason(reason, _("a correction needs a reason"))

    def act(sop, state, calendar, now, case: CaseAt):
        row = case.complaint
        pairs = {key: (getattr(row, key) or "", value) for key, value in checked.items()}
        ref = checked.get("ref")
        if ref and ref != (row.ref or ""):
            _refuse_duplicate_ref(case.session, ref)
        transition = engine.correct(state, at=now, now=now, actor=actor, changes=pairs, reason=reason)
        case.row = {key: value or None for key, value in engine.corrected_details(transition.entry).items()}
        return transition

    return _act(rt, number, act, supervising_as=actor, with_case=True)


def undo(rt: Runtime, number: str, reason: str, *, actor: str) -> CaseView:
    """Reverse the last step or decision (``sop undo``): the case is back at that step, its clock as it was.

    Raises:
        ActionError: nothing to undo; the case is paused.
        InputError: no reason.
        NotPermitted: enforce_roles is on and ``actor`` holds no supervising role (journaled).
    """
    engine.need_reason(reason, _("an undo needs a reason"))

    def act(sop, state, calendar, now, case: CaseAt):
        return engine.undo(
            sop, state, case.journal(), calendar, at=now, now=now, actor=actor, reason=reason,
            definitions=case.definition,
        )  # fmt: skip

    return _act(rt, number, act, supervising_as=actor, with_case=True)


def reopen(rt: Runtime, number: str, reason: str, *, actor: str, step: str | None = None) -> CaseView:
    """Reopen a closed complaint (``sop reopen``) at ``step``, by default the step it closed at.

    Its resolution time is cleared; when it closes again, it is counted from
    received to that final close (the time it stood closed included).

    Raises:
        ActionError: the complaint is open.
        InputError: an unknown step, no reason.
        NotPermitted: enforce_roles is on and ``actor`` holds no supervising role (journaled).
    """
    engine.need_reason(reason, _("reopening needs a reason"))

    def act(sop, state, calendar, now, case: CaseAt):
        closing = [e for _seq, e in case.journal() if e.action in (Action.STEP, Action.CANCEL)]
        last_step = closing[-1].step if closing else None
        return engine.reopen(sop, state, at=now, now=now, actor=actor, reason=reason, step=step, last_step=last_step)

    return _act(rt, number, act, supervising_as=actor, with_case=True)


def transfer(
    rt: Runtime, number: str, sop_reference: str, reason: str, *, actor: str, step: str | None = None
) -> CaseView:
    """Move an open complaint to another SOP (``sop transfer``), at its first step or ``step``; pins that version.

    Raises:
        NotFoundError: no such SOP.
        ActionError: the complaint is closed or paused, or already follows that SOP text.
        InputError: an unknown step, no reason.
        NotPermitted: enforce_roles is on and ``actor`` holds no supervising role (journaled).
    """
    engine.need_reason(reason, _("moving to another SOP needs a reason"))
    loaded = _load_sop(rt, sop_reference)

    def act(sop, state, calendar, now, case: CaseAt):
        old = sop_versions.with_id(case.session, case.complaint.sop_version_id)
        new = loaded.definition
        moves = {
            "from_sop": sop.id,
            "from_version": sop.version,
            engine.FROM_DIGEST: old.digest,
            "sop": new.id,
            "sop_version": new.version,
            engine.TO_DIGEST: loaded.digest,
        }
        transition = engine.transfer(state, new, at=now, now=now, actor=actor, reason=reason, step=step, moves=moves)
        version = _pinned_version(case.session, loaded, now)
        case.row = {"sop_version_id": version.id, "sop_id": new.id}
        case.sop_after = new
        return transition

    return _act(rt, number, act, supervising_as=actor, with_case=True)


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
    priority: str
    minutes_left: float | None  # working minutes to the deadline; negative when late; None: no deadline running
    day_minutes: int  # a working day of the SOP's calendar, for showing durations


# The orders ``sop list --sort`` takes, by the words it accepts for each.
LIST_ORDERS = {
    "urgency": "urgency",
    "urgensi": "urgency",
    "received": "received",
    "diterima": "received",
    "number": "number",
    "nomor": "number",
}


def list_order(word: str) -> str:
    """``urgency``, ``received`` or ``number`` (or the Indonesian urgensi, diterima, nomor).

    Raises:
        InputError: any other word.
    """
    order = LIST_ORDERS.get(word.strip().lower())
    if order is None:
        raise InputError(
            _("unknown order {value!r}").format(value=word),
            _("choose {choices}").format(choices=", ".join(LIST_ORDERS)),
        )
    return order


def count_cases(
    rt: Runtime,
    *,
    status: Status | None = Status.OPEN,
    sop: str | None = None,
    overdue: bool = False,
    mine: str | None = None,
    since: datetime | None = None,
) -> int:
    """How many complaints ``list_cases`` would give without a limit."""
    wanted = complaints.CaseFilter(rt.now(), status=status, sop=sop, overdue=overdue, mine=mine, since=since)
    with rt.ready_database().transaction() as session:
        check_sop_filter(session, sop)
        return complaints.count_matching(session, wanted)


def list_cases(
    rt: Runtime,
    *,
    status: Status | None = Status.OPEN,
    sop: str | None = None,
    overdue: bool = False,
    mine: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
    order: str = "urgency",
) -> list[CaseRow]:
    """Complaints with their current step, who must act, when it is due and the working time left; at most
    ``limit``, in ``order`` (see ``store.complaints.matching``)."""
    now = rt.now()
    wanted = complaints.CaseFilter(now, status=status, sop=sop, overdue=overdue, mine=mine, since=since)
    rows = []
    with rt.ready_database().transaction() as session:
        check_sop_filter(session, sop)
        definitions: dict[int, Any] = {}
        for complaint in complaints.matching(session, wanted, limit, order):
            if complaint.sop_version_id not in definitions:
                definitions[complaint.sop_version_id] = _definition(session, complaint.sop_version_id)
            definition = definitions[complaint.sop_version_id]
            calendar = rt.calendar_for(definition)
            step = definition.step(complaint.current_step) if complaint.current_step else None
            who = definition.who_acts(step) if step else None
            at_steps: list[str] = []
            if complaint.branches != "[]":  # a fork's branches: every step and everyone acting
                at_steps = sorted(complaints.state_of(complaint).current_steps, key=definition.step_number)
                acting = [definition.role_name(r) for s in at_steps for r in definition.step(s).pelaksana]
                who = ", ".join(dict.fromkeys(acting))
            rows.append(
                CaseRow(
                    complaint.number,
                    complaint.sop_id,
                    complaint.status,
                    complaint.received_at,
                    complaint.unit,
                    complaint.system,
                    complaint.description,
                    ", ".join(at_steps) if at_steps else complaint.current_step,
                    step.kegiatan if step and not at_steps else None,
                    who,
                    complaint.due_at,
                    bool(complaint.due_at and complaint.due_at < now and complaint.status == Status.OPEN),
                    complaint.paused_since is not None,
                    complaint.priority,
                    minutes_left(complaint.due_at if complaint.status == Status.OPEN else None, now, calendar),
                    calendar.day_minutes,
                )
            )
    return rows


# --- verifying -------------------------------------------------------------------


@dataclass
class VerifyResult:
    checked: int  # entries walked: all of them, or those since the start point
    broken_seq: int | None
    problem: str | None
    seals: list[SealCheck] = field(default_factory=list)  # of an intact chain
    checkpoints: list[CheckpointResult] = field(default_factory=list)  # of an intact chain
    since: StartPoint | None = None  # where an incremental walk started; None: the whole chain was walked
    entries: int = 0  # in the journal, up to the last entry walked
    last_full: datetime | None = None  # when the whole chain was last walked and found intact
    tampered: HeadTampered | None = None  # the last verified head no longer holds


def verify(rt: Runtime, checkpoints: Sequence[Named] = (), full: bool = False) -> VerifyResult:
    """Check the journal chain from the last verified head (or all of it), every seal after it, every checkpoint.

    Incremental by default: the head the last successful run recorded is held
    to the chain again (``services.verified.start_point``; a mismatch is
    ``tampered``), then only the entries after it are walked, and the seals
    recorded since held to their days. ``full``, a first run, or checkpoints
    kept elsewhere (each must be proven from the chain's start) walk the whole
    chain, after SQLite's quick check of the file. A run that finds all intact
    records the head it reached, in a write transaction of its own (not on a
    logbook only readable).

    Raises:
        DatabaseDamaged: SQLite's quick check finds the file damaged (the chain may read
            whole while complaints around it are lost: no "OK" for such a file).
    """
    from sopcli.domain.chain import GENESIS
    from sopcli.services.checkpoints import CheckpointWatch
    from sopcli.services.seals import SealWatch
    from sopcli.services.verified import HeadTampered, record, start_point, walk_from
    from sopcli.store.verified import VERIFY

    database = rt.ready_database()
    with database.transaction() as session:
        tampered = None
        try:
            start = start_point(session, VERIFY)
        except HeadTampered as exc:
            start, tampered = None, exc
        if tampered is not None and not (full or checkpoints):
            return VerifyResult(0, None, None, tampered=tampered)  # nothing to start from: --full walks it all
    whole = full or start is None or bool(checkpoints)
    if whole and database.path is not None and database.path.exists():
        from sopcli.store.damage import file_problems

        problems = file_problems(database.path, thorough=False)
        if problems:
            raise database.damaged(problems[0])
    origin = (0, GENESIS, 0) if whole or start is None else (start.seq, start.hash, start.entries)
    with database.transaction() as session:
        seals = SealWatch(session, rt.zone, since=origin[0])
        held = CheckpointWatch(list(checkpoints))
        watching = [watch.observe for watch in (seals, held) if watch]  # none: the plain walk, at its speed

        def both(seq: int, hash_: str, encoded: str) -> None:
            seals.observe(seq, hash_, encoded)
            held.observe(seq, hash_, encoded)

        observe = both if len(watching) == 2 else watching[0] if watching else None
        walk = walk_from(session, (origin[0], origin[1]), observe)
    checked, broken, problem = walk.checked, walk.broken_seq, walk.problem
    last_full = start.last_full if start else None
    since = None if whole else start
    if broken is not None:
        return VerifyResult(checked, broken, problem, since=since, tampered=tampered)
    result = VerifyResult(
        checked, None, None, seals.checks(), held.results(), since, origin[2] + checked, last_full, tampered
    )
    intact = (
        tampered is None
        and all(check.unchanged for check in result.seals)
        and not any(held.problem for held in result.checkpoints)
    )
    if intact and (whole or walk.last_seq != origin[0]):
        if record(rt, VERIFY, walk.last_seq, walk.last_hash, result.entries, full=whole) and whole:
            result.last_full = rt.now()
    return result
