"""Turn aggregated places (one row per place and qualifier) into GeoJSON features with escaped properties."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from typing import Any

import folium
import shapely

from layers.escape import escape_text, is_rtl

COORD_GRID = 0.0001
"""Coordinates are snapped to ~10 m: enough for sketches of ±10 km, and it keeps the payload small."""
POINTS_PANE = "places_points"
"""Custom pane above the areas, so towns stay clickable over large polygons."""


def _value(row: Any, column: str, default: Any = None) -> Any:
    value = row.get(column, default) if hasattr(row, "get") else getattr(row, column, default)
    if value is None:
        return default
    if isinstance(value, float) and math.isnan(value):
        return default
    return value


def value_of(row: Any, column: str, default: Any = None) -> Any:
    """``row[column]`` (a dict or a namedtuple), or ``default`` when missing, None or NaN."""
    return _value(row, column, default)


def label_point(row: Any) -> tuple[float, float] | None:
    """(lon, lat) where the row's label goes: its precomputed ``label_lon``/``label_lat``, else a point inside its
    geometry (the point itself for a town); None without a geometry."""
    lon, lat = _value(row, "label_lon"), _value(row, "label_lat")
    if lon is not None and lat is not None:
        return float(lon), float(lat)
    geom = _value(row, "geometry")
    if geom is None or geom.is_empty:
        return None
    point = geom.representative_point() if geom.geom_type != "MultiPoint" else geom.centroid
    return point.x, point.y


def _count(row: Any, column: str) -> int:
    value = _value(row, column, 0)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def qualifier_of(row: Any) -> str:
    """The row's qualifier, or "" when it has none (None, NaN and "" all count as none)."""
    return str(_value(row, "qualifier", "") or "")


def threats_of(row: Any) -> int:
    """The row's number of threat mentions (0 when missing)."""
    return _count(row, "threats")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_props(row: Any) -> dict[str, Any]:
    """The escaped properties the hover summary is built from in the browser (``layers.tooltip.SUMMARY_JS``):
    name, Arabic name (when it is Arabic), type, first and last date."""
    name_ar = _value(row, "name_ar")
    first, last = _value(row, "first_date"), _value(row, "last_date")
    props = {"name": escape_text(_value(row, "name", _value(row, "place_id", ""))),
             "kind": escape_text(str(_value(row, "type", "")).replace("_", " "))}
    if name_ar and is_rtl(str(name_ar)):
        props["name_ar"] = escape_text(name_ar)
    if first:
        props["first"] = escape_text(first)
    if last and last != first:
        props["last"] = escape_text(last)
    return props


def geometry_json(geom: Any) -> dict[str, Any] | None:
    """The GeoJSON geometry drawn for ``geom``: snapped to :data:`COORD_GRID`; a MultiPoint becomes its centroid.

    Callers may precompute it once per place into a ``geojson`` column (and ``area``) to skip this per render.
    """
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "MultiPoint":
        geom = geom.centroid
    if geom.geom_type == "Point":
        return {"type": "Point", "coordinates": [round(geom.x, 4), round(geom.y, 4)]}
    snapped = shapely.set_precision(geom, COORD_GRID)
    return json.loads(shapely.to_geojson(geom if snapped.is_empty else snapped))


def records(agg: Any) -> list[dict[str, Any]]:
    """The rows of ``agg`` (a DataFrame, or already a list of dicts) as dicts of native values, without the
    ``mention_list`` column, and without ``geometry`` when a precomputed ``geojson`` column is present."""
    if isinstance(agg, list):
        return agg
    columns = [c for c in agg.columns if c != "mention_list" and (c != "geometry" or "geojson" not in agg.columns)]
    values = [agg[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


OUTLINE_ONLY_PRECISION = 6
"""Countries (UCDP precision 6) are never filled when shown: a filled country would dominate the whole map."""


def fill_opacity(feature: dict[str, Any], default: float) -> float:
    """The layer's one fill opacity (the same for every area, whatever its size or precision, so that colour and
    legend agree), except 0 for a country, drawn as an outline only."""
    return 0.0 if int(feature["properties"].get("precision", 0)) >= OUTLINE_ONLY_PRECISION else default


def features(rows: Iterable[Any], *, points: bool) -> list[dict[str, Any]]:
    """GeoJSON features (points, or everything else) with only escaped, short properties.

    Areas come largest first so that smaller areas are drawn on top and stay clickable. Uses the row's
    ``geojson`` and ``area`` when present (see :func:`geometry_json`), else its ``geometry``.
    """
    out: list[tuple[float, dict[str, Any]]] = []
    for row in rows:
        geometry = _value(row, "geojson")
        area = _value(row, "area")
        if geometry is None or area is None:
            geom = _value(row, "geometry")
            geometry = geometry_json(geom)
            area = geom.area if geometry is not None else 0.0
        if geometry is None or (geometry["type"] == "Point") != points:
            continue
        props = {
            "place_id": escape_text(_value(row, "place_id", "")),
            "qualifier": escape_text(_value(row, "qualifier", "")),
            "threats": _count(row, "threats"),
            "mentions": _count(row, "mentions"),
            "precision": _count(row, "precision"),
            # qualified, located from context (issue 10: no gazetteer id, or resolved_by "context"): approximate
            "uncertain": 1 if qualifier_of(row) or _value(row, "uncertain", False) or not _value(row, "place_id")
            else 0,
            **summary_props(row),
        }
        out.append((float(area), {"type": "Feature", "id": len(out), "geometry": geometry, "properties": props}))
    out.sort(key=lambda item: -item[0])
    for index, (_, feature) in enumerate(out):
        feature["id"] = index
    return [feature for _, feature in out]


class BoundedGeoJson(folium.GeoJson):
    """``folium.GeoJson`` whose bounds come from the collection's RFC 7946 ``bbox`` member when it has one.

    folium computes a layer's bounds by walking every coordinate in Python (streamlit-folium asks for the map's
    bounds on every run): ~0.1 s per map here. The ``bbox`` is computed once, with the geometries.
    """

    def _get_self_bounds(self) -> list[list[float | None]]:
        bbox = self.data.get("bbox") if isinstance(self.data, dict) else None
        if bbox:
            return [[bbox[1], bbox[0]], [bbox[3], bbox[2]]]
        return super()._get_self_bounds()


def _bbox(rows: list[Any]) -> list[float] | None:
    """The union of the rows' precomputed ``bbox`` [min_lon, min_lat, max_lon, max_lat], or None if one lacks it."""
    boxes = [_value(row, "bbox") for row in rows if _value(row, "geojson") is not None]
    if not boxes or any(b is None for b in boxes):
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


UNCERTAIN_DASH = "5 5"
"""Dash pattern of uncertain geometries (qualified areas, places located from their context)."""


def dashed_if_uncertain(feature: dict[str, Any], style: dict[str, Any]) -> dict[str, Any]:
    """``style`` with a dashed outline when the feature's geometry is uncertain."""
    return {**style, "dashArray": UNCERTAIN_DASH} if feature["properties"].get("uncertain") else style


def kind_group(
    rows: Iterable[Any],
    *,
    name: str,
    style: Callable[[dict[str, Any]], dict[str, Any]],
    radius: int,
    show: bool = True,
    cluster: bool = False,
) -> folium.FeatureGroup:
    """One toggleable group: ONE GeoJson layer of areas (largest first) and one of points (CircleMarkers).

    The points go to their own pane above the areas; with ``cluster`` they are grouped by Leaflet.markercluster
    until zoom :data:`layers.cluster.UNCLUSTER_ZOOM`. Hovering shows the escaped summary as a tooltip; a click
    selects the feature (the passages panel shows the rest), so there is no popup to cover the map.
    """
    from layers.cluster import point_cluster
    from layers.tooltip import SummaryTooltip

    rows = list(rows)
    group = folium.FeatureGroup(name=name, show=show)
    for points in (False, True):
        feats = features(rows, points=points)
        if not feats:
            continue
        collection: dict[str, Any] = {"type": "FeatureCollection", "features": feats}
        bbox = _bbox([r for r in rows if (_value(r, "geojson") or {}).get("type") == "Point"] if points else
                     [r for r in rows if (_value(r, "geojson") or {}).get("type", "Point") != "Point"])
        if bbox is not None:
            collection["bbox"] = bbox
        marker = folium.CircleMarker(radius=radius)
        marker.options.update(pane=POINTS_PANE, fill=True)  # folium's default fill=False: only the rim would click
        layer = BoundedGeoJson(collection, style_function=style, marker=marker, control=False)
        SummaryTooltip().add_to(layer)
        layer.add_to(point_cluster().add_to(group) if points and cluster else group)
    return group
