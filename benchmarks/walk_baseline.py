"""The plain stdlib walk of a logbook's journal chain: the floor ``sop verify --full`` is measured against.

sqlite3, hashlib and json only. Reads the hashed columns in seq order, builds
each entry's canonical encoding the obvious way (fields through json, moments
from their stored text) and checks every link and hash.

    python benchmarks/walk_baseline.py LOGBOOK.db
"""

import hashlib
import json
import sqlite3
import sys

connection = sqlite3.connect(sys.argv[1])
rows = connection.execute(
    "SELECT seq, complaint_number, action, step, decision, fields, actor, at, recorded_at, note, output, "
    "on_time, took_minutes, standard_minutes, next_step, prev_hash, hash FROM journal_entry ORDER BY seq"
)
previous, count, broken = "0" * 64, 0, None
for row in rows:
    seq, number, action, step, decision, fields, actor, at, recorded_at, note, output = row[:11]
    on_time, took, standard, next_step, prev_hash, hash_ = row[11:]
    body = [
        seq,
        number,
        action,
        step,
        decision,
        json.loads(fields),
        actor,
        at[:10] + "T" + at[11:] + "Z",  # stored as naive UTC "YYYY-MM-DD HH:MM:SS.ffffff"
        recorded_at[:10] + "T" + recorded_at[11:] + "Z",
        note,
        output,
        None if on_time is None else bool(on_time),
        None if took is None else format(took, ".2f"),
        standard,
        next_step,
    ]
    encoded = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    count += 1
    if seq != count or prev_hash != previous:
        broken = seq
        break
    if hashlib.sha256(f"{previous}\n{encoded}".encode()).hexdigest() != hash_:
        broken = seq
        break
    previous = hash_
print(count, "intact" if broken is None else f"broken at {broken}")
