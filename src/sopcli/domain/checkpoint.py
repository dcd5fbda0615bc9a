"""Checkpoints: the journal's head written down somewhere the logbook's owner cannot reach. Pure.

The chain alone shows an edit, a deletion in the middle or a reordering. It
cannot show the newest entries removed, nor the whole chain rewritten with
every hash (and seal) recomputed: what is left is a valid chain. A checkpoint
kept elsewhere (printed and signed, e-mailed, on a USB stick or a share) can:
the logbook must still hold its entry with its hash.

A checkpoint is read back from its own file (the text ``format_text`` writes,
or the JSON ``to_json`` writes), or from its short code alone, which is short
enough to read over the phone or write in a paper book.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from sopcli.i18n import _

CODE_DIGITS = 12  # of the hash, in the short code: a forgery would have to match 48 bits

# The line of a checkpoint file sop reads back; the labelled lines above it are for people.
_MACHINE_LINE = re.compile(r"^sop-checkpoint 1 seq=(\d+) entries=(\d+) hash=([0-9a-f]{64})(?: at=(\S+))?\s*$", re.M)
_CODE = re.compile(r"^\s*(\d+)\s*[/:#\-\s]\s*([0-9a-f]{4})[-\s]?([0-9a-f]{4})[-\s]?([0-9a-f]{4})\s*$", re.I)


@dataclass(frozen=True)
class Checkpoint:
    """The journal's head at a moment: entry ``seq`` has ``hash``, and ``entries`` entries lead up to it.

    Read from a code alone, ``hash`` is the code's prefix of the hash and ``entries`` is None.
    """

    seq: int
    hash: str
    entries: int | None = None
    at: datetime | None = None
    office: str | None = None

    @property
    def code(self) -> str:
        return short_code(self.seq, self.hash)

    @property
    def from_code(self) -> bool:
        return len(self.hash) < 64


def short_code(seq: int, hash_: str) -> str:
    """``42/ab12-cd34-ef56``: the entry's number and the start of its hash, in groups of four."""
    digits = hash_[:CODE_DIGITS]
    return f"{seq}/" + "-".join(digits[i : i + 4] for i in range(0, CODE_DIGITS, 4))


def parse_code(text: str) -> Checkpoint | None:
    """A short code as ``short_code`` writes it (groups may be run together or spaced); None if it is not one."""
    match = _CODE.match(text)
    if match is None:
        return None
    return Checkpoint(int(match[1]), "".join(match.group(2, 3, 4)).lower())


def format_text(checkpoint: Checkpoint, zone: tzinfo) -> str:
    """The checkpoint as a few labelled lines to print, sign, e-mail or keep; ``parse_file`` reads it back."""
    assert checkpoint.at is not None and checkpoint.entries is not None
    lines = [
        _("sop journal checkpoint"),
        _("Code: {code}").format(code=checkpoint.code),
        _("Entries: {entries} (last entry {seq})").format(entries=checkpoint.entries, seq=checkpoint.seq),
        _("Last hash: {hash}").format(hash=checkpoint.hash),
        _("Time: {time}").format(time=f"{checkpoint.at.astimezone(zone):%d/%m/%Y %H:%M %Z}"),
    ]
    if checkpoint.office:
        lines.append(_("Office: {office}").format(office=checkpoint.office))
    lines.append(_("Keep it away from this computer; check with: sop verify --checkpoint FILE"))
    at = checkpoint.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines.append(f"sop-checkpoint 1 seq={checkpoint.seq} entries={checkpoint.entries} hash={checkpoint.hash} at={at}")
    return "\n".join(lines) + "\n"


def to_json(checkpoint: Checkpoint, zone: tzinfo) -> dict:
    assert checkpoint.at is not None
    return {
        "sop_checkpoint": 1,
        "code": checkpoint.code,
        "entries": checkpoint.entries,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "at": checkpoint.at.astimezone(zone).isoformat(timespec="seconds"),
        "office": checkpoint.office,
    }


def parse_file(text: str) -> Checkpoint | None:
    """A checkpoint from the text of its file, as ``format_text`` or ``to_json`` wrote it; None if it holds none."""
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
            if isinstance(data, dict) and data.get("sop_checkpoint") == 1:
                seq, entries, hash_ = data["seq"], data["entries"], data["hash"]
                if (
                    type(seq) is int
                    and type(entries) is int
                    and isinstance(hash_, str)
                    and re.fullmatch("[0-9a-f]{64}", hash_)
                ):
                    return Checkpoint(seq, hash_, entries, _moment(data.get("at")), data.get("office"))
        except (ValueError, KeyError):
            pass
        return None
    match = _MACHINE_LINE.search(text)
    if match is None:
        return None
    return Checkpoint(int(match[1]), match[3], int(match[2]), _moment(match[4]))


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
