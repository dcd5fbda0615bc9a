"""The running case: SOP semantics, pure.

Given a definition, a case's state and an action, return the new state and
the journal entry that records it. No database, no terminal, no clock: the
current time and the working calendar are passed in.

Timing rules:

* A step's clock starts when it becomes current (the first step's at the
  complaint's received-at) and stops when it is done.
* Only working time counts (the calendar decides), and paused time does not.
* A step's deadline is the upper end of its standard; a step whose standard
  is set while the case runs (``waktu_dari``) takes it from that field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sopcli.definitions.schema import SopDefinition, Step
from sopcli.errors import ActionError, InputError, TimeParseError
from sopcli.i18n import _
from sopcli.worktime.calendar import WorkingCalendar
from sopcli.worktime.parse import TimeStandard, parse_duration

OPEN, RESOLVED, REJECTED, CANCELLED = "open", "resolved", "rejected", "cancelled"
STATUSES = (OPEN, RESOLVED, REJECTED, CANCELLED)
ACTIONS = ("received", "step", "note", "pause", "resume", "cancel", "refused", "seal")

# An --at in the future is refused beyond this, to forgive clocks a little apart.
FUTURE_TOLERANCE = timedelta(minutes=1)
# A complaint received longer ago than this is a typo (2016 for 2026), not a case to run: refused.
RECEIVED_AT_MOST_AGO = timedelta(days=5 * 365)
RECEIVED_AT_MOST_AGO_YEARS = 5
# A duration field (an estimate) longer than this would put a deadline out of any calendar's reach.
LONGEST_FIELD_DURATION_DAYS = 365


@dataclass(frozen=True)
class CaseState:
    """Where a complaint stands in its SOP."""

    status: str
    current_step: str | None
    step_started_at: datetime | None
    last_at: datetime  # when the latest journal entry happened: later entries may not predate it
    received_at: datetime
    fields: Mapping[str, str] = field(default_factory=dict)
    paused_since: datetime | None = None
    paused_minutes: float = 0.0  # working minutes paused during the current step
    total_paused_minutes: float = 0.0  # over the whole case
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Entry:
    """A journal entry as the engine writes it; the store numbers and chains it."""

    action: str
    at: datetime
    actor: str
    step: str | None = None
    decision: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None
    output: str | None = None
    on_time: bool | None = None
    took_minutes: float | None = None
    standard_minutes: int | None = None
    next_step: str | None = None  # where the case went; None when it closed


@dataclass(frozen=True)
class Transition:
    state: CaseState
    entry: Entry
    overall_minutes: float | None = None  # working minutes from received to close, pauses excluded
    overall_on_time: bool | None = None


def start(
    sop: SopDefinition, *, received_at: datetime, actor: str, note: str | None = None, output: str | None = None
) -> Transition:
    """A new complaint enters the SOP at its first step."""
    first = sop.steps[0].id
    state = CaseState(
        status=OPEN, current_step=first, step_started_at=received_at, last_at=received_at, received_at=received_at
    )
    return Transition(
        state, Entry("received", received_at, actor, step=None, note=note, output=output, next_step=first)
    )


def standard_for(sop: SopDefinition, step: Step, fields: Mapping[str, str]) -> TimeStandard | None:
    """The step's time standard: as written, or from a field recorded earlier (``waktu_dari``)."""
    if step.waktu_dari:
        value = fields.get(step.waktu_dari)
        return parse_duration(value) if value else None
    return step.standard


def elapsed_minutes(state: CaseState, calendar: WorkingCalendar, until: datetime) -> float:
    """Working minutes spent on the current step up to ``until``, pauses excluded."""
    if state.step_started_at is None:
        return 0.0
    end = min(until, state.paused_since) if state.paused_since else until
    return max(calendar.working_minutes(state.step_started_at, end) - state.paused_minutes, 0.0)


def allowance(sop: SopDefinition, state: CaseState, calendar: WorkingCalendar) -> float | None:
    """Working minutes the current step has from when it started (its standard plus time paused in it).

    None if closed, paused, or without standard. Cases that start alike have
    the same allowance, so a batch of new cases asks once.
    """
    if state.status != OPEN or state.current_step is None or state.paused_since is not None:
        return None
    standard = standard_for(sop, sop.step(state.current_step), state.fields)
    if standard is None:
        return None
    return standard.deadline_minutes(calendar.day_minutes) + state.paused_minutes


def due_at(sop: SopDefinition, state: CaseState, calendar: WorkingCalendar) -> datetime | None:
    """When the current step must be done; None if closed, paused, or without standard."""
    minutes = allowance(sop, state, calendar)
    return None if minutes is None else calendar.add(state.step_started_at, minutes)


def complete_step(
    sop: SopDefinition,
    state: CaseState,
    calendar: WorkingCalendar,
    *,
    at: datetime,
    now: datetime,
    actor: str,
    decision: str | None = None,
    fields: Mapping[str, str] | None = None,
    note: str | None = None,
    output: str | None = None,
) -> Transition:
    """Finish the current step: take the decision, record fields, move on or close.

    Raises:
        ActionError: the case is closed or paused, or the decision is missing/unknown.
        InputError: a field is missing, unknown or of the wrong type; ``at`` is out of order.
    """
    _require_open(state)
    if state.paused_since is not None:
        raise ActionError(_("the case is paused"), _("resume it first with 'sop resume'"))
    _check_time(state, at, now)
    step = sop.step(state.current_step)
    recorded = _check_fields(step, fields or {})
    next_step, end = _route(sop, step, decision)

    merged = {**state.fields, **recorded}
    standard = standard_for(sop, step, merged)
    took = round(elapsed_minutes(state, calendar, at), 2)  # judged on what is stored and shown
    limit = standard.deadline_minutes(calendar.day_minutes) if standard else None
    entry = Entry(
        "step",
        at,
        actor,
        step=step.id,
        decision=_option_label(step, decision),
        fields=recorded,
        note=note,
        output=output,
        on_time=None if limit is None else took <= limit,
        took_minutes=took,
        standard_minutes=limit,
        next_step=next_step,
    )
    if end:
        overall = max(calendar.working_minutes(state.received_at, at) - state.total_paused_minutes, 0.0)
        overall_standard = sop.standard
        overall_on_time = (
            None if overall_standard is None else overall <= overall_standard.deadline_minutes(calendar.day_minutes)
        )
        closed = replace(
            state,
            status=end,
            current_step=None,
            step_started_at=None,
            last_at=at,
            fields=merged,
            paused_minutes=0.0,
            closed_at=at,
        )
        return Transition(closed, entry, round(overall, 2), overall_on_time)
    moved = replace(state, current_step=next_step, step_started_at=at, last_at=at, fields=merged, paused_minutes=0.0)
    return Transition(moved, entry)


def add_note(state: CaseState, *, at: datetime, now: datetime, actor: str, note: str) -> Transition:
    """A remark in the journal; the case does not move. Closed cases take notes too."""
    _check_time(state, at, now)
    if not note.strip():
        raise InputError(_("the note is empty"))
    return Transition(replace(state, last_at=at), Entry("note", at, actor, step=state.current_step, note=note))


def pause(state: CaseState, *, at: datetime, now: datetime, actor: str, reason: str) -> Transition:
    """Stop the clock: waiting on the reporter, a vendor, a part."""
    _require_open(state)
    if state.paused_since is not None:
        raise ActionError(_("the case is already paused"), _("resume it with 'sop resume'"))
    _check_time(state, at, now)
    if not reason.strip():
        raise InputError(_("a pause needs a reason"))
    paused = replace(state, paused_since=at, last_at=at)
    return Transition(paused, Entry("pause", at, actor, step=state.current_step, note=reason))


def resume(
    state: CaseState, calendar: WorkingCalendar, *, at: datetime, now: datetime, actor: str, note: str | None = None
) -> Transition:
    """Restart the clock; the paused working time is added to the step's allowance."""
    _require_open(state)
    if state.paused_since is None:
        raise ActionError(_("the case is not paused"))
    _check_time(state, at, now)
    paused = calendar.working_minutes(state.paused_since, at)
    resumed = replace(
        state,
        paused_since=None,
        last_at=at,
        paused_minutes=state.paused_minutes + paused,
        total_paused_minutes=state.total_paused_minutes + paused,
    )
    return Transition(
        resumed, Entry("resume", at, actor, step=state.current_step, note=note, took_minutes=round(paused, 2))
    )


def cancel(
    state: CaseState, calendar: WorkingCalendar, *, at: datetime, now: datetime, actor: str, reason: str
) -> Transition:
    """Close the case without finishing the SOP: a duplicate, or withdrawn."""
    _require_open(state)
    _check_time(state, at, now)
    if not reason.strip():
        raise InputError(_("a cancellation needs a reason"))
    extra = calendar.working_minutes(state.paused_since, at) if state.paused_since else 0.0
    closed = replace(
        state,
        status=CANCELLED,
        current_step=None,
        step_started_at=None,
        paused_since=None,
        last_at=at,
        closed_at=at,
        total_paused_minutes=state.total_paused_minutes + extra,
    )
    return Transition(closed, Entry("cancel", at, actor, step=state.current_step, note=reason))


def may_complete(step: Step, roles: Iterable[str]) -> bool:
    """Whether an operator holding ``roles`` is one of the step's pelaksana."""
    return bool(set(step.pelaksana) & set(roles))


def refuse(state: CaseState, step: Step, *, at: datetime, actor: str, reason: str) -> Entry:
    """The journal's record of an attempt the roles did not allow; the case does not move."""
    return Entry("refused", at, actor, step=step.id, note=reason)


def replay(sop: SopDefinition, entries: Iterable[Entry], calendar: WorkingCalendar) -> CaseState:
    """Where a case stood after ``entries``, its journal in order: rebuilt from the journal alone.

    Reports use it for a moment in the past; it must agree with the state
    stored after the same entries (a test walks every seed SOP to check).
    Paused minutes are those the journal's ``resume`` entries counted; a
    cancellation while paused counts its pause on ``calendar``, as ``cancel`` does.
    """
    state: CaseState | None = None
    for entry in entries:
        if entry.action == "received":
            state = CaseState(
                status=OPEN,
                current_step=entry.next_step,
                step_started_at=entry.at,
                last_at=entry.at,
                received_at=entry.at,
            )
            continue
        if state is None:
            raise ValueError("a journal starts with its 'received' entry")
        if entry.action == "refused":  # an attempt, not an act: the case is as it was
            continue
        state = replace(state, last_at=max(state.last_at, entry.at))
        if entry.action == "step":
            fields = {**state.fields, **entry.fields}
            if entry.next_step is not None:
                state = replace(
                    state, current_step=entry.next_step, step_started_at=entry.at, fields=fields, paused_minutes=0.0
                )
            else:
                _, end = _route(sop, sop.step(entry.step), entry.decision)  # options are found by label
                state = replace(
                    state,
                    status=end or RESOLVED,
                    current_step=None,
                    step_started_at=None,
                    fields=fields,
                    paused_minutes=0.0,
                    closed_at=entry.at,
                )
        elif entry.action == "pause":
            state = replace(state, paused_since=entry.at)
        elif entry.action == "resume":
            paused = entry.took_minutes or 0.0
            state = replace(
                state,
                paused_since=None,
                paused_minutes=state.paused_minutes + paused,
                total_paused_minutes=state.total_paused_minutes + paused,
            )
        elif entry.action == "cancel":
            extra = calendar.working_minutes(state.paused_since, entry.at) if state.paused_since else 0.0
            state = replace(
                state,
                status=CANCELLED,
                current_step=None,
                step_started_at=None,
                paused_since=None,
                closed_at=entry.at,
                total_paused_minutes=state.total_paused_minutes + extra,
            )
    if state is None:
        raise ValueError("no journal entries")
    return state


def _require_open(state: CaseState) -> None:
    if state.status != OPEN:
        raise ActionError(_("the case is already closed ({status})").format(status=status_label(state.status)))


def _check_time(state: CaseState, at: datetime, now: datetime) -> None:
    if at < state.last_at:
        raise InputError(
            _("{at} is before the case's latest entry ({last})").format(
                at=at.isoformat(timespec="minutes"),
                last=state.last_at.astimezone(at.tzinfo).isoformat(timespec="minutes"),
            ),
            _("give a later --at"),
        )
    if at > now + FUTURE_TOLERANCE:
        raise InputError(_("{at} is in the future").format(at=at.isoformat(timespec="minutes")))


def _route(sop: SopDefinition, step: Step, decision: str | None) -> tuple[str | None, str | None]:
    """(next step id, end outcome) after ``step`` with ``decision``."""
    if step.decision is None:
        if decision:
            raise ActionError(_("step {id} is not a decision; leave out --decision").format(id=step.id))
        if step.end:
            return None, step.end
        return sop.following(step.id), None
    if not decision:
        raise ActionError(
            _("step {id} needs a decision: {options}").format(id=step.id, options=describe_options(step)),
            _("give --decision OPTION"),
        )
    option = step.decision.option(decision)
    if option is None:
        raise ActionError(
            _("{value!r} is not an option of step {id}: {options}").format(
                value=decision, id=step.id, options=describe_options(step)
            )
        )
    return option.goto, option.end


def _option_label(step: Step, decision: str | None) -> str | None:
    if step.decision is None or decision is None:
        return None
    option = step.decision.option(decision)
    return option.label if option else None


def describe_options(step: Step) -> str:
    assert step.decision is not None
    return "; ".join(f"{o.label} ({o.meaning})" if o.meaning else o.label for o in step.decision.options)


def _check_fields(step: Step, given: Mapping[str, str]) -> dict[str, str]:
    known = {f.key: f for f in step.fields}
    unknown = sorted(set(given) - set(known))
    if unknown:
        expected = ", ".join(known) or _("none")
        raise InputError(
            _("step {id} does not ask for {keys} (it asks for: {expected})").format(
                id=step.id, keys=", ".join(unknown), expected=expected
            )
        )
    recorded = {}
    for spec in step.fields:
        value = (given.get(spec.key) or "").strip()
        if not value:
            if spec.required:
                raise InputError(
                    _("step {id} needs the field {key} ({meaning})").format(
                        id=step.id, key=spec.key, meaning=spec.meaning
                    ),
                    _("give --field {key}=VALUE").format(key=spec.key),
                )
            continue
        recorded[spec.key] = check_field_value(spec.key, spec.type, value)
    return recorded


_PLAIN_NUMBER = re.compile(r"^-?\d{1,15}(?:[.,]\d{1,15})?$")


def check_field_value(key: str, kind: str, value: str) -> str:
    if kind == "duration":
        try:
            duration = parse_duration(value)
            if duration is None:
                raise TimeParseError(_("no duration given"))
        except TimeParseError as exc:
            raise InputError(
                _("field {key}: {error}").format(key=key, error=exc.message), _("write it like '4 jam' or '2 hari'")
            ) from exc
        if duration.minutes(24 * 60)[1] > LONGEST_FIELD_DURATION_DAYS * 24 * 60:
            raise InputError(
                _("field {key}: {value!r} is longer than {days} days").format(
                    key=key, value=value, days=LONGEST_FIELD_DURATION_DAYS
                ),
                _("write it like '4 jam' or '2 hari'"),
            )
    elif kind == "number" and not _PLAIN_NUMBER.match(value.strip()):
        # Not float(): it takes "nan", "inf", "1_000" and "1e309", none of which a technician means.
        raise InputError(
            _("field {key}: {value!r} is not a number").format(key=key, value=value), _("write it like 12 or 3,5")
        )
    return value


def action_label(action: str) -> str:
    """A journal entry's action as the operator reads it."""
    return {
        "received": _("received"),
        "step": _("step done"),
        "note": _("note"),
        "pause": _("paused"),
        "resume": _("resumed"),
        "cancel": _("cancelled"),
        "refused": _("not authorised"),
        "seal": _("seal"),
    }.get(action, action)


# What --status accepts: the stored key or the Indonesian word an operator reads in sop's tables,
# whatever the interface language (a script written for one still runs under the other).
_STATUS_WORDS = {
    "open": OPEN,
    "terbuka": OPEN,
    "resolved": RESOLVED,
    "selesai": RESOLVED,
    "rejected": REJECTED,
    "ditolak": REJECTED,
    "cancelled": CANCELLED,
    "canceled": CANCELLED,
    "dibatalkan": CANCELLED,
    "batal": CANCELLED,
}
ALL_STATUSES = "all"


def parse_status(text: str, allow_all: bool = False) -> str:
    """A status key from ``--status``: ``open`` or ``terbuka``, ``resolved`` or ``selesai``, ... (and ``all``/``semua``).

    Raises:
        InputError: no status is called that.
    """
    word = text.strip().lower()
    if allow_all and word in (ALL_STATUSES, "semua"):
        return ALL_STATUSES
    if word in _STATUS_WORDS:
        return _STATUS_WORDS[word]
    choices = (
        _("open, resolved, rejected, cancelled or all") if allow_all else _("open, resolved, rejected or cancelled")
    )
    raise InputError(_("unknown status {status!r}").format(status=text), _("choose {choices}").format(choices=choices))


def status_label(status: str) -> str:
    return {OPEN: _("open"), RESOLVED: _("resolved"), REJECTED: _("rejected"), CANCELLED: _("cancelled")}.get(
        status, status
    )


def describe(entry: Entry) -> dict[str, Any]:
    """The entry as plain data (for hashing, JSON and storage)."""
    return {
        "action": entry.action,
        "at": entry.at,
        "actor": entry.actor,
        "step": entry.step,
        "decision": entry.decision,
        "fields": dict(entry.fields),
        "note": entry.note,
        "output": entry.output,
        "on_time": entry.on_time,
        "took_minutes": entry.took_minutes,
        "standard_minutes": entry.standard_minutes,
        "next_step": entry.next_step,
    }
