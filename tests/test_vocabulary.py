"""The case's vocabulary (``sopcli.domain.vocabulary``) and its labels (``sopcli.present.labels``)."""

from __future__ import annotations

import pytest

from sopcli import i18n
from sopcli.domain.vocabulary import (
    ACTION_TABLE,
    STATUS_LABELS,
    Action,
    ActivityColumn,
    Status,
    actions_counted_in,
    status_named,
)
from sopcli.errors import InputError
from sopcli.present.labels import action_label, parse_status, status_label


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def test_the_values_are_the_strings_stored_in_databases_and_the_hash_chain():
    assert [str(s) for s in Status] == ["open", "resolved", "no_fault_found", "referred", "rejected", "cancelled"]
    assert [str(a) for a in Action] == [
        "received",
        "step",
        "note",
        "pause",
        "resume",
        "cancel",
        "refused",
        "seal",
        "correct",
        "undo",
        "reopen",
        "transfer",
        "roles",
        "approved",
        "checked",
        "informed",
        "notified",
        "document",
    ]


def test_every_action_and_status_has_its_row():
    assert set(ACTION_TABLE) == set(Action)
    assert set(STATUS_LABELS) == set(Status)


def test_a_stored_text_finds_its_row():
    assert ACTION_TABLE["step"] is ACTION_TABLE[Action.STEP]
    assert STATUS_LABELS["open"] == STATUS_LABELS[Status.OPEN]


def test_only_refusals_seals_role_changes_checks_and_notices_leave_the_case_as_it_was():
    assert {a for a, spec in ACTION_TABLE.items() if not spec.changes_state} == {
        Action.REFUSED,
        Action.SEAL,
        Action.ROLES,
        Action.CHECKED,
        Action.NOTIFIED,
        Action.DOCUMENT,
    }


def test_the_operator_activity_columns_count_these_actions():
    assert {column: actions_counted_in(column) for column in ActivityColumn} == {
        ActivityColumn.RECORDED: (Action.RECEIVED,),
        ActivityColumn.STEPS: (Action.STEP,),
        ActivityColumn.NOTES: (Action.NOTE,),
        ActivityColumn.PAUSES: (Action.PAUSE, Action.RESUME),
        ActivityColumn.CANCELLATIONS: (Action.CANCEL,),
        ActivityColumn.CORRECTIONS: (Action.CORRECT, Action.UNDO, Action.REOPEN, Action.TRANSFER),
    }


def test_labels_are_in_the_interface_language():
    assert [action_label(a) for a in Action] == [
        "received",
        "step done",
        "note",
        "paused",
        "resumed",
        "cancelled",
        "not authorised",
        "seal",
        "corrected",
        "step undone",
        "reopened",
        "moved to another SOP",
        "roles changed",
        "signed off",
        "checked",
        "informed",
        "notified",
        "document written",
    ]
    i18n.set_language("id")
    assert action_label("refused") == "tidak berwenang"
    assert status_label("resolved") == "selesai"
    assert action_label("reopen") == "dibuka kembali"
    assert action_label("approved") == "ditandatangani"
    assert action_label("checked") == "diperiksa"
    assert action_label("informed") == "diinformasikan"
    assert action_label("notified") == "pemberitahuan dikirim"
    assert action_label("merge") == "merge"  # not one of sop's: shown as stored
    assert status_label("closed") == "closed"


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("open", Status.OPEN),
        (" Terbuka ", Status.OPEN),
        ("selesai", Status.RESOLVED),
        ("DITOLAK", Status.REJECTED),
        ("Tidak ditemukan gangguan", Status.NO_FAULT_FOUND),
        ("dirujuk", Status.REFERRED),
        ("canceled", Status.CANCELLED),
        ("batal", Status.CANCELLED),
    ],
)
def test_a_status_is_named_by_its_value_or_its_indonesian_word(word, status):
    assert status_named(word) is status
    assert parse_status(word) is status


def test_all_is_every_status_only_where_it_is_allowed():
    assert parse_status("semua", allow_all=True) is None
    assert parse_status("ALL", allow_all=True) is None
    assert status_named("all") is None
    with pytest.raises(InputError, match="unknown status 'all'"):
        parse_status("all")
