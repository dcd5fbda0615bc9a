"""The hash chain of the journal: canonical encoding and digests. Pure.

Each entry's hash is sha256 over the previous entry's hash and a canonical
JSON encoding of the entry's own content, so editing, inserting or removing
any row breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from sopcli.i18n import _

GENESIS = "0" * 64

# What the hash covers, in this order. Adding a key changes every hash:
# it needs a migration that re-chains or a versioned encoding.
HASHED_KEYS = (
    "seq", "complaint_number", "action", "step", "decision", "fields", "actor", "at", "recorded_at",
    "note", "output", "on_time", "took_minutes", "standard_minutes", "next_step",
)


def _canonical(value: Any) -> Any:
    if value is None or type(value) is str or type(value) is int or type(value) is bool:
        return value  # the common case, kept cheap: every imported row is hashed
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, float):
        return format(value, ".2f")
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    return value


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """sha256 hex of ``prev_hash`` and the canonical form of ``entry``'s hashed keys.

    The canonical form is a JSON array of the values in ``HASHED_KEYS`` order
    (field mappings with sorted keys): unambiguous for any text, and cheap
    enough to compute for every row of a million-row import.
    """
    body = [_canonical(entry.get(key)) for key in HASHED_KEYS]
    encoded = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{encoded}".encode()).hexdigest()


def verify_chain(entries, partial: bool = False) -> tuple[int, int | None, str | None]:
    """Walk entries in ``seq`` order.

    With ``partial`` (an exported period), the chain may start anywhere: the
    first entry's own ``prev_hash`` and ``seq`` are taken as the starting point.

    Returns:
        (entries checked, seq of the first broken entry or None, what is wrong or None)
    """
    previous = GENESIS
    expected_seq = 1
    count = 0
    for entry in entries:
        if partial and count == 0:
            previous, expected_seq = entry["prev_hash"], entry["seq"]
        count += 1
        if entry["seq"] != expected_seq:
            return count, entry["seq"], _("expected entry {expected}, found {found} (an entry is missing)").format(expected=expected_seq, found=entry["seq"])
        if entry["prev_hash"] != previous:
            return count, entry["seq"], _("does not follow the entry before it")
        if entry_hash(previous, entry) != entry["hash"]:
            return count, entry["seq"], _("its content does not match its hash (edited)")
        previous = entry["hash"]
        expected_seq += 1
    return count, None, None
