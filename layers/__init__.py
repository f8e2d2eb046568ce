"""Folium layers of the app, one small function per file.

The map has two parts: :func:`base_map` never depends on the filters (so the browser keeps it, with the user's
zoom and centre, across filter changes), and :func:`data_layers` are the groups drawn on it for a selection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import folium

from layers import cluster
from layers.basemap import Background, basemap
from layers.features import POINTS_PANE, records
from layers.governorates import governorate_outlines
from layers.hatching import Hatching
from layers.highlight import highlight
from layers.labels import Labels, ZoomClass, governorate_labels, place_labels
from layers.legend import Legend
from layers.offline import offline_map
from layers.other_places import other_places
from layers.qualified_areas import qualified_areas
from layers.stacking import SmallAreasOnTop
from layers.threat_areas import threat_areas
from layers.tiles import osm_tiles
from layers.tooltip import TooltipFunction

CENTER = (34.8, 41.5)
"""Between Iraq and Syria."""
ZOOM = 6
LABEL_LANGS = ("en", "ar")

__all__ = ["CENTER", "LABEL_LANGS", "ZOOM", "base_map", "build_map", "data_layers"]


def base_map(
    basemap_layers: Mapping[str, dict[str, Any]],
    *,
    center: tuple[float, float] = CENTER,
    zoom: int = ZOOM,
) -> folium.Map:
    """Everything that depends neither on the selection nor on the options: basemap, outlines, legend, controls.

    Parameters
    ----------
    basemap_layers
        From :func:`layers.basemap.load_basemap`.
    center, zoom
        Initial view.
    """
    m = offline_map(center, zoom, prefer_canvas=False, control_scale=True)
    Background(extra_css=cluster.CSS).add_to(m)
    ZoomClass().add_to(m)
    Hatching().add_to(m)
    TooltipFunction().add_to(m)
    folium.map.CustomPane(POINTS_PANE, z_index=450).add_to(m)
    osm_tiles().add_to(m)
    basemap(basemap_layers).add_to(m)
    governorate_outlines(basemap_layers).add_to(m)
    Legend().add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def data_layers(
    agg: Any,
    *,
    lang: str = "en",
    selected: Iterable[Any] = (),
    cluster_towns: bool = True,
    basemap_layers: Mapping[str, dict[str, Any]] | None = None,
) -> list[folium.FeatureGroup]:
    """The selection's groups: qualified areas, other places, threat areas, the labels and the highlight.

    Parameters
    ----------
    agg
        One row per place and qualifier to draw (``ui.data.aggregate``, already limited to what is shown).
    lang
        Language of the labels ("en" or "ar").
    selected
        Rows of ``agg`` to outline as the selected feature.
    cluster_towns
        Group nearby towns into clusters until a town zoom.
    basemap_layers
        From :func:`layers.basemap.load_basemap`: the governorates' names are labelled too (in ``lang``; here, not
        in the base map, so that switching the language does not reload the map).
    """
    rows = records(agg)
    groups = [qualified_areas(rows), other_places(rows, cluster=cluster_towns),
              threat_areas(rows, cluster=cluster_towns)]
    names = folium.FeatureGroup(name="Labels", control=False)
    labels = governorate_labels(basemap_layers or {}, lang=lang)
    Labels(labels + place_labels([r for r in rows if not r.get("qualifier")], lang=lang)).add_to(names)
    groups.append(names)
    top = highlight(selected)
    SmallAreasOnTop().add_to(top)  # its script runs after every data layer is on the map
    groups.append(top)
    return groups


def build_map(
    agg: Any,
    basemap_layers: Mapping[str, dict[str, Any]],
    *,
    center: tuple[float, float] = CENTER,
    zoom: int = ZOOM,
    lang: str = "en",
    selected: Iterable[Any] = (),
) -> folium.Map:
    """The whole map in one folium object (the exports' and the tests' view; the app sends the parts apart)."""
    m = base_map(basemap_layers, center=center, zoom=zoom)
    for group in data_layers(agg, lang=lang, selected=selected, basemap_layers=basemap_layers):
        group.add_to(m)
    return m
