"""Which SOP ids exist: the one check behind every ``--sop ID`` filter.

A filter naming an SOP nobody knows would otherwise match nothing and print
an empty list, report or export as if all were well.
"""

from __future__ import annotations

from sopcli.errors import NotFoundError
from sopcli.i18n import _


def known_sop_ids(session) -> list[str]:
    """The built-in SOP ids and every SOP id recorded in the database (custom SOPs included), sorted."""
    from sopcli.definitions.loader import builtin_ids
    from sopcli.store import sop_versions

    recorded = sop_versions.recorded_sop_ids(session)
    return sorted(set(builtin_ids()) | set(recorded))


def recorded_sop(session, sop_id: str):
    """The newest definition recorded under ``sop_id`` (a ``LoadedSop``), or None.

    An office's own SOP is given as a file the first time; after that its id names it,
    as a built-in's does: in ``sop new --sop ID`` and in the sop column of an import
    (sop's own export writes the id).
    """
    import re

    from sopcli.definitions.loader import load_text
    from sopcli.definitions.schema import ID_PATTERN
    from sopcli.store import sop_versions

    if not re.fullmatch(ID_PATTERN, sop_id):  # no SOP is called that (and PostgreSQL refuses a NUL in a query)
        return None
    newest = sop_versions.newest_text(session, sop_id)
    return None if newest is None else load_text(*newest)


def check_sop_filter(session, sop: str | None) -> None:
    """Refuse a ``--sop`` filter that names no known SOP; ``None`` (no filter) passes.

    Raises:
        NotFoundError: ``sop`` is neither a built-in id nor recorded in the database.
    """
    if sop is None:
        return
    known = known_sop_ids(session)
    if sop in known:
        return
    shown = sop if len(sop) <= 60 else sop[:57] + "..."
    raise NotFoundError(_("no SOP {id!r}").format(id=shown), _("known SOPs: {ids}").format(ids=", ".join(known)))
