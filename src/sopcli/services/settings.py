"""Which calendar, zone and operator apply, from configuration and the environment."""

from __future__ import annotations

from sopcli.worktime.calendar import WorkingCalendar


def calendar_for(sop, config=None) -> WorkingCalendar:
    """The working calendar an SOP runs on: the office's, or 24x7 if the SOP says so."""
    office = WorkingCalendar() if config is None else config.calendar()
    if sop.calendar == "24x7":
        return WorkingCalendar.twenty_four_seven(office.tz)
    return office
