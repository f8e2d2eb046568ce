"""Areas derived from spatial qualifiers ("north of Diyala", "near Hamrin"), dashed to show they are approximate."""

from __future__ import annotations

from typing import Any

import folium

from layers.features import kind_group, qualifier_of, records

NAME = "Qualified areas (near / north of …)"
THREAT_STROKE = "#d95f0e"
OTHER_STROKE = "#636363"
DASH = "6 6"
FILL_OPACITY = 0.08
RADIUS = 6


def _style(feature: dict[str, Any]) -> dict[str, Any]:
    color = THREAT_STROKE if int(feature["properties"].get("threats", 0)) else OTHER_STROKE
    return {"color": color, "weight": 2, "dashArray": DASH, "fillColor": color, "fillOpacity": FILL_OPACITY}


def qualified_areas(agg: Any) -> folium.FeatureGroup:
    """Rows of ``agg`` with a qualifier, drawn with their qualified geometry."""
    rows = [row for row in records(agg) if qualifier_of(row)]
    return kind_group(rows, name=NAME, style=_style, radius=RADIUS)
