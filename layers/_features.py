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


def summary_html(row: Any) -> str:
    """A short, escaped HTML summary of one aggregated place (for tooltips and popups)."""
    name = escape_text(_value(row, "name", _value(row, "place_id", "")))
    parts = [f"<b>{name}</b>"]
    name_ar = _value(row, "name_ar")
    if name_ar and is_rtl(str(name_ar)):
        parts.append(f'<span dir="rtl" lang="ar">{escape_text(name_ar)}</span>')
    qualifier = _value(row, "qualifier")
    if qualifier:
        parts.append(f"<i>({escape_text(qualifier)})</i>")
    kind = escape_text(str(_value(row, "type", "")).replace("_", " "))
    threats, mentions = _count(row, "threats"), _count(row, "mentions")
    first, last = _value(row, "first_date"), _value(row, "last_date")
    span = escape_text(first or "")
    if first and last and first != last:
        span = f"{escape_text(first)} – {escape_text(last)}"
    details = f"{kind} · {_plural(threats, 'threat report')} / {_plural(mentions, 'mention')}"
    if span:
        details += f" · {span}"
    return " ".join(parts) + f"<br>{details}<br><small>click for the passages</small>"


def features(rows: Iterable[Any], *, points: bool) -> list[dict[str, Any]]:
    """GeoJSON features (points, or everything else) with only escaped, short properties.

    Areas come largest first so that smaller areas are drawn on top and stay clickable.
    """
    out: list[tuple[float, dict[str, Any]]] = []
    for row in rows:
        geom = _value(row, "geometry")
        if geom is None or geom.is_empty:
            continue
        is_point = geom.geom_type in ("Point", "MultiPoint")
        if is_point != points:
            continue
        if is_point and geom.geom_type == "MultiPoint":
            geom = geom.centroid
        snapped = shapely.set_precision(geom, COORD_GRID) if not is_point else geom
        if snapped.is_empty:
            snapped = geom
        coords = json.loads(shapely.to_geojson(snapped, indent=None))
        if is_point:
            coords["coordinates"] = [round(c, 4) for c in coords["coordinates"]]
        props = {
            "place_id": escape_text(_value(row, "place_id", "")),
            "qualifier": escape_text(_value(row, "qualifier", "")),
            "threats": _count(row, "threats"),
            "mentions": _count(row, "mentions"),
            "summary": summary_html(row),
        }
        out.append((geom.area, {"type": "Feature", "id": len(out), "geometry": coords, "properties": props}))
    out.sort(key=lambda item: -item[0])
    for index, (_, feature) in enumerate(out):
        feature["id"] = index
    return [feature for _, feature in out]


def kind_group(
    rows: Iterable[Any],
    *,
    name: str,
    style: Callable[[dict[str, Any]], dict[str, Any]],
    radius: int,
    show: bool = True,
) -> folium.FeatureGroup:
    """One toggleable group: one GeoJson layer of areas and one of points (CircleMarkers), both styled by ``style``."""
    rows = list(rows)
    group = folium.FeatureGroup(name=name, show=show)
    tooltip_fields = ["summary"]
    for points in (False, True):
        feats = features(rows, points=points)
        if not feats:
            continue
        marker = None
        if points:
            marker = folium.CircleMarker(radius=radius)
            marker.options.update(pane=POINTS_PANE, fill=True)  # folium's default fill=False: only the rim clicks
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            style_function=style,
            marker=marker,
            tooltip=folium.GeoJsonTooltip(fields=tooltip_fields, labels=False, sticky=True),
            popup=folium.GeoJsonPopup(fields=tooltip_fields, labels=False),
            control=False,
        ).add_to(group)
    return group
