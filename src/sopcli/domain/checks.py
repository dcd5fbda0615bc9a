"""A step's machine checks as a case runs them: the target filled in from the complaint, the result, and what
the journal keeps of it. Pure: the probes that touch the network are in ``integrations.probes``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sopcli.definitions.schema import CHECK_PLACEHOLDERS, Check, Step
from sopcli.i18n import _

# The output a journal entry keeps of a check, in bytes; the SHA-256 of the whole stands for the rest.
OUTPUT_KEPT = 2048
# A check with no timeout of its own gives up after this many seconds: a check never holds up ``sop next``.
DEFAULT_TIMEOUT = 5.0
# tls: a certificate expiring within this many days fails.
DEFAULT_DAYS = 14
# The result words stored in a ``checked`` entry.
PASSED, FAILED, SKIPPED = "pass", "fail", "skipped"
_PLACEHOLDER = re.compile(r"{(" + "|".join(CHECK_PLACEHOLDERS) + r")}")


@dataclass(frozen=True)
class Probe:
    """A check with its targets filled in from the complaint: what a probe runs."""

    kind: str
    target: str  # what the journal names: a host, host:port, a URL, a name, an argv
    host: str | None = None
    port: int | None = None
    url: str | None = None
    name: str | None = None
    argv: tuple[str, ...] = ()
    count: int = 3
    status: int | None = None
    contains: str | None = None
    expect: str | None = None
    record_type: str = "A"
    days: int = DEFAULT_DAYS
    exit_code: int = 0
    timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class CheckResult:
    """What a probe found. ``passed`` None: skipped (a target the complaint lacks, a command refused)."""

    kind: str
    target: str
    passed: bool | None
    reason: str = ""  # why it failed or was skipped, in the operator's words
    figures: Mapping[str, str] = field(default_factory=dict)  # latency_ms, status, days_left, lost, …
    output: bytes = b""

    @property
    def result(self) -> str:
        return SKIPPED if self.passed is None else PASSED if self.passed else FAILED


def fill(text: str, details: Mapping[str, str | None]) -> str | None:
    """``text`` with ``{host}``, ``{system}``, ``{unit}`` replaced by the complaint's; None if one is empty."""
    missing = [name for name in _PLACEHOLDER.findall(text) if not (details.get(name) or "").strip()]
    if missing:
        return None
    return _PLACEHOLDER.sub(lambda m: str(details[m[1]]).strip(), text)


def prepare(check: Check, details: Mapping[str, str | None]) -> Probe | CheckResult:
    """The probe to run for ``check`` on a complaint with ``details``; a skipped result when a target names a
    detail the complaint does not have."""
    filled: dict[str, str | None] = {}
    for key in ("host", "url", "name", "expect"):
        value = getattr(check, key)
        if value is None:
            continue
        filled[key] = fill(value, details)
        if filled[key] is None:
            return CheckResult(
                check.kind,
                value,
                None,
                _("the complaint has no {detail} for {value}").format(
                    detail=", ".join(_PLACEHOLDER.findall(value)), value=value
                ),
            )
    argv: list[str] = []
    for arg in check.argv or ():
        value = fill(arg, details)
        if value is None:
            return CheckResult(
                check.kind,
                " ".join(check.argv or ()),
                None,
                _("the complaint lacks a detail {arg} names").format(arg=arg),
            )
        argv.append(value)
    host = filled.get("host")
    port = check.port or (443 if check.kind == "tls" else None)
    target = {
        "ping": host,
        "tcp": f"{host}:{port}",
        "tls": f"{host}:{port}",
        "http": filled.get("url"),
        "dns": filled.get("name"),
        "command": " ".join(argv),
    }[check.kind]
    return Probe(
        kind=check.kind,
        target=target or "",
        host=host,
        port=port,
        url=filled.get("url"),
        name=filled.get("name"),
        argv=tuple(argv),
        count=check.count or 3,
        status=check.status,
        contains=check.contains,
        expect=filled.get("expect"),
        record_type=check.type or "A",
        days=DEFAULT_DAYS if check.days is None else check.days,
        exit_code=check.exit_code or 0,
        timeout=check.timeout or DEFAULT_TIMEOUT,
    )


def describe(check: Check) -> str:
    """One line for ``sops show`` and the step card: ``ping {host} ×3 → ya / tidak``."""
    parts = {
        "ping": lambda c: f"ping {c.host}" + (f" ×{c.count}" if c.count else ""),
        "tcp": lambda c: f"tcp {c.host}:{c.port}",
        "http": lambda c: (
            f"http {c.url}" + (f" = {c.status}" if c.status else "") + (f' "{c.contains}"' if c.contains else "")
        ),
        "dns": lambda c: f"dns {c.name}" + (f" {c.type}" if c.type else "") + (f" = {c.expect}" if c.expect else ""),
        "tls": lambda c: f"tls {c.host}:{c.port or 443} ≥ {DEFAULT_DAYS if c.days is None else c.days} " + _("days"),
        "command": lambda c: "command " + " ".join(c.argv or ()) + (f" = {c.exit_code}" if c.exit_code else ""),
    }
    text = parts[check.kind](check)
    if check.on_pass or check.on_fail:
        text += f" → {check.on_pass or '-'} / {check.on_fail or '-'}"
    return text


def proposal(step: Step, results: Sequence[CheckResult]) -> str | None:
    """The decision option the checks point to: the first check that ran and maps its result to an option.

    Every check that ran must agree; checks that point to different options propose nothing.
    """
    proposed = set()
    for check, result in zip(step.checks, results, strict=False):
        if result.passed is None:
            continue
        label = check.on_pass if result.passed else check.on_fail
        if label is not None and step.decision is not None and (option := step.decision.option(label)):
            proposed.add(option.label)
    return proposed.pop() if len(proposed) == 1 else None


def entry_fields(result: CheckResult) -> dict[str, str]:
    """What a ``checked`` journal entry keeps: kind, target, result, figures, reason, the first 2 KB of
    output and the SHA-256 of the whole."""
    fields = {"kind": result.kind, "target": result.target, "result": result.result, **result.figures}
    if result.reason:
        fields["reason"] = result.reason
    if result.output:
        fields["output"] = result.output[:OUTPUT_KEPT].decode("utf-8", "replace")
        fields["sha256"] = hashlib.sha256(result.output).hexdigest()
    return fields


def summary(fields: Mapping[str, str]) -> str:
    """A ``checked`` entry in one line, as ``sop show`` and the jurnal harian print it:
    ``ping 10.20.1.1: gagal (3/3 hilang)``."""
    word = {PASSED: _("passed"), FAILED: _("failed"), SKIPPED: _("skipped")}.get(fields.get("result", ""), "?")
    figures = []
    if "latency_ms" in fields:
        figures.append(f"{fields['latency_ms']} ms")
    if "status" in fields:
        figures.append(f"HTTP {fields['status']}")
    if "lost" in fields:
        figures.append(_("{lost} lost").format(lost=fields["lost"]))
    if "days_left" in fields:
        figures.append(_("{n} days to expiry").format(n=fields["days_left"]))
    if "exit_code" in fields:
        figures.append(_("exit {code}").format(code=fields["exit_code"]))
    if "addresses" in fields:
        figures.append(fields["addresses"])
    text = f"{fields.get('kind', '?')} {fields.get('target', '')}: {word}"
    if figures:
        text += f" ({', '.join(figures)})"
    if fields.get("reason"):
        text += f" — {fields['reason']}"
    return text
