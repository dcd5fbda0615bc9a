"""sopcli: an incident logbook that walks IT-disruption complaints through official SOPs."""

__version__ = "0.1.0"
