"""The exception tree of threatmap: every error has a builtin second parent."""

from __future__ import annotations

from collections.abc import Sequence

from threatmap.models import Problem


class ThreatmapError(Exception):
    """Base class of every error raised on purpose by threatmap."""


class GazetteerError(ThreatmapError, ValueError):
    """``places.yaml`` or ``geodata/`` is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"the gazetteer has {len(self.problems)} problem(s):\n{lines}")


class DocumentError(ThreatmapError, ValueError):
    """A source document cannot be read or is invalid (encoding, size, front matter, date, id)."""


class StoreError(ThreatmapError, RuntimeError):
    """The SQLite store cannot be opened, migrated or written."""


class UsageError(ThreatmapError, ValueError):
    """A command was given arguments that cannot work (e.g. ``--store`` names no store): exit code 2."""


class ExportError(ThreatmapError, ValueError):
    """An export was asked for in an unknown format or with invalid filters."""


class ReviewError(ThreatmapError, ValueError):
    """An analyst's review does not fit its document (offsets, place) or names no stored review."""


class ThreatModelError(ThreatmapError, RuntimeError):
    """The trained threat model file is missing, corrupt or out of date (the message says how to rebuild it)."""
