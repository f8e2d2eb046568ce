"""Folium layers of the app, one small function per file; :func:`build_map` stacks them in order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium

from layers.basemap import Background, basemap
from layers.features import POINTS_PANE
from layers.governorates import governorate_outlines
from layers.legend import Legend
from layers.offline import offline_map
from layers.other_places import other_places
from layers.qualified_areas import qualified_areas
from layers.stacking import SmallAreasOnTop
from layers.threat_areas import threat_areas
from layers.tiles import osm_tiles

CENTER = (34.8, 41.5)
"""Between Iraq and Syria."""
ZOOM = 6

__all__ = ["CENTER", "ZOOM", "build_map"]


def build_map(
    agg: Any,
    basemap_layers: Mapping[str, dict[str, Any]],
    *,
    center: tuple[float, float] = CENTER,
    zoom: int = ZOOM,
) -> folium.Map:
    """The whole map: basemap, governorate outlines, the three data layers, the legend and the layer control.

    Parameters
    ----------
    agg
        GeoDataFrame from ``threatmap.export.aggregate_places`` (one row per place and qualifier).
    basemap_layers
        From :func:`layers.basemap.load_basemap`.
    center, zoom
        Initial view; pass the same values to ``st_folium`` so reruns do not move the map.
    """
    m = offline_map(center, zoom, prefer_canvas=False, control_scale=True)
    Background().add_to(m)
    folium.map.CustomPane(POINTS_PANE, z_index=450).add_to(m)
    osm_tiles().add_to(m)
    basemap(basemap_layers).add_to(m)
    governorate_outlines(basemap_layers).add_to(m)
    qualified_areas(agg).add_to(m)
    other_places(agg).add_to(m)
    threat_areas(agg).add_to(m)
    SmallAreasOnTop().add_to(m)
    Legend().add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m
