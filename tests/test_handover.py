"""Linked SOPs (``serahkan``): a step hands the complaint to another SOP as a new complaint, both pointing at each
other; with ``kembali`` the handing complaint waits, paused, until the new one closes, then goes on by itself."""

from __future__ import annotations

import json
import tomllib

import pytest

from helpers import exited_ok
from sopcli.definitions.schema import SopDefinition
from sopcli.definitions.validate import validate

INCIDENT = """
format = 2
id = "insiden-mini"
version = "1"
nama = "Penanganan Insiden"
instansi = "Dinas Contoh"

[[outcomes]]
id = "pulih"
label = "Layanan pulih"
kind = "resolved"

[[roles]]
key = "tim"
nama = "Tim Tanggap Insiden"

[[steps]]
id = "1"
kegiatan = "Menyerahkan pemulihan basis data kepada pelaksana SOP basis data"
pelaksana = ["tim"]
serahkan = { sop = "kaltim-db", kembali = true }

[[steps]]
id = "2"
kegiatan = "Memastikan layanan pulih"
pelaksana = ["tim"]
end = "pulih"
"""


def shown(sop, number: str) -> dict:
    return json.loads(exited_ok(sop("show", number, "--json")).stdout)


@pytest.fixture
def handed(sop, sop_env):
    path = sop_env / "insiden.toml"
    path.write_text(INCIDENT, encoding="utf-8")
    exited_ok(
        sop(
            "new", "--sop", str(path), "--description", "Basis data SIMPEG terenkripsi", "--reporter", "Sari",
            "--unit", "BKD", "--system", "SIMPEG", "--host", "db-01", "--priority", "tinggi",
            "--received-at", "2026-11-24 08:00",
        )
    )  # fmt: skip
    done = exited_ok(sop("next", "1", "--at", "2026-11-24 09:00"))
    assert "ADU-2026-00001 handed to ADU-2026-00002; it waits until ADU-2026-00002 closes." in done.stdout
    return "ADU-2026-00001", "ADU-2026-00002"


def test_the_new_complaint_carries_the_details_and_both_point_at_each_other(sop, handed):
    parent, child = handed
    new = shown(sop, child)
    assert (new["sop"]["id"], new["status"], new["current_step"]) == ("kaltim-db", "open", "1")
    assert (new["description"], new["reporter"], new["unit"], new["host"], new["priority"]) == (
        "Basis data SIMPEG terenkripsi",
        "Sari",
        "BKD",
        "db-01",
        "tinggi",
    )
    assert new["linked_from"] == parent and shown(sop, parent)["linked_to"] == [child]
    assert "Handed over from" in exited_ok(sop("show", child)).stdout


def test_the_handing_complaint_waits_paused_and_goes_on_when_the_other_closes(sop, handed):
    parent, child = handed
    waiting = shown(sop, parent)
    assert (waiting["current_step"], waiting["due_at"]) == ("2", None)
    assert waiting["journal"][-1]["action"] == "pause" and child in waiting["journal"][-1]["note"]
    exited_ok(sop("cancel", child, "--reason", "dipulihkan dari cadangan oleh vendor", "--at", "2026-11-24 11:00"))
    back = shown(sop, parent)
    assert back["paused_since"] is None and back["journal"][-1]["action"] == "resume"
    assert back["journal"][-1]["note"] == f"{child} closed: cancelled"
    exited_ok(sop("next", parent, "--at", "2026-11-24 11:30"))
    assert shown(sop, parent)["status"] == "resolved"
    exited_ok(sop("db", "check"))
    exited_ok(sop("verify"))


def test_a_hand_over_to_an_sop_the_logbook_does_not_know_writes_nothing(sop, sop_env):
    path = sop_env / "insiden.toml"
    path.write_text(INCIDENT.replace('sop = "kaltim-db"', 'sop = "sop-lain"'), encoding="utf-8")
    exited_ok(sop("new", "--sop", str(path), "--description", "x", "--reporter", "a", "--unit", "b", "--system", "c"))
    refused = sop("next", "1")
    assert refused.exit_code != 0
    assert "hands the complaint to SOP sop-lain, which this logbook does not know" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert [c["number"] for c in json.loads(exited_ok(sop("list", "--json")).stdout)] == ["ADU-2026-00001"]
    assert len(shown(sop, "1")["journal"]) == 1


@pytest.mark.usefixtures("english_messages")
def test_validate_refuses_a_hand_over_to_itself_or_a_return_without_a_step_to_wait_at():
    def problems(text: str) -> list[str]:
        return [p.message for p in validate(SopDefinition.model_validate(tomllib.loads(text)))]

    assert problems(INCIDENT) == []
    assert problems(INCIDENT.replace('sop = "kaltim-db"', 'sop = "insiden-mini"')) == [
        "serahkan names this SOP itself; hand over to another SOP"
    ]
    ends = INCIDENT.replace("kembali = true }\n", 'kembali = true }\nend = "pulih"\n')
    assert "serahkan with kembali = true needs a next step to wait at, not end" in problems(ends)
