"""Load ``places.yaml`` and its ``geodata/`` geometries into a validated, read-only Gazetteer."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from threatmap import settings
from threatmap.errors import GazetteerError
from threatmap.models import Place, Problem


class Gazetteer:
    """The places of ``places.yaml`` by id, with their geometries and an alias listing for the matcher."""

    def __init__(self, places: Mapping[str, Place], *, path: Path | None = None) -> None:
        self._places = dict(places)
        self.path = path

    @classmethod
    def load(cls, places_path: Path | str | None = None, geodata_dir: Path | str | None = None) -> Gazetteer:
        """Read, resolve and validate; raise :class:`GazetteerError` listing every problem found."""
        from threatmap.validate import validate_entries  # validation is its own module

        places_path = Path(places_path or settings.PLACES_PATH)
        geodata_dir = Path(geodata_dir or settings.GEODATA_DIR)
        entries, problems = read_entries(places_path)
        places, geo_problems = build_places(entries, places_path, geodata_dir)
        problems += geo_problems
        problems += validate_entries(entries, places, places_path=places_path)
        if problems:
            raise GazetteerError(problems)
        return cls(places, path=places_path)

    def __getitem__(self, place_id: str) -> Place:
        return self._places[place_id]

    def get(self, place_id: str) -> Place | None:
        return self._places.get(place_id)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __len__(self) -> int:
        return len(self._places)

    def aliases(self) -> Iterator[tuple[str, str, Place]]:
        """Yield ``(alias, lang, place)`` for every name and alias of every place."""
        for place in self._places.values():
            for lang, name in place.names.items():
                yield name, lang, place
            for lang, aliases in place.aliases.items():
                for alias in aliases:
                    yield alias, lang, place

    def children(self, place_id: str) -> list[Place]:
        """The places whose ``parent`` is ``place_id``."""
        return [p for p in self._places.values() if p.parent == place_id]


@lru_cache(maxsize=4)
def default_gazetteer(places_path: str | None = None, geodata_dir: str | None = None) -> Gazetteer:
    """The gazetteer of the settings' paths, loaded once per process."""
    return Gazetteer.load(places_path, geodata_dir)


def read_entries(places_path: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Parse the YAML keeping each place's line (``_line``); YAML syntax errors become problems."""
    where = str(places_path)
    try:
        text = places_path.read_text(encoding="utf-8")
    except OSError as exc:
        return [], [Problem(where, f"cannot read the gazetteer: {exc.strerror}", "check the path (THREATMAP_PLACES)")]
    except UnicodeDecodeError as exc:
        return [], [Problem(where, f"not UTF-8 at byte {exc.start}", "save the file as UTF-8")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        return [], [Problem(f"{where}{line}", f"YAML syntax error: {getattr(exc, 'problem', exc)}",
                            "fix the indentation or quoting on that line")]
    if root is None or not isinstance(root, yaml.MappingNode):
        return [], [Problem(where, "expected a mapping with a 'places' list at the top", "start with 'places:'")]
    data = yaml.SafeLoader(text).get_single_data()
    seq_node = next((v for k, v in root.value if k.value == "places"), None)
    if not isinstance(seq_node, yaml.SequenceNode) or not isinstance(data.get("places"), list):
        return [], [Problem(where, "expected a 'places' list", "add 'places:' followed by '- id: …' entries")]
    entries = []
    for node, raw in zip(seq_node.value, data["places"], strict=True):
        entry = dict(raw) if isinstance(raw, dict) else {"_raw": raw}
        entry["_line"] = node.start_mark.line + 1
        entries.append(entry)
    return entries, []


def build_places(entries: list[dict[str, Any]], places_path: Path, geodata_dir: Path
                 ) -> tuple[dict[str, Place], list[Problem]]:
    """Turn entries into Places, resolving geometries; entries that cannot be built are reported and skipped."""
    problems: list[Problem] = []
    features = _FeatureCache(geodata_dir)
    places: dict[str, Place] = {}
    for e in entries:
        where = f"{places_path}:{e['_line']}"
        pid = e.get("id")
        if not isinstance(pid, str) or not pid:
            continue  # reported by validate_entries
        try:
            geom = _geometry(e.get("geometry"), features)
        except (KeyError, ValueError, TypeError, OSError) as exc:
            problems.append(Problem(f"{where} place {pid}", f"geometry: {exc}",
                                    "give 'point: [lon, lat]' or 'file: X.geojson' + 'feature: ID' that exists"))
            continue
        names = e.get("names") or {}
        aliases = e.get("aliases") or {}
        if not isinstance(names, dict) or not isinstance(aliases, dict):
            continue  # reported by validate_entries
        places.setdefault(pid, Place(
            id=pid, type=str(e.get("type")), names={str(k): str(v) for k, v in names.items()},
            aliases={str(k): tuple(str(a) for a in (v or [])) for k, v in aliases.items()},
            geometry=geom, precision=int(e.get("precision") or 0), parent=e.get("parent"),
            country=e.get("country"), sources=tuple(e.get("sources") or ()),
            preferred_for=tuple((e.get("preferred_for") or {}).get("aliases", ()) if isinstance(
                e.get("preferred_for"), dict) else ()),
            line=e["_line"],
        ))
    return places, problems


class _FeatureCache:
    """GeoJSON files of ``geodata/`` read once, features indexed by their ``id`` property."""

    def __init__(self, geodata_dir: Path) -> None:
        self.dir = geodata_dir
        self._files: dict[str, dict[str, Any]] = {}

    def feature(self, file: str, feature_id: str) -> dict[str, Any]:
        if file not in self._files:
            path = self.dir / file
            if not path.is_file():
                raise FileNotFoundError(f"geodata file {file!r} not found in {self.dir}")
            collection = json.loads(path.read_text(encoding="utf-8"))
            self._files[file] = {str(f.get("id", f.get("properties", {}).get("id"))): f
                                 for f in collection.get("features", [])}
        try:
            return self._files[file][str(feature_id)]
        except KeyError:
            raise KeyError(f"feature {feature_id!r} not found in {file!r}") from None


def _geometry(spec: Any, features: _FeatureCache) -> BaseGeometry:
    if not isinstance(spec, dict):
        raise ValueError(f"expected a mapping, got {spec!r}")
    if "point" in spec:
        lon, lat = spec["point"]
        return Point(float(lon), float(lat))
    if "file" in spec and "feature" in spec:
        return shape(features.feature(spec["file"], spec["feature"])["geometry"])
    raise ValueError(f"expected 'point' or 'file' + 'feature', got keys {sorted(spec)!r}")
