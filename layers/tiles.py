"""Optional online OpenStreetMap tiles: an overlay that is off by default, never needed for the map to work."""

from __future__ import annotations

import folium

NAME = "OpenStreetMap tiles (online)"
URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


def osm_tiles() -> folium.TileLayer:
    """An OSM tile overlay, hidden until the user ticks it in the layer control (requests only then)."""
    return folium.TileLayer(tiles=URL, attr=ATTRIBUTION, name=NAME, overlay=True, show=False, max_zoom=18, opacity=0.7)
