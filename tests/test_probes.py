"""The probes behind a step's checks, each against a real counterpart on this machine: HTTP and TCP servers,
a DNS server and a TLS server on 127.0.0.1, and ping to 127.0.0.1 (and inside a network namespace the test
makes, where nothing answers). No packet leaves 127.0.0.0/8.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pytest

from sopcli.definitions.schema import Check
from sopcli.domain.checks import OUTPUT_KEPT, CheckResult, Probe, entry_fields, prepare
from sopcli.integrations.probes import not_after, run

pytestmark = pytest.mark.usefixtures("english_messages")  # the reasons are read in English


def probe(**values) -> Probe:
    check = Check.model_validate(values)
    prepared = prepare(check, {"host": "127.0.0.1", "system": "SIMPEG", "unit": "BKD"})
    assert isinstance(prepared, Probe)
    return prepared


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(2)
        status = 503 if self.path == "/down" else 200
        body = b"SIMPEG berjalan normal" if self.path != "/big" else b"x" * 10_000
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the slow page's client gave up at its timeout
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.daemon_threads = False  # closing waits for the slow page's thread: nothing is left running
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_http_up_passes_with_status_latency_and_body(web):
    result = run(probe(kind="http", url=web + "/", contains="normal"))
    assert result.passed, result.reason
    assert result.figures["status"] == "200"
    assert float(result.figures["latency_ms"]) >= 0
    assert result.output == b"SIMPEG berjalan normal"


def test_http_wrong_status_wrong_text_slow_and_down_fail_with_reasons(web):
    wrong_status = run(probe(kind="http", url=web + "/down"))
    assert wrong_status.passed is False and wrong_status.figures["status"] == "503"
    assert "503" in wrong_status.reason and "200" in wrong_status.reason
    assert run(probe(kind="http", url=web + "/down", status=503)).passed
    wrong_text = run(probe(kind="http", url=web + "/", contains="Gagal"))
    assert wrong_text.passed is False and "Gagal" in wrong_text.reason
    started = time.monotonic()
    slow = run(probe(kind="http", url=web + "/slow", timeout=0.3))
    assert slow.passed is False and "timeout" in slow.reason
    assert time.monotonic() - started < 1.5  # the timeout, not the server, decides
    down = run(probe(kind="http", url=f"http://127.0.0.1:{closed_port()}/"))
    assert down.passed is False and "refused" in down.reason


def test_tcp_listener_passes_and_closed_port_fails():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        up = run(probe(kind="tcp", host="{host}", port=port))
    assert up.passed and up.target == f"127.0.0.1:{port}" and "latency_ms" in up.figures
    down = run(probe(kind="tcp", host="127.0.0.1", port=closed_port()))
    assert down.passed is False and down.reason.startswith("connection refused")


# --- dns: a name server of the test's own on 127.0.0.1 ---------------------------------------------------

ZONE = {"simpeg.kaltim.test": "10.20.1.5"}


class _NameServer(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        ident, _flags = struct.unpack("!HH", data[:4])
        end = 12
        labels = []
        while data[end]:
            labels.append(data[end + 1 : end + 1 + data[end]].decode())
            end += 1 + data[end]
        question = data[12 : end + 5]
        address = ZONE.get(".".join(labels))
        if address is None:
            sock.sendto(struct.pack("!HHHHHH", ident, 0x8183, 1, 0, 0, 0) + question, self.client_address)
            return
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(address)
        sock.sendto(struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + answer, self.client_address)


@pytest.fixture
def nameserver():
    server = socketserver.ThreadingUDPServer(("127.0.0.1", 0), _NameServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_dns_answers_expected_address_wrong_address_and_no_such_name(nameserver):
    found = run(probe(kind="dns", name="simpeg.kaltim.test", expect="10.20.1.5"), nameserver=nameserver)
    assert found.passed and found.figures["addresses"] == "10.20.1.5"
    wrong = run(probe(kind="dns", name="simpeg.kaltim.test", expect="10.20.1.6"), nameserver=nameserver)
    assert wrong.passed is False and "10.20.1.6" in wrong.reason
    missing = run(probe(kind="dns", name="tidak.kaltim.test"), nameserver=nameserver)
    assert missing.passed is False and "NXDOMAIN" in missing.reason
    silent = run(probe(kind="dns", name="simpeg.kaltim.test", timeout=0.3), nameserver=f"127.0.0.1:{closed_port()}")
    assert silent.passed is False


# --- tls: a self-signed certificate about to expire -------------------------------------------------------


@pytest.fixture
def expiring_tls(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "5",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except TimeoutError:
                continue
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], cert
    stop.set()
    thread.join()
    listener.close()


def test_tls_certificate_about_to_expire_fails_with_days_left(expiring_tls):
    port, cert = expiring_tls
    soon = run(probe(kind="tls", host="127.0.0.1", port=port, days=14))
    assert soon.passed is False, soon.reason
    assert soon.figures["days_left"] in ("4", "5")
    assert "14" in soon.reason
    assert run(probe(kind="tls", host="127.0.0.1", port=port, days=3)).passed
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    assert 4 <= (not_after(der) - datetime.now(UTC)).days <= 5


# --- ping ------------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("ping") is None, reason="the ping program (iputils-ping) is not installed")
def test_ping_localhost_answers_with_latency_and_no_loss():
    result = run(probe(kind="ping", host="{host}", count=2))
    assert result.passed, result.reason
    assert result.figures["lost"] == "0/2"
    assert float(result.figures["latency_ms"]) >= 0
    assert b"2 packets transmitted" in result.output


def _in_own_namespace(code: str) -> subprocess.CompletedProcess:
    """Python run in a new network namespace of its own (loopback down): nothing there answers."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    done = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {done.stderr.decode().strip()}")
    return subprocess.run(["unshare", "-rn", sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(shutil.which("ping") is None, reason="the ping program (iputils-ping) is not installed")
def test_ping_that_gets_no_answer_fails_with_its_reason():
    code = (
        "from sopcli.definitions.schema import Check\n"
        "from sopcli.domain.checks import prepare\n"
        "from sopcli.integrations.probes import run\n"
        "r = run(prepare(Check(kind='ping', host='127.0.0.1', count=2, timeout=1), {}))\n"
        "print(r.result, '|', r.reason)\n"
    )
    done = _in_own_namespace(code)
    assert done.returncode == 0, done.stderr
    result, reason = done.stdout.strip().split(" | ")
    assert result == "fail" and reason


def test_a_name_that_does_not_resolve_fails_without_a_traceback():
    # In a namespace of its own, so the lookup reaches no name server outside this machine.
    code = (
        "from sopcli.definitions.schema import Check\n"
        "from sopcli.domain.checks import prepare\n"
        "from sopcli.integrations.probes import run\n"
        "r = run(prepare(Check(kind='tcp', host='tidak-ada.invalid', port=80, timeout=1), {}))\n"
        "print(r.result, '|', r.reason)\n"
    )
    done = _in_own_namespace(code)
    assert done.returncode == 0, done.stderr
    result, reason = done.stdout.strip().split(" | ")
    assert result == "fail" and reason


def test_a_missing_ping_program_is_a_failed_check(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = run(probe(kind="ping", host="127.0.0.1"))
    assert result.passed is False and "iputils-ping" in result.reason


# --- command ---------------------------------------------------------------------------------------------


def test_command_runs_without_a_shell_and_is_stopped_at_its_timeout():
    echo = run(probe(kind="command", argv=[sys.executable, "-c", "print('ok; $HOME')"]))
    assert echo.passed and echo.output.strip() == b"ok; $HOME"  # no shell: nothing expanded
    wrong = run(probe(kind="command", argv=[sys.executable, "-c", "raise SystemExit(3)"]))
    assert wrong.passed is False and wrong.figures["exit_code"] == "3"
    started = time.monotonic()
    slow = run(probe(kind="command", argv=[sys.executable, "-c", "import time; time.sleep(10)"], timeout=0.5))
    assert slow.passed is False and time.monotonic() - started < 5
    missing = run(probe(kind="command", argv=["/nonexistent/program"]))
    assert missing.passed is False and "/nonexistent/program" in missing.reason


def test_an_entry_keeps_the_first_2_kb_of_output_and_the_hash_of_the_whole():
    import hashlib

    output = b"x" * 10_000
    fields = entry_fields(CheckResult("http", "http://127.0.0.1/", True, "", {"status": "200"}, output))
    assert fields["result"] == "pass" and fields["status"] == "200"
    assert len(fields["output"]) == OUTPUT_KEPT
    assert fields["sha256"] == hashlib.sha256(output).hexdigest()


def test_a_target_naming_a_detail_the_complaint_lacks_is_skipped():
    skipped = prepare(Check(kind="ping", host="{host}"), {"host": None, "system": "SIMPEG"})
    assert isinstance(skipped, CheckResult) and skipped.passed is None
    assert "host" in skipped.reason
