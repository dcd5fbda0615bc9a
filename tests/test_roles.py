"""Operators, their pelaksana roles, and enforce_roles: only the SOP's pelaksana may complete a step."""

from __future__ import annotations

import json

import pytest

from helpers import complaint_args, exited_ok, no_logbook, record_complaint


@pytest.fixture
def case(sop):
    """A kaltim-db complaint at step 1 (pelaksana: pemeriksa_pengelola_ti)."""
    record_complaint(sop, "2026-11-24 08:00")
    return "ADU-2026-00001"


def test_operators_are_added_listed_and_removed(sop):
    exited_ok(sop("operator", "add", "budi", "--role", "pemeriksa_pengelola_ti", "--display-name", "Budi Santoso"))
    exited_ok(sop("operator", "add", "budi", "--role", "administrator_jaringan"))  # gains a role
    exited_ok(sop("operator", "add", "sari", "--role", "pejabat_administrator"))
    listed = json.loads(exited_ok(sop("operator", "list", "--json")).stdout)
    assert listed == [
        {
            "name": "budi",
            "display_name": "Budi Santoso",
            "roles": ["administrator_jaringan", "pemeriksa_pengelola_ti"],
            "notify": [],
        },
        {"name": "sari", "display_name": None, "roles": ["pejabat_administrator"], "notify": []},
    ]
    exited_ok(sop("operator", "remove", "sari"))
    assert [o["name"] for o in json.loads(sop("operator", "list", "--json").stdout)] == ["budi"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["add", "budi", "--role", "kepala_dunia"], "no SOP has the role kepala_dunia"),
        (["add", "budi"], "give at least one --role"),
        (["remove", "nobody"], "no operator nobody"),
    ],
)
def test_bad_operator_commands_are_one_line_errors(sop, args, message):
    result = sop("operator", *args)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["", "   ", "bu\tdi", "bu\ndi", "bu\x07di", "\x1b[31mbudi", "x" * 81])
def test_an_unusable_operator_name_is_refused(sop, name):
    for args in (["add", name, "--role", "pejabat_administrator"], ["remove", name]):
        result = sop("operator", *args)
        assert result.exit_code == 1, result.output
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("Error: NAME ") and "is not a usable operator name" in line
        assert result.stdout == ""
    listed = sop("operator", "list", "--json")
    assert no_logbook(listed) or json.loads(exited_ok(listed).stdout) == []


def test_an_operator_name_keeps_its_inner_spaces_and_loses_the_surrounding_ones(sop):
    assert exited_ok(sop("operator", "add", "  Budi Santoso ", "--role", "pejabat_administrator")).stdout == (
        "Budi Santoso: pejabat_administrator\n"
    )
    assert [o["name"] for o in json.loads(sop("operator", "list", "--json").stdout)] == ["Budi Santoso"]
    assert exited_ok(sop("operator", "remove", " Budi Santoso")).stdout == "Budi Santoso removed.\n"


@pytest.mark.parametrize("value", [" ", "\t", "bu\x07di", "x" * 81])
def test_an_unusable_sop_operator_is_refused_and_nothing_is_journaled(sop, monkeypatch, value):
    monkeypatch.setenv("SOP_OPERATOR", value)
    result = sop(*complaint_args("2026-11-24 08:00"))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: SOP_OPERATOR {value!r} is not a usable operator name"), line
    monkeypatch.setenv("SOP_OPERATOR", "budi")
    journal = sop("journal", "--format", "json")
    assert no_logbook(journal) or json.loads(exited_ok(journal).stdout)["entries"] == []


@pytest.mark.parametrize("value", ["", " ", "bu\x1fdi", "bu\x7fdi"])
def test_an_unusable_as_is_refused(sop, case, value):
    result = sop("note", case, "Catatan", "--as", value)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: --as {value!r} is not a usable operator name")
    assert [e["action"] for e in json.loads(sop("show", case, "--json").stdout)["journal"]] == ["received"]


def test_without_enforce_roles_anyone_may_act(sop, case):
    exited_ok(sop("next", case, "--as", "tamu"))
    assert json.loads(sop("show", case, "--json").stdout)["current_step"] == "2"


def test_enforce_roles_refuses_and_journals_the_attempt(sop, case):
    exited_ok(sop("config", "set", "enforce_roles", "true"))

    refused = sop("next", case, "--as", "budi")
    assert refused.exit_code == 1
    assert "budi is not registered with any role; step 1 is for pemeriksa_pengelola_ti" in refused.stderr
    assert refused.stderr.endswith(
        "(an operator with one of these roles must do it; to be given a role, ask the administrator)\n"
    )
    assert "sop operator" not in refused.stderr  # the refusal names no way around the roles
    shown = json.loads(sop("show", case, "--json").stdout)
    assert shown["current_step"] == "1"  # the case did not move
    assert [e["action"] for e in shown["journal"]] == ["received", "refused"]
    assert shown["journal"][1]["actor"] == "budi" and shown["journal"][1]["step"] == "1"

    exited_ok(sop("operator", "add", "budi", "--role", "pemeriksa_pengelola_ti"))
    exited_ok(sop("next", case, "--as", "budi"))  # step 1: budi's role
    wrong = sop("next", case, "--as", "budi")  # step 2 is the pejabat administrator's
    assert wrong.exit_code == 1
    assert (
        "budi does not hold a role for step 2: it is for pejabat_administrator (Pejabat Administrator Bidang TIK)"
        in wrong.stderr
    )
    exited_ok(sop("operator", "add", "sari", "--role", "pejabat_administrator"))
    exited_ok(sop("next", case, "--as", "sari"))
    assert json.loads(sop("show", case, "--json").stdout)["current_step"] == "3"

    verified = exited_ok(sop("verify"))
    assert "7 journal entries" in verified.stdout  # with the two grants of a role: one chain
    journal = json.loads(exited_ok(sop("journal", "--format", "json")).stdout)["entries"]
    assert [e["action"] for e in journal] == ["received", "refused", "roles", "step", "refused", "roles", "step"]


def test_notes_and_pauses_need_no_role(sop, case):
    exited_ok(sop("config", "set", "enforce_roles", "true"))
    exited_ok(sop("note", case, "Pelapor dihubungi", "--as", "tamu"))
    exited_ok(sop("pause", case, "--reason", "Menunggu pelapor", "--as", "tamu"))


def test_cancelling_takes_one_of_the_sops_roles(sop, case):
    """Cancelling is final (there is no reopening): with enforcement on, not for a passer-by."""
    exited_ok(sop("config", "set", "enforce_roles", "true"))
    stranger = sop("cancel", case, "--reason", "iseng", "--as", "tamu")
    assert stranger.exit_code == 1 and len(stranger.stderr.strip().splitlines()) == 1
    assert "tamu is not registered with any role; cancelling a kaltim-db complaint takes one of" in stranger.stderr
    exited_ok(sop("operator", "add", "ani", "--role", "koordinator_jaringan"))  # a role of another SOP only
    other = sop("cancel", case, "--reason", "iseng", "--as", "ani")
    assert other.exit_code == 1 and "ani holds no role in kaltim-db" in other.stderr
    shown = json.loads(sop("show", case, "--json").stdout)
    assert shown["status"] == "open"
    assert [(e["action"], e["actor"]) for e in shown["journal"]] == [
        ("received", "budi"),
        ("refused", "tamu"),
        ("refused", "ani"),
    ]

    # Any of the SOP's pelaksana may, not only the current step's (step 1 is the pemeriksa's).
    exited_ok(sop("operator", "add", "sari", "--role", "pejabat_administrator"))
    exited_ok(sop("cancel", case, "--reason", "Duplikat ADU-2026-00000", "--as", "sari"))
    assert json.loads(sop("show", case, "--json").stdout)["status"] == "cancelled"
    assert "6 journal entries, chain intact" in exited_ok(sop("verify")).stdout  # refusals and grants in the chain


def test_the_staff_of_an_sop_file_no_complaint_has_used_can_be_registered(sop):
    from pathlib import Path

    own = Path(__file__).resolve().parents[1] / "sample_data" / "contoh-sop.toml"
    unknown = sop("operator", "add", "ani", "--role", "helpdesk")
    assert unknown.exit_code == 1 and "no SOP has the role helpdesk" in unknown.stderr
    assert "add --sop FILE" in unknown.stderr
    exited_ok(sop("operator", "add", "ani", "--role", "helpdesk", "--sop", str(own)))
    assert json.loads(sop("operator", "list", "--json").stdout) == [
        {"name": "ani", "display_name": None, "roles": ["helpdesk"], "notify": []}
    ]
    typo = sop("operator", "add", "ani", "--role", "helpdesks", "--sop", str(own))
    assert typo.exit_code == 1 and "no SOP has the role helpdesks" in typo.stderr


def _roles_entries(sop) -> list[tuple[str, dict]]:
    journal = json.loads(exited_ok(sop("journal", "--format", "json")).stdout)["entries"]
    return [(e["actor"], e["fields"]) for e in journal if e["action"] == "roles"]


def test_who_granted_which_role_to_whom_is_journaled(sop):
    exited_ok(sop("operator", "add", "sari", "--role", "pejabat_administrator", "--as", "kasi"))
    exited_ok(sop("operator", "add", "sari", "--role", "pemeriksa_pengelola_ti", "--as", "kasi"))
    exited_ok(sop("operator", "add", "sari", "--role", "pemeriksa_pengelola_ti", "--display-name", "Sari W."))
    exited_ok(sop("operator", "remove", "sari", "--as", "kabid"))
    assert _roles_entries(sop) == [
        ("kasi", {"operator": "sari", "before": "", "after": "pejabat_administrator"}),
        (
            "kasi",
            {
                "operator": "sari",
                "before": "pejabat_administrator",
                "after": "pejabat_administrator,pemeriksa_pengelola_ti",
            },
        ),
        ("kabid", {"operator": "sari", "before": "pejabat_administrator,pemeriksa_pengelola_ti"}),
    ]  # a new display name changes no role: no entry
    shown = exited_ok(sop("journal", "--format", "csv")).stdout
    assert "sari: - → pejabat_administrator" in shown
    assert "sari removed (held pejabat_administrator,pemeriksa_pengelola_ti)" in shown
    assert "3 journal entries, chain intact" in exited_ok(sop("verify")).stdout


def test_with_enforce_roles_only_the_administrator_changes_operators(sop):
    exited_ok(sop("config", "set", "enforce_roles", "true"))
    exited_ok(sop("operator", "add", "kasi", "--role", "admin", "--as", "kasi"))  # the first administrator
    for attempt in (
        ("operator", "add", "budi", "--role", "pemeriksa_pengelola_ti", "--as", "budi"),
        ("operator", "add", "budi", "--role", "admin", "--as", "budi"),
        ("operator", "remove", "kasi", "--as", "budi"),
    ):
        refused = sop(*attempt)
        assert refused.exit_code == 1
        assert refused.stderr == (
            "Error: budi may not change operators or their roles; it takes the role admin "
            "(ask an operator with the role admin (the administrator))\n"
        )
    assert [o["name"] for o in json.loads(sop("operator", "list", "--json").stdout)] == ["kasi"]
    assert [actor for actor, _fields in _roles_entries(sop)] == ["kasi"]  # nothing written by the refusals

    exited_ok(sop("operator", "add", "budi", "--role", "pemeriksa_pengelola_ti", "--as", "kasi"))
    exited_ok(sop("config", "set", "admin_role", "kabid"))  # another office's word for it; nobody holds it yet
    exited_ok(sop("operator", "add", "pimpinan", "--role", "kabid", "--as", "kasi"))
    assert sop("operator", "remove", "budi", "--as", "kasi").exit_code == 1  # kasi holds admin, not kabid
    exited_ok(sop("config", "set", "enforce_roles", "false"))
    exited_ok(sop("operator", "remove", "budi", "--as", "tamu"))  # off: anyone, as before, and journaled
    assert _roles_entries(sop)[-1] == ("tamu", {"operator": "budi", "before": "pemeriksa_pengelola_ti"})
