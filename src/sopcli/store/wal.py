"""Reading a SQLite -wal file's frames: are there commits in it past a damaged frame?

Apart from ``store.damage`` so that ``store.database`` can ask before SQLite
reads (and, as a writer, discards) a damaged -wal, without an import cycle.
"""

from __future__ import annotations

from pathlib import Path

WAL_MAGIC = (0x377F0682, 0x377F0683)  # checksums over little-endian or big-endian words


def wal_problem(wal: Path) -> str | None:
    """Whether the -wal file holds frames of its current generation past a frame whose checksum fails.

    Such frames are commits SQLite will silently ignore: the damage loses them. Frames
    left from an earlier generation (other salts) are old and harmless, as is an empty
    or absent -wal. Follows the WAL format of https://www.sqlite.org/fileformat.html.
    """
    import struct

    try:
        data = wal.read_bytes()
    except OSError:
        return None
    if len(data) < 32:
        return None
    magic, _version, page_size = struct.unpack(">III", data[:12])
    if magic not in WAL_MAGIC:
        return f"{wal.name}: not a WAL header (its commits cannot be read)" if len(data) > 32 else None
    order = "<" if magic == WAL_MAGIC[0] else ">"
    salts = data[16:24]
    s0, s1 = _checksum(data[:24], order, 0, 0)
    frame = 24 + page_size
    header_ok = (s0, s1) == struct.unpack(">II", data[24:32])
    valid = 0
    offset = 32
    while header_ok and offset + frame <= len(data):
        head = data[offset : offset + 24]
        if head[8:16] != salts:
            break
        s0, s1 = _checksum(head[:8], order, s0, s1)
        s0, s1 = _checksum(data[offset + 24 : offset + frame], order, s0, s1)
        if (s0, s1) != struct.unpack(">II", head[16:24]):
            break
        valid += 1
        offset += frame
    # Commits after the first bad frame are lost, unless a checkpoint had already copied
    # their pages into the database file; a torn last frame (a crash mid-write) is no loss.
    first_after = offset + frame if header_ok else 32
    later, newest = 0, {}
    for start in range(first_after, len(data) - frame + 1, frame):
        if header_ok and data[start + 8 : start + 16] != salts:
            continue
        newest[struct.unpack(">I", data[start : start + 4])[0]] = data[start + 24 : start + frame]
        later += data[start + 4 : start + 8] != bytes(4)
    if later == 0 or _in_database(Path(str(wal)[: -len("-wal")]), newest, page_size):
        return None
    return f"{wal.name}: frame {valid + 1} is damaged; {later} later commit(s) cannot be read"


def _in_database(database: Path, pages: dict[int, bytes], page_size: int) -> bool:
    """Whether the database file already holds each of these page images (a checkpoint copied them)."""
    try:
        with open(database, "rb") as handle:
            for number, image in pages.items():
                handle.seek((number - 1) * page_size)
                if handle.read(page_size) != image:
                    return False
    except OSError:
        return False
    return True


def _checksum(block: bytes, order: str, s0: int, s1: int) -> tuple[int, int]:
    import array
    import sys

    words = array.array("I" if array.array("I").itemsize == 4 else "L", block[: len(block) // 8 * 8])
    if (order == "<") != (sys.byteorder == "little"):
        words.byteswap()
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1
