"""Operators, their pelaksana roles, and enforce_roles: only the SOP's pelaksana may complete a step."""

from __future__ import annotations

import json

import pytest


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def case(sop):
    """A kaltim-db complaint at step 1 (pelaksana: pemeriksa_pengelola_ti)."""
    _ok(sop("new", "--sop", "kaltim-db", "--description", "SIMPEG lambat", "--reporter", "Sari", "--unit", "BKD",
            "--system", "SIMPEG", "--received-at", "2026-11-24 08:00"))
    return "ADU-2026-00001"


def test_operators_are_added_listed_and_removed(sop):
    _ok(sop("operator", "add", "budi", "--role", "pemeriksa_pengelola_ti", "--display-name", "Budi Santoso"))
    _ok(sop("operator", "add", "budi", "--role", "administrator_jaringan"))  # gains a role
    _ok(sop("operator", "add", "sari", "--role", "pejabat_administrator"))
    listed = json.loads(_ok(sop("operator", "list", "--json")).stdout)
    assert listed == [
        {"name": "budi", "display_name": "Budi Santoso", "roles": ["administrator_jaringan", "pemeriksa_pengelola_ti"]},
        {"name": "sari", "display_name": None, "roles": ["pejabat_administrator"]},
    ]
    _ok(sop("operator", "remove", "sari"))
    assert [o["name"] for o in json.loads(sop("operator", "list", "--json").stdout)] == ["budi"]


@pytest.mark.parametrize("args, message", [
    (["add", "budi", "--role", "kepala_dunia"], "no SOP has the role kepala_dunia"),
    (["add", "budi"], "give at least one --role"),
    (["remove", "nobody"], "no operator nobody"),
])
def test_bad_operator_commands_are_one_line_errors(sop, args, message):
    result = sop("operator", *args)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_without_enforce_roles_anyone_may_act(sop, case):
    _ok(sop("next", case, "--as", "tamu"))
    assert json.loads(sop("show", case, "--json").stdout)["current_step"] == "2"


def test_enforce_roles_refuses_and_journals_the_attempt(sop, case):
    _ok(sop("config", "set", "enforce_roles", "true"))

    refused = sop("next", case, "--as", "budi")
    assert refused.exit_code == 1
    assert "budi is not registered with any role; step 1 is for pemeriksa_pengelola_ti" in refused.stderr
    assert "sop operator add budi --role ROLE" in refused.stderr
    shown = json.loads(sop("show", case, "--json").stdout)
    assert shown["current_step"] == "1"  # the case did not move
    assert [e["action"] for e in shown["journal"]] == ["received", "refused"]
    assert shown["journal"][1]["actor"] == "budi" and shown["journal"][1]["step"] == "1"

    _ok(sop("operator", "add", "budi", "--role", "pemeriksa_pengelola_ti"))
    _ok(sop("next", case, "--as", "budi"))  # step 1: budi's role
    wrong = sop("next", case, "--as", "budi")  # step 2 is the pejabat administrator's
    assert wrong.exit_code == 1
    assert "budi does not hold a role for step 2: it is for pejabat_administrator (Pejabat Administrator Bidang TIK)" in wrong.stderr
    _ok(sop("operator", "add", "sari", "--role", "pejabat_administrator"))
    _ok(sop("next", case, "--as", "sari"))
    assert json.loads(sop("show", case, "--json").stdout)["current_step"] == "3"

    verified = _ok(sop("verify"))
    assert "5 journal entries" in verified.stdout  # received, refused, step 1, refused, step 2: one chain
    journal = json.loads(_ok(sop("journal", "--format", "json")).stdout)["entries"]
    assert [e["action"] for e in journal] == ["received", "refused", "step", "refused", "step"]


def test_notes_and_pauses_need_no_role(sop, case):
    _ok(sop("config", "set", "enforce_roles", "true"))
    _ok(sop("note", case, "Pelapor dihubungi", "--as", "tamu"))
    _ok(sop("pause", case, "--reason", "Menunggu pelapor", "--as", "tamu"))
