"""Corrections in the record, never edits of it: ``sop correct``, ``undo``, ``reopen`` and ``transfer``.

Each shows the mistake, the correction, what ``show`` and ``journal`` print of it, and that the
chain (``sop verify``) and the stored states (``sop db check``) are whole afterwards.
"""

from __future__ import annotations

from helpers import ok
from test_cli_cases import assert_error, create, js, step


def whole(sop) -> None:
    """The chain verifies and every stored state is the one its journal leads to."""
    ok(sop("verify"))
    ok(sop("db", "check"))


# --- sop correct --------------------------------------------------------------------


def test_correct_changes_the_details_and_the_journal_keeps_both_values(sop):
    number = create(sop, unit="Dinas Kesehtan", received_at="2026-11-24T08:00")["number"]
    done = js(
        sop(
            "correct", number, "--field", "unit=Dinas Kesehatan", "--field", "priority=high",
            "--reason", "salah ketik unit", "--json",
        )
    )  # fmt: skip
    assert (done["unit"], done["priority"]) == ("Dinas Kesehatan", "tinggi")
    entry = done["journal"][-1]
    assert entry["action"] == "correct" and entry["note"] == "salah ketik unit"
    assert entry["fields"] == {
        "before.unit": "Dinas Kesehtan",
        "after.unit": "Dinas Kesehatan",
        "before.priority": "sedang",
        "after.priority": "tinggi",
    }
    assert done["journal"][0]["fields"]["unit"] == "Dinas Kesehtan"  # the received entry is as it was
    shown = ok(sop("show", number)).stdout
    assert "corrected" in shown and "Dinas Kesehtan" in shown and "salah ketik unit" in shown
    assert "corrected" in ok(sop("journal", "--date", "2026-11-24")).stdout
    whole(sop)


def test_correct_a_closed_complaint_and_clear_the_host(sop):
    number = create(sop, host="10.0.0.9")["number"]
    ok(sop("cancel", number, "--reason", "duplikat"))
    done = js(sop("correct", number, "--field", "host=", "--reason", "bukan host ini", "--json"))
    assert done["host"] is None and done["status"] == "cancelled"
    whole(sop)


def test_correct_refuses_bad_input_and_writes_nothing(sop):
    number = create(sop)["number"]
    other = create(sop, ref="SURAT-7")["number"]
    before = len(js(sop("show", number, "--json"))["journal"])
    assert_error(sop("correct", number, "--field", "colour=red", "--reason", "x"), "colour", code=1)
    assert_error(sop("correct", number, "--field", "priority=sangat", "--reason", "x"), "priority", code=1)
    assert_error(sop("correct", number, "--field", "unit=", "--reason", "x"), "unit", code=1)
    assert_error(sop("correct", number, "--field", "unit=" + "x" * 201, "--reason", "x"), "unit", code=1)
    assert_error(sop("correct", number, "--field", "ref=ADU-2026-00001", "--reason", "x"), "complaint number")
    assert_error(sop("correct", number, "--field", "ref=SURAT-7", "--reason", "x"), other)
    assert_error(sop("correct", number, "--field", "unit=BKD2"), "--reason", code=1)
    assert_error(sop("correct", number, "--reason", "x"), "--field", code=1)
    assert len(js(sop("show", number, "--json"))["journal"]) == before
    whole(sop)


def test_with_enforce_roles_a_correction_takes_a_supervisor_role(sop):
    number = create(sop)["number"]
    ok(sop("operator", "add", "budi", "--role", "pemeriksa_pengelola_ti"))
    ok(sop("operator", "add", "sari", "--role", "pejabat_pengawas"))
    ok(sop("config", "set", "enforce_roles", "true"))
    ok(sop("config", "set", "supervisor_roles", "pejabat_pengawas"))
    assert_error(
        sop("correct", number, "--field", "unit=BKD2", "--reason", "x", "--as", "budi"), "budi", "pejabat_pengawas"
    )
    view = js(sop("show", number, "--json"))
    assert view["unit"] == "BKD" and view["journal"][-1]["action"] == "refused"
    assert (
        js(sop("correct", number, "--field", "unit=BKD2", "--reason", "x", "--as", "sari", "--json"))["unit"] == "BKD2"
    )
    whole(sop)


# --- sop undo -----------------------------------------------------------------------


def test_undo_a_wrong_decision_that_closed_the_case(sop):
    number = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-24T08:00")["number"]
    step(sop, number, "2026-11-24T08:10")  # 1
    opened = js(sop("show", number, "--json"))
    closed = step(sop, number, "2026-11-24T08:30", "--decision", "ya")  # the mistake: ping "berhasil"
    assert closed["status"] == "no_fault_found" and closed["resolution_minutes"] is not None
    wrong_seq = closed["journal"][-1]["seq"]

    undone = js(sop("undo", number, "--reason", "ping belum dicoba", "--json"))
    assert undone["status"] == "open" and undone["current_step"] == "2"
    assert undone["closed_at"] is None and undone["resolution_minutes"] is None
    assert undone["due_at"] == opened["due_at"]  # the step's clock as it was: started 08:10
    entry = undone["journal"][-1]
    assert (entry["action"], entry["fields"]["undoes"], entry["next_step"]) == ("undo", str(wrong_seq), "2")
    assert undone["journal"][-2]["seq"] == wrong_seq  # the reversed entry stays
    shown = ok(sop("show", number)).stdout
    assert "step undone" in shown and f"reverses entry #{wrong_seq}" in shown
    assert "step undone" in ok(sop("journal", "--date", "2026-11-24")).stdout
    whole(sop)

    again = step(sop, number, "2026-11-24T16:00", "--decision", "tidak")  # the right decision now
    assert again["current_step"] == "3"
    whole(sop)


def test_undo_twice_walks_back_two_steps_and_restores_recorded_fields(sop):
    created = create(sop, received_at="2026-11-24T08:00")
    number = created["number"]
    step(sop, number, "2026-11-24T08:20")
    step(sop, number, "2026-11-24T09:00")
    ok(sop("undo", number, "--reason", "salah klik"))
    back = js(sop("undo", number, "--reason", "salah klik juga", "--json"))
    assert back["current_step"] == "1"
    assert back["due_at"] == created["due_at"]  # step 1's clock from received, as it was
    whole(sop)


def test_undo_refuses_when_there_is_nothing_to_undo(sop):
    number = create(sop)["number"]
    assert_error(sop("undo", number, "--reason", "x"), "nothing to undo", code=1)
    ok(sop("cancel", number, "--reason", "duplikat"))
    assert_error(sop("undo", number, "--reason", "x"), "nothing to undo", "sop reopen", code=1)
    assert_error(sop("undo", number), "reason", code=1)
    assert [e["action"] for e in js(sop("show", number, "--json"))["journal"]] == ["received", "cancel"]
    whole(sop)


def test_undo_refuses_a_paused_case(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]
    step(sop, number, "2026-11-24T08:20")
    ok(sop("pause", number, "--reason", "menunggu vendor", "--at", "2026-11-24T09:00"))
    assert_error(sop("undo", number, "--reason", "x"), "paused", code=1)


# --- sop reopen ---------------------------------------------------------------------


def test_reopen_a_resolved_complaint_and_its_resolution_counts_to_the_final_close(sop):
    number = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-23T08:00")["number"]
    step(sop, number, "2026-11-23T08:10")
    closed = step(sop, number, "2026-11-23T08:30", "--decision", "ya")
    assert closed["status"] == "no_fault_found" and closed["resolution_minutes"] == 30.0
    reopened = js(sop("reopen", number, "--reason", "gangguan muncul lagi", "--json"))
    assert (reopened["status"], reopened["current_step"]) == ("open", "2")  # where it closed
    assert reopened["closed_at"] is None and reopened["resolution_minutes"] is None
    entry = reopened["journal"][-1]
    assert (entry["action"], entry["fields"], entry["next_step"]) == ("reopen", {"was": "no_fault_found"}, "2")
    shown = ok(sop("show", number)).stdout
    assert "reopened" in shown and "was no fault found; reopened at step 2" in shown
    assert "reopened" in ok(sop("journal", "--date", "2026-11-24")).stdout
    whole(sop)
    again = step(sop, number, "2026-11-24T16:00", "--decision", "ya")
    # From received (Mon 08:00) to the final close (Tue 16:00): 480 + 510 working minutes, the closed time included.
    assert again["status"] == "no_fault_found" and again["resolution_minutes"] == 990.0
    whole(sop)


def test_reopen_a_cancelled_complaint_at_a_chosen_step(sop):
    number = create(sop)["number"]
    ok(sop("cancel", number, "--reason", "dikira duplikat"))
    reopened = js(sop("reopen", number, "--reason", "bukan duplikat", "--step", "2", "--json"))
    assert (reopened["status"], reopened["current_step"]) == ("open", "2")
    assert reopened["due_at"] is not None
    whole(sop)


def test_reopen_refuses_an_open_case_and_an_unknown_step(sop):
    number = create(sop)["number"]
    assert_error(sop("reopen", number, "--reason", "x"), "open", code=1)
    ok(sop("cancel", number, "--reason", "duplikat"))
    assert_error(sop("reopen", number, "--reason", "x", "--step", "99"), "no step 99", code=1)
    assert_error(sop("reopen", number), "reason", code=1)
    assert js(sop("show", number, "--json"))["status"] == "cancelled"
    whole(sop)


# --- sop transfer -------------------------------------------------------------------


def test_transfer_to_the_right_sop_pins_its_version_and_replays(sop):
    number = create(sop, received_at="2026-11-24T08:00")["number"]  # kaltim-db: the wrong SOP
    step(sop, number, "2026-11-24T08:20")
    moved = js(sop("transfer", number, "--sop", "tanahbumbu-jaringan", "--reason", "gangguan jaringan", "--json"))
    assert moved["sop"]["id"] == "tanahbumbu-jaringan" and moved["current_step"] == "1"
    entry = moved["journal"][-1]
    assert entry["action"] == "transfer" and entry["fields"]["from_sop"] == "kaltim-db"
    assert entry["fields"]["sop"] == "tanahbumbu-jaringan" and entry["next_step"] == "1"
    shown = ok(sop("show", number)).stdout
    assert "moved to another SOP" in shown and "kaltim-db" in shown
    assert "moved to another SOP" in ok(sop("journal", "--date", "2026-11-24")).stdout
    assert [c["number"] for c in js(sop("list", "--sop", "tanahbumbu-jaringan", "--json"))] == [number]
    whole(sop)
    step(sop, number, "2026-11-24T16:00")
    closed = step(sop, number, "2026-11-24T16:00", "--decision", "ya")
    assert closed["status"] == "no_fault_found"
    whole(sop)


def test_a_case_closed_reopened_and_moved_replays_through_both_sops(sop):
    number = create(sop, sop="tanahbumbu-jaringan", received_at="2026-11-24T08:00")["number"]
    step(sop, number, "2026-11-24T08:10")
    step(sop, number, "2026-11-24T08:30", "--decision", "ya")  # closed under tanahbumbu-jaringan
    ok(sop("reopen", number, "--reason", "salah SOP"))
    ok(sop("transfer", number, "--sop", "kaltim-db", "--reason", "gangguan database", "--step", "2"))
    assert js(sop("show", number, "--json"))["current_step"] == "2"
    whole(sop)  # the closing step 2 is replayed under the SOP the case followed then


def test_transfer_refuses_bad_input(sop):
    number = create(sop)["number"]
    assert_error(sop("transfer", number, "--sop", "kaltim-db", "--reason", "x"), "already follows", code=1)
    assert_error(sop("transfer", number, "--sop", "tidak-ada", "--reason", "x"), "tidak-ada")
    assert_error(sop("transfer", number, "--sop", "tanahbumbu-jaringan", "--reason", "x", "--step", "99"), "no step 99")
    assert_error(sop("transfer", number, "--sop", "tanahbumbu-jaringan"), "reason", code=1)
    ok(sop("cancel", number, "--reason", "duplikat"))
    assert_error(sop("transfer", number, "--sop", "tanahbumbu-jaringan", "--reason", "x"), "closed", code=1)
    view = js(sop("show", number, "--json"))
    assert view["sop"]["id"] == "kaltim-db" and [e["action"] for e in view["journal"]] == ["received", "cancel"]
    whole(sop)
