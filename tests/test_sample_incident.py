"""The fifth example SOP, ``sample_data/insiden-siber.toml``, walked as the README walks it."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import exited_ok

INCIDENT = str(Path(__file__).parent.parent / "sample_data" / "insiden-siber.toml")


def test_the_security_incident_sample_runs_end_to_end_as_the_readme_says(sop):
    exited_ok(sop("sops", "validate", INCIDENT))
    exited_ok(sop("config", "set", "enforce_roles", "true"))
    for name, role in (("sinta", "petugas_aduan"), ("dimas", "analis_keamanan"), ("rina", "ketua_tim")):
        exited_ok(sop("operator", "add", name, "--role", role, "--sop", INCIDENT))
    exited_ok(sop("operator", "add", "hendra", "--role", "kepala_dinas", "--sop", INCIDENT))
    exited_ok(
        sop(
            "new", "--sop", INCIDENT, "--as", "sinta", "--priority", "kritis", "--received-at", "2026-11-20 16:30",
            "--description", "Server aplikasi perizinan terkena ransomware", "--reporter", "Yusuf",
            "--unit", "DPMPTSP", "--system", "SIMPERIZINAN",
        )
    )  # fmt: skip

    def step(*args: str) -> dict:
        exited_ok(sop("next", "1", *args))
        return json.loads(exited_ok(sop("show", "1", "--json")).stdout)

    step("--as", "sinta", "--informed", "ketua_tim", "--at", "2026-11-20 16:40")
    # 1x24 clock hours from the receipt: Saturday 16:30, not the next working day
    shown = json.loads(exited_ok(sop("show", "1", "--json")).stdout)
    assert shown["due_at"] == "2026-11-21T16:30:00+07:00"
    step("--as", "dimas", "--decision", "ya", "--field", "sistem_terdampak=app-01", "--at", "2026-11-20 21:10")
    forked = step("--as", "rina", "--field", "tingkat_risiko=kritis", "--at", "2026-11-20 21:30")
    assert [s["step"] for s in forked["current_steps"]] == ["4", "5", "6"]
    assert forked["current_steps"][0]["due_at"] == "2026-11-20T23:30:00+07:00"  # kritis: 2 clock hours
    for branch, who, at in (("4", "dimas", "2026-11-20 23:05"), ("6", "rina", "2026-11-21 09:00")):
        step("--step", branch, "--as", who, "--at", at)
    exited_ok(sop("inform", "1", "subjek_data", "--as", "rina", "--via", "surel", "--at", "2026-11-21 10:00"))
    joined = step("--step", "5", "--as", "dimas", "--at", "2026-11-21 12:00")
    assert [s["step"] for s in joined["current_steps"]] == ["7"]
    step("--as", "rina", "--decision", "ya", "--field", "estimasi_pemulihan=2 hari", "--at", "2026-11-21 13:00")
    step("--as", "rina", "--at", "2026-11-21 14:00")
    step("--as", "rina", "--on-behalf-of", "gov_csirt", "--decision", "asistensi", "--at", "2026-11-21 19:00")
    step("--as", "dimas", "--decision", "ya", "--at", "2026-11-23 10:00")
    handed = step("--as", "dimas", "--at", "2026-11-23 15:00")
    assert handed["linked_to"] == ["ADU-2026-00002"] and handed["paused_since"] is not None  # waits for kaltim-db
    exited_ok(sop("operator", "add", "dba", "--role", "pemeriksa_pengelola_ti"))
    exited_ok(sop("cancel", "2", "--as", "dba", "--reason", "dipulihkan vendor", "--at", "2026-11-23 16:00"))
    step("--as", "dimas", "--on-behalf-of", "pemilik_sistem", "--at", "2026-11-24 09:00")
    signed = step("--as", "rina", "--at", "2026-11-24 10:00")
    assert signed["status"] == "open" and signed["journal"][-1]["action"] == "approved"
    closed = step("--as", "hendra", "--output", "LPI/031", "--at", "2026-11-24 11:00")
    assert (closed["status"], closed["outcome"]) == ("resolved", "Insiden tertangani dan layanan pulih")
    exited_ok(sop("verify"))
    exited_ok(sop("db", "check"))
