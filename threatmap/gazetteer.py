"""Load ``places.yaml`` and its ``geodata/`` geometries into a validated, read-only Gazetteer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
import shapely.errors
import yaml
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from threatmap import settings
from threatmap._yaml import Limits, SafeLoader, YamlLimitError, check_limits, limit_message
from threatmap.errors import GazetteerError
from threatmap.gazetteer_cache import cache_path, read_cache, write_cache
from threatmap.lang.normalize import normalize_key
from threatmap.models import Place, Problem

GAZETTEER_LIMITS = Limits(max_bytes=64 * 1024 * 1024, max_depth=16, aliases=True, max_expansion=4.0)
"""``places.yaml``: a few levels deep (place → geometry → point); anchors allowed, but no alias bomb."""


class Gazetteer:
    """The places of ``places.yaml`` by id, with their geometries and an alias listing for the matcher."""

    def __init__(self, places: Mapping[str, Place], *, path: Path | None = None) -> None:
        self._places = dict(places)
        self.path = path
        self._preferred: dict[str, Place] | None = None
        self._by_key: dict[str, list[Place]] | None = None

    @classmethod
    def load(cls, places_path: Path | str | None = None, geodata_dir: Path | str | None = None) -> Gazetteer:
        """Read, resolve and validate; raise :class:`GazetteerError` listing every problem found.

        Parameters
        ----------
        places_path, geodata_dir
            The gazetteer file and the folder of its GeoJSON files (default: ``settings``).
        """
        from threatmap.validate import validate_entries  # validation is its own module

        places_path = Path(places_path or settings.PLACES_PATH)
        geodata_dir = Path(geodata_dir or settings.GEODATA_DIR)
        try:
            cached_at = cache_path(places_path, geodata_dir)
        except OSError:
            cached_at = None  # unreadable inputs: read_gazetteer reports them
        cached = read_cache(cached_at) if cached_at else None
        if isinstance(cached, dict):
            return cls(cached, path=places_path)
        entries, problems = read_gazetteer(places_path)
        local = local_places_path(places_path)
        if local.is_file():  # the curator's additions, loaded after places.yaml, validated with it
            local_entries, local_problems, _ = read_entries(local)
            entries += [{**e, "_file": str(local)} for e in local_entries]
            problems += local_problems
        places, geo_problems = build_places(entries, places_path, geodata_dir)
        problems += geo_problems
        problems += validate_entries(entries, places, places_path=places_path)
        if problems:
            raise GazetteerError(sorted(problems, key=_line_of))
        if cached_at:
            write_cache(cached_at, places)
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

    def spellings(self, text: str) -> tuple[str, ...]:
        """Every name and alias (all languages, all scripts) of the places one of whose names is ``text``.

        ``text`` is compared with ``normalize_key``; ``()`` when it names no place. Used by the text search: a
        place named in one script is found in the others ("Hamrin" -> "حمرين", "Hemrîn" …).
        """
        if self._by_key is None:
            by_key: dict[str, list[Place]] = {}
            for alias, _lang, place in self.aliases():
                by_key.setdefault(normalize_key(alias), []).append(place)
            self._by_key = by_key
        places = self._by_key.get(normalize_key(text), [])
        names = {alias for place in places for alias in (*place.names.values(), *(
            a for group in place.aliases.values() for a in group))}
        return tuple(sorted(names - {text}))

    def children(self, place_id: str) -> list[Place]:
        """The places whose ``parent`` is ``place_id``."""
        return [p for p in self._places.values() if p.parent == place_id]

    def preferred(self, name: str) -> Place | None:
        """The place that declares ``name`` (any spelling with the same ``normalize_key``) in its ``preferred_for``.

        Validation guarantees that every name shared by several places is declared by exactly one of them.
        """
        if self._preferred is None:
            self._preferred = {normalize_key(a): p for p in self._places.values() for a in p.preferred_for}
        return self._preferred.get(normalize_key(name))


def _line_of(problem: Problem) -> int:
    """The line number in ``problem.where`` (``file:line place id``), for listing problems in file order."""
    match = re.search(r":(\d+)(?: place |$)", problem.where)
    return int(match.group(1)) if match else 0


def local_places_path(places_path: Path | str) -> Path:
    """The local overlay gazetteer next to ``places_path``: ``places.local.yaml`` for ``places.yaml``."""
    path = Path(places_path)
    return path.with_name(f"{path.stem}.local{path.suffix or '.yaml'}")


@lru_cache(maxsize=4)
def default_gazetteer(places_path: str | None = None, geodata_dir: str | None = None) -> Gazetteer:
    """The gazetteer of the settings' paths, loaded once per process."""
    return Gazetteer.load(places_path, geodata_dir)


def read_gazetteer(places_path: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The entries of ``places_path`` followed by those of the files its top-level ``include`` list names.

    Included files (paths relative to ``places_path``) hold generated places only (``geodata/places_overture.yaml``):
    their entries are numbered after the last line of the main file, so they count as generated (see
    :func:`threatmap.geoparser.generated_places`); ``_file`` and ``_offset`` keep their own file and line for
    messages. A file named ``spellings*.yaml`` holds aliases of places by id instead (generated by
    ``scripts/build_geodata.py``, or curated by hand: ``geodata/spellings_curated.yaml``).
    """
    entries, problems, includes = read_entries(places_path)
    offset = sum(1 for _ in places_path.open(encoding="utf-8")) if entries else 0
    for name in includes:
        path = places_path.parent / name
        if path.name.startswith("spellings"):
            problems += _add_spellings(entries, path)
            continue
        more, more_problems, _ = read_entries(path, line_offset=offset)
        entries += more
        problems += more_problems
        offset += sum(1 for _ in path.open(encoding="utf-8")) if more else 0
    return entries, problems


_SPELLINGS_FIX = ("re-run scripts/build_geodata.py (a generated spellings file), or correct the entry by hand "
                  "(geodata/spellings_curated.yaml)")


def _add_spellings(entries: list[dict[str, Any]], path: Path) -> list[Problem]:
    """Merge a spellings file (``aliases: {place id: {lang: [..]}}``) into the entries' aliases."""
    try:
        text = path.read_text(encoding="utf-8")
        check_limits(text, GAZETTEER_LIMITS, loader=SafeLoader)  # a YamlLimitError is a YAMLError: reported below
        data = yaml.load(text, Loader=SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [Problem(str(path), f"cannot read the spellings file: {exc}", _SPELLINGS_FIX)]
    by_id = {e.get("id"): e for e in entries}
    problems = []
    for pid, langs in ((data or {}).get("aliases") or {}).items():
        entry = by_id.get(pid)
        if entry is None or not isinstance(langs, dict):
            problems.append(Problem(str(path), f"spellings for {pid!r}: expected a place id with a mapping of "
                                    f"language to names, got {langs!r}", _SPELLINGS_FIX))
            continue
        aliases = dict(entry.get("aliases") or {})
        for lang, names in langs.items():
            aliases[lang] = [*(aliases.get(lang) or []), *names]
        entry["aliases"] = aliases
    return problems


def read_entries(places_path: Path, *, line_offset: int = 0
                 ) -> tuple[list[dict[str, Any]], list[Problem], list[str]]:
    """Parse the YAML once, keeping each place's line (``_line``) and each key's line (``_lines``).

    YAML syntax errors become problems with the line of the error. Lines are shifted by ``line_offset`` (an
    included file; ``_file``/``_offset`` are then set). The third item is the top-level ``include`` list.
    """
    where = str(places_path)
    try:
        if places_path.exists() and not places_path.is_file():  # a directory, /dev/zero, a FIFO: never ends
            return [], [Problem(where, "not a regular file", "point THREATMAP_PLACES / --places to places.yaml")], []
        with places_path.open("rb") as fh:
            text = fh.read(GAZETTEER_LIMITS.max_bytes + 1).decode("utf-8")  # a larger file fails check_limits
    except OSError as exc:
        return [], [Problem(where, f"cannot read the gazetteer: {exc.strerror}",
                            "check the path (THREATMAP_PLACES)")], []
    except UnicodeDecodeError as exc:
        return [], [Problem(where, f"not UTF-8 at byte {exc.start}", "save the file as UTF-8")], []
    try:
        check_limits(text, GAZETTEER_LIMITS, loader=SafeLoader)
    except YamlLimitError as exc:
        line = f":{exc.problem_mark.line + 1}" if exc.problem_mark is not None else ""
        owner = f" place {exc.owner_id}" if exc.owner_id else ""
        return [], [Problem(f"{where}{line}{owner}", f"YAML refused: {limit_message(exc)}",
                            "write the entry plainly: names and aliases as strings, geometry as 'point: [lon, lat]' "
                            "or 'file:' + 'feature:', no deep nesting and no alias expansion")], []
    except yaml.YAMLError:
        pass  # a syntax error: reported below with its line, by the same parser
    loader = SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        return [], [Problem(f"{where}{line}", f"YAML syntax error: {getattr(exc, 'problem', None) or exc}",
                            "fix the indentation or quoting on that line")], []
    finally:
        loader.dispose()
    seq_node = None
    if isinstance(root, yaml.MappingNode):
        seq_node = next((v for k, v in root.value if getattr(k, "value", None) == "places"), None)
    if not isinstance(data, dict) or not isinstance(seq_node, yaml.SequenceNode) or not isinstance(
            data.get("places"), list):
        return [], [Problem(where, f"expected a mapping with a 'places' list at the top, found {type(data).__name__}",
                            "start the file with 'places:' followed by '- id: …' entries")], []
    entries = []
    for node, raw in zip(seq_node.value, data["places"], strict=True):
        entry = dict(raw) if isinstance(raw, dict) else {"_raw": raw}
        reserved = [k for k in entry if isinstance(k, str) and k.startswith("_")] if isinstance(raw, dict) else []
        for key in reserved:  # our own bookkeeping keys: a YAML key of that name is reported, never obeyed
            del entry[key]
        entry["_reserved"] = tuple(reserved)
        entry["_line"] = node.start_mark.line + 1 + line_offset
        if isinstance(node, yaml.MappingNode):
            entry["_lines"] = {str(k.value): k.start_mark.line + 1 + line_offset for k, _ in node.value}
        if line_offset:
            entry["_file"], entry["_offset"] = str(places_path), line_offset
        entries.append(entry)
    includes = data.get("include") or []
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        return entries, [Problem(where, f"include: expected a list of file names, found {includes!r}",
                                 "write 'include: [geodata/places_overture.yaml]'")], []
    return entries, [], includes


def build_places(entries: list[dict[str, Any]], places_path: Path, geodata_dir: Path
                 ) -> tuple[dict[str, Place], list[Problem]]:
    """Turn entries into Places, resolving geometries.

    Entries whose geometry cannot be resolved are reported here; entries with other schema errors are built as
    far as possible and reported by :func:`threatmap.validate.validate_entries`.
    """
    problems: list[Problem] = []
    features = _FeatureCache(geodata_dir)
    places: dict[str, Place] = {}
    for e in entries:
        pid = e.get("id")
        if not isinstance(pid, str) or not pid or pid in places:
            continue  # reported by validate_entries
        line = e.get("_lines", {}).get("geometry", e["_line"]) - e.get("_offset", 0)
        try:
            geom = _geometry(e.get("geometry"), features)
        except (KeyError, ValueError, TypeError, OSError) as exc:
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            problems.append(Problem(f"{e.get('_file', places_path)}:{line} place {pid}", f"geometry: {msg}",
                                    "give 'point: [lon, lat]' or 'file: X.geojson' + 'feature: ID' that exists"))
            continue
        places[pid] = _place(pid, e, geom)
    return places, problems


def _place(pid: str, e: dict[str, Any], geom: BaseGeometry) -> Place:
    names: dict[str, Any] = e["names"] if isinstance(e.get("names"), dict) else {}
    aliases: dict[str, Any] = e["aliases"] if isinstance(e.get("aliases"), dict) else {}
    pref: dict[str, Any] = e["preferred_for"] if isinstance(e.get("preferred_for"), dict) else {}
    precision = e.get("precision")
    sources: list[Any] = e["sources"] if isinstance(e.get("sources"), list) else []
    return Place(
        id=pid, type=str(e.get("type")), names={str(k): str(v) for k, v in names.items() if v},
        aliases={str(k): tuple(str(a) for a in v if a) for k, v in aliases.items() if isinstance(v, list)},
        geometry=geom, precision=precision if isinstance(precision, int) and not isinstance(precision, bool) else 0,
        parent=e.get("parent") if isinstance(e.get("parent"), str) else None,
        country=e.get("country") if isinstance(e.get("country"), str) else None,
        sources=tuple(str(s) for s in sources),
        preferred_for=tuple(str(a) for a in pref.get("aliases") or () if a) if isinstance(
            pref.get("aliases"), list) else (),
        line=e["_line"],
    )


class _FeatureCache:
    """GeoJSON files of ``geodata/`` read once each; geometries indexed by feature ``id`` (or ``properties.id``)."""

    def __init__(self, geodata_dir: Path) -> None:
        self.dir = geodata_dir
        self._files: dict[str, dict[str, BaseGeometry | None]] = {}

    def feature(self, file: str, feature_id: str) -> BaseGeometry | None:
        if file not in self._files:
            path = self.dir / file
            if not path.is_file():
                raise FileNotFoundError(f"geodata file {file!r} not found in {str(self.dir)!r}")
            self._files[file] = _read_collection(path)
        try:
            return self._files[file][str(feature_id)]
        except KeyError:
            raise KeyError(f"feature {feature_id!r} not found in {file!r}") from None


@lru_cache(maxsize=32)
def _read_collection_cached(path: str, mtime_ns: int, size: int) -> dict[str, BaseGeometry | None]:
    text = Path(path).read_text(encoding="utf-8")
    collection = json.loads(text)
    if not isinstance(collection, dict) or not isinstance(collection.get("features"), list):
        raise ValueError(f"geodata file {Path(path).name!r} is not a GeoJSON FeatureCollection")
    features = [f for f in collection["features"] if isinstance(f, dict)]
    ids = [str(f.get("id", (f.get("properties") or {}).get("id"))) for f in features]
    try:  # GEOS parses the whole collection at once: ~10x faster than shapely.geometry.shape per feature
        parsed = shapely.from_geojson(text)
        geoms = list(parsed.geoms) if parsed is not None and parsed.geom_type == "GeometryCollection" else []
    except shapely.errors.GEOSException:
        geoms = []
    if len(geoms) != len(features) or any(not f.get("geometry") for f in features):
        geoms = [shape(f["geometry"]) if f.get("geometry") else None for f in features]
    return dict(zip(ids, geoms, strict=True))


def _read_collection(path: Path) -> dict[str, BaseGeometry | None]:
    """The geometries of a GeoJSON file by feature id, parsed once per process (again only when the file changes)."""
    st = path.stat()
    try:
        return _read_collection_cached(str(path), st.st_mtime_ns, st.st_size)
    except json.JSONDecodeError as exc:
        raise ValueError(f"geodata file {path.name!r} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise ValueError(f"geodata file {path.name!r} is nested too deeply to be GeoJSON") from None


def _geometry(spec: Any, features: _FeatureCache) -> BaseGeometry:
    if not isinstance(spec, dict):
        raise ValueError(f"expected a mapping with 'point' or 'file' + 'feature', got {spec!r}")
    if "point" in spec:
        pt = spec["point"]
        if (not isinstance(pt, list) or len(pt) != 2
                or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in pt)):
            raise ValueError(f"expected 'point: [lon, lat]' with two numbers, got {pt!r}")
        lon, lat = float(pt[0]), float(pt[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"expected lon in [-180, 180] and lat in [-90, 90], got {pt!r} (swapped?)")
        return Point(lon, lat)
    if "file" in spec and "feature" in spec:
        geometry = features.feature(str(spec["file"]), str(spec["feature"]))
        if geometry is None:
            raise ValueError(f"feature {spec['feature']!r} of {spec['file']!r} has no geometry")
        return geometry
    raise ValueError(f"expected 'point' or 'file' + 'feature', got keys {sorted(spec)!r}")
