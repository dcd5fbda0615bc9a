"""``sop new`` and ``sop next`` at a real terminal: a pseudo-terminal driven with pexpect.

Nothing is mocked: the installed ``sop`` script runs in a child process whose
standard input and output are a pty, so it prompts (rich Prompt/Confirm) as it
does for an operator. The steps around the interactive one are set up with
the same commands, non-interactively, in-process (the conftest ``sop``
fixture); every check of what was written reads ``sop show --json``.

Each test runs with ``TERM=dumb`` and with ``TERM=xterm-256color`` (where rich
adds bold and other escape sequences even under NO_COLOR), so expectations
tolerate escape sequences anywhere in the text.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pytest

from helpers import SOP, process_env

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.slow  # a child process on a pseudo-terminal per test

TIMEOUT = 10
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
_ANY_ESCAPES = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
BOX = re.compile(r"[│─╭╮╰╯┌┐└┘├┤┬┴┼═║]")


def loose(text: str) -> re.Pattern:
    """A pattern for ``text`` that allows terminal escape sequences between any two characters."""
    return re.compile(_ANY_ESCAPES.join(re.escape(ch) for ch in text))


def plain(text: str) -> str:
    """Terminal output without escape sequences or carriage returns."""
    return ESCAPES.sub("", text)


def flat(text: str) -> str:
    """Output with panel borders removed and whitespace collapsed, so wrapped text reads as one line."""
    return " ".join(BOX.sub(" ", plain(text)).split())


class Terminal:
    """``sop ARGS`` running on a pseudo-terminal."""

    started: list[Terminal] = []

    def __init__(self, term: str, *args: str, stdout_to: Path | None = None, cwd: Path | None = None):
        """``sop ARGS`` with every stream on the terminal, or with standard output redirected to ``stdout_to``."""
        env = process_env(NO_COLOR="1", COLUMNS="120", TERM=term)
        self.transcript = io.StringIO()
        command, argv = SOP, list(args)
        if stdout_to is not None:  # as `sop ARGS > FILE` typed at a shell
            command, argv = "bash", ["-c", f'exec "$0" "$@" > {shlex.quote(str(stdout_to))}', SOP, *args]
        self.child = pexpect.spawn(
            command, argv, env=env, encoding="utf-8", timeout=TIMEOUT, dimensions=(50, 120), cwd=cwd
        )
        self.child.logfile_read = self.transcript
        Terminal.started.append(self)

    def expect(self, text: str) -> str:
        """Wait for ``text``; returns the plain output before it."""
        self.child.expect(loose(text))
        return plain(self.child.before)

    def answer(self, prompt: str, reply: str) -> None:
        """Wait for a prompt that starts with ``prompt`` and ends in ': ', then type ``reply``."""
        self.expect(prompt)
        self.child.expect_exact(": ")
        self.child.sendline(reply)

    def finish(self) -> int:
        """Wait for the program to end; returns its exit status."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.signalstatus is None, f"killed by signal {self.child.signalstatus}"
        return self.child.exitstatus

    @property
    def output(self) -> str:
        return plain(self.transcript.getvalue())


@pytest.fixture(params=["dumb", "xterm-256color"])
def term(request, sop_env):
    yield request.param
    for terminal in Terminal.started:  # a failed test may leave its child waiting at a prompt
        if terminal.child.isalive():
            terminal.child.close(force=True)
    Terminal.started.clear()


def shown(sop, number: str) -> dict:
    result = sop("show", number, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def new_case(sop, sop_id: str) -> str:
    """A complaint received Monday 23/11/2026 08:00, so steps can be dated before the fixed now."""
    result = sop(
        "new",
        "--sop",
        sop_id,
        "--description",
        "Gangguan uji",
        "--reporter",
        "Siti",
        "--unit",
        "BKD",
        "--system",
        "SIMPEG",
        "--received-at",
        "2026-11-23T08:00",
        "--json",
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["number"]


def advance(sop, number: str, step: str, at: str, *extra: str) -> None:
    result = sop("next", number, "--step", step, "--at", at, *extra)
    assert result.exit_code == 0, result.output


def test_new_prompts_for_everything_on_a_terminal(sop, term):
    t = Terminal(term, "new")
    t.answer("SOP (number or id)", "3")  # the number in the list
    listing = flat(t.transcript.getvalue())
    for number, (sop_id, name) in enumerate(
        (
            ("cirebon-aplikasi", "Pelayanan Gangguan Aplikasi Dan Sistem"),
            ("ipas-pemulihan", "Pemulihan Gagal Fungsi-Fungsi IPAS"),
            ("kaltim-db", "Pengelolaan Gangguan Database"),
            ("tanahbumbu-jaringan", "Penanganan Gangguan Koneksi Internet & Intranet pada Jaringan Lokal SKPD"),
        ),
        1,
    ):
        assert f"{number}. {sop_id} — {name}" in listing
    t.answer("Received when (Enter: now)", "")
    t.answer("Ref: letter or ticket number (optional)", "")
    t.answer("Description of the disruption", "Database SIMPEG tidak bisa diakses")
    t.answer("Reporter", "Siti Aminah")
    t.answer("Unit (SKPD/OPD)", "BKD")
    t.answer("Affected system", "SIMPEG")
    t.answer("Host/node (optional)", "")
    t.answer("Channel [surat/telepon/email/whatsapp/monitoring/langsung/web/lainnya] (telepon)", "")  # the default
    t.answer("Priority [rendah/sedang/tinggi/kritis] (sedang)", "tinggi")
    t.expect("Complaint ADU-2026-00001 recorded.")
    t.expect("ADU-2026-00001 · step 1 of 9")
    t.expect("Next: sop next ADU-2026-00001")
    assert t.finish() == 0
    card = flat(t.output.split("recorded.", 1)[1])
    assert "Menerima dan mencatat Laporan ke dalam form isian laporan" in card
    assert "Pemeriksa dan Pengelola Teknologi Informasi" in card
    assert "30 menit" in card
    assert "Error" not in t.output and "Traceback" not in t.output

    case = shown(sop, "ADU-2026-00001")
    assert case["sop"]["id"] == "kaltim-db"
    assert (case["description"], case["reporter"], case["unit"], case["system"]) == (
        "Database SIMPEG tidak bisa diakses",
        "Siti Aminah",
        "BKD",
        "SIMPEG",
    )
    assert case["host"] is None and case["ref"] is None
    assert (case["channel"], case["priority"]) == ("telepon", "tinggi")
    assert case["received_at"] == "2026-11-24T16:00:00+07:00"
    assert case["current_step"] == "1"
    assert [e["action"] for e in case["journal"]] == ["received"]
    assert case["journal"][0]["actor"] == "budi"


def test_next_on_a_terminal_walks_a_step_and_a_decision(sop, term):
    number = new_case(sop, "kaltim-db")

    # Step 1: a plain step; the card, a note, the output reference, confirmation.
    t = Terminal(term, "next", number, "--at", "2026-11-23T08:20")
    t.expect(f"{number} · step 1 of 9")
    t.answer("Note (optional)", "Laporan diterima via telepon")
    t.answer("Output reference: Form Laporan (optional)", "F-LAP/11/001")
    t.answer("Save step 1 as done? [y/n] (y)", "y")
    t.expect("Step 1 done")
    t.expect(f"{number} is now at step 2: sop next {number}")
    t.answer("Write FORM-LAPORAN (Form Laporan Gangguan Database) now? [y/n] (y)", "n")  # the step's document
    assert t.finish() == 0
    card = flat(t.output.split("Note (optional)", 1)[0])
    assert "Menerima dan mencatat Laporan ke dalam form isian laporan" in card
    assert "Time standard 30 menit" in card

    case = shown(sop, number)
    step1 = case["journal"][-1]
    assert (step1["action"], step1["step"], step1["next_step"]) == ("step", "1", "2")
    assert (step1["note"], step1["output"], step1["actor"]) == ("Laporan diterima via telepon", "F-LAP/11/001", "budi")
    assert step1["at"] == "2026-11-23T08:20:00+07:00"
    assert step1["on_time"] is True

    for step, at in (
        ("2", "2026-11-23T09:00"),
        ("3", "2026-11-23T10:00"),
        ("4", "2026-11-23T13:00"),
        ("5", "2026-11-23T13:15"),
        ("6", "2026-11-23T14:00"),
    ):
        advance(sop, number, step, at)

    # Step 7: a decision; the card lists both options with their meanings.
    t = Terminal(term, "next", number, "--at", "2026-11-23T14:45")
    t.expect(f"{number} · step 7 of 9")
    t.answer("Apakah gangguan telah selesai? [ya/tidak]", "mungkin")  # not an option: asked again
    t.expect("choose ya / tidak: the word, its number or its first letters")
    t.answer("Apakah gangguan telah selesai? [ya/tidak]", "T")  # t for tidak, in any case
    t.answer("Note (optional)", "Database masih belum bisa diakses")
    t.answer("Output reference: laporan penyelesaian gangguan (optional)", "")
    t.answer("Save step 7 as done? [y/n] (y)", "y")
    t.expect("Step 7 done (tidak)")
    t.expect(f"{number} is now at step 5: sop next {number}")
    assert t.finish() == 0
    card = flat(t.output.split("[ya/tidak]", 1)[0])
    assert "Decision Apakah gangguan telah selesai?" in card
    assert "1. ya — Jika telah selesai maka dilaporkan pada pejabat administrator. (→ step 8)" in card
    assert (
        "2. tidak — Jika tidak akan dilakukan pemeriksaan Database server kembali oleh Administrator Jaringan. (→ step 5)"
    ) in card

    case = shown(sop, number)
    assert case["current_step"] == "5"
    assert case["status"] == "open"
    step7 = case["journal"][-1]
    assert (step7["step"], step7["decision"], step7["next_step"]) == ("7", "tidak", "5")
    assert step7["note"] == "Database masih belum bisa diakses"
    assert step7["output"] is None
    assert [e["step"] for e in case["journal"] if e["action"] == "step"] == ["1", "2", "3", "4", "5", "6", "7"]
    assert sop("verify").stdout.strip() == "OK: 8 journal entries, chain intact."


def test_answering_no_at_the_confirmation_writes_nothing(sop, term):
    number = new_case(sop, "kaltim-db")
    before = shown(sop, number)

    t = Terminal(term, "next", number, "--at", "2026-11-23T08:20")
    t.expect(f"{number} · step 1 of 9")
    t.answer("Note (optional)", "Catatan yang tidak jadi disimpan")
    t.answer("Output reference: Form Laporan (optional)", "F-LAP/11/001")
    t.answer("Save step 1 as done? [y/n] (y)", "n")
    t.expect("Nothing saved.")
    assert t.finish() != 0
    assert "Step 1 done" not in t.output

    after = shown(sop, number)
    assert len(after["journal"]) == len(before["journal"]) == 1
    assert after["revision"] == before["revision"]
    assert after["current_step"] == "1"


def test_a_field_the_step_asks_for_is_checked(sop, term):
    number = new_case(sop, "tanahbumbu-jaringan")
    advance(sop, number, "1", "2026-11-23T08:05")
    advance(sop, number, "2", "2026-11-23T08:10", "--decision", "tidak")
    advance(sop, number, "3", "2026-11-23T08:30")
    advance(sop, number, "4", "2026-11-23T09:00", "--decision", "internal")
    advance(sop, number, "5", "2026-11-23T09:30")
    before = shown(sop, number)
    assert before["current_step"] == "6"

    # An answer that is not a duration is refused at once and asked again; the
    # operator's other answers are not lost, and nothing is written meanwhile.
    t = Terminal(term, "next", number, "--at", "2026-11-23T10:00")
    t.expect(f"{number} · step 6 of 9")
    t.answer("Estimasi waktu pemulihan dan perbaikan (estimasi)", "besok")
    t.expect("besok")  # the refusal names the bad answer
    assert shown(sop, number)["journal"] == before["journal"]
    t.answer("Estimasi waktu pemulihan dan perbaikan (estimasi)", "4 jam")
    t.answer("Note (optional)", "")
    t.answer("Save step 6 as done? [y/n] (y)", "n")  # declining still writes nothing
    assert t.finish() == 1
    card = flat(t.output.split("(estimasi)", 1)[0])
    assert "Field estimasi: Estimasi waktu pemulihan dan perbaikan" in card
    assert "Traceback" not in t.output and "Step 6 done" not in t.output
    after = shown(sop, number)
    assert after["journal"] == before["journal"]
    assert after["revision"] == before["revision"] and after["current_step"] == "6"

    # A duration is accepted and recorded with the step.
    t = Terminal(term, "next", number, "--at", "2026-11-23T10:00")
    t.answer("Estimasi waktu pemulihan dan perbaikan (estimasi)", "4 jam")
    t.answer("Note (optional)", "")
    t.answer("Save step 6 as done? [y/n] (y)", "y")
    t.expect("Step 6 done")
    assert t.finish() == 0
    case = shown(sop, number)
    assert case["current_step"] == "7"
    assert case["journal"][-1]["step"] == "6"
    assert case["journal"][-1]["fields"] == {"estimasi": "4 jam"}


def test_enter_alone_at_a_required_question_asks_again(sop, term):
    t = Terminal(term, "new")
    t.answer("SOP (number or id)", "")  # Enter with no default: not an answer
    t.expect("choose a number from 1 to 4, or an SOP id")
    t.answer("SOP (number or id)", "kaltim-db")
    t.answer("Received when (Enter: now)", "")
    t.answer("Ref: letter or ticket number (optional)", "")
    t.answer("Description of the disruption", "   ")  # blank: asked again, nothing typed so far is lost
    t.expect("An answer is needed (Ctrl+C stops without saving).")
    t.answer("Description of the disruption", "SIMPEG lambat")
    t.answer("Reporter", "Siti")
    t.answer("Unit (SKPD/OPD)", "")
    t.expect("An answer is needed")
    t.answer("Unit (SKPD/OPD)", "BKD")
    t.answer("Affected system", "SIMPEG")
    t.answer("Host/node (optional)", "")
    t.answer("Channel [surat/telepon/email/whatsapp/monitoring/langsung/web/lainnya] (telepon)", "")
    t.answer("Priority [rendah/sedang/tinggi/kritis] (sedang)", "")
    t.expect("Complaint ADU-2026-00001 recorded.")
    assert t.finish() == 0
    case = shown(sop, "ADU-2026-00001")
    assert (case["sop"]["id"], case["description"], case["unit"]) == ("kaltim-db", "SIMPEG lambat", "BKD")


def test_ctrl_d_at_a_prompt_stops_and_saves_nothing(sop, term):
    number = new_case(sop, "tanahbumbu-jaringan")
    before = shown(sop, number)
    t = Terminal(term, "next", number, "--at", "2026-11-23T08:05")
    t.expect("Note (optional)")
    t.child.sendeof()
    t.expect("Interrupted: nothing was written.")
    assert t.finish() == 1
    assert "Traceback" not in t.output and "internal error" not in t.output
    assert shown(sop, number)["journal"] == before["journal"]


def test_the_confirmation_speaks_indonesian_and_takes_ya_or_tidak(sop, term, monkeypatch):
    number = new_case(sop, "kaltim-db")
    monkeypatch.setenv("SOP_LANG", "id")
    t = Terminal(term, "next", number, "--at", "2026-11-23T08:20")
    t.answer("Catatan (opsional)", "")
    t.answer("Nomor/referensi output: Form Laporan (opsional)", "")
    t.answer("Simpan langkah 1 sebagai selesai? [y/t] (y)", "mungkin")
    t.expect("Jawab y (ya) atau t (tidak)")
    t.answer("Simpan langkah 1 sebagai selesai? [y/t] (y)", "tidak")
    t.expect("Tidak ada yang disimpan.")
    assert t.finish() == 1
    t = Terminal(term, "next", number, "--at", "2026-11-23T08:20")
    t.answer("Catatan (opsional)", "")
    t.answer("Nomor/referensi output: Form Laporan (opsional)", "")
    t.answer("Simpan langkah 1 sebagai selesai? [y/t] (y)", "ya")
    t.expect("Langkah 1 selesai")
    t.answer("Tulis FORM-LAPORAN (Form Laporan Gangguan Database) sekarang? [y/t] (y)", "t")
    assert t.finish() == 0


def test_cancel_at_a_terminal_shows_the_complaint_and_asks_first(sop, term):
    number = new_case(sop, "kaltim-db")
    t = Terminal(term, "cancel", number, "--at", "2026-11-23T08:20")
    t.answer("Reason for cancelling", "Duplikat")
    t.answer(f"Cancel {number} (BKD: Gangguan uji)? [y/n] (n)", "")  # Enter: the safe answer
    t.expect("Nothing saved.")
    assert t.finish() == 1
    assert shown(sop, number)["status"] == "open"

    t = Terminal(term, "cancel", number, "--at", "2026-11-23T08:20")
    t.answer("Reason for cancelling", "Duplikat")
    t.answer(f"Cancel {number} (BKD: Gangguan uji)? [y/n] (n)", "y")
    t.expect(f"{number} cancelled.")
    assert t.finish() == 0
    case = shown(sop, number)
    assert case["status"] == "cancelled" and case["journal"][-1]["note"] == "Duplikat"


def test_an_operator_without_the_role_is_refused_before_typing_anything(sop, term):
    number = new_case(sop, "kaltim-db")
    assert sop("config", "set", "enforce_roles", "true").exit_code == 0
    t = Terminal(term, "next", number, "--as", "tamu", "--at", "2026-11-23T08:20")
    t.expect("tamu is not registered with any role; step 1 is for pemeriksa_pengelola_ti")
    assert t.finish() == 1
    assert "Note (optional)" not in t.output
    assert [e["action"] for e in shown(sop, number)["journal"]] == ["received", "refused"]


def test_json_at_a_terminal_prints_only_json_and_asks_nothing(sop, term):
    number = new_case(sop, "kaltim-db")
    t = Terminal(term, "next", number, "--at", "2026-11-23T08:20", "--json")
    assert t.finish() == 0
    case = json.loads(t.output)  # all the terminal got is the JSON: no card, no question
    assert case["current_step"] == "2" and case["journal"][-1]["step"] == "1"


def test_prompts_go_to_the_terminal_when_stdout_is_redirected(sop, term, tmp_path):
    number = new_case(sop, "kaltim-db")
    out = tmp_path / "out.txt"
    t = Terminal(term, "next", number, "--at", "2026-11-23T08:20", stdout_to=out)
    t.expect(f"{number} · step 1 of 9")  # the card the questions are about, on the terminal
    t.answer("Note (optional)", "Laporan diterima")
    t.answer("Output reference: Form Laporan (optional)", "")
    t.answer("Save step 1 as done? [y/n] (y)", "y")
    t.answer("Write FORM-LAPORAN (Form Laporan Gangguan Database) now? [y/n] (y)", "n")
    assert t.finish() == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        "Step 1 done. 20 min / 30 min (on time)",
        f"{number} is now at step 2: sop next {number}",
    ]
    assert "Step 1 done" not in t.output  # the outcome went to the file, the questions did not
    assert shown(sop, number)["journal"][-1]["note"] == "Laporan diterima"


def test_json_with_stdout_redirected_refuses_a_missing_decision_in_one_line(sop, term, tmp_path):
    number = new_case(sop, "tanahbumbu-jaringan")
    advance(sop, number, "1", "2026-11-23T08:05")
    out = tmp_path / "out.json"
    t = Terminal(term, "next", number, "--json", stdout_to=out)
    assert t.finish() == 1
    assert t.output.strip().startswith("Error: step 2 needs a decision: ")
    assert len(t.output.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == ""
    assert shown(sop, number)["current_step"] == "2"


def test_show_at_a_terminal_shows_the_card_and_asks_nothing(sop, term):
    number = new_case(sop, "tanahbumbu-jaringan")
    advance(sop, number, "1", "2026-11-23T08:05")
    before = shown(sop, number)
    t = Terminal(term, "next", number, "--show")
    t.expect(f"{number} · step 2 of 9")
    assert t.finish() == 0
    card = flat(t.output)
    assert "Apakah ping ke perangkat berhasil?" in card and "[tidak/ya]" not in card
    assert shown(sop, number) == before


def test_new_takes_short_answers_a_received_time_and_a_ref(sop, term, sop_env):
    """A prefix picks the SOP, a typed time is parsed as --received-at is (a bad one asked again), the office's
    own word for a channel is taken (wa: whatsapp); the configured default SOP is offered on Enter."""
    (sop_env / "config.toml").write_text('default_sop = "tanahbumbu-jaringan"\n', encoding="utf-8")
    t = Terminal(term, "new")
    t.answer("SOP (number or id) (tanahbumbu-jaringan)", "kal")  # the start of one id
    t.answer("Received when (Enter: now)", "kemarin jam 25")
    t.expect("kemarin jam 25")  # the refusal names the bad answer, and asks again
    t.answer("Received when (Enter: now)", "23/11/2026 09.15")
    t.answer("Ref: letter or ticket number (optional)", "WA-0811-23")
    t.answer("Description of the disruption", "SIMPEG tidak bisa login")
    t.answer("Reporter", "Siti")
    t.answer("Unit (SKPD/OPD)", "BKD")
    t.answer("Affected system", "SIMPEG")
    t.answer("Host/node (optional)", "")
    t.answer("(telepon)", "faks")  # not a channel: asked again, naming the channels
    t.expect("unknown channel 'faks'")
    t.answer("(telepon)", "WA")
    t.answer("Priority [rendah/sedang/tinggi/kritis] (sedang)", "")
    t.expect("Complaint ADU-2026-00001 recorded.")
    assert t.finish() == 0
    case = shown(sop, "ADU-2026-00001")
    assert (case["sop"]["id"], case["ref"], case["channel"]) == ("kaltim-db", "WA-0811-23", "whatsapp")
    assert case["received_at"] == "2026-11-23T09:15:00+07:00"

    t = Terminal(term, "new")
    t.answer("SOP (number or id) (tanahbumbu-jaringan)", "")  # Enter: the configured default
    t.answer("Received when (Enter: now)", "")
    t.answer("Ref: letter or ticket number (optional)", "")
    for prompt, reply in (
        ("Description of the disruption", "Internet mati"),
        ("Reporter", "Budi"),
        ("Unit (SKPD/OPD)", "Dinkes"),
        ("Affected system", "Internet"),
        ("Host/node (optional)", ""),
        ("(telepon)", ""),
        ("Priority [rendah/sedang/tinggi/kritis] (sedang)", ""),
    ):
        t.answer(prompt, reply)
    t.expect("Complaint ADU-2026-00002 recorded.")
    assert t.finish() == 0
    assert shown(sop, "ADU-2026-00002")["sop"]["id"] == "tanahbumbu-jaringan"


def test_a_decision_takes_an_options_number_or_first_letters(sop, term):
    number = new_case(sop, "tanahbumbu-jaringan")
    advance(sop, number, "1", "2026-11-23T08:05")
    advance(sop, number, "2", "2026-11-23T08:10", "--decision", "tidak")
    advance(sop, number, "3", "2026-11-23T08:30")
    t = Terminal(term, "next", number, "--at", "2026-11-23T09:00")
    t.answer("[internal/eksternal]", "2")  # the second option
    t.answer("Note (optional)", "")
    t.answer("Save step 4 as done? [y/n] (y)", "n")
    assert t.finish() == 1
    t = Terminal(term, "next", number, "--at", "2026-11-23T09:00")
    t.answer("[internal/eksternal]", "EKS")  # the start of one option, in any case
    t.answer("Note (optional)", "")
    t.answer("Save step 4 as done? [y/n] (y)", "y")
    t.expect("Step 4 done (eksternal)")
    assert t.finish() == 0
    assert shown(sop, number)["journal"][-1]["decision"] == "eksternal"


def test_import_at_a_terminal_shows_a_bar_with_percentage(sop, term, sop_env):
    rows = "\n".join(f"IMP-{i},2026-11-23T08:00,kaltim-db,Siti,BKD,SIMPEG,,wa,sedang,Gangguan {i}" for i in range(200))
    path = sop_env / "impor.csv"
    path.write_text("ref,received_at,sop,reporter,unit,system,host,channel,priority,description\n" + rows + "\n")
    t = Terminal(term, "import", str(path))
    t.expect("impor.csv: 200 rows, 200 new")
    assert t.finish() == 0
    if term == "dumb":  # no cursor movement to redraw a bar with: rich leaves it out
        assert "rows read" not in t.output
    else:
        assert "100%" in t.output and "200 rows read" in t.output
    assert shown(sop, "ADU-2026-00200")["channel"] == "whatsapp"


def test_next_on_a_terminal_asks_which_parallel_step_and_whose_signature(sop, term, sop_env):
    from test_parallel import INCIDENT

    path = sop_env / "insiden.toml"
    path.write_text(INCIDENT, encoding="utf-8")
    number = new_case(sop, str(path))
    advance(sop, number, "1", "2026-11-23T09:00")

    t = Terminal(term, "next", number, "--at", "2026-11-23T09:30")
    t.answer("Several steps run at once (2, 3, 5); which one is done?", "3")
    t.expect(f"{number} · step 3 of 6")
    t.answer("Note (optional)", "Citra disk dibuat")
    t.answer("Save step 3 as done? [y/n] (y)", "y")
    t.expect("Step 3 done")
    t.expect(f"{number} is now at steps 2, 4, 5, run at once")
    assert t.finish() == 0
    assert [s["step"] for s in shown(sop, number)["current_steps"]] == ["2", "4", "5"]

    for step, at in (("2", "09:40"), ("4", "09:50"), ("5", "10:00")):
        advance(sop, number, step, f"2026-11-23T{at}")
    t = Terminal(term, "next", number, "--at", "2026-11-23T10:30")
    t.expect("Signed off by")
    t.answer("Sign step 6 off as", "kepala")
    t.answer("Note (optional)", "Disetujui")
    t.answer("Sign step 6 off? [y/n] (y)", "y")
    t.expect("Step 6 signed off as Kepala Dinas; still to sign: Tim Tanggap Insiden.")
    assert t.finish() == 0
    last = shown(sop, number)["journal"][-1]
    assert (last["action"], last["fields"], last["note"]) == ("approved", {"sebagai": "kepala"}, "Disetujui")


def test_next_offers_the_steps_document_and_writes_it_here(sop, term, tmp_path):
    pytest.importorskip("weasyprint")
    number = new_case(sop, "kaltim-db")
    t = Terminal(term, "next", number, "--at", "2026-11-23T08:20", cwd=tmp_path)
    t.answer("Note (optional)", "")
    t.answer("Output reference: Form Laporan (optional)", "")
    t.answer("Save step 1 as done? [y/n] (y)", "y")
    t.answer("Write FORM-LAPORAN (Form Laporan Gangguan Database) now? [y/n] (y)", "")  # Enter: yes
    t.expect(f"Written to {number}-FORM-LAPORAN.pdf")
    assert t.finish() == 0
    assert (tmp_path / f"{number}-FORM-LAPORAN.pdf").read_bytes().startswith(b"%PDF")
    written = [e for e in shown(sop, number)["journal"] if e["action"] == "document"]
    assert [e["fields"]["berkas"] for e in written] == [f"{number}-FORM-LAPORAN.pdf"]
