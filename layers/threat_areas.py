"""Places with threat mentions, shaded by the number of threat reports in the filtered window."""

from __future__ import annotations

from typing import Any

import folium

from layers.features import dashed_if_uncertain, fill_opacity, kind_group, qualifier_of, records, threats_of

NAME = "Threat areas"
BINS: tuple[tuple[int, int | None, str], ...] = (
    (1, 1, "#fdbb84"),
    (2, 3, "#fc8d59"),
    (4, 9, "#e34a33"),
    (10, None, "#b30000"),
)
"""(lowest, highest or None, fill colour) — fixed bins so the legend and colours stay stable between filters."""
STROKE = "#7f0000"
FILL_OPACITY = 0.45
RADIUS = 7


def threat_color(threats: int) -> str:
    """The fill colour of a place with ``threats`` threat reports (the lowest bin for 0)."""
    for low, high, color in BINS:
        if threats >= low and (high is None or threats <= high):
            return color
    return BINS[0][2]


def style(feature: dict[str, Any]) -> dict[str, Any]:
    color = threat_color(int(feature["properties"].get("threats", 0)))
    return dashed_if_uncertain(feature, {"color": STROKE, "weight": 1.5, "fillColor": color,
                                         "fillOpacity": fill_opacity(feature, FILL_OPACITY), "opacity": 0.9})


def threat_areas(agg: Any, *, cluster: bool = True) -> folium.FeatureGroup:
    """Unqualified places with at least one threat mention (``agg`` from ``threatmap.export.aggregate_places``)."""
    rows = [row for row in records(agg) if not qualifier_of(row) and threats_of(row) > 0]
    return kind_group(rows, name=NAME, style=style, radius=RADIUS, cluster=cluster)
