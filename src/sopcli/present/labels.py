"""The case's vocabulary in the interface language: action and status labels, and ``--status`` words.

The labels' message ids are the vocabulary's tables (``domain.vocabulary``);
they are translated here, where they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping

from sopcli.definitions.schema import BRANCH_SEPARATOR, SIGNED_AS
from sopcli.domain.vocabulary import ACTION_TABLE, STATUS_LABELS, Action, Status, status_named
from sopcli.errors import InputError
from sopcli.i18n import _

ALL_STATUSES = "all"
_ALL_WORDS = (ALL_STATUSES, "semua")


def action_label(action: str) -> str:
    """A journal entry's action as the operator reads it (an unknown one as it is stored)."""
    spec = ACTION_TABLE.get(action)
    return _(spec.label) if spec else action


def fields_text(action: str, fields: Mapping[str, str], next_step: str | None = None) -> str:
    """What a journal entry's fields say, as an operator reads them in a timeline or the jurnal harian.

    A step's values as ``key=value``; a correction's old and new values; an undo's
    entry reversed; a reopening's or move's outcome before and step after. Others: nothing.
    """
    if action == Action.STEP:
        values = ", ".join(f"{k}={v}" for k, v in fields.items())
        if next_step and BRANCH_SEPARATOR in next_step:  # a fork: every branch starts
            at_once = _("steps {ids} run at once").format(ids=", ".join(next_step.split(BRANCH_SEPARATOR)))
            return f"{values}; {at_once}" if values else at_once
        return values
    if action == Action.INFORMED:
        via = fields.get("via")
        return _("told: {party}").format(party=fields.get("party")) + (f" ({via})" if via else "")
    if action == Action.NOTIFIED:
        from sopcli.domain.alerts import event_text

        return _("sent to {recipient} ({channel}): {event}").format(
            recipient=fields.get("kepada"), channel=fields.get("saluran"), event=event_text(fields)
        )
    if action == Action.DOCUMENT:
        return _("{document} → {file} (SHA-256 {digest}…)").format(
            document=fields.get("dokumen"), file=fields.get("berkas"), digest=(fields.get("sha256") or "")[:16]
        )
    if action == Action.APPROVE:
        return _("signed off as {role}").format(role=fields.get(SIGNED_AS))
    if action == Action.CHECKED:  # "ping 10.20.1.1: failed (3/3 lost)": the evidence, in one line
        from sopcli.domain.checks import summary

        return summary(fields)
    if action == Action.CORRECT:
        names = [k.removeprefix("after.") for k in fields if k.startswith("after.")]
        return "; ".join(
            f"{name}: {fields.get('before.' + name) or '-'} → {fields.get('after.' + name) or '-'}" for name in names
        )
    if action == Action.UNDO:
        return _("reverses entry #{seq}; back at step {step}").format(seq=fields.get("undoes"), step=next_step)
    if action == Action.REOPEN:
        return _("was {status}; reopened at step {step}").format(
            status=status_label(fields.get("was", "")), step=next_step
        )
    if action == Action.ROLES:
        before = fields.get("before") or "-"
        if "after" not in fields:
            return _("{operator} removed (held {before})").format(operator=fields.get("operator"), before=before)
        return _("{operator}: {before} → {after}").format(
            operator=fields.get("operator"), before=before, after=fields.get("after") or "-"
        )
    if action == Action.TRANSFER:
        return _("{old} {old_version} → {new} {new_version}, at step {step}").format(
            old=fields.get("from_sop"),
            old_version=fields.get("from_version"),
            new=fields.get("sop"),
            new_version=fields.get("sop_version"),
            step=next_step,
        )
    return ""


def status_label(status: str) -> str:
    """A complaint's status as the operator reads it (an unknown one as it is stored)."""
    label = STATUS_LABELS.get(status)
    return _(label) if label else status


def parse_status(text: str, allow_all: bool = False) -> Status | None:
    """The status ``--status`` names: ``open`` or ``terbuka``, ``resolved`` or ``selesai``, ...

    Returns:
        The status; None for ``all``/``semua`` (every status), accepted only with ``allow_all``.

    Raises:
        InputError: no status is called that.
    """
    if allow_all and text.strip().lower() in _ALL_WORDS:
        return None
    status = status_named(text)
    if status is not None:
        return status
    choices = (
        _("open, resolved, no_fault_found, referred, rejected, cancelled or all")
        if allow_all
        else _("open, resolved, no_fault_found, referred, rejected or cancelled")
    )
    raise InputError(_("unknown status {status!r}").format(status=text), _("choose {choices}").format(choices=choices))
