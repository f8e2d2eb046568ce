"""The curator's loop: unresolved names with counts and passages, and new places written to ``places.local.yaml``.

A new place is appended to the local overlay gazetteer next to ``places.yaml`` (loaded after it, see
:func:`threatmap.gazetteer.local_places_path`), then the whole gazetteer is validated exactly as
``python -m threatmap validate`` does; when that finds a problem the file is put back as it was and the
:class:`~threatmap.errors.GazetteerError` (every problem, with file:line) is raised.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from threatmap.errors import GazetteerError
from threatmap.gazetteer import Gazetteer, local_places_path, read_entries
from threatmap.models import LANGS, Problem

__all__ = ["Unresolved", "add_local_place", "local_entry", "unresolved_names"]

LOCAL_HEADER = ("# Places added by curators (the app's \"Add to the gazetteer\", or by hand).\n"
                "# Loaded after places.yaml, validated with it (python -m threatmap validate); same schema.\n"
                "places:\n")
_ZWNJ = "\u200c"


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A name the gazetteer lacks: how often it was found, and up to three passages quoting it."""

    surface: str
    count: int
    passages: tuple[str, ...]
    kinds: tuple[str, ...]
    """Where it came from: ``"candidate"`` (after a place-type word) and/or ``"context"`` (located by context)."""


def unresolved_names(candidates: Any, mentions: Any = None) -> list[Unresolved]:
    """Unresolved names, most frequent first, from the store's candidates (``Store.candidates()``) and, when
    given, mentions located by context (a query frame; rows whose ``place_id`` is missing)."""
    counts: Counter[str] = Counter()
    passages: dict[str, list[str]] = {}
    kinds: dict[str, set[str]] = {}
    for c in candidates:
        counts[c.surface] += 1
        passages.setdefault(c.surface, []).append(c.passage)
        kinds.setdefault(c.surface, set()).add("candidate")
    if mentions is not None and len(mentions) and "resolved_by" in mentions:
        context = mentions[mentions["resolved_by"] == "context"]
        for surface, passage in zip(context["surface"], context["passage"], strict=True):
            counts[surface] += 1
            passages.setdefault(surface, []).append(str(passage))
            kinds.setdefault(surface, set()).add("context")
    return [Unresolved(s, n, tuple(dict.fromkeys(p for p in passages[s] if p))[:3], tuple(sorted(kinds[s])))
            for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def slug(name: str) -> str:
    """An id from an English name: lowercase ascii letters, digits and underscores."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def local_entry(*, place_id: str, place_type: str, names: dict[str, str], country: str | None,
                point: tuple[float, float] | None = None, area_of: str | None = None, places_path: Path | str,
                precision: int | None = None, source: str) -> dict[str, Any]:
    """A gazetteer entry: a clicked ``point`` ``(lat, lon)``, or the geometry of the existing place ``area_of``
    (its ``geometry`` spec copied from places.yaml). Names with control or bidi-override characters are refused."""
    problems = [f"names.{lang}: {name!r} holds control or direction-override characters"
                for lang, name in names.items() if any(_hostile(ch) for ch in name)]
    problems += [f"names: unknown language {lang!r}" for lang in names if lang not in LANGS]
    if problems:
        raise GazetteerError([Problem(str(local_places_path(places_path)), p, "type the name as plain text")
                              for p in problems])
    if point is not None:
        geometry: dict[str, Any] = {"point": [round(point[1], 5), round(point[0], 5)]}
        precision = precision or 1
    elif area_of is not None:
        geometry, precision = _geometry_of(area_of, Path(places_path), precision)
    else:
        raise GazetteerError([Problem(str(local_places_path(places_path)), "no geometry given",
                                      "click the map, or choose an existing area")])
    entry: dict[str, Any] = {"id": place_id, "type": place_type,
                             "names": {k: v.strip() for k, v in names.items() if v and v.strip()},
                             "parent": None, "country": country, "geometry": geometry, "precision": precision,
                             "sources": [source]}
    return entry


def _hostile(ch: str) -> bool:
    return ch != _ZWNJ and unicodedata.category(ch) in ("Cc", "Cf")


def _geometry_of(place_id: str, places_path: Path, precision: int | None) -> tuple[dict[str, Any], int]:
    for path in (places_path, local_places_path(places_path)):
        entries = read_entries(path)[0] if path.is_file() else []
        for e in entries:
            if e.get("id") == place_id and isinstance(e.get("geometry"), dict):
                return dict(e["geometry"]), precision or int(e.get("precision") or 5)
    raise GazetteerError([Problem(str(places_path), f"expected the id of an existing place, got {place_id!r}",
                                  "choose an area from the list")])


def add_local_place(entry: dict[str, Any], places_path: Path | str, geodata_dir: Path | str) -> Gazetteer:
    """Append ``entry`` to ``places.local.yaml`` and return the validated gazetteer with it.

    Raises
    ------
    GazetteerError
        Every problem of the gazetteer with the entry added (the file is left as it was before).
    """
    path = local_places_path(places_path)
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    dumped = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    stamp = f"  # added {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n"
    block = stamp + "".join(f"  {line}\n" for line in dumped.splitlines())
    _write(path, (before if before is not None else LOCAL_HEADER) + block)
    try:
        return Gazetteer.load(places_path, geodata_dir)
    except GazetteerError:
        if before is None:
            path.unlink()
        else:
            _write(path, before)
        raise


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically (a temporary file in the same folder, then ``os.replace``)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".places-", suffix=".yaml")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
