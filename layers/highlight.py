"""The selected feature, outlined on top of everything (not clickable: clicks reach the feature itself)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import folium

from layers.features import POINTS_PANE, features

NAME = "Selected place"
COLOR = "#1f78b4"
WEIGHT = 4
RADIUS = 13


def _style(_feature: dict[str, Any]) -> dict[str, Any]:
    return {"color": COLOR, "weight": WEIGHT, "fill": False, "opacity": 1.0}


def highlight(rows: Iterable[Any]) -> folium.FeatureGroup:
    """An outline around each row (the selected place and qualifier; none when nothing is selected)."""
    rows = list(rows)
    group = folium.FeatureGroup(name=NAME, control=False)
    feats = features(rows, points=False) + features(rows, points=True)
    if feats:
        marker = folium.CircleMarker(radius=RADIUS)
        marker.options.update(pane=POINTS_PANE, fill=False, interactive=False)
        folium.GeoJson({"type": "FeatureCollection", "features": feats}, style_function=_style, marker=marker,
                       interactive=False, control=False).add_to(group)
    return group
