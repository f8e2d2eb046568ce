"""Validation of gazetteer entries; reports every problem at once (place id, file:line, expected, found, fix)."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points
from shapely.prepared import prep
from shapely.validation import explain_validity

from threatmap.lang.normalize import normalize_key as _normalize_key
from threatmap.models import LANGS, PLACE_TYPES, PRECISION_CODES, Place, Problem

REQUIRED_KEYS: tuple[str, ...] = ("id", "type", "names", "geometry", "precision", "sources")
OPTIONAL_KEYS: tuple[str, ...] = ("aliases", "parent", "country", "preferred_for", "geonames_id")
MAX_OUTSIDE_KM = 50.0
"""How far a place's representative point may lie outside its parent's or its country's polygon."""
MAX_MESSAGE = 300
"""Problems quote the bad value; longer messages are cut."""
_ID_RE = re.compile(r"^[a-z0-9_]{1,64}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def validate_entries(entries: list[dict[str, Any]], places: dict[str, Place], *, places_path: Path
                     ) -> list[Problem]:
    """Check schema, ids, parents, geometries and alias collisions; return all problems (empty when clean).

    Parameters
    ----------
    entries
        The raw entries of ``places.yaml`` with their ``_line`` (see :func:`threatmap.gazetteer.read_entries`).
    places
        The places built from them (entries whose geometry failed are absent; that was reported already).
    places_path
        The gazetteer file, for ``file:line`` in messages.
    """
    v = _Validator(places_path, places)
    first_line: dict[str, int] = {}
    for e in entries:
        pid = e.get("id")
        if isinstance(pid, str) and pid in first_line:
            v.add(e, "id", f"duplicate id {pid!r} (first defined at line {first_line[pid]})",
                  "give each place its own id, or merge the two entries")
            continue
        if isinstance(pid, str):
            first_line[pid] = e["_line"]
        v.schema(e)
    v.parents_and_countries(entries)
    v.geometries(entries)
    v.collisions(entries)
    return v.problems


class _Validator:
    """Collects problems; one method per family of checks."""

    def __init__(self, places_path: Path, places: dict[str, Place]) -> None:
        self.path = places_path
        self.places = places
        self.problems: list[Problem] = []

    def add(self, e: dict[str, Any], key: str | None, message: str, fix: str) -> None:
        line = (e.get("_lines", {}).get(key, e["_line"]) if key else e["_line"]) - e.get("_offset", 0)
        pid = e.get("id")
        label = f" place {pid}" if isinstance(pid, str) and pid else ""
        message = message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "…"  # values of any size
        self.problems.append(Problem(f"{e.get('_file', self.path)}:{line}{label}", message, fix))

    # ------------------------------------------------------------------------------------------ schema
    def schema(self, e: dict[str, Any]) -> None:
        if "_raw" in e:
            self.add(e, None, f"expected a mapping ('- id: …' with keys), found {e['_raw']!r}",
                     "write each place as a mapping: '- id: x' then 'type:', 'names:' …")
            return
        for key in REQUIRED_KEYS:
            if key not in e:
                self.add(e, None, f"missing key {key!r}", f"add '{key}:' (see docs/DESIGN.md, places.yaml schema)")
        for key in e.get("_reserved", ()):
            self.add(e, key, f"unknown key {key!r} (keys starting with '_' are reserved)", "remove the key")
        for key in e:
            if not isinstance(key, str):
                self.add(e, str(key), f"key {key!r} is not a name: expected one of "
                         f"{', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}", "fix or remove the key")
            elif not key.startswith("_") and key not in REQUIRED_KEYS + OPTIONAL_KEYS:
                self.add(e, key, f"unknown key {key!r}; expected one of {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}",
                         "fix the spelling or remove the key")
        pid = e.get("id")
        if "id" in e and (not isinstance(pid, str) or not _ID_RE.match(pid)):
            self.add(e, "id", f"id: expected lowercase ascii [a-z0-9_], at most 64 characters, found {pid!r}",
                     "e.g. 'id: hamrin_mountains'")
        if "type" in e and e["type"] not in PLACE_TYPES:
            self.add(e, "type", f"type: expected one of {', '.join(PLACE_TYPES)}, found {e['type']!r}",
                     "use one of the listed types (underscores, e.g. mountain_range)")
        prec = e.get("precision")
        if "precision" in e and (isinstance(prec, bool) or not isinstance(prec, int) or prec not in PRECISION_CODES):
            self.add(e, "precision", f"precision: expected a whole number 1-6 (models.PRECISION_CODES), found {prec!r}",
                     "1 town/village, 3 district, 4 governorate, 5 range/desert/region, 6 country")
        self._names(e)
        self._aliases(e)
        self._optional(e)

    def _names(self, e: dict[str, Any]) -> None:
        names = e.get("names")
        if "names" not in e:
            return
        if not isinstance(names, dict):
            self.add(e, "names", f"names: expected a mapping of language to name, found {names!r}",
                     "write 'names: {en: X, ar: …}'")
            return
        if not isinstance(names.get("en"), str) or not names["en"].strip():
            self.add(e, "names", f"names: expected an 'en' name, found {names.get('en')!r}", "add 'en: <English name>'")
        for lang, name in names.items():
            if lang not in LANGS:
                self.add(e, "names", f"names: unknown language {lang!r}; expected one of {', '.join(LANGS)}",
                         "use en, ar, ckb (Sorani, Arabic script) or kmr (Kurmanji, Latin script)")
            elif not isinstance(name, str) or not normalize_key(name):
                self.add(e, "names", f"names.{lang}: expected a non-empty string, found {name!r}", "write the name")

    def _aliases(self, e: dict[str, Any]) -> None:
        aliases = e.get("aliases")
        if aliases is None:
            return
        if not isinstance(aliases, dict):
            self.add(e, "aliases", f"aliases: expected a mapping of language to a list, found {aliases!r}",
                     "write 'aliases: {en: [A, B], ar: [ج]}'")
            return
        for lang, values in aliases.items():
            if lang not in LANGS:
                self.add(e, "aliases", f"aliases: unknown language {lang!r}; expected one of {', '.join(LANGS)}",
                         "use en, ar, ckb or kmr")
            if not isinstance(values, list):
                self.add(e, "aliases", f"aliases.{lang}: expected a list of names, found {values!r}",
                         f"write '{lang}: [{values}]' (square brackets)")
                continue
            for a in values:
                if not isinstance(a, str) or not normalize_key(a):
                    self.add(e, "aliases", f"aliases.{lang}: expected non-empty strings, found {a!r}",
                             "remove the empty alias or quote it")

    def _optional(self, e: dict[str, Any]) -> None:
        sources = e.get("sources")
        if "sources" in e and (not isinstance(sources, list) or not sources
                               or not all(isinstance(s, str) and s for s in sources)):
            self.add(e, "sources", f"sources: expected a non-empty list of strings, found {sources!r}",
                     "say where the geometry came from, e.g. [\"GeoNames 99072\"]")
        country = e.get("country")
        if country is not None and (not isinstance(country, str) or not _COUNTRY_RE.match(country)):
            self.add(e, "country", f"country: expected an ISO 3166-1 alpha-2 code like 'IQ', found {country!r}",
                     "quote codes YAML reads as booleans: country: \"NO\"")
        gid = e.get("geonames_id")
        if gid is not None and (isinstance(gid, bool) or not isinstance(gid, int)):
            self.add(e, "geonames_id", f"geonames_id: expected a whole number, found {gid!r}", "e.g. 99072")
        pref = e.get("preferred_for")
        if pref is None:
            return
        if (not isinstance(pref, dict) or not isinstance(pref.get("aliases"), list) or not pref["aliases"]
                or not isinstance(pref.get("why"), str) or not pref["why"].strip()):
            self.add(e, "preferred_for", f"preferred_for: expected {{aliases: [..], why: '..'}}, found {pref!r}",
                     "list the shared aliases this place wins and say why")
            return
        own = {normalize_key(n) for n in _all_names(e)}
        for a in pref["aliases"]:
            if normalize_key(str(a)) not in own:
                self.add(e, "preferred_for", f"preferred_for: {a!r} is not a name or alias of this place",
                         "add it to the place's aliases or remove it from preferred_for")

    # ------------------------------------------------------------------------------------------ hierarchy
    def parents_and_countries(self, entries: list[dict[str, Any]]) -> None:
        ids = {e.get("id") for e in entries if isinstance(e.get("id"), str)}
        for e in entries:
            parent = e.get("parent")
            if parent is None or "_raw" in e:
                continue
            if not isinstance(parent, str) or parent not in ids:  # (a list is not hashable: test the type first)
                self.add(e, "parent", f"unknown parent {parent!r}: no place has this id",
                         "use the id of an existing place (e.g. nineveh_governorate) or null")
            elif parent == e.get("id"):
                self.add(e, "parent", f"parent {parent!r} is the place itself", "use the enclosing place's id")
        seen_gn: dict[int, str] = {}
        for e in entries:
            gid = e.get("geonames_id")
            if isinstance(gid, int) and gid in seen_gn and seen_gn[gid] != e.get("id"):
                self.add(e, "geonames_id", f"geonames_id {gid} is also used by place {seen_gn[gid]!r}",
                         "one GeoNames place, one gazetteer entry: merge them")
            elif isinstance(gid, int):
                seen_gn[gid] = str(e.get("id"))

    # ------------------------------------------------------------------------------------------ geometry
    def geometries(self, entries: list[dict[str, Any]]) -> None:
        countries = {p.country: p for p in self.places.values() if p.type == "country" and p.country}
        prepared: dict[str, Any] = {}
        for e in entries:
            place = self.places.get(e["id"]) if isinstance(e.get("id"), str) else None
            if place is None or place.line != e["_line"]:
                continue
            geom = place.geometry
            problem = _geometry_problem(geom)
            if problem:
                self.add(e, "geometry", f"geometry: {problem}", "redraw it (geodata/sketches.yaml) and rebuild")
                continue
            point = geom.representative_point()
            checked: set[str] = set()
            for label, other in (("parent", self.places.get(place.parent or "")),
                                 ("country", countries.get(place.country or "") if place.type != "country" else None)):
                if other is None or other.id == place.id or other.id in checked or other.geometry.geom_type not in (
                        "Polygon", "MultiPolygon") or _geometry_problem(other.geometry):
                    continue
                checked.add(other.id)
                if other.id not in prepared:
                    prepared[other.id] = prep(other.geometry)
                if prepared[other.id].contains(point):
                    continue
                km = _km_outside(point, other.geometry)
                if km > MAX_OUTSIDE_KM:
                    self.add(e, "geometry", f"geometry far outside its {label} {other.id!r}: its representative point "
                             f"({point.x:.3f}, {point.y:.3f}) is {km:.0f} km from it (limit {MAX_OUTSIDE_KM:.0f} km)",
                             f"check lon/lat order and the coordinates, or the '{label}' value")

    # ------------------------------------------------------------------------------------------ aliases
    def collisions(self, entries: list[dict[str, Any]]) -> None:
        holders: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        spellings: dict[str, set[str]] = defaultdict(set)
        declared: dict[str, list[str]] = defaultdict(list)
        for e in entries:
            pid = e.get("id")
            if not isinstance(pid, str) or "_raw" in e:
                continue
            for name in _all_names(e):
                key = normalize_key(name)
                if key:
                    holders[key].setdefault(pid, e)
                    spellings[key].add(name)
            pref = e.get("preferred_for")
            if isinstance(pref, dict) and isinstance(pref.get("aliases"), list):
                for a in {normalize_key(str(a)) for a in pref["aliases"]}:
                    declared[a].append(pid)
        for key, by_id in holders.items():
            if len(by_id) < 2:
                continue
            ids = sorted(by_id, key=lambda i: by_id[i]["_line"])
            winners = [i for i in declared.get(key, []) if i in by_id]
            where = ", ".join(f"{i} (line {by_id[i]['_line']})" for i in ids)
            last = by_id[ids[-1]]
            shown = " / ".join(repr(s) for s in sorted(spellings[key]))
            if not winners:
                self.add(last, "aliases", f"alias collision: {shown} (key {key!r}) names {where} and no place "
                         "declares it in preferred_for", "add it to 'preferred_for: {aliases: [..], why: ..}' of the "
                         "place that should win, or remove/rename the alias")
            elif len(winners) > 1:
                self.add(last, "preferred_for", f"alias {shown} is declared in preferred_for by {', '.join(winners)}; "
                         "exactly one place may win it", "keep it in one place's preferred_for")


@lru_cache(maxsize=65536)
def normalize_key(name: str) -> str:
    """``threatmap.lang.normalize.normalize_key``, memoised: validation asks for the same names several times."""
    return _normalize_key(name)


def _all_names(e: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if isinstance(e.get("names"), dict):
        out += [v for v in e["names"].values() if isinstance(v, str)]
    if isinstance(e.get("aliases"), dict):
        for values in e["aliases"].values():
            if isinstance(values, list):
                out += [a for a in values if isinstance(a, str)]
    return out


def _geometry_problem(geom: BaseGeometry) -> str | None:
    if geom is None or geom.is_empty:
        return "empty geometry"
    if geom.geom_type in ("LineString", "MultiLineString"):
        return None if geom.is_simple or geom.geom_type == "MultiLineString" else "the line crosses itself"
    if not geom.is_valid:
        return f"invalid {geom.geom_type}: {explain_validity(geom)}"
    return None


def _km_outside(point: BaseGeometry, area: BaseGeometry) -> float:
    """Great-circle distance from ``point`` to the nearest point of ``area`` (0 when inside)."""
    a, b = nearest_points(point, area)
    lat1, lon1, lat2, lon2 = map(math.radians, (a.y, a.x, b.y, b.x))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
