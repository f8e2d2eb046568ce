"""Areas derived from spatial qualifiers ("north of Diyala", "near Hamrin"): the legend's colours, lighter, dashed."""

from __future__ import annotations

from typing import Any

import folium

from layers.features import fill_opacity, kind_group, qualifier_of, records
from layers.threat_areas import threat_color

NAME = "Qualified areas (near / north of …)"
THREAT_STROKE = "#d95f0e"
OTHER_STROKE = "#636363"
DASH = "6 6"
FILL_OPACITY = 0.3
"""Lighter than the threat areas' fill (the part of an area a qualifier describes is approximate)."""
RADIUS = 6


def style(feature: dict[str, Any]) -> dict[str, Any]:
    threats = int(feature["properties"].get("threats", 0))
    color = THREAT_STROKE if threats else OTHER_STROKE
    fill = threat_color(threats) if threats else OTHER_STROKE
    return {"color": color, "weight": 1.5, "dashArray": DASH, "fillColor": fill,
            "fillOpacity": fill_opacity(feature, FILL_OPACITY)}


def qualified_areas(agg: Any) -> folium.FeatureGroup:
    """Rows of ``agg`` with a qualifier, drawn with their qualified geometry."""
    rows = [row for row in records(agg) if qualifier_of(row)]
    return kind_group(rows, name=NAME, style=style, radius=RADIUS)
