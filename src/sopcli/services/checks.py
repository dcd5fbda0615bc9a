"""Running a step's checks (``sop check``, ``sop next``): probe, then journal each result as a ``checked`` entry.

The probes run with no transaction open, so a slow target never holds the logbook's lock; the results are
journaled afterwards in one write transaction, refused if the case has moved on meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sopcli.definitions.schema import Check
from sopcli.domain import engine
from sopcli.domain.checks import CheckResult, Probe, entry_fields, prepare, proposal
from sopcli.i18n import _
from sopcli.limits import check_entry
from sopcli.services.runtime import Runtime
from sopcli.store import complaints, journal, sop_versions


@dataclass
class CheckRun:
    """What a step's checks found, and the decision option they propose."""

    number: str
    step: str
    question: str | None
    results: list[tuple[Check, CheckResult]] = field(default_factory=list)
    proposed: str | None = None


@dataclass
class _Target:
    number: str
    step: Any  # Step
    details: dict[str, str | None]
    builtin: bool


def _target(rt: Runtime, number: str, step_id: str | None) -> _Target:
    from sopcli.definitions.loader import is_builtin_origin
    from sopcli.services.cases import _complaint, _definition, open_at

    with rt.ready_database().transaction() as session:
        complaint = _complaint(session, rt, number)
        sop = _definition(session, complaint.sop_version_id)
        origin = sop_versions.with_id(session, complaint.sop_version_id).origin
    step = sop.step(open_at(complaint, step_id).current_step)
    details = {"host": complaint.host, "system": complaint.system, "unit": complaint.unit}
    return _Target(complaint.number, step, details, is_builtin_origin(origin))


def run_checks(
    rt: Runtime,
    number: str,
    *,
    actor: str,
    step_id: str | None = None,
    on_start: Callable[[Check, Probe | CheckResult], None] | None = None,
    on_result: Callable[[Check, CheckResult], None] | None = None,
    skip: bool = False,
) -> CheckRun:
    """Run the checks of a current step of complaint ``number`` and journal each result (``checked``).

    ``skip`` (``sop next --no-checks``): none runs; each is journaled as skipped. A check whose target names a
    detail the complaint lacks is skipped with that reason; a ``command`` check is refused on a built-in SOP
    and when ``command_checks`` is off. ``on_start``/``on_result`` let a terminal show each as it runs.

    Raises:
        ActionError: the complaint is closed, or not at ``step_id``.
        CaseMovedOn: the case left the step while its checks ran (nothing is journaled then).
    """
    target = _target(rt, number, step_id)
    step = target.step
    run = CheckRun(target.number, step.id, step.decision.question if step.decision else None)
    for check in step.checks:
        prepared = prepare(check, target.details)
        if on_start is not None:
            on_start(check, prepared)
        result = prepared if isinstance(prepared, CheckResult) else _run(rt, prepared, target, skip)
        if on_result is not None:
            on_result(check, result)
        run.results.append((check, result))
    run.proposed = proposal(step, [result for _check, result in run.results])
    if run.results:
        _journal(rt, target.number, step.id, [result for _check, result in run.results], actor)
    return run


def _run(rt: Runtime, probe: Probe, target: _Target, skip: bool) -> CheckResult:
    if skip:
        return CheckResult(probe.kind, probe.target, None, _("skipped with --no-checks"))
    if probe.kind == "command":
        if not rt.config.command_checks:
            return CheckResult(probe.kind, probe.target, None, _("command checks are turned off (command_checks)"))
        if target.builtin:
            return CheckResult(probe.kind, probe.target, None, _("a built-in SOP runs no commands"))
    if rt.prober is None:  # a runtime built without the network: say so rather than pretend
        return CheckResult(probe.kind, probe.target, None, _("checks cannot run here"))
    return rt.prober(probe, nameserver=rt.config.check_nameserver)


def _journal(rt: Runtime, number: str, step_id: str, results: list[CheckResult], actor: str) -> None:
    from sopcli.services.cases import _complaint, _refuse_moved_on

    with rt.ready_database().transaction(write=True) as session:
        journal.lock(session)
        now = rt.now()
        complaint = _complaint(session, rt, number)
        state = complaints.state_of(complaint)
        _refuse_moved_on(complaint, state, step_id)
        for result in results:
            transition = engine.checked(state, step_id, entry_fields(result), at=now, actor=actor)
            check_entry(transition.entry)
            journal.append(session, transition.entry, now, complaint_id=complaint.id, complaint_number=complaint.number)
