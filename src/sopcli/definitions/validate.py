"""Semantic checks on an SOP definition: everything pydantic's types cannot see.

``validate()`` returns every problem it finds, never only the first, so an
officer fixing a file sees the whole list at once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sopcli.definitions.schema import (
    BRANCH_SEPARATOR,
    CHECK_KEYS,
    CHECK_PLACEHOLDERS,
    CHECK_PROPOSED,
    ESCALATE_HEAD,
    ESCALATE_SUPERIOR,
    FORMAT2_KEYS,
    OUTCOME_FIELD,
    OVERRIDE_REASON,
    RECEIVED,
    SIGNED_AS,
    STEP_FORMAT2_KEYS,
    STEP_MOMENTS,
    SopDefinition,
    Step,
)
from sopcli.errors import TimeParseError
from sopcli.i18n import _
from sopcli.worktime.parse import Threshold, parse_duration, parse_threshold


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition. ``step`` is the step id it concerns, if any."""

    message: str
    step: str | None = None
    line: int | None = None
    key: str | None = None  # the top-level key concerned, when not a step
    role: int | None = None  # the place in [[roles]] of the role concerned, when it is one

    def located(self, source: str) -> str:
        where = source if self.line is None else f"{source}:{self.line}"
        if self.step is not None:
            where += " " + _("step {id}").format(id=self.step)
        return f"{where}: {self.message}"


def validate(sop: SopDefinition, *, templates: bool = True) -> list[Problem]:
    """Every problem with ``sop``: structure, references, reachability, time texts; with ``templates``, its
    document templates parsed as well (that loads Jinja2)."""
    problems: list[Problem] = []
    problems += _format(sop)
    problems += _duplicates(sop)
    problems += _references(sop)
    problems += _ends(sop)
    problems += _time_standards(sop)
    problems += _counting(sop)
    problems += _forks(sop)
    problems += _checks(sop)
    problems += _chain_of_command(sop)
    problems += _reminders(sop)
    problems += _documents(sop, templates)
    problems += _reachability(sop)
    return problems


def _documents(sop: SopDefinition, templates: bool = True) -> list[Problem]:
    """Every ``[[dokumen]]`` once, named by a step, reading only what the record holds; signed by the SOP's roles."""
    from sopcli.definitions.templates import TEXT_KEYS, unknown_in_path, unknown_in_text

    problems: list[Problem] = []
    field_keys = {f.key for step in sop.steps for f in step.fields}
    roles = {role.key for role in sop.roles}
    for document_id, count in Counter(d.id.lower() for d in sop.dokumen).items():
        if count > 1:
            problems.append(
                Problem(_("document {id} is defined {n} times").format(id=document_id, n=count), key="dokumen")
            )
    named = {document_id.lower() for step in sop.steps for document_id in step.dokumen}
    for document in sop.dokumen:
        where = _("document {id}").format(id=document.id)
        for path in document.isian:
            if unknown_in_path(path, field_keys):
                problems.append(
                    Problem(
                        _("{where}: isian {path!r} names nothing the record holds").format(where=where, path=path),
                        key="dokumen",
                    )
                )
        for key in TEXT_KEYS if templates else ():
            error, unknown = unknown_in_text(getattr(document, key), field_keys)
            if error:
                problems.append(
                    Problem(
                        _("{where}, {key}: not a template: {error}").format(where=where, key=key, error=error),
                        key="dokumen",
                    )
                )
            for name in unknown:
                problems.append(
                    Problem(
                        _("{where}, {key}: {name} is not in the record").format(where=where, key=key, name=name),
                        key="dokumen",
                    )
                )
        problems += [
            Problem(_("{where}: ttd {role!r} is not a role of this SOP").format(where=where, role=role), key="dokumen")
            for role in document.ttd
            if role not in roles
        ]
        if document.id.lower() not in named:
            problems.append(
                Problem(_("{where}: no step produces it (dokumen = [...])").format(where=where), key="dokumen")
            )
    for step in sop.steps:
        for document_id in step.dokumen:
            produced = sop.document(document_id)
            if produced is None:
                problems.append(Problem(_("dokumen: no [[dokumen]] is called {id}").format(id=document_id), step.id))
            elif produced.keputusan is not None and not (step.decision and step.decision.option(produced.keputusan)):
                problems.append(
                    Problem(
                        _("dokumen {id}: keputusan {option!r} is not an option of this step").format(
                            id=produced.id, option=produced.keputusan
                        ),
                        step.id,
                    )
                )
    return problems


def _format(sop: SopDefinition) -> list[Problem]:
    if sop.format >= 2:
        return []
    message = _("{key}: a key of format 2; add format = 2 at the top of the file")
    problems = [Problem(message.format(key=key), key=key) for key in FORMAT2_KEYS if key in sop.model_fields_set]
    for step in sop.steps:
        problems += [
            Problem(message.format(key=key), step.id) for key in STEP_FORMAT2_KEYS if key in step.model_fields_set
        ]
    for key in ("luar", "atasan"):
        problems += [Problem(message.format(key=key), key="roles") for role in sop.roles if getattr(role, key)][:1]
    return problems


def _ends(sop: SopDefinition) -> list[Problem]:
    """Every ``end`` names one of the SOP's outcomes; format 2 declares each outcome once."""
    problems = []
    for outcome_id, count in Counter(o.id for o in sop.outcomes).items():
        if count > 1:
            problems.append(
                Problem(_("outcome {id!r} is defined {n} times").format(id=outcome_id, n=count), key="outcomes")
            )
    known = [o.id for o in sop.ends]
    for step in sop.steps:
        if sop.format >= 2 and any(f.key == OUTCOME_FIELD for f in step.fields):
            problems.append(
                Problem(_("field {key!r} is reserved for the outcome of the case").format(key=OUTCOME_FIELD), step.id)
            )
        for reserved in (CHECK_PROPOSED, OVERRIDE_REASON):
            if any(f.key == reserved for f in step.fields):
                problems.append(
                    Problem(
                        _("field {key!r} is reserved for the decision a step's checks propose").format(key=reserved),
                        step.id,
                    )
                )
        if step.persetujuan and any(f.key == SIGNED_AS for f in step.fields):
            problems.append(
                Problem(_("field {key!r} is reserved for the role signing the step off").format(key=SIGNED_AS), step.id)
            )
        for _label, _goto, end in sop.successors(step):
            if end is None or end in known:
                continue
            if sop.format >= 2:
                message = _("end: {value} is not an outcome of this SOP (its [[outcomes]]: {ids})")
            else:
                message = "end: " + _("must be one of {choices}, not {value}")
            choices = ", ".join(f'"{o}"' for o in known)
            problems.append(Problem(message.format(value=f'"{end}"', ids=choices, choices=choices), step.id))
    return problems


def _duplicates(sop: SopDefinition) -> list[Problem]:
    problems = []
    for key, count in Counter(r.key for r in sop.roles).items():
        if count > 1:
            problems.append(Problem(_("role {key!r} is defined {n} times").format(key=key, n=count), key="roles"))
    for step_id, count in Counter(s.id for s in sop.steps).items():
        if count > 1:
            problems.append(Problem(_("step id {id!r} is used {n} times").format(id=step_id, n=count), step_id))
    for step in sop.steps:
        if step.decision:
            for label, count in Counter(o.label.lower() for o in step.decision.options).items():
                if count > 1:
                    problems.append(
                        Problem(_("decision option {label!r} appears {n} times").format(label=label, n=count), step.id)
                    )
        for key, count in Counter(f.key for f in step.fields).items():
            if count > 1:
                problems.append(Problem(_("field {key!r} is defined {n} times").format(key=key, n=count), step.id))
    return problems


def _references(sop: SopDefinition) -> list[Problem]:
    problems = []
    roles = {r.key for r in sop.roles}
    step_ids = {s.id for s in sop.steps}
    field_keys = {f.key for s in sop.steps for f in s.fields}
    for step in sop.steps:
        for role in step.pelaksana:
            if role not in roles:
                problems.append(
                    Problem(
                        _("unknown role {role!r} (known: {known})").format(role=role, known=", ".join(sorted(roles))),
                        step.id,
                    )
                )
        if step.next is not None and step.next not in step_ids:
            problems.append(Problem(_("next step {target!r} does not exist").format(target=step.next), step.id))
        if step.serahkan is not None and step.serahkan.sop == sop.id:
            problems.append(Problem(_("serahkan names this SOP itself; hand over to another SOP"), step.id))
        if step.serahkan is not None and step.serahkan.kembali and step.end is not None:
            problems.append(Problem(_("serahkan with kembali = true needs a next step to wait at, not end"), step.id))
        if sum(x is not None for x in (step.next, step.end, step.decision)) + bool(step.cabang) > 1:
            problems.append(Problem(_("a step has only one of next, end, decision or cabang"), step.id))
        for key, named in (("diinformasikan", step.diinformasikan), ("persetujuan", step.persetujuan)):
            problems += [
                Problem(
                    _("{key}: unknown role {role!r} (known: {known})").format(
                        key=key, role=role, known=", ".join(sorted(roles))
                    ),
                    step.id,
                )
                for role in named
                if role not in roles
            ]
        if step.persetujuan and len(set(step.persetujuan)) < 2:
            problems.append(Problem(_("persetujuan names the roles who sign off together: at least two"), step.id))
        if step.waktu_dari is not None:
            if step.waktu_dari not in field_keys:
                problems.append(
                    Problem(
                        _("waktu_dari names field {key!r}, which no step asks for").format(key=step.waktu_dari), step.id
                    )
                )
            if step.waktu:
                problems.append(Problem(_("a step has waktu or waktu_dari, not both"), step.id))
        if step.decision is None:
            continue
        if len(step.decision.options) < 2:
            problems.append(
                Problem(
                    _("a decision needs at least two options, this one has {n}").format(n=len(step.decision.options)),
                    step.id,
                )
            )
        for option in step.decision.options:
            if (option.goto is None) == (option.end is None):
                problems.append(
                    Problem(_("option {label!r} needs exactly one of goto or end").format(label=option.label), step.id)
                )
            elif option.goto is not None and option.goto not in step_ids:
                problems.append(
                    Problem(
                        _("option {label!r} goes to step {target!r}, which does not exist").format(
                            label=option.label, target=option.goto
                        ),
                        step.id,
                    )
                )
    return problems


def _time_standards(sop: SopDefinition) -> list[Problem]:
    problems = []
    texts = [(None, sop.waktu)] + [(s.id, s.waktu) for s in sop.steps]
    for step_id, text in texts:
        try:
            parse_duration(text)
        except TimeParseError as exc:
            problems.append(
                Problem(
                    _("bad time standard: {error}").format(error=exc), step_id, key="waktu" if step_id is None else None
                )
            )
    tables = [(None, sop.waktu_prioritas)] + [(s.id, s.waktu_prioritas) for s in sop.steps]
    for step_id, table in tables:
        for priority, text in table.items() if table else ():
            try:
                parse_duration(text)
            except TimeParseError as exc:
                problems.append(
                    Problem(
                        _("waktu_prioritas {priority}: bad time standard: {error}").format(
                            priority=priority, error=exc
                        ),
                        step_id,
                        key="waktu_prioritas" if step_id is None else None,
                    )
                )
    return problems


def _counting(sop: SopDefinition) -> list[Problem]:
    """``waktu_sejak`` names the receipt or a step that can come before, on a step with a standard."""
    problems = []
    edges = _edges(sop)
    for step in sop.steps:
        if (step.waktu_sejak is not None or step.jam == "kalender") and not _has_standard(sop, step):
            problems.append(
                Problem(_("waktu_sejak and jam need a time standard: waktu, waktu_dari or waktu_prioritas"), step.id)
            )
        since = step.waktu_sejak
        if since is None or since == RECEIVED:
            continue
        which, _colon, named = since.partition(":")
        if which not in STEP_MOMENTS or not named:
            problems.append(
                Problem(
                    _('waktu_sejak must be "diterima", "mulai:ID" or "selesai:ID", not {value!r}').format(value=since),
                    step.id,
                )
            )
        elif named not in edges:
            problems.append(Problem(_("waktu_sejak names step {id!r}, which does not exist").format(id=named), step.id))
        elif named == step.id:
            problems.append(
                Problem(_("waktu_sejak names this step itself; leave it out to count from its start"), step.id)
            )
        elif step.id not in _closure(named, edges):
            problems.append(
                Problem(
                    _("waktu_sejak names step {id!r}, from which no path leads to this step").format(id=named),
                    step.id,
                )
            )
    return problems


def _forks(sop: SopDefinition) -> list[Problem]:
    """Every fork's branches meet at one join, without ending the case or forking again on the way.

    A branch that could miss its join would leave a join that waits for all of
    them waiting for ever; a join no fork leads to waits for nothing.
    """
    problems = []
    step_ids = {s.id for s in sop.steps}
    joins_of_forks: set[str] = set()
    for fork in sop.steps:
        if not fork.cabang:
            continue
        if len(set(fork.cabang)) < 2:
            problems.append(Problem(_("cabang names the steps that run at once: at least two"), fork.id))
        unknown = [branch for branch in fork.cabang if branch not in step_ids]
        for branch in unknown:
            problems.append(Problem(_("cabang names step {id!r}, which does not exist").format(id=branch), fork.id))
        for branch in fork.cabang:
            if BRANCH_SEPARATOR in branch:
                problems.append(
                    Problem(
                        _("a step that is a branch may not have {sep!r} in its id").format(sep=BRANCH_SEPARATOR),
                        fork.id,
                    )
                )
        if unknown:
            continue
        joins: set[str] = set()
        for branch in dict.fromkeys(fork.cabang):
            met, problem = _branch_join(sop, fork, branch)
            if problem:
                problems.append(Problem(problem, fork.id))
            elif met:
                joins.add(met)
        if len(joins) > 1:
            problems.append(
                Problem(
                    _("the branches of this step meet at different joins ({ids}); they must meet at one").format(
                        ids=", ".join(sorted(joins))
                    ),
                    fork.id,
                )
            )
        joins_of_forks |= joins
    for step in sop.steps:
        if step.gabung is not None and step.id not in joins_of_forks:
            problems.append(Problem(_("gabung on a step no fork's branches lead to (no cabang before it)"), step.id))
    return problems


def _branch_join(sop: SopDefinition, fork: Step, branch: str) -> tuple[str | None, str | None]:
    """(the join the paths from ``branch`` all reach, None) or (None, what is wrong with them)."""
    joins: set[str] = set()
    seen: set[str] = set()
    stack = [branch]
    known = {s.id for s in sop.steps}
    while stack:
        step_id = stack.pop()
        if step_id in seen or step_id not in known:  # an unknown step is reported on its own
            continue
        seen.add(step_id)
        step = sop.step(step_id)
        if step.gabung is not None:
            joins.add(step_id)
            continue
        if step.cabang or step_id == fork.id:
            return None, _("the branch from step {id} forks again before its join; branches may not fork").format(
                id=branch
            )
        for _label, goto, _end in sop.successors(step):
            if goto is None:
                return None, _(
                    "the branch from step {id} can end the case at step {at}; branches must meet at a join (gabung)"
                ).format(id=branch, at=step_id)
            stack.append(goto)
    if not joins:
        return None, _("the branch from step {id} never reaches a join (gabung)").format(id=branch)
    if len(joins) > 1:
        return None, _("the branch from step {id} can reach several joins ({ids}); it must reach one").format(
            id=branch, ids=", ".join(sorted(joins))
        )
    return joins.pop(), None


_CHECK_COMMON = ("kind", "timeout", "on_pass", "on_fail")
_CHECK_KEY_NAMES = {"on_pass": "pass", "on_fail": "fail"}
_PLACEHOLDER = re.compile(r"{([^{}]*)}")


def _checks(sop: SopDefinition) -> list[Problem]:
    """Each check has the keys its kind takes, targets name only the complaint's details, and ``pass``/``fail``
    name options of the step's decision."""
    problems = []
    for step in sop.steps:
        for number, check in enumerate(step.checks, 1):
            where = _("check {n} ({kind})").format(n=number, kind=check.kind)
            required, optional = CHECK_KEYS[check.kind]
            given = check.model_fields_set
            for key in required:
                if getattr(check, key) in (None, ()):
                    problems.append(Problem(f"{where}: " + _("{key} is required").format(key=key), step.id))
            allowed = set(required) | set(optional) | set(_CHECK_COMMON)
            for key in sorted(given - allowed):
                problems.append(
                    Problem(
                        f"{where}: "
                        + _("{key} is not a key of a {kind} check (its keys: {keys})").format(
                            key=key, kind=check.kind, keys=", ".join((*required, *optional, "timeout", "pass", "fail"))
                        ),
                        step.id,
                    )
                )
            for key in ("host", "url", "name", "expect"):
                problems += _placeholders(where, key, getattr(check, key), step.id)
            for arg in check.argv or ():
                problems += _placeholders(where, "argv", arg, step.id)
            if check.url is not None and not check.url.lower().startswith(("http://", "https://")):
                problems.append(Problem(f"{where}: " + _("url must start with http:// or https://"), step.id))
            for key in ("on_pass", "on_fail"):
                label = getattr(check, key)
                if label is None:
                    continue
                name = _CHECK_KEY_NAMES[key]
                if step.decision is None:
                    problems.append(
                        Problem(
                            f"{where}: "
                            + _("{key} names a decision option, but this step has no decision").format(key=name),
                            step.id,
                        )
                    )
                elif step.decision.option(label) is None:
                    problems.append(
                        Problem(
                            f"{where}: "
                            + _("{key} = {label!r} is not an option of the step's decision ({options})").format(
                                key=name, label=label, options=", ".join(o.label for o in step.decision.options)
                            ),
                            step.id,
                        )
                    )
    return problems


def _placeholders(where: str, key: str, value: str | None, step_id: str) -> list[Problem]:
    unknown = [name for name in _PLACEHOLDER.findall(value or "") if name not in CHECK_PLACEHOLDERS]
    return [
        Problem(
            f"{where}: "
            + _("{key}: {{{name}}} is not a detail of a complaint (known: {known})").format(
                key=key, name=name, known=", ".join("{" + p + "}" for p in CHECK_PLACEHOLDERS)
            ),
            step_id,
        )
        for name in unknown
    ]


def _chain_of_command(sop: SopDefinition) -> list[Problem]:
    """Each ``atasan`` names another role of the SOP, and following them never comes back where it began."""
    if sop.format < 2:
        return []  # atasan is a key of format 2, reported by _format
    problems = []
    roles = {r.key for r in sop.roles}
    superior = {r.key: r.atasan for r in sop.roles if r.atasan}
    for index, role in enumerate(sop.roles):
        where = _("role {key!r}").format(key=role.key) + ", atasan: "
        if role.atasan is None:
            continue
        if role.atasan == role.key:
            problems.append(Problem(where + _("names the role itself; name the role it answers to"), role=index))
        elif role.atasan not in roles:
            problems.append(
                Problem(
                    where
                    + _("{atasan!r} is not a role of this SOP (known: {known})").format(
                        atasan=role.atasan, known=", ".join(sorted(roles - {role.key}))
                    ),
                    role=index,
                )
            )
    reported: set[str] = set()
    for index, role in enumerate(sop.roles):
        chain = [role.key]
        while (above := superior.get(chain[-1])) is not None and above in roles and above not in chain:
            chain.append(above)
        if above is None or above != role.key or len(chain) < 2 or role.key in reported:
            continue  # the chain reaches its top, leaves the SOP (reported above), or goes round elsewhere
        reported |= set(chain)
        problems.append(
            Problem(
                _("the chain of command goes round: {chain}; the role at the top has no atasan").format(
                    chain=" → ".join([*chain, role.key])
                ),
                role=index,
            )
        )
    return problems


def _reminders(sop: SopDefinition) -> list[Problem]:
    """A step's reminders and escalations fall at times that parse, once each, on a step with a time standard,
    and escalations reach someone: a role of the SOP, the superior of whoever acts, or the head of office."""
    if sop.format < 2:
        return []  # reminders and escalate are keys of format 2, reported by _format
    problems: list[Problem] = []
    roles = {r.key for r in sop.roles}
    superior = {r.key: r.atasan for r in sop.roles if r.atasan}
    targets = ", ".join([*sorted(roles), ESCALATE_SUPERIOR, ESCALATE_HEAD])
    for step in sop.steps:
        timed = _has_standard(sop, step)
        parsed: dict[tuple[float | None, float | None, str | None], list[str]] = {}
        for text in step.reminders or ():
            threshold = _threshold("reminders: ", text, step.id, problems)
            if threshold is not None:
                parsed.setdefault(_falls_at(threshold), []).append(text)
        for texts in parsed.values():
            if len(texts) < 2:
                continue
            if len(set(texts)) == 1:
                message = _("reminders: {text!r} is given {n} times").format(text=texts[0], n=len(texts))
            else:
                message = _("reminders: {texts} are the same time; give it once").format(
                    texts=", ".join(map(repr, texts))
                )
            problems.append(Problem(message, step.id))
        if step.reminders and not timed:
            problems.append(
                Problem("reminders: " + _("the step has no time standard to count a reminder from"), step.id)
            )
        if step.escalate and not timed:
            problems.append(
                Problem("escalate: " + _("the step has no time standard to count an escalation from"), step.id)
            )
        for number, escalation in enumerate(step.escalate or (), 1):
            where = _("escalate {n}").format(n=number)
            _threshold(f"{where}, at: ", escalation.at, step.id, problems)
            if escalation.to == ESCALATE_SUPERIOR:
                if not any(role in superior for role in step.pelaksana):
                    problems.append(
                        Problem(
                            f"{where}, to: "
                            + _(
                                "no pelaksana of this step names an atasan ({roles}); give one of them an atasan"
                            ).format(roles=", ".join(step.pelaksana)),
                            step.id,
                        )
                    )
            elif escalation.to != ESCALATE_HEAD and escalation.to not in roles:
                problems.append(
                    Problem(
                        f"{where}, to: "
                        + _("{to!r} is not a role of this SOP (known: {known})").format(
                            to=escalation.to, known=targets
                        ),
                        step.id,
                    )
                )
    return problems


def _threshold(where: str, text: str, step_id: str, problems: list[Problem]) -> Threshold | None:
    """``text`` parsed, or None with its problem added to ``problems``."""
    try:
        return parse_threshold(text)
    except TimeParseError as exc:
        problems.append(Problem(where + str(exc), step_id))
        return None


def _falls_at(threshold: Threshold) -> tuple[float | None, float | None, str | None]:
    """What makes two thresholds the same time: the share, or the length before the deadline and its unit."""
    before = threshold.before
    return threshold.percent, before.high if before else None, before.unit if before else None


def _has_standard(sop: SopDefinition, step: Step) -> bool:
    if step.waktu_dari is not None or any(t and t.items() for t in (step.waktu_prioritas, sop.waktu_prioritas)):
        return True
    try:
        return parse_duration(step.waktu) is not None
    except TimeParseError:
        return True  # a bad time text is reported on its own


def _edges(sop: SopDefinition) -> dict[str, list[str]]:
    """Step id → the step ids it can lead to ("" stands for an end)."""
    step_ids = {s.id for s in sop.steps}
    edges: dict[str, list[str]] = {}
    for step in sop.steps:
        targets = []
        for _label, goto, end in sop.successors(step):
            if end is not None:
                targets.append("")
            elif goto in step_ids:
                targets.append(goto)
        edges.setdefault(step.id, targets)
    return edges


def _reachability(sop: SopDefinition) -> list[Problem]:
    problems = []
    edges = _edges(sop)
    for step in sop.steps:
        if not step.decision and not step.end and sop.following(step.id) is None:
            if sop.format >= 2:
                problems.append(
                    Problem(_("the last step needs an end (one of the [[outcomes]]) or a next step"), step.id)
                )
            else:
                problems.append(
                    Problem(_('the last step needs end = "resolved" or "rejected", or a next step'), step.id)
                )

    step_ids = list(dict.fromkeys(s.id for s in sop.steps))  # duplicates are reported once, elsewhere
    reached = _closure(step_ids[0], edges)
    for step_id in step_ids:
        if step_id not in reached:
            problems.append(Problem(_("no path from the first step reaches this step"), step_id))

    reverse: dict[str, list[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, []).append(source)
    ends_reachable_from = _closure("", reverse)
    for step_id in step_ids:
        if step_id in reached and step_id not in ends_reachable_from:
            problems.append(Problem(_("no path from this step leads to an end"), step_id))
    return problems


def _closure(start: str, edges: dict[str, list[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for target in edges.get(stack.pop(), []):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen
