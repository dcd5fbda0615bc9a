"""The year's evidence pack for the SPBE evaluation and Audit TIK: one folder (or zip) an auditor opens offline.

It holds the SOPs in force during the year, the twelve monthly reports, the dossiers of every
complaint that ran late and of a reproducible random sample of the others, the seals of the year's
days, and an index with each file's SHA-256 (also as ``SHA256SUMS``, for ``sha256sum -c``).

This module chooses what goes in and writes it whole or not at all (into a temporary folder
beside the target, then renamed; a zip to a temporary name, then renamed). The pages themselves
come from a ``PackRenderer`` the command line hands in (``present.evidence``): services do not lay out.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Protocol

from sopcli.domain.vocabulary import Status
from sopcli.errors import InputError, os_reason
from sopcli.i18n import _
from sopcli.services.runtime import Runtime

DEFAULT_SAMPLE = 10
FIRST_YEAR = 2000  # no logbook holds complaints from before


class PackRenderer(Protocol):
    """What the pack's pages look like: HTML text, and PDF bytes (None when PDF cannot be made here)."""

    def sop_sheet(self, definition) -> str: ...
    def report_html(self, report) -> str: ...
    def report_pdf(self, report) -> bytes | None: ...
    def dossier_html(self, data) -> str: ...
    def dossier_pdf(self, data) -> bytes | None: ...
    def index_html(self, pack: EvidencePack) -> str: ...


@dataclass
class PackFile:
    path: str  # relative to the pack, with "/"
    size: int
    sha256: str


@dataclass
class SealRow:
    day: date
    zone: str
    entries: int
    digest: str


@dataclass
class EvidencePack:
    """What the pack holds and how it was made: the index's content, and what the command reports."""

    year: int
    target: str
    made_at: datetime
    made_by: str
    seed: int
    sample_size: int
    complaints: int = 0  # received during the year
    sops: list[str] = field(default_factory=list)  # "id vVERSION"
    months: int = 0
    late: list[str] = field(default_factory=list)  # numbers of the complaints that ran late
    sampled: list[str] = field(default_factory=list)  # numbers of the sample of the others
    seals: list[SealRow] = field(default_factory=list)
    pdf_skipped: bool = False
    files: list[PackFile] = field(default_factory=list)


def check_year(rt: Runtime, year: int) -> None:
    """Refuse a year that has not begun, or one before any logbook.

    Raises:
        InputError: the year is in the future or implausibly early.
    """
    this_year = rt.now().astimezone(rt.zone).year
    if year > this_year:
        raise InputError(
            _("{year} has not begun yet").format(year=year), _("give a year up to {year}").format(year=this_year)
        )
    if year < FIRST_YEAR:
        raise InputError(
            _("{year} is not a year of this logbook").format(year=year),
            _("give a year like {year}").format(year=this_year),
        )


def default_target(year: int) -> str:
    return f"bukti-spbe-{year}"


def check_target(target: str, force: bool) -> None:
    """Refuse to replace a non-empty folder or an existing file unless ``force``; refuse a missing parent.

    Raises:
        InputError: the target exists (and is not an empty folder) without ``force``, or cannot be made there.
    """
    path = Path(target)
    parent = path.absolute().parent
    if not parent.is_dir():
        raise InputError(
            _("cannot write {path}: its folder {folder} does not exist").format(path=target, folder=parent)
        )
    taken = (path.is_dir() and any(path.iterdir())) or path.is_file() or path.is_symlink()
    if taken and not force:
        raise InputError(
            _("{path} already exists and is not empty").format(path=target),
            _("give --force to replace it, or another -o"),
        )


def _year_bounds(rt: Runtime, year: int) -> tuple[datetime, datetime]:
    return datetime.combine(date(year, 1, 1), time(), rt.zone), datetime.combine(date(year + 1, 1, 1), time(), rt.zone)


@dataclass
class _Chosen:
    numbers: list[str]
    late: list[str]
    sampled: list[str]
    version_ids: list[int]


def _choose(rt: Runtime, year: int, sample: int, seed: int) -> _Chosen:
    """The year's complaints; those that ran late; a sample of the others drawn with ``seed``."""
    from sopcli.store import complaints

    start, end = _year_bounds(rt, year)
    as_of = min(end, rt.now())
    with rt.ready_database().transaction() as session:
        rows = complaints.year_rows(session, start, end)
        late_ids = complaints.ids_with_late_steps(session, start, end)
    numbers: list[str] = []
    late: list[str] = []
    others: list[str] = []
    versions: list[int] = []
    for complaint_id, number, status, due_at, paused_since, version_id in rows:
        numbers.append(number)
        if version_id not in versions:
            versions.append(version_id)
        overdue = status == Status.OPEN and paused_since is None and due_at is not None and due_at < as_of
        (late if complaint_id in late_ids or overdue else others).append(number)
    sampled = sorted(random.Random(seed).sample(sorted(others), min(sample, len(others))))
    return _Chosen(numbers, late, sampled, versions)


def _sops(rt: Runtime, version_ids: list[int]) -> list:
    """The definitions in force: every version the year's complaints pinned, then the built-ins not among them."""
    from sopcli.definitions.loader import builtin_ids, load
    from sopcli.services import cases

    definitions = []
    if version_ids:
        with rt.ready_database().transaction() as session:
            definitions = [cases._definition(session, version_id) for version_id in version_ids]
    seen = {(d.id, d.version) for d in definitions}
    for sop_id in builtin_ids():
        builtin = load(sop_id).definition
        if (builtin.id, builtin.version) not in seen:
            definitions.append(builtin)
    return sorted(definitions, key=lambda d: (d.id, d.version))


def _seals(rt: Runtime, year: int) -> list[SealRow]:
    """Each sealed day of the year, its newest seal."""
    from sopcli.store import journal

    newest: dict[tuple[str, str], SealRow] = {}
    with rt.ready_database().transaction() as session:
        for _seq, fields in journal.seals(session, newest_first=True):
            recorded = json.loads(fields)
            day = date.fromisoformat(recorded["date"])
            zone = recorded.get("zone", rt.zone.key)
            if day.year == year and (recorded["date"], zone) not in newest:
                newest[recorded["date"], zone] = SealRow(day, zone, int(recorded.get("entries", 0)), recorded["digest"])
    return sorted(newest.values(), key=lambda s: (s.day, s.zone))


def _slug(number: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in number)


def make_pack(
    rt: Runtime,
    year: int,
    renderer: PackRenderer,
    *,
    target: str | None = None,
    sample: int = DEFAULT_SAMPLE,
    seed: int | None = None,
    force: bool = False,
    actor: str,
) -> EvidencePack:
    """Make the evidence pack of ``year`` at ``target`` (a folder, or a zip when it ends in ``.zip``).

    Raises:
        InputError: a bad year, sample or target; the target exists without ``force``.
    """
    from sopcli.services.dossier import dossier
    from sopcli.services.reports import build_report
    from sopcli.worktime import periods

    check_year(rt, year)
    if sample < 0:
        raise InputError(_("--sample takes a number of complaints, 0 or more"))
    target = target or default_target(year)
    check_target(target, force)
    seed = year if seed is None else seed
    pack = EvidencePack(year, target, rt.now(), actor, seed, sample)
    chosen = _choose(rt, year, sample, seed)
    pack.complaints, pack.late, pack.sampled = len(chosen.numbers), chosen.late, chosen.sampled
    files: dict[str, bytes] = {}

    def add(path: str, content: str | bytes | None) -> None:
        if content is None:
            pack.pdf_skipped = True
            return
        files[path] = content.encode("utf-8") if isinstance(content, str) else content

    for definition in _sops(rt, chosen.version_ids):
        pack.sops.append(f"{definition.id} v{definition.version}")
        add(f"sop/{_slug(definition.id)}-v{_slug(definition.version)}.html", renderer.sop_sheet(definition))
    now = rt.now()
    for month in range(1, 13):
        period = periods.monthly(date(year, month, 1), rt.zone)
        if period.start > now:  # a month that has not begun has no report yet
            continue
        report = build_report(rt, period, overdue_limit=None)
        name = f"laporan/laporan-{year}-{month:02d}"
        add(f"{name}.html", renderer.report_html(report))
        add(f"{name}.pdf", renderer.report_pdf(report))
        pack.months += 1
    for number in [*chosen.late, *chosen.sampled]:
        data = dossier(rt, number)
        add(f"dosir/{_slug(number)}.html", renderer.dossier_html(data))
        add(f"dosir/{_slug(number)}.pdf", renderer.dossier_pdf(data))
    pack.seals = _seals(rt, year)
    lines = ["date,zone,entries,digest"] + [f"{s.day.isoformat()},{s.zone},{s.entries},{s.digest}" for s in pack.seals]
    add("segel.csv", "\n".join(lines) + "\n")
    pack.files = [
        PackFile(path, len(content), hashlib.sha256(content).hexdigest()) for path, content in sorted(files.items())
    ]
    add("index.html", renderer.index_html(pack))
    sums = "".join(f"{hashlib.sha256(content).hexdigest()}  {path}\n" for path, content in sorted(files.items()))
    files["SHA256SUMS"] = sums.encode()
    _write(target, files)
    return pack


def _write(target: str, files: dict[str, bytes]) -> None:
    """Write the pack whole beside ``target``, then put it in place (replacing what ``--force`` allowed)."""
    path = Path(target).absolute()
    try:
        if target.lower().endswith(".zip"):
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".zip.part")
            try:
                with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
                    folder = path.stem
                    for name, content in files.items():
                        archive.writestr(f"{folder}/{name}", content)
                if path.is_dir():
                    shutil.rmtree(path)
                os.replace(temporary, path)
            except BaseException:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise
            return
        temporary_dir = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part"))
        try:
            for name, content in files.items():
                file = temporary_dir / name
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_bytes(content)
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            os.replace(temporary_dir, path)
        except BaseException:
            shutil.rmtree(temporary_dir, ignore_errors=True)
            raise
    except OSError as exc:
        raise InputError(_("cannot write {path}: {reason}").format(path=target, reason=os_reason(exc))) from None


def to_json(pack: EvidencePack) -> dict[str, Any]:
    return {
        "year": pack.year,
        "target": pack.target,
        "made_at": pack.made_at.isoformat(),
        "made_by": pack.made_by,
        "seed": pack.seed,
        "sample_size": pack.sample_size,
        "complaints": pack.complaints,
        "sops": pack.sops,
        "months": pack.months,
        "late": pack.late,
        "sampled": pack.sampled,
        "seals": len(pack.seals),
        "pdf_skipped": pack.pdf_skipped,
        "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in pack.files],
    }
