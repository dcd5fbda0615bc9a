"""What a document template (``[[dokumen]]``) may name of the record, and the check that it names nothing else.

A template's texts are Jinja2, rendered in a sandbox with every value escaped;
its ``isian`` lists record values by the same dotted names. The names are
Indonesian, as the SOP's own keys are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# name → the attributes a template may read of it
RECORD_NAMES: Mapping[str, tuple[str, ...]] = {
    "pengaduan": (
        "nomor",
        "ref",
        "diterima",
        "pelapor",
        "unit",
        "sistem",
        "host",
        "saluran",
        "prioritas",
        "uraian",
        "status",
        "hasil",
    ),
    "langkah": (
        "id",
        "kegiatan",
        "pelaksana",
        "oleh",
        "mulai",
        "selesai",
        "waktu",
        "mutu_baku",
        "keputusan",
        "catatan",
        "output",
    ),
    "kantor": ("nama", "alamat", "tempat"),
    "dokumen": ("nomor", "tanggal", "judul"),
}
# ``isian.KEY``: a value a step records (its ``fields``); ``jejak``: every step done, each read as ``langkah``.
FIELDS, TRAIL = "isian", "jejak"
TEXT_KEYS = ("kepada", "perihal", "pembuka", "isi", "penutup")


def unknown_in_path(path: str, field_keys: Iterable[str]) -> str | None:
    """Why ``path`` (an ``isian`` entry: ``pengaduan.nomor``, ``isian.estimasi``) names nothing; None if it names a value."""
    top, dot, attribute = path.partition(".")
    if top == FIELDS and dot:
        return None if attribute in set(field_keys) else attribute
    if top in RECORD_NAMES and attribute in RECORD_NAMES[top]:
        return None
    return path


def unknown_in_text(text: str, field_keys: Iterable[str]) -> tuple[str | None, list[str]]:
    """(a syntax error, the names the text reads that the record has not) of one template text."""
    from jinja2 import TemplateSyntaxError, meta, nodes
    from jinja2.sandbox import SandboxedEnvironment

    try:
        tree = SandboxedEnvironment().parse(text)
    except TemplateSyntaxError as exc:
        return f"{exc.message} (line {exc.lineno})", []
    known = {*RECORD_NAMES, FIELDS, TRAIL}
    keys = set(field_keys)
    unknown = [name for name in sorted(meta.find_undeclared_variables(tree)) if name not in known]
    for read in tree.find_all(nodes.Getattr):
        if isinstance(read.node, nodes.Name):
            owner = read.node.name
            readable = RECORD_NAMES.get(owner, ()) if owner != FIELDS else keys
            if (owner in RECORD_NAMES or owner == FIELDS) and read.attr not in readable:
                unknown.append(f"{owner}.{read.attr}")
    return None, list(dict.fromkeys(unknown))
