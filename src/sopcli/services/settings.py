"""Which calendar, zone, operator and SOP apply, from configuration and the environment."""

from __future__ import annotations

from sopcli.worktime.calendar import WorkingCalendar


def calendar_for(sop, config=None) -> WorkingCalendar:
    """The working calendar an SOP runs on: the office's, or 24x7 if the SOP says so."""
    office = WorkingCalendar() if config is None else config.calendar()
    if sop.calendar == "24x7":
        return WorkingCalendar.twenty_four_seven(office.tz)
    return office


def sop_choices(config) -> tuple[list[tuple[str, str]], str | None]:
    """The SOPs ``sop new`` offers, as (id or file, nama), and the one it proposes: the configured
    ``default_sop`` (listed too when it is an office's own), else the only SOP there is.

    Raises:
        DefinitionError: the configured default is an invalid file.
    """
    from sopcli.definitions.loader import builtin_ids, load
    from sopcli.errors import NotFoundError

    choices = [(sop_id, load(sop_id).definition.nama) for sop_id in builtin_ids()]
    default = config.default_sop
    if default and default not in dict(choices):
        try:
            name = load(default).definition.nama
        except NotFoundError:  # an id only the logbook knows: recording the complaint looks it up there
            name = ""
        choices.append((default, name))
    if default is None and len(choices) == 1:
        default = choices[0][0]
    return choices, default
