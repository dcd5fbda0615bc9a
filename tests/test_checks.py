"""A step's checks: the SOP format (``[[steps.checks]]``), ``sops validate``/``sops show``, ``sop check``, and
``sop next`` running them and proposing the decision. Every target is on 127.0.0.1, started by the test.
"""

from __future__ import annotations

import socket

from helpers import ok
from sopcli.definitions import loader

SOP = """\
format = 2
id = "uji-layanan"
version = "1"
nama = "Uji layanan"
instansi = "Diskominfo"

[[outcomes]]
id = "pulih"
label = "Pulih"
kind = "resolved"

[[outcomes]]
id = "normal"
label = "Tidak ditemukan gangguan"
kind = "no_fault_found"

[[roles]]
key = "teknisi"
nama = "Teknisi"

[[steps]]
id = "1"
kegiatan = "Menguji layanan"
pelaksana = ["teknisi"]

[[steps.checks]]
kind = "tcp"
host = "{host}"
port = PORT
timeout = 2
pass = "ya"
fail = "tidak"

[steps.decision]
question = "Apakah layanan berjalan?"

[[steps.decision.options]]
label = "ya"
end = "normal"

[[steps.decision.options]]
label = "tidak"
goto = "2"

[[steps]]
id = "2"
kegiatan = "Memulihkan layanan"
pelaksana = ["teknisi"]
end = "pulih"
"""


def sop_text(port: int = 8080) -> str:
    return SOP.replace("PORT", str(port))


def messages(text: str) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in loader.check_text(text)]


def test_a_step_with_checks_is_valid():
    assert messages(sop_text()) == []
    step = loader.load_text(sop_text(), "uji.toml").definition.step("1")
    assert [(c.kind, c.host, c.port, c.on_pass, c.on_fail) for c in step.checks] == [
        ("tcp", "{host}", 8080, "ya", "tidak")
    ]


def test_bad_checks_are_reported_with_their_step_line(english_messages):
    text = sop_text().replace("port = 8080\n", "count = 3\n").replace('pass = "ya"', 'pass = "mungkin"')
    text = text.replace('host = "{host}"', 'host = "{hots}"')
    assert messages(text) == [
        (21, "check 1 (tcp): port is required"),
        (21, "check 1 (tcp): count is not a key of a tcp check (its keys: host, port, timeout, pass, fail)"),
        (21, "check 1 (tcp): host: {hots} is not a detail of a complaint (known: {host}, {system}, {unit})"),
        (21, "check 1 (tcp): pass = 'mungkin' is not an option of the step's decision (ya, tidak)"),
    ]
    http = sop_text().replace('kind = "tcp"\nhost = "{host}"\nport = 8080', 'kind = "http"\nurl = "ftp://x"')
    assert messages(http) == [(21, "check 1 (http): url must start with http:// or https://")]
    unknown = sop_text().replace('kind = "tcp"', 'kind = "snmp"')
    assert any("kind" in message and "snmp" in message for _line, message in messages(unknown))


def test_checks_are_a_key_of_format_2(english_messages):
    text = sop_text().replace("format = 2\n", "").replace('end = "normal"', 'end = "rejected"')
    text = text.replace('end = "pulih"', 'end = "resolved"')
    text = text[: text.index("[[outcomes]]")] + text[text.index("[[roles]]") :]
    assert messages(text) == [(10, "checks: a key of format 2; add format = 2 at the top of the file")]


def test_sops_show_lists_a_steps_checks(sop, tmp_path, english_messages):
    path = tmp_path / "uji.toml"
    path.write_text(sop_text())
    shown = ok(sop("sops", "show", str(path), "--no-pager")).stdout
    assert "tcp {host}:8080 → ya / tidak" in shown


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def js(result) -> dict:
    import json

    return json.loads(ok(result).stdout)


def new_complaint(sop, path, host: str | None = "127.0.0.1") -> str:
    args = ["new", "--sop", str(path), "--description", "Layanan SIMPEG tidak bisa diakses", "--reporter", "Sari"]
    args += ["--unit", "BKD", "--system", "SIMPEG", "--channel", "telepon", "--json"]
    if host is not None:
        args += ["--host", host]
    return js(sop(*args))["number"]


def test_sop_check_runs_the_steps_checks_and_journals_each_without_moving_the_case(sop, tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        path = tmp_path / "uji.toml"
        path.write_text(sop_text(port))
        number = new_complaint(sop, path)
        run = js(sop("check", number, "--json"))
    assert run["proposed"] == "ya" and run["step"] == "1"
    [found] = run["checks"]
    assert found["result"] == "pass" and found["target"] == f"127.0.0.1:{port}"
    assert float(found["latency_ms"]) >= 0
    case = js(sop("show", number, "--json"))
    assert case["current_step"] == "1" and case["status"] == "open"
    checked = [e for e in case["journal"] if e["action"] == "checked"]
    assert [(e["step"], e["fields"]["kind"], e["fields"]["result"]) for e in checked] == [("1", "tcp", "pass")]
    shown = ok(sop("show", number)).stdout
    assert "tcp 127.0.0.1:" in shown and ": passed" in shown
    ok(sop("verify"))


def test_a_refused_connection_is_a_failed_check_proposing_the_fail_option(sop, tmp_path):
    path = tmp_path / "uji.toml"
    path.write_text(sop_text(free_port()))
    number = new_complaint(sop, path)
    shown = ok(sop("check", number)).stdout
    assert "✗ tcp 127.0.0.1:" in shown and "connection refused" in shown
    assert "The checks propose: tidak" in shown
    journal = ok(sop("journal", "--date", "today")).stdout
    assert "connection refused" in journal


def test_a_complaint_without_a_host_skips_the_check_with_the_reason(sop, tmp_path):
    path = tmp_path / "uji.toml"
    path.write_text(sop_text())
    number = new_complaint(sop, path, host=None)
    run = js(sop("check", number, "--json"))
    assert run["proposed"] is None
    assert run["checks"][0]["result"] == "skipped" and "host" in run["checks"][0]["reason"]


def test_command_checks_run_without_a_shell_and_can_be_turned_off(sop, tmp_path):
    import sys

    text = sop_text().replace(
        'kind = "tcp"\nhost = "{host}"\nport = 8080',
        f'kind = "command"\nargv = ["{sys.executable}", "-c", "print(\'SIMPEG {{system}}; $HOME\')"]',
    )
    path = tmp_path / "uji.toml"
    path.write_text(text)
    number = new_complaint(sop, path)
    [ran] = js(sop("check", number, "--json"))["checks"]
    assert ran["result"] == "pass" and ran["output"].strip() == "SIMPEG SIMPEG; $HOME"
    ok(sop("config", "set", "command_checks", "false"))
    [refused] = js(sop("check", number, "--json"))["checks"]
    assert refused["result"] == "skipped" and "command_checks" in refused["reason"]


def test_sop_check_on_a_closed_complaint_is_refused(sop, tmp_path):
    path = tmp_path / "uji.toml"
    path.write_text(sop_text())
    number = new_complaint(sop, path)
    ok(sop("next", number, "--decision", "ya"))
    result = sop("check", number)
    assert result.exit_code != 0 and "closed" in result.stderr


# --- sop next runs them ------------------------------------------------------------------------------------


def test_next_with_run_checks_takes_the_decision_the_checks_propose(sop, tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        path = tmp_path / "uji.toml"
        path.write_text(sop_text(listener.getsockname()[1]))
        number = new_complaint(sop, path)
        case = js(sop("next", number, "--run-checks", "--json"))
    assert case["status"] == "no_fault_found"
    checked, done = case["journal"][-2:]
    assert (checked["action"], checked["fields"]["result"]) == ("checked", "pass")
    assert (done["action"], done["decision"], done["fields"]["usul_pemeriksaan"]) == ("step", "ya", "ya")
    assert "alasan_beda_usulan" not in done["fields"]


def test_taking_another_decision_than_proposed_needs_a_reason_and_journals_it(sop, tmp_path):
    path = tmp_path / "uji.toml"
    path.write_text(sop_text(free_port()))  # nothing listens: the check proposes "tidak"
    number = new_complaint(sop, path)
    refused = sop("next", number, "--run-checks", "--decision", "ya")
    assert refused.exit_code != 0 and "--reason" in refused.stderr
    assert js(sop("show", number, "--json"))["current_step"] == "1"
    case = js(sop("next", number, "--run-checks", "--decision", "ya", "--reason", "Diuji manual: normal", "--json"))
    done = case["journal"][-1]
    assert done["decision"] == "ya"
    assert done["fields"]["usul_pemeriksaan"] == "tidak"
    assert done["fields"]["alasan_beda_usulan"] == "Diuji manual: normal"
    ok(sop("verify"))


def test_no_checks_journals_each_check_as_skipped(sop, tmp_path):
    path = tmp_path / "uji.toml"
    path.write_text(sop_text())
    number = new_complaint(sop, path)
    case = js(sop("next", number, "--no-checks", "--decision", "tidak", "--json"))
    checked = [e for e in case["journal"] if e["action"] == "checked"]
    assert [(e["fields"]["result"], e["fields"]["reason"]) for e in checked] == [
        ("skipped", "skipped with --no-checks")
    ]
    assert "usul_pemeriksaan" not in case["journal"][-1]["fields"]
    both = sop("next", number, "--no-checks", "--run-checks")
    assert both.exit_code != 0 and "--no-checks" in both.stderr


def test_without_run_checks_a_script_runs_no_check(sop, tmp_path):
    path = tmp_path / "uji.toml"
    path.write_text(sop_text())
    number = new_complaint(sop, path)
    case = js(sop("next", number, "--decision", "tidak", "--json"))
    assert [e["action"] for e in case["journal"]] == ["received", "step"]


def test_a_reserved_check_key_is_no_step_field(english_messages):
    text = sop_text().replace(
        'end = "pulih"', 'end = "pulih"\n\n[[steps.fields]]\nkey = "usul_pemeriksaan"\nmeaning = "x"'
    )
    assert (45, "field 'usul_pemeriksaan' is reserved for the decision a step's checks propose") in messages(text)


def test_the_report_counts_decisions_by_check_by_hand_and_overridden(sop, tmp_path):
    path = tmp_path / "uji.toml"
    path.write_text(sop_text(free_port()))  # the check fails: it proposes "tidak"
    by_check = new_complaint(sop, path)
    ok(sop("next", by_check, "--run-checks"))
    overridden = new_complaint(sop, path)
    ok(sop("next", overridden, "--run-checks", "--decision", "ya", "--reason", "Diuji manual"))
    by_hand = new_complaint(sop, path)
    ok(sop("next", by_hand, "--decision", "tidak"))
    report = js(sop("report", "--date", "today", "--format", "json"))
    assert report["decisions"] == [
        {
            "sop": "uji-layanan",
            "by_check": 1,
            "by_hand": 1,
            "overridden": 1,
            "checks_passed": 0,
            "checks_failed": 2,
            "checks_skipped": 0,
        }
    ]
    text = ok(sop("report", "--date", "today")).stdout
    assert "Decisions and checks" in text and "Decided by a check" in text


def test_the_built_ins_carry_the_checks_their_documents_describe():
    from sopcli.domain.checks import describe

    def checks(sop_id: str) -> dict[str, list[str]]:
        definition = loader.load(sop_id).definition
        return {s.id: [describe(c) for c in s.checks] for s in definition.steps if s.checks}

    assert checks("tanahbumbu-jaringan") == {"2": ["ping {host} ×3 → ya / tidak"]}
    assert checks("ipas-pemulihan") == {"14": ["http http://{host}/ = 200 → ya / tidak"]}
    assert checks("cirebon-aplikasi") == {"2": ["http http://{host}/"]}
    assert checks("kaltim-db") == {"5": ["ping {host} ×3"]}
    for sop_id in loader.builtin_ids():
        definition = loader.load(sop_id).definition
        assert definition.version == "4"
        assert all(c.kind != "command" for s in definition.steps for c in s.checks)


def test_a_built_in_sop_runs_no_command(sop, tmp_path, monkeypatch):
    import sys

    # A command check in a file that sits where the built-ins do (as a release's would): refused.
    builtins = tmp_path / "builtin"
    builtins.mkdir()
    text = sop_text().replace(
        'kind = "tcp"\nhost = "{host}"\nport = 8080', f'kind = "command"\nargv = ["{sys.executable}", "-V"]'
    )
    (builtins / "uji-layanan.toml").write_text(text)
    monkeypatch.setattr(loader, "builtin_dir", lambda: builtins)
    number = new_complaint(sop, "uji-layanan")
    [refused] = js(sop("check", number, "--json"))["checks"]
    assert refused["result"] == "skipped" and refused["reason"] == "a built-in SOP runs no commands"


def test_sops_show_json_names_pass_and_fail_as_the_file_does(sop):
    shown = js(sop("sops", "show", "tanahbumbu-jaringan", "--json"))
    [step2] = [s for s in shown["steps"] if s["id"] == "2"]
    [ping] = step2["checks"]
    assert (ping["kind"], ping["host"], ping["pass"], ping["fail"]) == ("ping", "{host}", "ya", "tidak")
