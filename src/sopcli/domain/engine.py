"""The running case: SOP semantics, pure.

An action checks its inputs against the definition and the case's state,
builds the journal entry that records it, and gets the new state from
``apply``: the one function that changes a case's state, for a new action and
for a journal replayed alike. No database, no terminal, no clock: the current
time and the working calendar are passed in.

Timing rules:

* A step's clock starts when it becomes current (the first step's at the
  complaint's received-at) and stops when it is done.
* Only working time counts (the calendar decides), and paused time does not.
* A step's deadline is the upper end of its standard; a step whose standard
  is set while the case runs (``waktu_dari``) takes it from that field.
* The standard counts from the step's start, or from the moment its
  ``waktu_sejak`` names (the receipt, another step's start or end), in the
  SOP's calendar or, with ``jam = "kalender"``, in clock hours. The case keeps
  the starts and ends its SOP names (``moments``), so no journal is read again.

Parallel steps: after a fork (``cabang``) several steps are current at once.
The state holds one of them as ``current_step`` with its clock, and the others
as ``branches``, each with its own; an action on one of the others first
``focus``es it (swaps it with the current step), so every rule above is
written once, for the current step. A pause stops every branch's clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sopcli.definitions.schema import (
    BRANCH_SEPARATOR,
    CHECK_PROPOSED,
    HANDED_TO,
    ON_BEHALF,
    OUTCOME_FIELD,
    OVERRIDE_REASON,
    RECEIVED,
    SIGNED_AS,
    SopDefinition,
    Step,
)
from sopcli.domain.vocabulary import ACTION_TABLE, STATUS_LABELS, Action, Status
from sopcli.errors import ActionError, InputError, TimeParseError
from sopcli.i18n import _
from sopcli.worktime.calendar import WorkingCalendar
from sopcli.worktime.parse import TimeStandard, parse_duration

# An --at in the future is refused beyond this, to forgive clocks a little apart.
FUTURE_TOLERANCE = timedelta(minutes=1)
# A complaint received longer ago than this is a typo (2016 for 2026), not a case to run: refused.
RECEIVED_AT_MOST_AGO = timedelta(days=5 * 365)
RECEIVED_AT_MOST_AGO_YEARS = 5
# A duration field (an estimate) longer than this would put a deadline out of any calendar's reach.
LONGEST_FIELD_DURATION_DAYS = 365


@dataclass(frozen=True)
class Branch:
    """A step current at the same time as the case's ``current_step`` (after a fork), with its own clock."""

    step: str
    started_at: datetime
    paused_minutes: float = 0.0
    approvals: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseState:
    """Where a complaint stands in its SOP."""

    status: Status
    current_step: str | None
    step_started_at: datetime | None
    last_at: datetime  # when the latest journal entry happened: later entries may not predate it
    received_at: datetime
    fields: Mapping[str, str] = field(default_factory=dict)
    paused_since: datetime | None = None
    paused_minutes: float = 0.0  # working minutes paused during the current step
    total_paused_minutes: float = 0.0  # over the whole case
    closed_at: datetime | None = None
    # "mulai:ID"/"selesai:ID" → when that step last started/ended; only those the SOP's waktu_sejak names
    moments: Mapping[str, datetime] = field(default_factory=dict)
    priority: str | None = None  # the complaint's: it picks a step's waktu_prioritas
    branches: tuple[Branch, ...] = ()  # the other steps current at once, in the order they opened
    approvals: tuple[str, ...] = ()  # the roles that have signed the current step off (persetujuan)

    @property
    def current_steps(self) -> tuple[str, ...]:
        """Every step the case is at: the current step, then the branches open beside it."""
        if self.current_step is None:
            return ()
        return (self.current_step, *(branch.step for branch in self.branches))


@dataclass(frozen=True)
class Entry:
    """A journal entry as the engine writes it; the store numbers and chains it."""

    action: Action
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
    also: tuple[
        Entry, ...
    ] = ()  # entries written right after ``entry``, in the same transaction; ``state`` is after all


def and_then(first: Transition, then: Transition) -> Transition:
    """``first`` followed by ``then`` (an action on the state ``first`` left), as one transition to store."""
    return replace(first, state=then.state, also=(*first.also, then.entry, *then.also))


def start(
    sop: SopDefinition,
    *,
    received_at: datetime,
    actor: str,
    note: str | None = None,
    output: str | None = None,
    priority: str | None = None,
) -> Transition:
    """A new complaint enters the SOP at its first step."""
    fields = {PRIORITY: priority} if priority else {}
    entry = Entry(
        Action.RECEIVED,
        received_at,
        actor,
        step=None,
        fields=fields,
        note=note,
        output=output,
        next_step=sop.steps[0].id,
    )
    return Transition(apply(None, entry), entry)


def counts_from(sop: SopDefinition, step: Step, state: CaseState) -> datetime | None:
    """When the current step's time standard starts counting (``waktu_sejak``).

    A named step the case has not passed this time (another branch led here)
    leaves the step's own start; the first step started at the receipt.
    """
    since = step.waktu_sejak
    if since is None:
        return state.step_started_at
    if since == RECEIVED or (since == f"mulai:{sop.steps[0].id}" and since not in state.moments):
        return state.received_at
    return state.moments.get(since, state.step_started_at)


def hours_for(step: Step, calendar: WorkingCalendar) -> WorkingCalendar:
    """The hours a step's standard counts in: the SOP's calendar, or the clock's (``jam = "kalender"``)."""
    return WorkingCalendar.twenty_four_seven(calendar.tz) if step.jam == "kalender" else calendar


def standard_for(
    sop: SopDefinition, step: Step, fields: Mapping[str, str], priority: str | None = None
) -> TimeStandard | None:
    """The step's time standard: from a field recorded earlier (``waktu_dari``), or the one for the
    complaint's ``priority`` (``waktu_prioritas``), or as written."""
    if step.waktu_dari:
        value = fields.get(step.waktu_dari)
        return parse_duration(value) if value else None
    return parse_duration(sop.waktu_for(step, priority)[0])


def elapsed_minutes(
    state: CaseState, calendar: WorkingCalendar, until: datetime, since: datetime | None = None
) -> float:
    """Working minutes from ``since`` (default: the current step's start) up to ``until``, pauses excluded."""
    since = since or state.step_started_at
    if since is None:
        return 0.0
    end = min(until, state.paused_since) if state.paused_since else until
    return max(calendar.working_minutes(since, end) - state.paused_minutes, 0.0)


def allowance(sop: SopDefinition, state: CaseState, calendar: WorkingCalendar) -> float | None:
    """Minutes the current step has from when its standard counts (its standard plus time paused in it).

    In the step's hours (``hours_for``). None if closed, paused, or without
    standard. Cases that start alike have the same allowance, so a batch of
    new cases asks once.
    """
    if state.status != Status.OPEN or state.current_step is None or state.paused_since is not None:
        return None
    step = sop.step(state.current_step)
    standard = standard_for(sop, step, state.fields, state.priority)
    if standard is None:
        return None
    return standard.deadline_minutes(hours_for(step, calendar).day_minutes) + state.paused_minutes


def due_at(sop: SopDefinition, state: CaseState, calendar: WorkingCalendar) -> datetime | None:
    """When the current step must be done; None if closed, paused, or without standard."""
    minutes = allowance(sop, state, calendar)
    if minutes is None or state.current_step is None:
        return None
    step = sop.step(state.current_step)
    since = counts_from(sop, step, state)
    return None if since is None else hours_for(step, calendar).add(since, minutes)


def focus(state: CaseState, step_id: str) -> CaseState:
    """``state`` with ``step_id``, one of its current steps, as the current step (the one actions act on).

    Raises:
        ActionError: the case is not at that step.
    """
    if step_id == state.current_step:
        return state
    position = next((i for i, branch in enumerate(state.branches) if branch.step == step_id), None)
    if position is None or state.current_step is None or state.step_started_at is None:
        raise ActionError(
            _("the case is not at step {id}").format(id=step_id),
            _("it is at step {ids}").format(ids=", ".join(state.current_steps)) if state.current_steps else None,
        )
    chosen = state.branches[position]
    was = Branch(state.current_step, state.step_started_at, state.paused_minutes, state.approvals)
    others = (was, *state.branches[:position], *state.branches[position + 1 :])  # the others keep their order
    return replace(
        state,
        current_step=chosen.step,
        step_started_at=chosen.started_at,
        paused_minutes=chosen.paused_minutes,
        approvals=chosen.approvals,
        branches=others,
    )


def deadlines(sop: SopDefinition, state: CaseState, calendar: WorkingCalendar) -> dict[str, datetime | None]:
    """Each current step → when it must be done (None: no standard, or paused)."""
    return {step_id: due_at(sop, focus(state, step_id), calendar) for step_id in state.current_steps}


def earliest_due(sop: SopDefinition, state: CaseState, calendar: WorkingCalendar) -> datetime | None:
    """The nearest deadline of the case's current steps: the one the queue sorts and warns by."""
    if not state.branches:
        return due_at(sop, state, calendar)
    dates = [due for due in deadlines(sop, state, calendar).values() if due is not None]
    return min(dates, default=None)


def pending_approvals(step: Step, state: CaseState) -> tuple[str, ...]:
    """The roles of the current step's ``persetujuan`` that have not signed it off yet."""
    return tuple(role for role in step.persetujuan if role not in state.approvals)


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
    step_id: str | None = None,
    signing_as: str | None = None,
    proposed: str | None = None,
    override_reason: str | None = None,
    on_behalf_of: str | None = None,
    handed_to: str | None = None,
) -> Transition:
    """Finish a current step: take the decision, record fields, move on or close.

    ``proposed``: the option the step's checks pointed to; the entry records it, and a decision other than it
    needs ``override_reason``, recorded too.

    With several steps current (a fork's branches), ``step_id`` says which. A
    step with ``persetujuan`` is signed off role by role (``signing_as``):
    every signature but the last is an ``approved`` entry and the step stays;
    the last completes it, with its decision and fields.

    Raises:
        ActionError: the case is closed or paused, not at ``step_id``, several steps are current and
            none is named, the signature is missing or given twice, or the decision is missing/unknown.
        InputError: a field is missing, unknown or of the wrong type; ``at`` is out of order.
    """
    _require_open(state)
    if state.paused_since is not None:
        raise ActionError(_("the case is paused"), _("resume it first with 'sop resume'"))
    _check_time(state, at, now)
    assert state.current_step is not None  # an open case is always at a step
    if step_id is None and state.branches:
        raise ActionError(
            _("several steps are current: {ids}").format(ids=", ".join(state.current_steps)),
            _("name the one done with --step ID"),
        )
    state = focus(state, str(step_id)) if step_id is not None else state
    step = sop.step(state.current_step)  # type: ignore[arg-type]  # focus keeps a step current
    pending = pending_approvals(step, state)
    if pending:
        if signing_as is None or signing_as not in step.persetujuan:
            raise ActionError(
                _("step {id} is signed off by each of: {roles}; still to sign: {pending}").format(
                    id=step.id,
                    roles=", ".join(sop.role_name(r) for r in step.persetujuan),
                    pending=", ".join(sop.role_name(r) for r in pending),
                ),
                _("sign as one of them with --sign-as ROLE"),
            )
        if signing_as not in pending:
            raise ActionError(
                _("{role} has already signed step {id} off; still to sign: {pending}").format(
                    role=sop.role_name(signing_as), id=step.id, pending=", ".join(sop.role_name(r) for r in pending)
                )
            )
        if len(pending) > 1:  # not the last signature: the step stays, signed by one more
            if decision or fields or output:
                raise InputError(
                    _("the decision, fields and output of step {id} are given with its last signature").format(
                        id=step.id
                    )
                )
            entry = Entry(Action.APPROVE, at, actor, step=step.id, fields={SIGNED_AS: signing_as}, note=note)
            return Transition(apply(state, entry, calendar, sop), entry)
    recorded = _check_fields(step, fields or {})
    next_step, end = _route(sop, step, decision)
    if end and sop.format >= 2:  # the entry says how the case ended, in the SOP's words
        recorded[OUTCOME_FIELD] = end
    if pending:  # the last signature: the entry says whose it is
        recorded[SIGNED_AS] = str(signing_as)
    if on_behalf_of is not None:
        if on_behalf_of not in outside_lanes(sop, step):
            raise ActionError(
                _(
                    "step {id} is not an outside party's: --on-behalf-of names one of its outside lanes ({lanes})"
                ).format(id=step.id, lanes=", ".join(outside_lanes(sop, step)) or "-")
            )
        recorded[ON_BEHALF] = on_behalf_of
    if handed_to is not None:  # the step handed the complaint to another SOP: the new complaint's number
        recorded[HANDED_TO] = handed_to
    if proposed is not None and step.decision is not None:
        recorded[CHECK_PROPOSED] = proposed
        taken = _option_label(step, decision)
        if taken != proposed:
            if not (override_reason or "").strip():
                raise InputError(
                    _("the checks proposed {proposed}; taking {taken} instead needs a reason").format(
                        proposed=proposed, taken=taken
                    ),
                    _("give --reason TEXT"),
                )
            recorded[OVERRIDE_REASON] = " ".join(str(override_reason).split())

    standard = standard_for(sop, step, {**state.fields, **recorded}, state.priority)
    hours = hours_for(step, calendar)
    took = round(elapsed_minutes(state, hours, at, counts_from(sop, step, state)), 2)  # judged as stored and shown
    limit = standard.deadline_minutes(hours.day_minutes) if standard else None
    entry = Entry(
        Action.STEP,
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
    after = apply(state, entry, calendar, sop)
    if not end:
        return Transition(after, entry)
    overall = max(calendar.working_minutes(state.received_at, at) - state.total_paused_minutes, 0.0)
    overall_on_time = None if sop.standard is None else overall <= sop.standard.deadline_minutes(calendar.day_minutes)
    return Transition(after, entry, round(overall, 2), overall_on_time)


def add_note(state: CaseState, *, at: datetime, now: datetime, actor: str, note: str) -> Transition:
    """A remark in the journal; the case does not move. Closed cases take notes too."""
    _check_time(state, at, now)
    if not note.strip():
        raise InputError(_("the note is empty"))
    entry = Entry(Action.NOTE, at, actor, step=state.current_step, note=note)
    return Transition(apply(state, entry), entry)


def checked(state: CaseState, step: str, fields: Mapping[str, str], *, at: datetime, actor: str) -> Transition:
    """A step's check ran (``fields``: what ``domain.checks.entry_fields`` keeps); the case does not move.

    Raises:
        ActionError: the case is closed, or not at ``step``.
    """
    _require_open(state)
    if step not in state.current_steps:
        raise ActionError(_("the case is not at step {id}").format(id=step))
    entry = Entry(Action.CHECKED, at, actor, step=step, fields=dict(fields))
    return Transition(apply(state, entry), entry)


# An informed entry's fields: the role told, and how (telepon, surat, e-mail; optional).
PARTY, VIA = "party", "via"


def inform(
    sop: SopDefinition,
    state: CaseState,
    *,
    at: datetime,
    now: datetime,
    actor: str,
    party: str,
    via: str | None = None,
    note: str | None = None,
    step: str | None = None,
) -> Transition:
    """``party`` (a role of the SOP, by key) was told of the case (of ``step``, default the current one): the
    journal says when and how.

    Open or closed: the last step's parties are often told after the case closes.

    Raises:
        InputError: the SOP has no such role; ``at`` is out of order.
    """
    _check_time(state, at, now)
    if party not in {role.key for role in sop.roles}:
        raise InputError(
            _("SOP {sop} has no role {role!r}").format(sop=sop.id, role=party),
            _("its roles: {roles}").format(roles=", ".join(role.key for role in sop.roles)),
        )
    fields = {PARTY: party} | ({VIA: via.strip()} if via and via.strip() else {})
    entry = Entry(Action.INFORMED, at, actor, step=step or state.current_step, fields=fields, note=note)
    return Transition(apply(state, entry), entry)


def pause(state: CaseState, *, at: datetime, now: datetime, actor: str, reason: str) -> Transition:
    """Stop the clock: waiting on the reporter, a vendor, a part."""
    _require_open(state)
    if state.paused_since is not None:
        raise ActionError(_("the case is already paused"), _("resume it with 'sop resume'"))
    _check_time(state, at, now)
    if not reason.strip():
        raise InputError(_("a pause needs a reason"))
    entry = Entry(Action.PAUSE, at, actor, step=state.current_step, note=reason)
    return Transition(apply(state, entry), entry)


def resume(
    state: CaseState, calendar: WorkingCalendar, *, at: datetime, now: datetime, actor: str, note: str | None = None
) -> Transition:
    """Restart the clock; the paused working time is added to the step's allowance."""
    _require_open(state)
    if state.paused_since is None:
        raise ActionError(_("the case is not paused"))
    _check_time(state, at, now)
    paused = calendar.working_minutes(state.paused_since, at)
    entry = Entry(Action.RESUME, at, actor, step=state.current_step, note=note, took_minutes=round(paused, 2))
    return Transition(apply(state, entry, calendar), entry)


def cancel(
    state: CaseState, calendar: WorkingCalendar, *, at: datetime, now: datetime, actor: str, reason: str
) -> Transition:
    """Close the case without finishing the SOP: a duplicate, or withdrawn."""
    _require_open(state)
    _check_time(state, at, now)
    if not reason.strip():
        raise InputError(_("a cancellation needs a reason"))
    entry = Entry(Action.CANCEL, at, actor, step=state.current_step, note=reason)
    return Transition(apply(state, entry, calendar), entry)


def may_complete(
    step: Step, roles: Iterable[str], sop: SopDefinition | None = None, on_behalf_of: str | None = None
) -> bool:
    """Whether an operator holding ``roles`` is one of the step's pelaksana, or, recording it on behalf of an
    outside party's lane of the step ("atas nama"), holds one of the office's own roles of the SOP."""
    held = set(roles)
    if held & set(step.pelaksana):
        return True
    if sop is None or on_behalf_of not in outside_lanes(sop, step):
        return False
    return bool(held & {role.key for role in sop.roles if not role.luar})


def outside_lanes(sop: SopDefinition, step: Step) -> tuple[str, ...]:
    """The step's pelaksana that are parties outside the office (``luar``): IT staff record for them."""
    outside = {role.key for role in sop.roles if role.luar}
    return tuple(key for key in step.pelaksana if key in outside)


def refuse(state: CaseState, step: Step, *, at: datetime, actor: str, reason: str) -> Entry:
    """The journal's record of an attempt the roles did not allow; the case does not move."""
    return Entry(Action.REFUSED, at, actor, step=step.id, note=reason)


# --- corrections: the record is never edited; a mistake is put right by a new entry that says so ---------

# The complaint's own details ``sop correct`` may change (its row's columns, not the case's state).
CORRECTABLE = ("reporter", "unit", "system", "host", "channel", "priority", "description", "ref")
# A correction entry's fields: ``before.KEY`` and ``after.KEY`` for each detail it changes.
BEFORE, AFTER = "before.", "after."
# An undo entry's fields: the entry it reverses, and the clock and fields of the step it returns to.
UNDOES = "undoes"
_UNDO_STARTED, _UNDO_PAUSED, _UNDO_FIELDS, _WAS = "step_started_at", "paused_minutes", "case_fields", "was"
_UNDO_MOMENTS = "case_moments"  # only when the SOP names moments: other undo entries read as they always did
_UNDO_BRANCHES, _UNDO_APPROVALS = "case_branches", "case_approvals"  # likewise, only when there were any
# A received entry's field that names the complaint's priority (a correction's: after.priority).
PRIORITY = "priority"
# A transfer entry's fields: the SOP versions it moves between (the digest finds a pinned text).
FROM_DIGEST, TO_DIGEST = "from_digest", "digest"
# Entries after which there is no step to undo in the same stretch of the case's life.
_UNDO_BARRIERS = (Action.CANCEL, Action.REOPEN, Action.TRANSFER)


def need_reason(reason: str, message: str) -> str:
    if not reason or not reason.strip():
        raise InputError(message, _("give --reason TEXT"))
    return reason.strip()


def correct(
    state: CaseState,
    *,
    at: datetime,
    now: datetime,
    actor: str,
    changes: Mapping[str, tuple[str, str]],
    reason: str,
) -> Transition:
    """Correct the complaint's own details; the entry keeps each old and new value. Closed cases too.

    Args:
        changes: detail name (one of ``CORRECTABLE``) → (value before, value after), already checked
            as ``sop new`` checks them; an absent host is ``""``.

    Raises:
        InputError: no change, an unknown detail, no reason, ``at`` out of order.
    """
    _check_time(state, at, now)
    reason = need_reason(reason, _("a correction needs a reason"))
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise InputError(
            _("{keys} cannot be corrected").format(keys=", ".join(unknown)),
            _("correct one of: {keys}").format(keys=", ".join(CORRECTABLE)),
        )
    changed = {key: pair for key, pair in changes.items() if pair[0] != pair[1]}
    if not changed:
        raise InputError(_("nothing to correct: the values are already so"))
    fields: dict[str, str] = {}
    for key in CORRECTABLE:
        if key in changed:
            fields[BEFORE + key], fields[AFTER + key] = changed[key]
    entry = Entry(Action.CORRECT, at, actor, step=state.current_step, fields=fields, note=reason)
    return Transition(apply(state, entry), entry)


def corrected_details(entry: Entry) -> dict[str, str]:
    """The details a correction entry sets: name → value after (``""``: none)."""
    return {key[len(AFTER) :]: value for key, value in entry.fields.items() if key.startswith(AFTER)}


# A role change's fields: the operator it concerns, the roles held before and after (comma-separated;
# no ``after``: the operator was removed).
OPERATOR, ROLES_BEFORE, ROLES_AFTER = "operator", "before", "after"


def roles_changed(
    *, at: datetime, actor: str, operator: str, before: Iterable[str], after: Iterable[str] | None
) -> Entry:
    """``actor`` changed the roles ``operator`` holds (``sop operator add``), or removed them (``after`` None).

    It belongs to no complaint: the journal records who granted what to whom, as it records every action.
    """
    fields = {OPERATOR: operator, ROLES_BEFORE: ",".join(sorted(before))}
    if after is not None:
        fields[ROLES_AFTER] = ",".join(sorted(after))
    return Entry(Action.ROLES, at, actor, fields=fields)


def recorded_details(journal: Iterable[Entry]) -> dict[str, str | None]:
    """A complaint's own details as its journal records them: its ``received`` entry, then each correction and move.

    The keys are the complaint row's columns, so ``sop db check`` can name the one edited behind sop's back.
    """
    details: dict[str, str | None] = {}
    for entry in journal:
        if entry.action == Action.RECEIVED:
            details = {key: entry.fields.get(key) for key in CORRECTABLE if key != "description"}
            details |= {"description": entry.note, "sop_id": entry.fields.get("sop"), "created_by": entry.actor}
        elif entry.action == Action.CORRECT:
            details |= {key: value or None for key, value in corrected_details(entry).items()}
        elif entry.action == Action.TRANSFER:
            details["sop_id"] = entry.fields.get("sop")
    return details


def undo(
    sop: SopDefinition,
    state: CaseState,
    journal: Sequence[tuple[int, Entry]],
    calendar: WorkingCalendar,
    *,
    at: datetime,
    now: datetime,
    actor: str,
    reason: str,
    definitions: Callable[[str], SopDefinition] | None = None,
) -> Transition:
    """Reverse the case's last step or decision: back at that step, its clock as it was, open again.

    The reversed entry stays in the journal; the undo entry names it by seq and
    carries the step's start, paused minutes and the case's fields as they were
    before it, so ``apply`` needs nothing else. Only a step done since the case
    was last cancelled, reopened or moved can be undone (for those: ``reopen``,
    ``transfer``).

    Args:
        journal: the case's entries so far with their seqs, in order.
        definitions: the SOP text pinned under a digest, for a journal that moved SOP.

    Raises:
        ActionError: nothing to undo; the case is paused.
        InputError: no reason, ``at`` out of order.
    """
    if state.paused_since is not None:
        raise ActionError(_("the case is paused"), _("resume it first with 'sop resume'"))
    _check_time(state, at, now)
    reason = need_reason(reason, _("an undo needs a reason"))
    undone = {entry.fields.get(UNDOES) for _seq, entry in journal if entry.action == Action.UNDO}
    target = None
    for position in range(len(journal) - 1, -1, -1):
        seq, entry = journal[position]
        if entry.action in _UNDO_BARRIERS:
            break
        if entry.action == Action.STEP and str(seq) not in undone:
            target = position
            break
    if target is None:
        if state.status == Status.OPEN:
            raise ActionError(_("nothing to undo: no step was done since the case started, reopened or moved"))
        raise ActionError(
            _("nothing to undo: the case was closed without a step to reverse"), _("reopen it with 'sop reopen'")
        )
    seq, reversed_entry = journal[target]
    before = replay(sop, [entry for _seq, entry in journal[:target]], calendar, definitions)
    assert before.current_step is not None and before.step_started_at is not None  # a step is done in an open case
    fields = {
        UNDOES: str(seq),
        _WAS: str(state.status),
        _UNDO_STARTED: before.step_started_at.isoformat(),
        _UNDO_PAUSED: repr(before.paused_minutes),
        _UNDO_FIELDS: json.dumps(dict(before.fields), ensure_ascii=False, sort_keys=True),
    }
    if before.moments:
        fields[_UNDO_MOMENTS] = moments_text(before.moments)
    if before.branches:
        fields[_UNDO_BRANCHES] = branches_text(before.branches)
    if before.approvals:
        fields[_UNDO_APPROVALS] = json.dumps(list(before.approvals))
    entry = Entry(
        Action.UNDO,
        at,
        actor,
        step=reversed_entry.step,
        decision=reversed_entry.decision,
        fields=fields,
        note=reason,
        next_step=before.current_step,
    )
    return Transition(apply(state, entry, calendar, sop), entry)


def reopen(
    sop: SopDefinition,
    state: CaseState,
    *,
    at: datetime,
    now: datetime,
    actor: str,
    reason: str,
    step: str | None,
    last_step: str | None,
) -> Transition:
    """Open a closed case again at ``step`` (default ``last_step``, where it closed); its clock starts at ``at``.

    Raises:
        ActionError: the case is open.
        InputError: an unknown step, no reason, ``at`` out of order.
    """
    if state.status == Status.OPEN:
        raise ActionError(_("the case is open; only a closed case can be reopened"))
    _check_time(state, at, now)
    reason = need_reason(reason, _("reopening needs a reason"))
    target = _known_step(sop, step or last_step or sop.steps[0].id)
    entry = Entry(
        Action.REOPEN, at, actor, step=last_step, fields={_WAS: str(state.status)}, note=reason, next_step=target
    )
    return Transition(apply(state, entry, sop=sop), entry)


def transfer(
    state: CaseState,
    to_sop: SopDefinition,
    *,
    at: datetime,
    now: datetime,
    actor: str,
    reason: str,
    step: str | None,
    moves: Mapping[str, str],
) -> Transition:
    """Move an open case to another SOP, at its first step (or ``step``); the step's clock starts at ``at``.

    The fields recorded under the old SOP are left behind (the journal keeps them):
    they answered the old SOP's steps, and one could set a deadline in the new.

    Args:
        moves: ``from_sop``, ``from_version``, ``from_digest``, ``sop``, ``sop_version``, ``digest``.

    Raises:
        ActionError: the case is closed or paused; the SOP is the one it follows.
        InputError: an unknown step, no reason, ``at`` out of order.
    """
    _require_open(state)
    if state.paused_since is not None:
        raise ActionError(_("the case is paused"), _("resume it first with 'sop resume'"))
    if moves[FROM_DIGEST] == moves[TO_DIGEST]:
        raise ActionError(
            _("the case already follows {sop} {version}").format(sop=moves["sop"], version=moves["sop_version"]),
            _("name another SOP"),
        )
    _check_time(state, at, now)
    reason = need_reason(reason, _("moving to another SOP needs a reason"))
    target = _known_step(to_sop, step or to_sop.steps[0].id)
    entry = Entry(
        Action.TRANSFER, at, actor, step=state.current_step, fields=dict(moves), note=reason, next_step=target
    )
    return Transition(apply(state, entry, sop=to_sop), entry)


def _known_step(sop: SopDefinition, step: str) -> str:
    ids = [s.id for s in sop.steps]
    if str(step) not in ids:
        raise InputError(
            _("SOP {sop} has no step {id}").format(sop=sop.id, id=step),
            _("its steps: {ids}").format(ids=", ".join(ids)),
        )
    return str(step)


def apply(
    state: CaseState | None,
    entry: Entry,
    calendar: WorkingCalendar | None = None,
    sop: SopDefinition | None = None,
) -> CaseState:
    """The case's state after ``entry``: the only code that changes a case's state.

    The actions build an entry and call it; ``replay`` folds a journal with it,
    so the state stored after an action is the state its journal leads to.
    A ``received`` entry opens the case (``state`` is None before it).

    Args:
        state: the state before the entry; None before the case's ``received`` entry.
        entry: the journal entry, as an action built it or as the journal holds it.
        calendar: needed to cancel a paused case: the pause it ends counts on it
            (a ``resume`` entry carries its paused minutes; a cancellation does not).
        sop: needed for a step that closes the case: the entry records the decision's
            label (format 2: the outcome's id too), and the case closes as the kind of that outcome:
            the option's, or the step's, ``end``;
            and for a case to keep the moments its SOP's ``waktu_sejak`` names.

    Raises:
        ValueError: the journal does not start with its ``received`` entry, the action is
            unknown, or a ``calendar`` or ``sop`` this entry needs was not given.
    """
    if entry.action == Action.RECEIVED:
        return CaseState(
            status=Status.OPEN,
            current_step=entry.next_step,
            step_started_at=entry.at,
            last_at=entry.at,
            received_at=entry.at,
            priority=entry.fields.get(PRIORITY),
        )
    if state is None:
        raise ValueError("a journal starts with its 'received' entry")
    spec = ACTION_TABLE.get(entry.action)
    if spec is None:
        raise ValueError(f"unknown journal action {entry.action!r}")
    if not spec.changes_state:  # an attempt the roles refused, a seal, a check's result: the case is as it was
        return state
    moved = replace(state, last_at=max(state.last_at, entry.at))
    match entry.action:
        case Action.STEP:
            if entry.step is not None and entry.step != state.current_step and state.branches:
                moved = focus(moved, entry.step)
            moved = replace(
                moved, fields={**state.fields, **_case_fields(entry.fields)}, paused_minutes=0.0, approvals=()
            )
            if entry.next_step is not None:
                return _moved_on(sop, moved, entry)
            moved = _passed(sop, moved, entry.at, ended=entry.step, started=None)
            if sop is None:
                raise ValueError("closing a case needs its SOP definition")
            assert entry.step is not None  # a step entry names its step
            end = entry.fields.get(OUTCOME_FIELD) if sop.format >= 2 else None
            if end is None:
                _, end = _route(sop, sop.step(entry.step), entry.decision)  # options are found by label
            outcome = sop.outcome(end) if end else None
            if end and outcome is None:
                raise ValueError(f"SOP {sop.id} {sop.version} has no outcome {end!r}")
            return _closed(moved, outcome.kind if outcome else Status.RESOLVED, entry.at)
        case Action.NOTE | Action.INFORMED:
            return moved
        case Action.APPROVE:  # one more signature on the step; it is done with the last
            signed = focus(moved, entry.step) if entry.step is not None and state.branches else moved
            return replace(signed, approvals=(*signed.approvals, entry.fields[SIGNED_AS]))
        case Action.PAUSE:
            return replace(moved, paused_since=entry.at)
        case Action.RESUME:
            paused = entry.took_minutes or 0.0
            return replace(
                moved,
                paused_since=None,
                paused_minutes=state.paused_minutes + paused,
                total_paused_minutes=state.total_paused_minutes + paused,
                branches=tuple(replace(b, paused_minutes=b.paused_minutes + paused) for b in state.branches),
            )
        case Action.CANCEL:
            if state.paused_since is None:
                extra = 0.0
            elif calendar is None:
                raise ValueError("cancelling a paused case needs its working calendar")
            else:
                extra = calendar.working_minutes(state.paused_since, entry.at)
            closed = _closed(moved, Status.CANCELLED, entry.at)
            return replace(closed, paused_since=None, total_paused_minutes=state.total_paused_minutes + extra)
        case Action.CORRECT:  # the complaint's own details are its row's; its priority picks standards too
            return replace(moved, priority=corrected_details(entry).get(PRIORITY, state.priority))
        case Action.UNDO:  # back at the reversed step, with its clock and the fields as they were before it
            return replace(
                moved,
                status=Status.OPEN,
                current_step=entry.next_step,
                step_started_at=datetime.fromisoformat(entry.fields[_UNDO_STARTED]),
                paused_since=None,
                paused_minutes=float(entry.fields[_UNDO_PAUSED]),
                fields=json.loads(entry.fields[_UNDO_FIELDS]),
                moments=moments_from(entry.fields.get(_UNDO_MOMENTS, "{}")),
                closed_at=None,
                branches=branches_from(entry.fields.get(_UNDO_BRANCHES, "[]")),
                approvals=tuple(json.loads(entry.fields.get(_UNDO_APPROVALS, "[]"))),
            )
        case Action.REOPEN | Action.TRANSFER:  # at the chosen step, its clock starting now
            reopened = entry.action == Action.REOPEN
            moved = replace(
                moved,
                status=Status.OPEN,
                current_step=entry.next_step,
                step_started_at=entry.at,
                paused_since=None,
                paused_minutes=0.0,
                fields=state.fields if reopened else {},
                moments=state.moments if reopened else {},
                closed_at=None,
                branches=(),
                approvals=(),
            )
            return _passed(sop, moved, entry.at, ended=None, started=entry.next_step)
    raise ValueError(f"no state change defined for journal action {entry.action!r}")


def _case_fields(recorded: Mapping[str, str]) -> dict[str, str]:
    """A step entry's fields without the outcome and signature it records: the values the case carries on."""
    return {
        key: value
        for key, value in recorded.items()
        if key not in (OUTCOME_FIELD, SIGNED_AS, CHECK_PROPOSED, OVERRIDE_REASON, ON_BEHALF, HANDED_TO)
    }


def _passed(
    sop: SopDefinition | None, state: CaseState, at: datetime, *, ended: str | None, started: str | None
) -> CaseState:
    """``state`` keeping ``at`` as the end of step ``ended`` and the start of ``started``, where the SOP names them."""
    if sop is None or not sop.moments:
        return state
    passed = {f"selesai:{ended}": at, f"mulai:{started}": at}
    kept = {key: moment for key, moment in passed.items() if key in sop.moments}
    return replace(state, moments={**state.moments, **kept}) if kept else state


def moments_text(moments: Mapping[str, datetime]) -> str:
    """A case's moments as stored (JSON, UTC ISO times)."""
    return json.dumps({key: at.astimezone(UTC).isoformat() for key, at in moments.items()}, sort_keys=True)


def moments_from(text: str) -> dict[str, datetime]:
    return {key: datetime.fromisoformat(at) for key, at in json.loads(text).items()}


def _closed(state: CaseState, status: str, at: datetime) -> CaseState:
    return replace(
        state, status=Status(status), current_step=None, step_started_at=None, closed_at=at, branches=(), approvals=()
    )


def _moved_on(sop: SopDefinition | None, state: CaseState, entry: Entry) -> CaseState:
    """``state`` after its current step (``entry.step``) is done and leads on to ``entry.next_step``.

    A fork starts all its branches; a branch arriving at a join waiting for all
    of them hands the current step to the next branch still open, and the last
    to arrive starts the join; one arriving at a join waiting for the first
    starts it and stops the others.
    """
    assert entry.next_step is not None
    targets = entry.next_step.split(BRANCH_SEPARATOR) if BRANCH_SEPARATOR in entry.next_step else [entry.next_step]
    state = _passed(sop, state, entry.at, ended=entry.step, started=None)
    join = sop.step(targets[0]).gabung if sop is not None and len(targets) == 1 else None
    if join == "semua" and state.branches:
        waiting, *others = state.branches
        return replace(
            state,
            current_step=waiting.step,
            step_started_at=waiting.started_at,
            paused_minutes=waiting.paused_minutes,
            approvals=waiting.approvals,
            branches=tuple(others),
        )
    if join == "salah_satu":
        state = replace(state, branches=())
    opened = tuple(Branch(step_id, entry.at, 0.0) for step_id in targets[1:])
    state = replace(
        state, current_step=targets[0], step_started_at=entry.at, branches=(*state.branches, *opened), approvals=()
    )
    for step_id in targets:
        state = _passed(sop, state, entry.at, ended=None, started=step_id)
    return state


def branches_text(branches: Sequence[Branch]) -> str:
    """A case's branches as stored (JSON, UTC ISO times)."""
    return json.dumps(
        [
            {
                "step": b.step,
                "started_at": b.started_at.astimezone(UTC).isoformat(),
                "paused_minutes": b.paused_minutes,
                "approvals": list(b.approvals),
            }
            for b in branches
        ]
    )


def branches_from(text: str) -> tuple[Branch, ...]:
    return tuple(
        Branch(b["step"], datetime.fromisoformat(b["started_at"]), b["paused_minutes"], tuple(b["approvals"]))
        for b in json.loads(text)
    )


def replay(
    sop: SopDefinition,
    entries: Iterable[Entry],
    calendar: WorkingCalendar,
    definitions: Callable[[str], SopDefinition] | None = None,
) -> CaseState:
    """Where a case stood after ``entries``, its journal in order: rebuilt from the journal alone.

    Reports use it for a moment in the past, and ``sop db check`` to compare
    with the stored state; both agree with the actions because each is ``apply``.

    A case moved to another SOP (``transfer``) closed its steps before the move
    under the SOP it followed then: with ``definitions`` (the text pinned under a
    digest) the fold starts with the SOP the first move left and switches at each
    move; without it, ``sop`` serves throughout (right for a case never moved).

    Raises:
        ValueError: no entries, or ones ``apply`` refuses.
    """
    entries = list(entries)
    if definitions is not None:
        first = next((e for e in entries if e.action == Action.TRANSFER), None)
        if first is not None:
            sop = definitions(first.fields[FROM_DIGEST])
    state: CaseState | None = None
    for entry in entries:
        if entry.action == Action.TRANSFER and definitions is not None:
            sop = definitions(entry.fields[TO_DIGEST])
        state = apply(state, entry, calendar, sop)
    if state is None:
        raise ValueError("no journal entries")
    return state


def _require_open(state: CaseState) -> None:
    if state.status != Status.OPEN:
        label = _(STATUS_LABELS.get(state.status, state.status))
        raise ActionError(_("the case is already closed ({status})").format(status=label))


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
        if step.cabang:
            return BRANCH_SEPARATOR.join(step.cabang), None
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


def describe(entry: Entry) -> dict[str, Any]:
    """The entry as plain data (for hashing, JSON and storage)."""
    return {
        "action": str(entry.action),  # the stored text, whatever the caller built the entry from
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
