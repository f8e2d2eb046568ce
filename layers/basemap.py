"""Offline vector basemap: countries, lakes and rivers from ``geodata/`` as non-interactive GeoJson layers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
import numpy as np
import shapely
import shapely.errors
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import box

from layers.features import BoundedGeoJson

NAME = "Basemap (countries, rivers, lakes)"
REGION_BBOX = (30.0, 26.0, 54.0, 41.5)
"""(min_lon, min_lat, max_lon, max_lat): Iraq, Syria and their neighbours; everything else is clipped away."""
SIMPLIFY = 0.005
"""Degrees (~500 m): the basemap is context, not data."""
GRID = 0.001
FILES: Mapping[str, tuple[str, ...]] = {
    "countries": ("countries.geojson", "countries*.geojson", "*countr*.geojson"),
    "governorates": ("governorates.geojson", "admin1*.geojson", "*governorate*.geojson"),
    "rivers": ("rivers.geojson", "*river*.geojson"),
    "lakes": ("lakes.geojson", "*lake*.geojson"),
}
"""File name patterns of each basemap kind in ``geodata/`` (first match wins)."""
STYLES: Mapping[str, dict[str, Any]] = {
    "countries": {"color": "#8c8c8c", "weight": 1, "fillColor": "#f4f1ea", "fillOpacity": 1.0},
    "governorates": {"color": "#a6a6a6", "weight": 0.6, "fill": False},
    "rivers": {"color": "#6baed6", "weight": 1.4, "fill": False},
    "lakes": {"color": "#6baed6", "weight": 0.8, "fillColor": "#c6dbef", "fillOpacity": 1.0},
}
BACKGROUND = "#dfe9f2"
"""Map background (sea and everything outside the countries)."""


def _find(geodata_dir: Path, patterns: tuple[str, ...]) -> Path | None:
    for pattern in patterns:
        matches = sorted(geodata_dir.glob(pattern))
        if matches:
            return matches[0]
    return None


def _geometries(text: str) -> Any:
    """The geometries of a GeoJSON document (a FeatureCollection, a Feature or a geometry) as an array, read by
    GEOS in one call; features without a geometry are left out."""
    try:
        whole = shapely.from_geojson(text)  # a FeatureCollection is read as one GeometryCollection of its features
    except shapely.errors.GEOSException:  # GEOS refuses a null geometry: drop those features, read the rest
        data = json.loads(text)
        items = data.get("features", []) if data.get("type") == "FeatureCollection" else [data]
        geometries = [item.get("geometry") if item.get("type") == "Feature" else item for item in items]
        return shapely.from_geojson([json.dumps(g) for g in geometries if g])
    if whole.geom_type == "GeometryCollection" and '"FeatureCollection"' in text:
        return shapely.get_parts(whole)
    return np.array([whole])


def _simplified(path: Path, bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    """The file's geometries clipped to ``bbox``, simplified and snapped, as a FeatureCollection without properties
    (with its RFC 7946 ``bbox`` when it has any feature); every step is one vectorised GEOS call."""
    geoms = _geometries(path.read_text(encoding="utf-8"))
    region = box(*bbox)
    geoms = shapely.intersection(geoms[shapely.intersects(geoms, region)], region)
    geoms = shapely.set_precision(shapely.simplify(geoms, SIMPLIFY, preserve_topology=True), GRID)
    geoms = geoms[~shapely.is_empty(geoms)]
    features = ",".join(f'{{"type":"Feature","properties":{{}},"geometry":{g}}}' for g in shapely.to_geojson(geoms))
    collection: dict[str, Any] = json.loads(f'{{"type":"FeatureCollection","features":[{features}]}}')
    if len(geoms):  # RFC 7946 bbox: folium then skips walking every coordinate per map
        collection["bbox"] = [float(v) for v in shapely.total_bounds(geoms)]
    return collection


def load_basemap(
    geodata_dir: Path | str, *, bbox: tuple[float, float, float, float] = REGION_BBOX
) -> dict[str, dict[str, Any]]:
    """Read, clip and simplify each basemap kind found in ``geodata_dir``; missing kinds are left out.

    Returns
    -------
    dict
        ``{kind: FeatureCollection}`` for the kinds of :data:`FILES` that have a file.
    """
    geodata_dir = Path(geodata_dir)
    layers: dict[str, dict[str, Any]] = {}
    for kind, patterns in FILES.items():
        path = _find(geodata_dir, patterns)
        if path is not None:
            layers[kind] = _simplified(path, bbox)
            if kind == "governorates":
                layers[NAMES] = _names(path, bbox)
    return layers


NAMES = "governorate_names"
"""Key of the governorates' names in :func:`load_basemap`'s result: points with ``name_en`` and ``name_ar`` (for the
labels, escaped there; the outlines themselves carry no properties)."""


def _names(path: Path, bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    named = [(item.get("properties") or {}, item["geometry"]) for item in data.get("features", [])
             if item.get("geometry") and (item.get("properties") or {}).get("name_en")]
    points = shapely.point_on_surface(shapely.from_geojson([json.dumps(g) for _, g in named]))
    inside = shapely.contains_xy(box(*bbox), shapely.get_x(points), shapely.get_y(points))
    out = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(x), 4), round(float(y), 4)]},
            "properties": {"name_en": str(props["name_en"]), "name_ar": str(props.get("name_ar") or "")}}
           for (props, _), x, y, keep in zip(named, shapely.get_x(points), shapely.get_y(points), inside, strict=True)
           if keep]
    return {"type": "FeatureCollection", "features": out}


def _geojson(data: dict[str, Any], style: dict[str, Any], name: str) -> folium.GeoJson:
    return BoundedGeoJson(
        data, name=name, style_function=lambda _f, s=style: s, interactive=False, control=False, embed=True
    )


class Background(MacroElement):
    """Sets the map container's background colour (the sea and everything outside the basemap), no focus box, and
    installs ``extra_css``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().style.background = {{ this.color|tojson }};
        (function() {  // Chromium draws the focus box of a clicked SVG path as a black rectangle
            var css = document.createElement("style");
            css.textContent = ".leaflet-interactive:focus { outline: none; }" + {{ this.extra_css|tojson }};
            document.head.appendChild(css);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, color: str = BACKGROUND, *, extra_css: str = "") -> None:
        super().__init__()
        self._name = "Background"
        self.color = color
        self.extra_css = extra_css


def basemap(layers: Mapping[str, dict[str, Any]]) -> folium.FeatureGroup:
    """The countries, lakes and rivers of :func:`load_basemap` in one group (governorates are their own layer)."""
    group = folium.FeatureGroup(name=NAME, show=True)
    for kind in ("countries", "lakes", "rivers"):
        if kind in layers and layers[kind]["features"]:
            _geojson(layers[kind], STYLES[kind], kind).add_to(group)
    return group
