"""The map component: a static base map sent once, the selection's layers beside it, the view kept and shared.

``streamlit_folium.st_folium`` renders and re-serialises the whole folium map on every run and remounts the map
(back to the default view) whenever its script changes. Here the base map never changes, so the browser keeps it
— with the user's zoom and centre — and only swaps the data layers; the strings sent are built once per base
map and once per selection (cached), not per run. This module calls the same private helpers of
``streamlit_folium`` as ``st_folium`` does (pinned to 0.27.4 in requirements.txt).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

import streamlit as st
import streamlit_folium as sf

from layers import CENTER, ZOOM, base_map
from layers.offline import offline_map

HEIGHT = 640
RETURNED = ["last_active_drawing", "last_clicked", "zoom", "center"]
ZOOM_RANGE = (3, 18)
NEAR = 0.02
"""Degrees: a view this close to the default one is the default one."""


@st.cache_resource(show_spinner=False, max_entries=4)
def _base_parts(_basemap: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """Script, header, html and asset links of the base map (it does not depend on the filters)."""
    m = base_map(_basemap)
    m.get_root().render()
    html, header = sf._get_html(m), sf._get_header(m)  # noqa: SLF001 - what st_folium itself sends
    script = sf._get_map_string(m)  # noqa: SLF001
    js = [src for el in _walk(m) for _, src in getattr(el, "default_js", [])]
    css = [href for el in _walk(m) for _, href in getattr(el, "default_css", [])]
    return {"script": script, "header": header, "html": html, "id": sf.get_full_id(m),
            "js_links": list(dict.fromkeys(js)), "css_links": list(dict.fromkeys(css)),
            "key": sf.generate_js_hash(script, "map", False)}


def _walk(element: Any) -> Any:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def layers_script(groups: list[Any]) -> str:
    """The JavaScript that adds ``groups`` (folium FeatureGroups) to the component's map."""
    host = offline_map(CENTER, ZOOM)
    return "".join(sf._get_feature_group_string(group, map=host, idx=i)  # noqa: SLF001 - as st_folium does
                   for i, group in enumerate(groups))


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_layers_script(_build: Callable[[], list[Any]], key: Hashable) -> str:
    """:func:`layers_script` of ``_build()``, once per ``key`` (the selection and drawing options)."""
    return layers_script(_build())


def _number(value: Any, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def initial_view() -> tuple[tuple[float, float], int]:
    """The view to open with: the last one of this session, else the URL's ``lat``/``lon``/``z``, else the default."""
    if "view" not in st.session_state:
        params = st.query_params
        lat, lon = _number(params.get("lat"), -90, 90), _number(params.get("lon"), -180, 180)
        zoom = _number(params.get("z"), *ZOOM_RANGE)
        st.session_state["view"] = ((lat, lon) if lat is not None and lon is not None else CENTER,
                                    int(zoom) if zoom is not None else ZOOM)
    return st.session_state["view"]


def request_view(center: tuple[float, float], zoom: int) -> None:
    """Move the map to ``center``/``zoom`` on this or the next run (e.g. a report's places)."""
    st.session_state["view_request"] = (round(center[0], 4), round(center[1], 4), int(zoom))
    st.session_state["view"] = ((round(center[0], 4), round(center[1], 4)), int(zoom))


def view_for_bbox(bbox: tuple[float, float, float, float]) -> tuple[tuple[float, float], int]:
    """A centre and zoom showing ``bbox`` (min_lon, min_lat, max_lon, max_lat) in a map about 900 px wide."""
    import math

    west, south, east, north = bbox
    span = max(east - west, (north - south) * 1.3, 0.02)
    zoom = int(max(ZOOM_RANGE[0], min(12, math.floor(math.log2(360 * 900 / 256 / span)) - 1)))
    return ((south + north) / 2, (west + east) / 2), zoom


def returned(basemap: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """What the map component reported last (a click, the view), before it is drawn in this run."""
    return st.session_state.get(_base_parts(basemap)["key"]) or {}


def show(basemap: Mapping[str, dict[str, Any]], script: str) -> dict[str, Any]:
    """Draw the map (base map + the layers ``script``) and return what the user did (click, zoom, centre)."""
    base = _base_parts(basemap)
    # The frontend moves the map only when the centre/zoom it receives differ from the last ones it got: send the
    # same command until the app wants the map elsewhere (a report's places), or a new base map opens fresh.
    request = st.session_state.pop("view_request", None)
    if request:
        st.session_state["view_command"] = ((request[0], request[1]), request[2])
    elif "view_command" not in st.session_state or st.session_state.get("view_base") != base["key"]:
        st.session_state["view_command"] = initial_view()
    st.session_state["view_base"] = base["key"]
    center, zoom = st.session_state["view_command"]
    returned = sf._component_func(  # noqa: SLF001 - st_folium's own call, with the strings built once
        script=base["script"], header=base["header"], html=base["html"], id=base["id"], key=base["key"],
        height=HEIGHT, width=None, returned_objects=RETURNED,
        default={"last_active_drawing": None, "last_clicked": None, "zoom": zoom,
                 "center": {"lat": center[0], "lng": center[1]}},
        zoom=zoom, center=list(center), feature_group=script, return_on_hover=False, layer_control=None,
        pixelated=False, css_links=base["css_links"], js_links=base["js_links"], wrap_longitude=False,
    ) or {}
    _remember_view(returned)
    return returned


def _remember_view(returned: Mapping[str, Any]) -> None:
    got = returned.get("center") or {}
    lat, lon = _number(got.get("lat"), -90, 90), _number(got.get("lng"), -180, 180)
    zoom = _number(returned.get("zoom"), 0, 20)
    if lat is not None and lon is not None and zoom is not None:
        st.session_state["view"] = ((round(lat, 4), round(lon, 4)), int(zoom))


def view_params() -> dict[str, str]:
    """The current view as URL parameters (empty for the default view)."""
    (lat, lon), zoom = initial_view()
    if zoom == ZOOM and abs(lat - CENTER[0]) < NEAR and abs(lon - CENTER[1]) < NEAR:
        return {}  # the default view (the map reports it back with a few pixels' rounding)
    return {"lat": f"{lat:.4f}", "lon": f"{lon:.4f}", "z": str(zoom)}
