"""The ``validate`` and ``places`` commands: a curator's checks and view of the gazetteer."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterable
from typing import TextIO

from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from threatmap.errors import GazetteerError
from threatmap.gazetteer import Gazetteer
from threatmap.lang.normalize import normalize_key
from threatmap.models import LANGS, PLACE_TYPES, Place

_GEOD = Geod(ellps="WGS84")


def cmd_validate(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Load and validate ``--places`` with ``--geodata``; print every problem (exit 1) or a summary (exit 0)."""
    out = out or sys.stdout
    start = time.perf_counter()
    try:
        gaz = Gazetteer.load(args.places, args.geodata)
    except GazetteerError as exc:
        for problem in exc.problems:
            print(str(problem), file=out)
        print(f"{len(exc.problems)} problem(s) in {args.places}", file=out)
        return 1
    seconds = time.perf_counter() - start
    types = Counter(p.type for p in gaz)
    langs = Counter(lang for _, lang, _ in gaz.aliases())
    by_type = ", ".join(f"{n} {t}" for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))
    by_lang = ", ".join(f"{lang} {langs[lang]}" for lang in LANGS if langs[lang])
    print(f"OK: {len(gaz)} places ({by_type}); {sum(langs.values())} names and aliases ({by_lang}); "
          f"loaded and validated in {seconds:.2f} s", file=out)
    return 0


def cmd_places(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """List places (optionally of one ``--type`` or matching ``--search``) as a table; exit 2 on a bad type."""
    out = out or sys.stdout
    wanted_type = getattr(args, "type", None)
    if wanted_type and wanted_type not in PLACE_TYPES:
        print(f"error: --type expected one of {', '.join(PLACE_TYPES)}, got {wanted_type!r}", file=sys.stderr)
        return 2
    gaz = Gazetteer.load(args.places, args.geodata)
    places = select_places(gaz, place_type=wanted_type, search=getattr(args, "search", None))
    rows: list[tuple[str, ...]] = [("id", "type", "prec", "en", "ar", "aliases", "geometry")]
    rows += [(p.id, p.type, str(p.precision), p.names.get("en", ""), p.names.get("ar", ""),
              str(sum(len(v) for v in p.aliases.values())), geometry_summary(p.geometry)) for p in places]
    _print_table(rows, out)
    print(f"{len(places)} place(s)", file=out)
    return 0


def select_places(gaz: Iterable[Place], *, place_type: str | None = None, search: str | None = None) -> list[Place]:
    """Places of ``place_type`` whose name or alias contains ``search`` (compared by ``normalize_key``)."""
    key = normalize_key(search) if search else ""
    out = []
    for place in gaz:
        if place_type and place.type != place_type:
            continue
        if key and not any(key in normalize_key(n) for n in _names(place)):
            continue
        out.append(place)
    return out


def geometry_summary(geom: BaseGeometry) -> str:
    """A one-line description: ``Point 43.580,35.776``, ``Polygon 1234 km², bbox …`` or ``LineString 456 km``."""
    if geom.geom_type == "Point":
        return f"Point {geom.x:.3f},{geom.y:.3f}"
    minx, miny, maxx, maxy = geom.bounds
    bbox = f"bbox {minx:.2f},{miny:.2f}–{maxx:.2f},{maxy:.2f}"
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        area = abs(_GEOD.geometry_area_perimeter(geom)[0]) / 1e6
        return f"{geom.geom_type} {area:,.0f} km², {bbox}"
    if geom.geom_type in ("LineString", "MultiLineString"):
        return f"{geom.geom_type} {_GEOD.geometry_length(geom) / 1000:,.0f} km, {bbox}"
    return f"{geom.geom_type}, {bbox}"


def _names(place: Place) -> list[str]:
    return list(place.names.values()) + [a for values in place.aliases.values() for a in values]


def _print_table(rows: list[tuple[str, ...]], out: TextIO) -> None:
    widths = [min(max(len(r[i]) for r in rows), 32) for i in range(len(rows[0]) - 1)]
    for r in rows:
        cells = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(r, widths, strict=False)]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + "  " + r[-1], file=out)
