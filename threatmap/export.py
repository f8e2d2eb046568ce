"""Exports of a filtered selection of mentions: GeoJSON (RFC 7946), CSV, KML and GeoPackage (CLI and app)."""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Point, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from threatmap.errors import ExportError
from threatmap.geometry import qualified_geometry
from threatmap.kml import to_kml
from threatmap.models import Place
from threatmap.protocols import PlaceLookup

DECIMALS = 6
"""Decimals kept in GeoJSON coordinates (6 decimals ≈ 0.1 m)."""

FORMATS: tuple[str, ...] = ("geojson", "csv", "kml", "gpkg")

_MENTION_KEYS = ("doc_id", "title", "source", "date", "url", "quote", "speaker", "threat", "threat_p", "cue", "start",
                 "end", "surface", "reviewed", "reviewer", "reviewed_at", "machine_threat", "machine_place_id")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def aggregate_places(df: pd.DataFrame, gazetteer: PlaceLookup | None) -> gpd.GeoDataFrame:
    """One row per (place_id, qualifier) of the mentions in ``df`` (a :meth:`Store.query` frame).

    Parameters
    ----------
    df
        Mentions, columns as :data:`threatmap.store.schema.COLUMNS`.
    gazetteer
        Anything with ``.get(place_id)`` or ``[place_id]`` giving a Place (``.geometry``, ``.names``, ``.type``,
        ``.precision``), or None. A place missing from it falls back to the stored point / bounding box.

    Returns
    -------
    geopandas.GeoDataFrame
        CRS EPSG:4326; geometry = the place geometry, or ``qualified_geometry(place.geometry, qualifier)`` when
        a qualifier is set; None (and ``precision`` missing) for the mentions of a name nothing locates
        (``resolved_by`` "unlocated"), grouped by name (id ``unlocated:<name>``). Columns: ``id`` (``place_id``
        or ``place_id:qualifier``), ``place_id``, ``name``, ``name_ar``, ``type``, ``precision``, ``qualifier``
        (None when unqualified), ``mentions`` (count), ``threats`` (count of threat mentions), ``first_date``,
        ``last_date`` (ISO strings or None), ``sources`` (sorted list), and ``mention_list``: a list of dicts
        {doc_id, title, source, date, url, quote (the passage), speaker, threat, cue, start, end, surface,
        reviewed, reviewer, reviewed_at, machine_threat, machine_place_id}, ordered by date (undated last). Rows
        are ordered by mention count, most first.

    Notes
    -----
    The files written from it (GeoJSON, GeoPackage) name these two ``mention_count`` (the count) and ``mentions``
    (the array), as the export format promises; see :func:`to_geojson`.
    """
    columns = ["id", "place_id", "name", "name_ar", "type", "precision", "qualifier", "mentions", "threats",
               "first_date", "last_date", "sources", "mention_list"]
    if df.empty:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=gpd.GeoSeries([], crs="EPSG:4326"),
                                crs="EPSG:4326")
    df = df.reset_index(drop=True)
    # One vectorised grouping: group numbers in order of first appearance (-1: a missing place_id, dropped).
    quals = df["qualifier"].where(df["qualifier"].notna(), "")
    keys = place_keys(df)
    codes = pd.DataFrame({"p": keys, "q": quals}).groupby(["p", "q"], sort=False).ngroup()
    codes = codes.fillna(-1).to_numpy(dtype=np.int64)
    groups, first_rows = np.unique(codes, return_index=True)
    first_rows = first_rows[groups >= 0]
    # Rows of each group, contiguous, ordered as the mention lists are: date (undated last), doc_id, start; a stable
    # sort on the group number first gives every group the order of its own stable sort.
    order = (df[["date", "doc_id", "start"]].assign(_g=codes)
             .sort_values(["_g", "date", "doc_id", "start"], na_position="last", kind="stable").index.to_numpy())
    order = order[codes[order] >= 0]
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes[order], minlength=len(first_rows)))])
    col = {c: df[c].tolist() for c in ("date", "source", "threat", "place_id", "name", "place_type", "precision")}
    mention_dicts = _mention_dicts(df)
    qual_list = quals.tolist()
    lists: dict[str, list[Any]] = {}
    geometry_of = geometry_resolver(gazetteer)
    records, geometries = [], []
    for g, first in enumerate(first_rows.tolist()):
        rows = order[bounds[g]:bounds[g + 1]].tolist()
        place_id, qualifier = col["place_id"][first], qual_list[first]
        place_id = place_id if isinstance(place_id, str) else None
        place = _place(gazetteer, place_id) if place_id is not None else None
        dates = [d for d in (col["date"][i] for i in rows) if isinstance(d, str) and d]
        records.append({
            "id": (f"{place_id}:{qualifier}" if qualifier else place_id) if place_id is not None else str(
                keys.iat[first]), "place_id": place_id,
            "name": place.name if place is not None else col["name"][first],
            "name_ar": place.names.get("ar") if place is not None else None,
            "type": place.type if place is not None else col["place_type"][first],
            "precision": _precision(col["precision"][first]), "qualifier": qualifier or None,
            "mentions": len(rows), "threats": int(sum(col["threat"][i] for i in rows)),
            "first_date": min(dates) if dates else None, "last_date": max(dates) if dates else None,
            "sources": sorted({s for s in (col["source"][i] for i in rows) if isinstance(s, str) and s}),
            "mention_list": [mention_dicts[i] for i in rows],
        })
        geometries.append(geometry_of(place_id, qualifier or None, _LazyRow(df, first, lists)))
    frame = pd.DataFrame(records, columns=columns, dtype=object)  # object: pandas 3 would turn None into NaN
    unlocated = any(r["precision"] is None for r in records)  # only then a nullable column
    frame = frame.astype({"precision": "Int64" if unlocated else "int64", "mentions": "int64", "threats": "int64"})
    gdf = gpd.GeoDataFrame(frame, geometry=geometries, crs="EPSG:4326")
    return gdf.sort_values(["mentions", "place_id"], ascending=[False, True], kind="stable").reset_index(
        drop=True)


def place_keys(df: pd.DataFrame) -> pd.Series:
    """The place each mention row is grouped under: its gazetteer ``place_id``; for a place located from context
    (no place id) its name and point, ``context:<name>@<lat>,<lon>`` (2 decimals, ~1 km); for a name nothing
    locates its name alone, ``unlocated:<name>``. The exports and the map group by it."""
    names = df["name"].astype(str)
    context = ("context:" + names + "@" + df["lat"].round(2).astype(str) + "," + df["lon"].round(2).astype(str)
               ).where(df["lat"].notna(), "unlocated:" + names)
    return df["place_id"].where(df["place_id"].notna(), context)


def to_geojson(df: pd.DataFrame, gazetteer: PlaceLookup | None, *, per_mention: bool = False) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection: WGS84 lon/lat, exterior rings counter-clockwise, no ``crs`` member,
    coordinates rounded to :data:`DECIMALS` decimals.

    By default one Feature per (place, qualifier) with the properties of :func:`aggregate_places`, except that
    the count is ``mention_count`` and the list of quoted mentions is ``mentions``; with
    ``per_mention=True`` one Feature per mention (properties: the mention fields, ``quote`` = the passage,
    ``place_id``, ``name``, ``type``, ``precision``, ``qualifier``, ``lang``), with the same geometry.

    A mention whose name nothing locates is a Feature with ``"geometry": null`` (valid GeoJSON, RFC 7946 3.2):
    listed, never drawn.
    """
    features = []
    if per_mention:
        geometry_of = geometry_resolver(gazetteer)
        cache: dict[tuple[str, str | None], dict[str, Any] | None] = {}
        for i, row in enumerate(df.to_dict("records")):
            key = (row["place_id"], none_if_missing(row["qualifier"]))
            if key not in cache or key[0] is None:  # no place id: this mention's own point (or none)
                cache[key] = _geojson_geometry(geometry_of(key[0], key[1], row))
            props = {**_mention_dict(row), "place_id": row["place_id"], "name": row["name"],
                     "type": row["place_type"], "precision": _precision(row["precision"]), "qualifier": key[1],
                     "lang": none_if_missing(row["lang"])}
            features.append({"type": "Feature", "id": f"{row['doc_id']}:{row['start']}:{i}",
                             "geometry": cache[key], "properties": props})
    else:
        gdf = _file_columns(aggregate_places(df, gazetteer))
        for row, geom in zip(gdf.drop(columns="geometry").to_dict("records"), gdf.geometry, strict=True):
            features.append({"type": "Feature", "id": row["id"], "geometry": _geojson_geometry(geom),
                             "properties": _json_safe(row)})
    return {"type": "FeatureCollection", "features": features}


def to_geojson_bytes(df: pd.DataFrame, gazetteer: PlaceLookup | None, *, per_mention: bool = False) -> bytes:
    """:func:`to_geojson` as UTF-8 JSON bytes, Arabic unescaped (``ensure_ascii=False``)."""
    return json.dumps(to_geojson(df, gazetteer, per_mention=per_mention), ensure_ascii=False).encode("utf-8")


def to_csv(df: pd.DataFrame) -> bytes:
    """One row per mention, UTF-8 with a BOM (so Excel shows Arabic).

    Text cells starting with ``= + - @`` (or tab / CR) get a leading apostrophe so that spreadsheets do not run
    them as formulas (source text is untrusted).
    """
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_defuse)
    return out.to_csv(index=False).encode("utf-8-sig")


def to_gpkg(df: pd.DataFrame, gazetteer: PlaceLookup | None) -> bytes:
    """GeoPackage bytes (opens in QGIS) with two layers: ``places`` (aggregated, columns as the GeoJSON
    properties of :func:`to_geojson`; ``sources`` and ``mentions`` as JSON strings) and ``mentions`` (one point per
    mention at its stored ``lon``/``lat``, columns as :meth:`Store.query`). A name nothing locates is an
    attribute row with a null geometry in both layers (QGIS lists it in the attribute table, draws nothing)."""
    places = _file_columns(aggregate_places(df, gazetteer))
    places["sources"] = places["sources"].map(lambda v: json.dumps(list(v), ensure_ascii=False))
    places["mentions"] = places["mentions"].map(lambda v: json.dumps(_json_safe(list(v)), ensure_ascii=False))
    points = gpd.points_from_xy(df["lon"], df["lat"])
    points[df["lat"].isna().to_numpy()] = None  # an unlocated mention: no geometry, not POINT (nan nan)
    mentions = gpd.GeoDataFrame(df.copy(), geometry=points, crs="EPSG:4326")
    mentions["threat"] = mentions["threat"].astype(bool)
    if "machine_threat" in mentions.columns:  # None for an added mention: a nullable integer column
        mentions["machine_threat"] = mentions["machine_threat"].map(
            lambda v: None if none_if_missing(v) is None else int(bool(v))).astype("Int64")
    with tempfile.TemporaryDirectory(prefix="threatmap-") as tmp:
        path = Path(tmp) / "threatmap.gpkg"
        for layer, frame in (("places", places), ("mentions", mentions)):
            kwargs = {"geometry_type": "Unknown"} if frame.empty else {}
            try:
                frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio", **kwargs)
            except Exception as exc:  # GDAL raises several types; report them as one export error
                raise ExportError(f"cannot write the GeoPackage layer {layer!r}: {exc}") from exc
        return path.read_bytes()


def export_bytes(fmt: str, df: pd.DataFrame, gazetteer: PlaceLookup | None, *, per_mention: bool = False) -> bytes:
    """The bytes of ``df`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "geojson":
        return to_geojson_bytes(df, gazetteer, per_mention=per_mention)
    if fmt == "csv":
        return to_csv(df)
    if fmt == "kml":
        return to_kml(df, gazetteer)
    if fmt == "gpkg":
        return to_gpkg(df, gazetteer)
    raise ExportError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")


# ------------------------------------------------------------------------------------------------ helpers
def _file_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The export files' names: ``mentions`` (count) -> ``mention_count``, ``mention_list`` -> ``mentions``."""
    return gdf.rename(columns={"mentions": "mention_count"}).rename(columns={"mention_list": "mentions"})


def _place(gazetteer: PlaceLookup | None, place_id: str | None) -> Place | None:
    return None if gazetteer is None or place_id is None else gazetteer.get(place_id)


def geometry_resolver(gazetteer: PlaceLookup | None
                      ) -> Callable[[str | None, str | None, Any], BaseGeometry | None]:
    """``geometry_of(place_id, qualifier, row)``: the geometry every export draws for a (place, qualifier).

    The gazetteer's geometry, qualified by :func:`threatmap.geometry.qualified_geometry`; the stored point or
    bounding box of ``row`` when the place or the qualifier is unknown; None for an unlocated mention. Memoised
    per resolver.
    """
    cache: dict[tuple[str, str | None], BaseGeometry | None] = {}

    def geometry_of(place_id: str | None, qualifier: str | None, row: Any) -> BaseGeometry | None:
        if place_id is None or place_id != place_id:  # a place located from context (None, or NaN in a frame)
            return _stored_geometry(row)
        key = (place_id, qualifier)
        if key not in cache:
            place = _place(gazetteer, place_id)
            if place is None or place.geometry is None:
                cache[key] = _stored_geometry(row)
            elif qualifier:
                try:
                    cache[key] = qualified_geometry(place.geometry, qualifier)
                except ValueError:  # a qualifier this version does not know: the stored bounding box
                    cache[key] = _stored_geometry(row)
            else:
                cache[key] = place.geometry
        return cache[key]

    return geometry_of


def _stored_geometry(row: Any) -> BaseGeometry | None:
    """The mention's stored geometry: its point, or its bounding box when that has an area; None when it has
    none (an unlocated mention)."""
    if none_if_missing(row["lat"]) is None:
        return None
    bounds = [float(row[k]) for k in ("min_lon", "min_lat", "max_lon", "max_lat")]
    if all(math.isfinite(b) for b in bounds) and bounds[0] < bounds[2] and bounds[1] < bounds[3]:
        return box(*bounds)
    return Point(float(row["lon"]), float(row["lat"]))


def _precision(value: Any) -> int | None:
    """A stored precision as an int; None for an unlocated mention (None, NaN or pandas NA)."""
    return None if none_if_missing(value) is None else int(value)


def _geojson_geometry(geom: BaseGeometry | None) -> dict[str, Any] | None:
    if geom is None:
        return None
    rounded = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return mapping(_oriented(rounded))


def _oriented(geom: BaseGeometry) -> BaseGeometry:
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 right-hand rule)."""
    if isinstance(geom, Polygon):
        return orient(geom, 1.0)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([orient(p, 1.0) for p in geom.geoms])
    if isinstance(geom, GeometryCollection):
        return GeometryCollection([_oriented(g) for g in geom.geoms])
    return geom


def _mention_dict(row: dict[str, Any]) -> dict[str, Any]:
    none = none_if_missing
    return {"doc_id": row["doc_id"], "title": none(row["title"]), "source": none(row["source"]),
            "date": none(row["date"]), "url": none(row["url"]), "quote": none(row["passage"]),
            "speaker": none(row["speaker"]), "threat": bool(row["threat"]),
            "threat_p": round(float(row["threat_p"]), 3), "cue": none(row["cue"]),
            "start": int(row["start"]), "end": int(row["end"]), "surface": row["surface"],
            **_review_dict(row.get("reviewed"), row.get("reviewer"), row.get("reviewed_at"),
                           row.get("machine_threat", row["threat"]), row.get("machine_place_id", row["place_id"]))}


def _review_dict(reviewed: Any, reviewer: Any, reviewed_at: Any, machine_threat: Any, machine_place_id: Any
                 ) -> dict[str, Any]:
    """The review keys of an exported mention: whether an analyst reviewed it, who, when, and the machine's
    values (None for a mention the analyst added)."""
    machine_threat = none_if_missing(machine_threat)
    return {"reviewed": bool(reviewed) if none_if_missing(reviewed) is not None else False,
            "reviewer": none_if_missing(reviewer), "reviewed_at": none_if_missing(reviewed_at),
            "machine_threat": None if machine_threat is None else bool(machine_threat),
            "machine_place_id": none_if_missing(machine_place_id)}


def _mention_dicts(df: pd.DataFrame) -> list[dict[str, Any]]:
    """:func:`_mention_dict` of every row of ``df``, built column-wise from ``Series.tolist()`` (native values)."""
    def nones(column: str) -> list[Any]:
        return list(map(none_if_missing, df[column].tolist()))

    def review_column(column: str, default: str | None) -> list[Any]:
        if column in df.columns:
            return df[column].tolist()
        return df[default].tolist() if default else [None] * len(df)

    columns = zip(df["doc_id"].tolist(), nones("title"), nones("source"), nones("date"), nones("url"),
                  nones("passage"), nones("speaker"), map(bool, df["threat"].tolist()),
                  (round(float(p), 3) for p in df["threat_p"].tolist()), nones("cue"),
                  map(int, df["start"].tolist()), map(int, df["end"].tolist()), df["surface"].tolist(), strict=True)
    reviews = zip(review_column("reviewed", None), review_column("reviewer", None),
                  review_column("reviewed_at", None), review_column("machine_threat", "threat"),
                  review_column("machine_place_id", "place_id"), strict=True)
    return [{"doc_id": d, "title": t, "source": s, "date": dd, "url": u, "quote": q, "speaker": sp, "threat": th,
             "threat_p": tp, "cue": c, "start": st, "end": e, "surface": su, **_review_dict(*r)}
            for (d, t, s, dd, u, q, sp, th, tp, c, st, e, su), r in zip(columns, reviews, strict=True)]


class _LazyRow:
    """Row ``pos`` of ``df`` for :func:`_stored_geometry`, read only on a cache miss; ``lists`` caches columns."""

    __slots__ = ("df", "lists", "pos")

    def __init__(self, df: pd.DataFrame, pos: int, lists: dict[str, list[Any]]) -> None:
        self.df, self.pos, self.lists = df, pos, lists

    def __getitem__(self, column: str) -> Any:
        if column not in self.lists:
            self.lists[column] = self.df[column].tolist()
        return self.lists[column][self.pos]


def none_if_missing(value: Any) -> Any:
    """NaN / pandas NA / empty string -> None."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    return value


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return none_if_missing(value) if isinstance(value, float | str) or value is None or value is pd.NA else value


def _defuse(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
