"""``sop notify`` over a simulated working week, with a real SMTP server and a real webhook on 127.0.0.1.

The week runs from Friday 18 December 2026 to Monday 28 December: a Friday evening, a weekend, and
24–25 December (cuti bersama and Christmas), when the office is closed. Apprise delivers for real: the
e-mails reach an aiosmtpd server and the JSON webhooks an http.server, both started here.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers import SOP, no_traceback, process_env, run_sop

pytest.importorskip("apprise")
pytest.importorskip("aiosmtpd")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notify")]

SOP_TEXT = """
format = 2
id = "layanan"
version = "1"
nama = "Penanganan Gangguan Layanan TIK"
instansi = "Diskominfo Contoh"

[[outcomes]]
id = "selesai"
label = "Selesai"
kind = "resolved"

[[roles]]
key = "penerima"
nama = "Petugas Layanan"
atasan = "kasi"

[[roles]]
key = "teknisi"
nama = "Teknisi Jaringan"
atasan = "kasi"

[[roles]]
key = "kasi"
nama = "Kepala Seksi Infrastruktur"

[[steps]]
id = "1"
kegiatan = "Menerima dan mencatat laporan gangguan"
pelaksana = ["penerima"]
waktu = "2 jam"

[[steps]]
id = "2"
kegiatan = "Memperbaiki gangguan"
pelaksana = ["teknisi"]
waktu = "1 hari"

[[steps]]
id = "3"
kegiatan = "Memeriksa hasil perbaikan"
pelaksana = ["kasi"]
waktu = "1 jam"
end = "selesai"
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Webhooks:
    """A JSON webhook receiver: every POST kept as (path, body)."""

    def __init__(self, delay_first: float = 0.0) -> None:
        self.received: list[tuple[str, dict]] = []
        self.delay_first = delay_first
        received, hooks = self.received, self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                if hooks.delay_first:
                    delay, hooks.delay_first = hooks.delay_first, 0.0
                    time.sleep(delay)
                received.append((self.path, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def to(self, path: str) -> list[str]:
        return [body["message"] for got, body in self.received if got == f"/{path}"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """An SMTP server (aiosmtpd) that keeps every message it is given; it can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[tuple[list[str], str]] = []
        self.controller = None
        self.start()

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        messages = self.messages

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                import email
                import email.policy

                parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
                parts = [p for p in parsed.walk() if p.get_content_type() == "text/plain"]
                text = parts[0].get_content() if parts else ""
                messages.append((list(envelope.rcpt_tos), f"{parsed['Subject']}\n{text}"))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def url(self, to: str) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=sop@kominfo.contoh.go.id&to={to}"

    def to(self, address: str) -> list[str]:
        return [text for rcpts, text in self.messages if address in rcpts]


@pytest.fixture
def hooks():
    receiver = Webhooks()
    yield receiver
    receiver.close()


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    try:
        box.stop()
    except Exception:  # stopped by the test already
        pass


@pytest.fixture
def office(sop_env, hooks, mailbox):
    """The logbook of the week: the SOP, three operators with addresses, the head of office and a unit."""
    sop_file = sop_env / "layanan.toml"
    sop_file.write_text(SOP_TEXT, encoding="utf-8")
    env = process_env(SOP_NOW="2026-12-18T08:00+07:00")

    def sop(*args: str, at: str | None = None, check: bool = True):
        result = run_sop(env | ({"SOP_NOW": at} if at else {}), *args)
        no_traceback(result)
        if check:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    sop("operator", "add", "budi", "--role", "penerima", "--notify", hooks.url("budi"), "--sop", str(sop_file))
    sop("operator", "add", "andi", "--role", "teknisi", "--notify", hooks.url("andi"), "--sop", str(sop_file))
    sop(
        "operator",
        "add",
        "siti",
        "--role",
        "kasi",
        "--notify",
        mailbox.url("siti@kominfo.contoh.go.id"),
        "--sop",
        str(sop_file),
    )
    sop("config", "set", "notify.kepala", mailbox.url("kepala@kominfo.contoh.go.id"))
    sop("config", "set", "notify.Bagian Umum", hooks.url("umum"))
    sop.file = sop_file  # type: ignore[attr-defined]
    return sop


def new(sop, at: str, priority: str = "sedang", unit: str = "Bagian Umum") -> str:
    result = sop(
        "new",
        "--sop",
        str(sop.file),
        "--description",
        "Jaringan kantor putus",
        "--reporter",
        "Rina",
        "--unit",
        unit,
        "--system",
        "LAN",
        "--priority",
        priority,
        "--json",
        at=at,
    )
    return json.loads(result.stdout)["number"]


def notified(sop, number: str) -> list[dict]:
    """The complaint's ``notified`` journal entries: (recipient, threshold or event) as the journal has them."""
    shown = json.loads(sop("show", number, "--json").stdout)
    return [e["fields"] for e in shown["journal"] if e["action"] == "notified"]


def test_a_working_week_each_notice_once_in_office_hours(office, hooks, mailbox):
    sop = office
    first = new(sop, "2026-12-18T15:30+07:00")
    sop("notify", at="2026-12-18T15:31+07:00")
    assert len(hooks.to("budi")) == 1 and "New complaint" in hooks.to("budi")[0]
    assert f"sop next {first}" in hooks.to("budi")[0]
    sop("notify", at="2026-12-18T15:40+07:00")
    assert len(hooks.to("budi")) == 1  # nothing new: nothing sent

    # Friday 16:30, the office's closing minute: half of the two hours is gone.
    sop("notify", at="2026-12-18T16:30+07:00")
    assert "Reminder (50%)" in hooks.to("budi")[-1]

    # Friday 19:00, working late: step 1 done. Andi's disposisi waits for Monday's opening.
    sop("next", first, at="2026-12-18T19:00+07:00")
    late = sop("notify", at="2026-12-18T19:05+07:00")
    assert hooks.to("andi") == []
    assert "wait for office hours (from 21/12/2026 07:30 WIB)" in late.stderr

    # A high-priority complaint at 20:00 is told at once, office hours or not.
    urgent = new(sop, "2026-12-18T20:00+07:00", priority="tinggi")
    sop("notify", at="2026-12-18T20:05+07:00")
    assert urgent in hooks.to("budi")[-1] and "New complaint" in hooks.to("budi")[-1]

    sop("notify", at="2026-12-19T10:00+07:00")  # Saturday
    assert hooks.to("andi") == []

    sop("notify", at="2026-12-21T07:35+07:00")  # Monday's opening
    assert len(hooks.to("andi")) == 1 and "Handed on to you" in hooks.to("andi")[0]

    # Nobody ran sop notify between 08:30 (50%) and 09:00 (75%): one reminder, the later one.
    sop("notify", at="2026-12-21T09:10+07:00")
    assert "Reminder (75%)" in hooks.to("budi")[-1]
    assert [f.get("ambang") for f in notified(sop, urgent)] == [None, "75%"]

    # 09:30: the urgent complaint is due. The mail server is down: Siti (Budi's superior) is not reached.
    mailbox.stop()
    down = sop("notify", at="2026-12-21T09:31+07:00", check=False)
    assert down.returncode == 1
    assert "NOT SENT to siti (mailto://127.0.0.1:" in down.stderr and "the next run tries again" in down.stderr
    assert "ESCALATION (100%)" in hooks.to("budi")[-1]
    escalated_to_budi = len(hooks.to("budi"))
    assert sop("notify", at="2026-12-21T09:40+07:00", check=False).returncode == 1
    assert len(hooks.to("budi")) == escalated_to_budi  # Budi's was sent and journaled: not again
    mailbox.start()
    sop("notify", at="2026-12-21T09:50+07:00")
    assert len(mailbox.to("siti@kominfo.contoh.go.id")) == 1
    assert "ESCALATION (100%)" in mailbox.to("siti@kominfo.contoh.go.id")[0]
    sop("notify", at="2026-12-21T09:55+07:00")
    assert len(mailbox.to("siti@kominfo.contoh.go.id")) == 1

    # 11:30: twice the standard: the head of office hears of it.
    sop("notify", at="2026-12-21T11:31+07:00")
    assert len(mailbox.to("kepala@kominfo.contoh.go.id")) == 1
    assert "ESCALATION (200%)" in mailbox.to("kepala@kominfo.contoh.go.id")[0]

    # Wednesday 15:00, before the closed 24th and 25th: 75% of two hours falls on Monday 28th at 08:00.
    before_holiday = new(sop, "2026-12-23T15:00+07:00")
    sop("notify", at="2026-12-23T15:01+07:00")
    sop("notify", at="2026-12-23T16:00+07:00")
    reminders = len(hooks.to("budi"))
    sop("notify", at="2026-12-24T10:00+07:00")
    sop("notify", at="2026-12-28T07:55+07:00")
    assert len(hooks.to("budi")) == reminders
    sop("notify", at="2026-12-28T08:05+07:00")
    assert "Reminder (75%)" in hooks.to("budi")[-1] and before_holiday in hooks.to("budi")[-1]

    # The first complaint closes: its unit is told, once.
    sop("next", first, at="2026-12-28T09:00+07:00")
    sop("next", first, at="2026-12-28T09:30+07:00")
    sop("notify", at="2026-12-28T09:35+07:00")
    sop("notify", at="2026-12-28T09:40+07:00")
    assert len(hooks.to("umum")) == 1 and f"{first} (layanan) closed" in hooks.to("umum")[0]

    # Every message arrived once: no (recipient, text) twice.
    every = [(path, body["message"]) for path, body in hooks.received] + [
        (tuple(rcpts), text) for rcpts, text in mailbox.messages
    ]
    assert not [sent for sent, count in Counter(every).items() if count > 1]
    assert sop("verify").returncode == 0
    journal = sop("journal", "--from", "2026-12-18", "--to", "2026-12-28", "--format", "csv").stdout
    assert "sent to siti (mailto): escalation 100%" in journal
    assert "127.0.0.1" not in journal  # the journal names the kind of address, never the address


def test_dry_run_says_what_would_go_and_writes_nothing(office, hooks):
    sop = office
    number = new(sop, "2026-12-21T08:00+07:00")
    dry = sop("notify", "--dry-run", "--json", at="2026-12-21T10:01+07:00")
    plan = json.loads(dry.stdout)
    assert plan["dry_run"] is True
    told = {(m["recipient"], n["event"], n["threshold"]) for m in plan["messages"] for n in m["notices"]}
    assert told == {("budi", "eskalasi", "100%"), ("siti", "eskalasi", "100%")}
    assert all("***" in m["address"] or "…" in m["address"] for m in plan["messages"])
    assert hooks.received == [] and notified(sop, number) == []
    sop("notify", at="2026-12-21T10:01+07:00")
    assert [f["peristiwa"] for f in notified(sop, number)] == ["eskalasi", "eskalasi"]


def test_two_runs_at_once_send_each_notice_once(office, hooks):
    sop = office
    numbers = [new(sop, "2026-12-21T08:00+07:00") for _ in range(6)]
    env = process_env(SOP_NOW="2026-12-21T08:05+07:00")
    runs = [subprocess.Popen([SOP, "notify"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in "ab"]
    for run in runs:
        assert run.wait(timeout=120) == 0, run.stderr.read() if run.stderr else ""
    assert len(hooks.to("budi")) == 1  # one digest message for the six complaints
    assert all(number in hooks.to("budi")[0] for number in numbers)
    assert all(len(notified(sop, number)) == 1 for number in numbers)


def test_a_killed_run_is_sent_by_the_next(office, hooks):
    sop = office
    number = new(sop, "2026-12-21T08:00+07:00")
    hooks.delay_first = 5.0  # the webhook answers slowly: the run is killed while it waits
    env = process_env(SOP_NOW="2026-12-21T08:05+07:00")
    run = subprocess.Popen([SOP, "notify"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2.5)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    assert notified(sop, number) == []  # killed before its journal entry: not counted as sent
    again = sop("notify", at="2026-12-21T08:06+07:00")  # the lock went with the killed process
    assert "Sent to budi" in again.stdout
    assert len(notified(sop, number)) == 1
    assert sop("notify", at="2026-12-21T08:07+07:00").stderr.strip() == "Nothing to send."


def test_the_seal_digest_goes_off_the_machine_and_verify_holds_the_journal_to_it(office, mailbox):
    sop = office
    new(sop, "2026-12-21T08:00+07:00")
    sop("config", "set", "seal_digest_to", "kepala")
    sop("journal", "seal", "--date", "2026-12-21", at="2026-12-21T16:00+07:00")
    sop("notify", at="2026-12-21T16:01+07:00")
    sent = [m for m in mailbox.to("kepala@kominfo.contoh.go.id") if "sealed" in m]
    assert len(sent) == 1
    copy = sent[0].split("Digest: ")[1].splitlines()[0]
    held = sop("verify", "--digest", f"2026-12-21 {copy}")
    assert "the journal holds the digest sent off the machine" in held.stdout
    forged = copy[:-1] + ("0" if copy[-1] != "0" else "1")
    differs = sop("verify", "--digest", f"2026-12-21 {forged}", check=False)
    assert differs.returncode == 1 and "SEAL DIFFERS" in differs.stdout
    missing = sop("verify", "--digest", f"2026-12-20 {copy}", check=False)
    assert missing.returncode == 1 and "NO SEAL of 2026-12-20" in missing.stdout
    bad = sop("verify", "--digest", "kemarin", check=False)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1


def test_the_monthly_report_is_sent_to_the_head_of_office(office, mailbox):
    sop = office
    new(sop, "2026-12-21T08:00+07:00")
    sop("journal", "seal", "--date", "2026-12-21", at="2026-12-21T16:00+07:00")
    sent = sop("report", "--monthly", "--date", "2026-12-21", "--send", "kepala", at="2026-12-22T08:00+07:00")
    assert "Report sent to kepala (mailto://127.0.0.1:" in sent.stderr
    (mail,) = mailbox.to("kepala@kominfo.contoh.go.id")
    assert mail.startswith("Monthly report 01/12/2026 – 31/12/2026")
    assert "2026-12-21 " in mail  # the sealed day's digest, to hold the journal to
    nobody = sop("report", "--daily", "--send", "siapa", check=False)
    assert nobody.returncode == 1 and "no address for siapa" in nobody.stderr


def test_secrets_never_shown_and_bad_addresses_refused(office, sop_env):
    sop = office
    secret = "tgram://123456789:AAHrahasiaToken/-1001234"
    added = sop("operator", "add", "budi", "--notify", secret)
    assert "AAHrahasia" not in added.stdout + added.stderr
    listed = sop("operator", "list", "--json").stdout
    assert "AAHrahasia" not in listed and "tgram://***" in listed
    sop("config", "set", "notify.kasi", "mailtos://kasi:sandiRahasia@mail.contoh.go.id")
    shown = sop("config", "show").stdout
    assert "sandiRahasia" not in shown and "mailtos://kasi@mail.contoh.go.id" in shown
    assert (Path(os.environ["SOP_CONFIG"]).stat().st_mode & 0o777) == 0o600
    for bad in ("budi@kantor", "foo://bar"):
        refused = sop("operator", "add", "budi", "--notify", bad, check=False)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    refused = sop("config", "set", "notify.kasi", "kasi@kantor", check=False)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1


def test_without_apprise_notify_says_how_to_install_it(office, tmp_path):
    # Apprise made unimportable for this child process only: what a machine without the extra sees.
    blocked = tmp_path / "blocked"
    (blocked / "apprise").mkdir(parents=True)
    (blocked / "apprise" / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = process_env(PYTHONPATH=os.pathsep.join(filter(None, [str(blocked), os.environ.get("PYTHONPATH")])))
    result = run_sop(env, "notify")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("(pip install 'sopcli[notify]')")
    assert result.stderr.count("\n") == 1
    assert run_sop(env, "notify", "--dry-run").returncode == 0  # a dry run sends nothing: it needs no Apprise
