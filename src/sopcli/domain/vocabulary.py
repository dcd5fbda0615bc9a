"""The words of a running case: its statuses and the actions its journal records.

The values are the strings stored in the database, written into the hash
chain and printed by ``--json``: they never change. What each action means to
the rest of the code is its row in ``ACTION_TABLE``; adding an action is a
member here, a row there, and its case in ``engine.apply``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sopcli.i18n import N_


class Status(StrEnum):
    """Where a complaint stands: open, cancelled, or closed as the kind of its SOP outcome.

    A case a step ends is closed with its outcome's kind (definitions.schema.OutcomeKind):
    no fault found and referred elsewhere are counted apart from resolved and rejected.
    """

    OPEN = "open"
    RESOLVED = "resolved"
    NO_FAULT_FOUND = "no_fault_found"
    REFERRED = "referred"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Action(StrEnum):
    """What a journal entry records."""

    RECEIVED = "received"
    STEP = "step"
    NOTE = "note"
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    REFUSED = "refused"
    SEAL = "seal"
    CORRECT = "correct"
    UNDO = "undo"
    REOPEN = "reopen"
    TRANSFER = "transfer"
    ROLES = "roles"
    APPROVE = "approved"  # one role's sign-off of a step that needs several (persetujuan)
    CHECKED = "checked"  # a step's machine check ran (or was skipped): evidence, the case does not move
    INFORMED = "informed"  # a party a step names (diinformasikan) was told; the case does not move
    NOTIFIED = "notified"  # sop notify delivered a reminder, an escalation or a notice; the case does not move
    DOCUMENT = "document"  # a step's document was written to a file: its name and SHA-256, to check a print by


class ActivityColumn(StrEnum):
    """The columns of the report's operator activity that count journal entries by action."""

    RECORDED = "recorded"
    STEPS = "steps"
    NOTES = "notes"
    PAUSES = "pauses"
    CANCELLATIONS = "cancellations"
    CORRECTIONS = "corrections"


@dataclass(frozen=True)
class ActionSpec:
    """What an action is to the rest of the code.

    Attributes:
        label: message id of the action as an operator reads it (``present.labels`` translates it).
        changes_state: whether ``engine.apply`` changes the case's state for it; an attempt the
            roles refused, a day's seal, or an operator's roles changing, leaves the case as it was.
        activity_column: the operator-activity column that counts it; None: counted only among all entries.
    """

    label: str
    changes_state: bool
    activity_column: ActivityColumn | None


# Keyed by Action; the text of an action as stored finds its row too (a StrEnum hashes as its value).
ACTION_TABLE: Mapping[str, ActionSpec] = {
    Action.RECEIVED: ActionSpec(N_("received"), True, ActivityColumn.RECORDED),
    Action.STEP: ActionSpec(N_("step done"), True, ActivityColumn.STEPS),
    Action.NOTE: ActionSpec(N_("note"), True, ActivityColumn.NOTES),
    Action.PAUSE: ActionSpec(N_("paused"), True, ActivityColumn.PAUSES),
    Action.RESUME: ActionSpec(N_("resumed"), True, ActivityColumn.PAUSES),
    Action.CANCEL: ActionSpec(N_("cancelled"), True, ActivityColumn.CANCELLATIONS),
    Action.REFUSED: ActionSpec(N_("not authorised"), False, None),
    Action.SEAL: ActionSpec(N_("seal"), False, None),
    Action.CORRECT: ActionSpec(N_("corrected"), True, ActivityColumn.CORRECTIONS),
    Action.UNDO: ActionSpec(N_("step undone"), True, ActivityColumn.CORRECTIONS),
    Action.REOPEN: ActionSpec(N_("reopened"), True, ActivityColumn.CORRECTIONS),
    Action.TRANSFER: ActionSpec(N_("moved to another SOP"), True, ActivityColumn.CORRECTIONS),
    Action.ROLES: ActionSpec(N_("roles changed"), False, None),
    Action.APPROVE: ActionSpec(N_("signed off"), True, None),
    Action.CHECKED: ActionSpec(N_("checked"), False, None),
    Action.INFORMED: ActionSpec(N_("informed"), True, None),
    Action.NOTIFIED: ActionSpec(N_("notified"), False, None),
    Action.DOCUMENT: ActionSpec(N_("document written"), False, None),
}

# Message ids of the statuses as an operator reads them (translated where shown, or in an error naming one).
STATUS_LABELS: Mapping[str, str] = {
    Status.OPEN: N_("open"),
    Status.RESOLVED: N_("resolved"),
    Status.NO_FAULT_FOUND: N_("no fault found"),
    Status.REFERRED: N_("referred"),
    Status.REJECTED: N_("rejected"),
    Status.CANCELLED: N_("cancelled"),
}

# The words a status may be given by (--status, an imported status cell): the stored value or the Indonesian
# word an operator reads in sop's tables, whatever the interface language (a script written for one still runs
# under the other).
STATUS_WORDS: Mapping[str, Status] = {
    "open": Status.OPEN,
    "terbuka": Status.OPEN,
    "resolved": Status.RESOLVED,
    "selesai": Status.RESOLVED,
    "no_fault_found": Status.NO_FAULT_FOUND,
    "tidak ditemukan gangguan": Status.NO_FAULT_FOUND,
    "referred": Status.REFERRED,
    "dirujuk": Status.REFERRED,
    "rejected": Status.REJECTED,
    "ditolak": Status.REJECTED,
    "cancelled": Status.CANCELLED,
    "canceled": Status.CANCELLED,
    "dibatalkan": Status.CANCELLED,
    "batal": Status.CANCELLED,
}


def status_named(text: str) -> Status | None:
    """The status ``text`` names (any case, surrounding blanks ignored); None if it names none."""
    return STATUS_WORDS.get(text.strip().lower())


def actions_counted_in(column: ActivityColumn) -> tuple[str, ...]:
    """The actions whose entries the operator-activity ``column`` counts."""
    return tuple(action for action, spec in ACTION_TABLE.items() if spec.activity_column == column)
