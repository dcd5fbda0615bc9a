"""Informed parties (``diinformasikan``), outside lanes (``luar``) and steps recorded on an outside party's behalf.

IPAS step 7 tells the Direktorat Teknis when the disruption is not the application's;
here a small SOP of that shape: the JFU checks and the Direktorat Teknis is told,
then a step in the Direktorat Teknis' own lane that IT staff record "atas nama".
"""

from __future__ import annotations

import json
import tomllib

import pytest

from helpers import exited_ok
from sopcli.definitions.schema import SopDefinition
from sopcli.definitions.validate import validate

REFERRAL = """
format = 2
id = "rujukan"
version = "1"
nama = "Gangguan Aplikasi"
instansi = "Direktorat Contoh"

[[outcomes]]
id = "selesai"
label = "Selesai"
kind = "resolved"

[[roles]]
key = "jfu"
nama = "JFU"

[[roles]]
key = "direktorat_teknis"
nama = "Direktorat Teknis"
luar = true

[[steps]]
id = "1"
kegiatan = "Memeriksa gangguan akses aplikasi"
pelaksana = ["jfu"]
diinformasikan = ["direktorat_teknis"]
waktu = "1 jam"

[[steps]]
id = "2"
kegiatan = "Menindaklanjuti gangguan di sisi infrastruktur"
pelaksana = ["direktorat_teknis"]
end = "selesai"
"""


pytestmark = pytest.mark.usefixtures("english_messages")


def problems_of(text: str) -> list[str]:
    return [p.message for p in validate(SopDefinition.model_validate(tomllib.loads(text)))]


def test_validate_knows_the_parties_and_that_the_keys_are_format_2():
    assert problems_of(REFERRAL) == []
    unknown = problems_of(REFERRAL.replace('diinformasikan = ["direktorat_teknis"]', 'diinformasikan = ["bssn"]'))
    assert unknown == ["diinformasikan: unknown role 'bssn' (known: direktorat_teknis, jfu)"]
    format1 = REFERRAL.replace("format = 2\n", "").replace('end = "selesai"', 'end = "resolved"')
    format1 = format1.replace('[[outcomes]]\nid = "selesai"\nlabel = "Selesai"\nkind = "resolved"\n', "")
    assert set(problems_of(format1)) == {
        "diinformasikan: a key of format 2; add format = 2 at the top of the file",
        "luar: a key of format 2; add format = 2 at the top of the file",
    }


@pytest.fixture
def referral(sop, sop_env):
    path = sop_env / "rujukan.toml"
    path.write_text(REFERRAL, encoding="utf-8")
    exited_ok(
        sop(
            "new", "--sop", str(path), "--description", "Aplikasi tidak dapat diakses", "--reporter", "Rina",
            "--unit", "Direktorat Merek", "--system", "IPAS", "--received-at", "2026-11-24 08:00",
        )
    )  # fmt: skip
    return "ADU-2026-00001"


def test_the_card_names_who_is_told_and_sop_inform_records_when_and_how(sop, referral):
    card = json.loads(exited_ok(sop("next", referral, "--show", "--json")).stdout)
    assert card["diinformasikan"] == ["direktorat_teknis"]
    told = exited_ok(sop("inform", referral, "Direktorat Teknis", "--via", "surat", "--at", "2026-11-24 09:00"))
    assert told.stdout == "Recorded: direktorat_teknis was told of ADU-2026-00001.\n"
    entry = json.loads(exited_ok(sop("show", referral, "--json")).stdout)["journal"][-1]
    assert (entry["action"], entry["step"], entry["fields"]) == (
        "informed",
        "1",
        {"party": "direktorat_teknis", "via": "surat"},
    )
    assert "told: direktorat_teknis (surat)" in exited_ok(sop("show", referral)).stdout
    exited_ok(sop("db", "check"))


def test_informing_a_party_the_sop_does_not_have_is_one_line_and_writes_nothing(sop, referral):
    refused = sop("inform", referral, "bssn")
    assert refused.exit_code == 1
    assert refused.stderr == ("Error: SOP rujukan has no role 'bssn' (its roles: jfu, direktorat_teknis)\n")
    assert len(json.loads(exited_ok(sop("show", referral, "--json")).stdout)["journal"]) == 1


def test_it_staff_record_an_outside_partys_step_on_its_behalf(sop, referral):
    exited_ok(sop("config", "set", "enforce_roles", "true"))
    exited_ok(sop("operator", "add", "budi", "--role", "jfu"))
    exited_ok(sop("next", referral, "--as", "budi", "--at", "2026-11-24 09:00"))
    refused = sop("next", referral, "--as", "budi", "--at", "2026-11-24 10:00")
    assert refused.exit_code == 1
    assert "IT staff record an outside party's step with --on-behalf-of ROLE" in refused.stderr
    stranger = sop("next", referral, "--as", "tamu", "--on-behalf-of", "direktorat_teknis")
    assert stranger.exit_code == 1  # on behalf of an outside party, yes; by someone of no role of the office, no
    exited_ok(sop("next", referral, "--as", "budi", "--on-behalf-of", "Direktorat Teknis", "--at", "2026-11-24 10:00"))
    shown = json.loads(exited_ok(sop("show", referral, "--json")).stdout)
    last = shown["journal"][-1]
    assert (shown["status"], last["actor"], last["fields"]["atas_nama"]) == ("resolved", "budi", "direktorat_teknis")
    exited_ok(sop("db", "check"))


def test_on_behalf_of_names_an_outside_lane_of_the_step(sop, referral):
    wrong = sop("next", referral, "--on-behalf-of", "direktorat_teknis")  # step 1 is the JFU's own
    assert wrong.exit_code == 1
    assert "step 1 is not an outside party's: --on-behalf-of names one of its outside lanes (-)" in wrong.stderr


def test_parties_told_with_the_step_are_journaled_right_after_it(sop, referral):
    done = exited_ok(sop("next", referral, "--informed", "direktorat_teknis", "--at", "2026-11-24 09:00"))
    assert done.stdout.startswith("Step 1 done.")
    journal = json.loads(exited_ok(sop("show", referral, "--json")).stdout)["journal"]
    assert [(e["action"], e["step"], e["fields"].get("party")) for e in journal[1:]] == [
        ("step", "1", None),
        ("informed", "1", "direktorat_teknis"),
    ]
    unknown = sop("next", referral, "--informed", "bssn", "--on-behalf-of", "direktorat_teknis")
    assert unknown.exit_code == 1 and "has no role 'bssn'" in unknown.stderr
    assert len(json.loads(exited_ok(sop("show", referral, "--json")).stdout)["journal"]) == 3  # nothing half-written
    exited_ok(sop("db", "check"))
