"""Mentioned places without threat mentions in the filtered window, drawn neutral."""

from __future__ import annotations

from typing import Any

import folium

from layers.features import dashed_if_uncertain, fill_opacity, kind_group, qualifier_of, records, threats_of

NAME = "Other mentioned places"
STROKE = "#4d4d4d"
FILL = "#9e9e9e"
FILL_OPACITY = 0.25
RADIUS = 5


def style(feature: dict[str, Any]) -> dict[str, Any]:
    return dashed_if_uncertain(feature, {"color": STROKE, "weight": 1, "fillColor": FILL,
                                         "fillOpacity": fill_opacity(feature, FILL_OPACITY), "opacity": 0.8})


def other_places(agg: Any, *, cluster: bool = True) -> folium.FeatureGroup:
    """Unqualified places with no threat mention (``agg`` from ``threatmap.export.aggregate_places``)."""
    rows = [row for row in records(agg) if not qualifier_of(row) and not threats_of(row)]
    return kind_group(rows, name=NAME, style=style, radius=RADIUS, cluster=cluster)
