"""The Tanah Bumbu network SOP walked where the ping decides step 2: by options (``--run-checks``) and at a real
terminal. The ping that answers goes to 127.0.0.1; the one that does not runs inside a network namespace the
test makes, so no packet leaves this machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from helpers import SOP, ok, process_env

pytestmark = pytest.mark.skipif(shutil.which("ping") is None, reason="the ping program (iputils-ping) is not installed")


def js(result) -> dict:
    return json.loads(ok(result).stdout)


def network_complaint(sop, host: str = "127.0.0.1") -> str:
    number = js(
        sop(
            "new",
            "--sop",
            "tanahbumbu-jaringan",
            "--description",
            "Koneksi internet kantor Bappeda putus",
            "--reporter",
            "Rahmat",
            "--unit",
            "Bappeda",
            "--system",
            "Jaringan LAN",
            "--host",
            host,
            "--received-at",
            "2026-11-24T08:00",
            "--json",
        )
    )["number"]
    ok(sop("next", number, "--at", "2026-11-24T08:10"))
    return number


def test_a_ping_that_answers_closes_the_complaint_as_no_fault_found(sop):
    number = network_complaint(sop)
    case = js(sop("next", number, "--run-checks", "--at", "2026-11-24T08:20", "--json"))
    assert case["status"] == "no_fault_found" and case["outcome"] == "Tidak ditemukan gangguan"
    checked, done = case["journal"][-2:]
    assert checked["fields"]["kind"] == "ping" and checked["fields"]["target"] == "127.0.0.1"
    assert checked["fields"]["result"] == "pass" and checked["fields"]["lost"] == "0/3"
    assert (done["decision"], done["fields"]["usul_pemeriksaan"]) == ("ya", "ya")
    journal = ok(sop("journal", "--date", "2026-11-24")).stdout
    assert "ping 127.0.0.1: passed" in journal
    ok(sop("verify"))


def test_a_ping_that_gets_no_answer_leads_to_step_3(sop, databases):
    if databases.is_postgres:
        pytest.skip("the namespace cannot reach the PostgreSQL server")
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot make a network namespace here")
    number = network_complaint(sop)
    # sop itself runs in a network namespace of its own, where 127.0.0.1 is down: the ping gets no reply.
    done = subprocess.run(
        ["unshare", "-rn", SOP, "next", number, "--run-checks", "--at", "2026-11-24T08:20", "--json"],
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    case = json.loads(done.stdout)
    assert case["current_step"] == "3"
    checked, step = case["journal"][-2:]
    assert checked["fields"]["result"] == "fail" and checked["fields"]["reason"]
    assert (step["decision"], step["fields"]["usul_pemeriksaan"]) == ("tidak", "tidak")


def test_a_complaint_without_host_is_decided_by_hand(sop):
    number = js(
        sop(
            "new",
            "--sop",
            "tanahbumbu-jaringan",
            "--description",
            "Koneksi putus",
            "--reporter",
            "Rahmat",
            "--unit",
            "Bappeda",
            "--system",
            "LAN",
            "--json",
        )
    )["number"]
    ok(sop("next", number))
    refused = sop("next", number, "--run-checks")
    assert refused.exit_code != 0 and "needs a decision" in refused.stderr
    case = js(sop("next", number, "--run-checks", "--decision", "tidak", "--json"))
    assert case["current_step"] == "3"
    skipped = [e["fields"] for e in case["journal"] if e["action"] == "checked"]
    assert {f["result"] for f in skipped} == {"skipped"}


def test_at_a_terminal_the_ping_runs_and_its_proposal_is_confirmed(sop, sop_env):
    pytest.importorskip("pexpect")
    from test_interactive import Terminal

    number = network_complaint(sop)
    t = Terminal("dumb", "next", number)
    t.expect(f"{number} · step 2 of 9")
    t.expect("✓ ping 127.0.0.1: passed")
    t.expect("The checks propose: ya")
    t.answer("Apakah ping ke perangkat berhasil?", "")  # Enter: the proposal
    t.answer("Note (optional)", "Perangkat menjawab ping")
    t.answer("Save step 2 as done? [y/n] (y)", "y")
    t.expect("closed")
    assert t.finish() == 0
    case = js(sop("show", number, "--json"))
    assert case["status"] == "no_fault_found"
    assert case["journal"][-1]["fields"]["usul_pemeriksaan"] == "ya"
    shown = ok(sop("show", number)).stdout
    assert "ping 127.0.0.1: passed (" in shown


def test_at_a_terminal_overriding_the_proposal_asks_why(sop, sop_env):
    pytest.importorskip("pexpect")
    from test_interactive import Terminal

    number = network_complaint(sop)
    t = Terminal("dumb", "next", number)
    t.expect("The checks propose: ya")
    t.answer("Apakah ping ke perangkat berhasil?", "tidak")
    t.answer("The checks proposed ya; why tidak?", "Ping berhasil tetapi pengguna tetap tidak bisa browsing")
    t.answer("Note (optional)", "")
    t.answer("Save step 2 as done? [y/n] (y)", "y")
    t.expect("now at step 3")
    assert t.finish() == 0
    done = js(sop("show", number, "--json"))["journal"][-1]
    assert done["decision"] == "tidak"
    assert done["fields"]["alasan_beda_usulan"] == "Ping berhasil tetapi pengguna tetap tidak bisa browsing"
