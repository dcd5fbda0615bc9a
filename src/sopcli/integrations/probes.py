"""The probes behind a step's checks: ping, TCP, HTTP, DNS, TLS expiry and a command.

The standard library only, so a check adds no dependency an office must install:

* ping runs the system ``ping`` (iputils) and reads its summary: ICMP without root needs either the setuid
  binary or ``net.ipv4.ping_group_range``, and the binary already copes with both;
* HTTP uses ``http.client``, not ``urllib``: no proxy from the environment and no redirects followed, so a
  check talks to the address it names and nothing else;
* DNS sends one query over UDP to the configured name server (default: the first in /etc/resolv.conf), so a
  check reads what that server answers, not the machine's cache or hosts file;
* TLS reads the certificate's notAfter without verifying it: a certificate about to expire (or self-signed)
  is exactly what the check is there to see.

Every probe has a timeout and turns every failure (refused, unreachable, no such name, no ``ping``) into a
failed result with its reason: a check never raises and never hangs ``sop next``.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import shutil
import socket
import ssl
import struct
import subprocess
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sopcli.domain.checks import CheckResult, Probe
from sopcli.i18n import _

# The most of a response body or a command's output read: enough for "contains" and the journal's 2 KB.
READ_LIMIT = 1_000_000


def run(probe: Probe, *, nameserver: str | None = None) -> CheckResult:
    """Run one probe; any failure is a failed result with its reason."""
    started = time.monotonic()
    try:
        if probe.kind == "dns":
            return _dns(probe, nameserver)
        return _PROBES[probe.kind](probe)
    except Exception as exc:  # the last guard: a check's failure is a result, never a traceback
        return _failed(probe, _("{error} after {ms} ms").format(error=_reason(exc), ms=_ms(started)))


def _failed(probe: Probe, reason: str, figures: dict[str, str] | None = None, output: bytes = b"") -> CheckResult:
    return CheckResult(probe.kind, probe.target, False, reason, figures or {}, output)


def _ms(started: float) -> str:
    return f"{(time.monotonic() - started) * 1000:.1f}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return _("the name does not resolve ({error})").format(error=exc.strerror or exc)
    if isinstance(exc, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(exc, TimeoutError | socket.timeout):
        return _("no answer within the timeout")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


# --- ping ---------------------------------------------------------------------------------------------

_SENT = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")
_RTT = re.compile(r"= [\d.]+/([\d.]+)/")


def _ping(probe: Probe) -> CheckResult:
    binary = shutil.which("ping")
    if binary is None:
        return _failed(probe, _("the ping program is not installed (on Debian: apt-get install iputils-ping)"))
    wait = max(1, round(probe.timeout))
    argv = [binary, "-n", "-c", str(probe.count), "-i", "0.2", "-W", str(wait), "-w", str(wait + probe.count)]
    try:
        done = subprocess.run(
            [*argv, "--", str(probe.host)],
            capture_output=True,
            timeout=wait + probe.count + 2,
            env={**os.environ, "LC_ALL": "C"},  # the summary is parsed in English
        )
    except subprocess.TimeoutExpired as exc:
        return _failed(probe, _("no answer within the timeout"), output=exc.stdout or b"")
    output = done.stdout + done.stderr
    text = output.decode("utf-8", "replace")
    sent = _SENT.search(text)
    if sent is None:
        last = (
            text.strip().splitlines()[-1] if text.strip() else _("ping exited with {code}").format(code=done.returncode)
        )
        return _failed(probe, last.removeprefix("ping: "), output=output)
    transmitted, received = int(sent[1]), int(sent[2])
    figures = {"lost": f"{transmitted - received}/{transmitted}"}
    if rtt := _RTT.search(text):
        figures["latency_ms"] = rtt[1]
    if received == 0:
        return _failed(probe, _("no reply ({lost} lost)").format(lost=figures["lost"]), figures, output)
    return CheckResult(probe.kind, probe.target, True, "", figures, output)


# --- tcp ----------------------------------------------------------------------------------------------


def _tcp(probe: Probe) -> CheckResult:
    started = time.monotonic()
    with socket.create_connection((str(probe.host), int(probe.port or 0)), timeout=probe.timeout):
        return CheckResult(probe.kind, probe.target, True, "", {"latency_ms": _ms(started)})


# --- http ---------------------------------------------------------------------------------------------


def _http(probe: Probe) -> CheckResult:
    url = urlsplit(str(probe.url))
    connection_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    host = url.hostname or ""
    connection = connection_class(host, url.port, timeout=probe.timeout)
    started = time.monotonic()
    try:
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        connection.request("GET", path, headers={"User-Agent": "sop-check", "Connection": "close"})
        response = connection.getresponse()
        body = response.read(READ_LIMIT)
    finally:
        connection.close()
    figures = {"status": str(response.status), "latency_ms": _ms(started)}
    wanted = probe.status or 200
    if response.status != wanted:
        return _failed(
            probe, _("status {got}, expected {wanted}").format(got=response.status, wanted=wanted), figures, body
        )
    if probe.contains and probe.contains.encode() not in body:
        return _failed(probe, _("the page does not contain {text!r}").format(text=probe.contains), figures, body)
    return CheckResult(probe.kind, probe.target, True, "", figures, body)


# --- dns ----------------------------------------------------------------------------------------------

_TYPES = {"A": 1, "AAAA": 28}


def system_nameserver() -> str | None:
    """The first name server in /etc/resolv.conf."""
    try:
        with open("/etc/resolv.conf", encoding="utf-8") as conf:
            for line in conf:
                words = line.split()
                if len(words) >= 2 and words[0] == "nameserver":
                    return words[1]
    except OSError:
        return None
    return None


def _dns(probe: Probe, nameserver: str | None) -> CheckResult:
    server = nameserver or system_nameserver()
    if not server:
        return _failed(probe, _("no name server configured"))
    host, _colon, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "53")
    qtype = _TYPES[probe.record_type]
    ident = random.randrange(65536)
    name = str(probe.name).rstrip(".")
    question = b"".join(bytes([len(label)]) + label.encode("idna") for label in name.split(".")) + b"\0"
    query = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + question + struct.pack("!HH", qtype, 1)
    started = time.monotonic()
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(probe.timeout)
        sock.sendto(query, (host, int(port)))
        while True:
            reply, _sender = sock.recvfrom(4096)
            if len(reply) >= 12 and struct.unpack("!H", reply[:2])[0] == ident:
                break
    figures = {"latency_ms": _ms(started)}
    flags, _qd, answers = struct.unpack("!HHH", reply[2:8])
    rcode = flags & 0xF
    if rcode == 3:
        return _failed(probe, _("the name does not exist (NXDOMAIN)"), figures)
    if rcode:
        return _failed(probe, _("the name server answered with error code {code}").format(code=rcode), figures)
    addresses = _addresses(reply, answers, qtype)
    figures["addresses"] = " ".join(addresses)
    if not addresses:
        return _failed(probe, _("no {type} record").format(type=probe.record_type), figures)
    if probe.expect and probe.expect not in addresses:
        return _failed(
            probe,
            _("{name} is {got}, expected {wanted}").format(name=name, got=", ".join(addresses), wanted=probe.expect),
            figures,
        )
    return CheckResult(probe.kind, probe.target, True, "", figures)


def _skip_name(message: bytes, offset: int) -> int:
    while True:
        length = message[offset]
        if length == 0:
            return offset + 1
        if length & 0xC0 == 0xC0:  # a pointer ends the name
            return offset + 2
        offset += 1 + length


def _addresses(message: bytes, answers: int, qtype: int) -> list[str]:
    offset = _skip_name(message, 12) + 4
    found = []
    for _n in range(answers):
        offset = _skip_name(message, offset)
        rtype, _class, _ttl, length = struct.unpack("!HHIH", message[offset : offset + 10])
        data = message[offset + 10 : offset + 10 + length]
        if rtype == qtype == 1 and length == 4:
            found.append(socket.inet_ntop(socket.AF_INET, data))
        elif rtype == qtype == 28 and length == 16:
            found.append(socket.inet_ntop(socket.AF_INET6, data))
        offset += 10 + length
    return found


# --- tls ----------------------------------------------------------------------------------------------


def _tls(probe: Probe) -> CheckResult:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the date is read whoever signed the certificate
    started = time.monotonic()
    with socket.create_connection((str(probe.host), int(probe.port or 443)), timeout=probe.timeout) as raw:
        with context.wrap_socket(raw, server_hostname=probe.host) as tls:
            der = tls.getpeercert(binary_form=True)
    if not der:
        return _failed(probe, _("the server sent no certificate"))
    expires = not_after(der)
    days_left = (expires - datetime.now(UTC)).days
    figures = {"days_left": str(days_left), "expires": expires.isoformat(), "latency_ms": _ms(started)}
    if days_left < probe.days:
        return _failed(
            probe,
            _("the certificate expires in {n} days (on {date}), within {days}").format(
                n=days_left, date=expires.date().isoformat(), days=probe.days
            ),
            figures,
        )
    return CheckResult(probe.kind, probe.target, True, "", figures)


def _der(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of the content, end of the content) of the DER element at ``offset``."""
    tag, length = data[offset], data[offset + 1]
    offset += 2
    if length & 0x80:
        size = length & 0x7F
        length = int.from_bytes(data[offset : offset + size], "big")
        offset += size
    return tag, offset, offset + length


def not_after(der: bytes) -> datetime:
    """A certificate's notAfter, read from its DER: Certificate → tbsCertificate → validity."""
    _tag, tbs, _end = _der(der, 0)
    _tag, position, _end = _der(der, tbs)
    tag, _start, end = _der(der, position)
    if tag == 0xA0:  # [0] version
        position = end
        tag, _start, end = _der(der, position)
    for _field in range(3):  # serialNumber, signature, issuer
        _tag, _start, end = _der(der, position)
        position = end
    _tag, validity, _end = _der(der, position)
    _tag, _start, end = _der(der, validity)  # notBefore
    tag, start, end = _der(der, end)  # notAfter
    text = der[start:end].decode("ascii")
    pattern = "%y%m%d%H%M%SZ" if tag == 0x17 else "%Y%m%d%H%M%SZ"
    return datetime.strptime(text, pattern).replace(tzinfo=UTC)


# --- command ------------------------------------------------------------------------------------------


def _command(probe: Probe) -> CheckResult:
    started = time.monotonic()
    try:
        done = subprocess.run(list(probe.argv), capture_output=True, timeout=probe.timeout, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        return _failed(probe, _("no such program: {name}").format(name=probe.argv[0]))
    except subprocess.TimeoutExpired as exc:
        return _failed(
            probe, _("still running after {s} seconds; stopped").format(s=probe.timeout), output=exc.stdout or b""
        )
    output = (done.stdout + done.stderr)[:READ_LIMIT]
    figures = {"exit_code": str(done.returncode), "latency_ms": _ms(started)}
    if done.returncode != probe.exit_code:
        return _failed(
            probe,
            _("exit code {got}, expected {wanted}").format(got=done.returncode, wanted=probe.exit_code),
            figures,
            output,
        )
    return CheckResult(probe.kind, probe.target, True, "", figures, output)


_PROBES = {"ping": _ping, "tcp": _tcp, "http": _http, "tls": _tls, "command": _command}
