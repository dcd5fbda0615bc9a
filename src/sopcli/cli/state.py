"""What the global options decide, handed to every command through ``ctx.obj``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class AppState:
    db: str | None = None
    debug: bool = False
    language: str | None = None
