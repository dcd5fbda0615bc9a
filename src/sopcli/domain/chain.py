"""The hash chain of the journal: canonical encoding and digests. Pure.

Each entry's hash is sha256 over the previous entry's hash and a canonical
JSON encoding of the entry's own content, so editing, inserting or removing
any row breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sopcli.i18n import _

GENESIS = "0" * 64

# What the hash covers, in this order. Adding a key changes every hash:
# it needs a migration that re-chains or a versioned encoding.
HASHED_KEYS = (
    "seq",
    "complaint_number",
    "action",
    "step",
    "decision",
    "fields",
    "actor",
    "at",
    "recorded_at",
    "note",
    "output",
    "on_time",
    "took_minutes",
    "standard_minutes",
    "next_step",
)


def _canonical(value: Any) -> Any:
    if value is None or type(value) is str or type(value) is int or type(value) is bool:
        return value  # the common case, kept cheap: every imported row is hashed
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, float):
        return format(value, ".2f")
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    return value


def canonical_value(value: Any) -> Any:
    """A stored value as ``entry_encoding`` puts it in the array (moments, amounts, nested fields)."""
    return _canonical(value)


def entry_encoding(entry: Mapping[str, Any]) -> str:
    """The canonical form of ``entry``'s hashed keys: what its hash covers besides the link to the entry before.

    A JSON array of the values in ``HASHED_KEYS`` order (field mappings with
    sorted keys): unambiguous for any text, and cheap enough to compute for
    every row of a million-row import.
    """
    body = [_canonical(entry.get(key)) for key in HASHED_KEYS]
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def linked_hash(prev_hash: str, encoded: str) -> str:
    """sha256 hex of ``prev_hash`` and an entry's ``entry_encoding``: the entry's hash in the chain."""
    return hashlib.sha256(f"{prev_hash}\n{encoded}".encode()).hexdigest()


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """sha256 hex of ``prev_hash`` and the canonical form of ``entry``'s hashed keys."""
    return linked_hash(prev_hash, entry_encoding(entry))


def content_digest(encoded: str) -> str:
    """sha256 hex of an entry's ``entry_encoding`` alone: the entry as it is, whatever came before it.

    A seal covers its day by these, so a day edited and re-chained changes the
    digest of that day only, not of every day after it.
    """
    return hashlib.sha256(encoded.encode()).hexdigest()


# A JSON string literal exactly as json.dumps(..., ensure_ascii=False) writes it.
json_string = json.encoder.encode_basestring


def canonical_moment(value: datetime) -> str:
    """A moment as ``entry_hash`` encodes it: UTC, with microseconds and ``Z``."""
    utc = value.astimezone(UTC)
    if utc.year < 1000:  # strftime does not zero-pad such years on every platform: ask it
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.isoformat(timespec="microseconds")[:-6] + "Z"  # same text as the strftime, cheaper


def canonical_fields(fields: Mapping[str, str]) -> str:
    """A mapping of text to text as ``entry_hash`` encodes it: compact JSON with sorted keys."""
    return "{" + ",".join(f"{json_string(k)}:{json_string(fields[k])}" for k in sorted(fields)) + "}"


def received_entry_hash(
    prev_hash: str,
    seq: int,
    complaint_number: str,
    fields: str,
    actor: str,
    at: str,
    recorded_at: str,
    note: str | None,
    next_step: str | None,
) -> str:
    """``entry_hash`` of a ``received`` entry, built straight from its parts (for bulk imports).

    A received entry has no step, decision, output, timing or verdict; the
    rest is given: ``fields`` as ``canonical_fields``, ``at`` and
    ``recorded_at`` as ``canonical_moment``. The digest is the one
    ``entry_hash`` gives for the whole entry (the tests hold the two together).
    """
    encoded = (
        f'[{int(seq)},{json_string(complaint_number)},"received",null,null,{fields},{json_string(actor)},'
        f'"{at}","{recorded_at}",{"null" if note is None else json_string(note)},null,null,null,null,'
        f"{'null' if next_step is None else json_string(next_step)}]"
    )
    return hashlib.sha256(f"{prev_hash}\n{encoded}".encode()).hexdigest()


def verify_chain(
    entries, partial: bool = False, observe: Callable[[int, str, str], None] | None = None
) -> tuple[int, int | None, str | None]:
    """Walk entries (mappings of the hashed keys, ``prev_hash`` and ``hash``) in ``seq`` order: ``verify_links``.

    With ``partial`` (an exported period), the chain may start anywhere: the
    first entry's own ``prev_hash`` and ``seq`` are taken as the starting point.
    """
    rows: Iterator[tuple[Any, Any, Any, Any]] = (
        (entry["seq"], entry["prev_hash"], entry["hash"], entry) for entry in entries
    )
    if partial:
        first = next(rows, None)
        if first is None:
            return 0, None, None
        rows = itertools.chain((first,), rows)
        start = (first[0] - 1, first[1])
    else:
        start = (0, GENESIS)
    encoded = ((seq, prev, hash_, entry_encoding(entry)) for seq, prev, hash_, entry in rows)
    return verify_links(encoded, start, observe)


def verify_links(
    rows: Iterable[tuple[int, str, str, str]],
    start: tuple[int, str] = (0, GENESIS),
    observe: Callable[[int, str, str], None] | None = None,
) -> tuple[int, int | None, str | None]:
    """Walk (seq, prev_hash, hash, ``entry_encoding``) rows in ``seq`` order, from the entry after ``start``.

    ``start`` is the (seq, hash) the first row must follow: (0, ``GENESIS``)
    for the whole chain, a verified entry for the rest of it. ``observe`` is
    shown each entry's seq, hash and encoding before it is checked, so other
    checks ride on this one walk.

    Returns:
        (entries checked, seq of the first broken entry or None, what is wrong or None)
    """
    previous = start[1]
    expected_seq = start[0] + 1
    count = 0
    sha256 = hashlib.sha256
    for seq, prev_hash, hash_, encoded in rows:
        count += 1
        if seq != expected_seq:
            return (
                count,
                seq,
                _("expected entry {expected}, found {found} (an entry is missing)").format(
                    expected=expected_seq, found=seq
                ),
            )
        if prev_hash != previous:
            return count, seq, _("does not follow the entry before it")
        if observe is not None:
            observe(seq, hash_, encoded)
        if sha256(f"{previous}\n{encoded}".encode()).hexdigest() != hash_:  # linked_hash, inlined
            return count, seq, _("its content does not match its hash (edited)")
        previous = hash_
        expected_seq += 1
    return count, None, None
