"""Governorate (admin-1) outlines, a toggleable non-interactive reference layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium

from layers.features import BoundedGeoJson

NAME = "Governorate outlines"
STYLE: dict[str, Any] = {"color": "#7a7a7a", "weight": 1, "dashArray": "2 3", "fill": False}


def governorate_outlines(layers: Mapping[str, dict[str, Any]]) -> folium.FeatureGroup:
    """Outlines of the governorates in ``layers`` (from :func:`layers.basemap.load_basemap`), if any."""
    group = folium.FeatureGroup(name=NAME, show=True)
    data = layers.get("governorates")
    if data and data["features"]:
        BoundedGeoJson(
            data, name="governorates", style_function=lambda _f: STYLE, interactive=False, control=False
        ).add_to(group)
    return group
