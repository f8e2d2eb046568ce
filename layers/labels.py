"""Offline place-name labels (towns, ranges, deserts, governorates), each shown from a zoom that suits its kind."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from layers.escape import escape_text, is_rtl
from layers.features import label_point, value_of

MIN_ZOOM: Mapping[str, int] = {
    "country": 4, "governorate": 6, "region": 6, "desert": 6, "mountain_range": 6, "plain": 7, "valley": 7,
    "river": 7, "lake": 7, "district": 8, "city": 7, "subdistrict": 9, "town": 9, "camp": 10, "village": 10,
}
"""Lowest zoom at which a kind of place is labelled (zoom 6 shows Iraq and Syria whole)."""
BASEMAP_ZOOM = 7
"""Governorate names of the basemap (context, not data) appear from this zoom."""
GOVERNORATE_PREFIX_AR = "محافظة "
"""Dropped from the Arabic governorate names on the map ("محافظة الأنبار" -> "الأنبار"), as the English ones say
"Al Anbar", not "Al Anbar Governorate"."""
THREAT_ZOOM_BONUS = 1
"""Places with threat reports are labelled one zoom level earlier."""
MAX_ZOOM = 18
LABELS_PANE = "place_labels"
CSS = (
    ".tm-label{background:none;border:none;font:600 11px/1.1 sans-serif;color:#222;white-space:nowrap;"
    "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none;transform:translate(-50%,-50%);"
    "width:auto!important;height:auto!important}"
    ".tm-label.area{font-weight:400;font-style:italic;color:#4a3b2a;letter-spacing:.04em}"
    ".tm-label.basemap{font-weight:400;color:#707070;font-size:10px;text-transform:uppercase}"
    ".tm-label.threat{color:#7f0000}"
)
AREA_TYPES = frozenset({"governorate", "region", "desert", "mountain_range", "plain", "valley", "river", "lake",
                        "district", "subdistrict", "country"})


def min_zoom(kind: str, *, threat: bool = False) -> int:
    """The zoom from which a place of type ``kind`` is labelled."""
    zoom = MIN_ZOOM.get(kind, 9)
    return max(zoom - THREAT_ZOOM_BONUS, 4) if threat else zoom


def label_of(row: Any, lang: str) -> str:
    """The row's name in ``lang`` ("ar": the Arabic name when there is one, else the English name)."""
    english = str(value_of(row, "name", value_of(row, "place_id", "")) or "")
    if lang == "ar":
        arabic = value_of(row, "name_ar")
        if arabic and is_rtl(str(arabic)):
            return str(arabic)
    return english


def place_labels(rows: Iterable[Any], *, lang: str) -> list[list[Any]]:
    """``[lat, lon, escaped text, min zoom, css class]`` for each drawn place (areas at a point inside them)."""
    out = []
    for row in rows:
        point = label_point(row)
        if point is None:
            continue
        kind = str(value_of(row, "type", "") or "")
        threat = int(value_of(row, "threats", 0) or 0) > 0
        css = ("area " if kind in AREA_TYPES else "") + ("threat" if threat else "")
        out.append([round(point[1], 4), round(point[0], 4), escape_text(label_of(row, lang)),
                    min_zoom(kind, threat=threat), css.strip()])
    return out


def governorate_labels(layers: Mapping[str, dict[str, Any]], *, lang: str) -> list[list[Any]]:
    """Labels of the basemap's governorates (``governorate_names`` of :func:`layers.basemap.load_basemap`)."""
    out = []
    for feature in (layers.get("governorate_names") or {}).get("features", []):
        props = feature["properties"]
        name = props.get("name_ar") if lang == "ar" and props.get("name_ar") else props.get("name_en")
        lon, lat = feature["geometry"]["coordinates"]
        if name:
            name = name.removeprefix(GOVERNORATE_PREFIX_AR)
            out.append([lat, lon, escape_text(name), BASEMAP_ZOOM, "basemap"])
    return out


def zoom_css() -> str:
    """CSS hiding each ``.tm-min-N`` label below zoom N (the map container carries ``tm-zoom-Z``)."""
    rules = [f".tm-zoom-{z} .tm-min-{n}" for z in range(MAX_ZOOM + 1) for n in range(z + 1, MAX_ZOOM + 2)]
    return ",".join(rules) + "{display:none}"


class ZoomClass(MacroElement):
    """Keeps a ``tm-zoom-<zoom>`` class on the map container and installs the label CSS (static: the base map)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
            var css = document.createElement("style");
            css.textContent = {{ this.css|tojson }};
            document.head.appendChild(css);
            map.createPane({{ this.pane|tojson }});
            map.getPane({{ this.pane|tojson }}).style.zIndex = 460;
            map.getPane({{ this.pane|tojson }}).style.pointerEvents = "none";
            function mark() {
                var el = map.getContainer();
                el.className = el.className.replace(/\\btm-zoom-\\d+\\b/g, "").trim() + " tm-zoom-" + map.getZoom();
            }
            mark();
            map.on("zoomend", mark);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ZoomClass"
        self.css = CSS + zoom_css()
        self.pane = LABELS_PANE


class Labels(MacroElement):
    """Non-interactive text labels (``divIcon`` markers in their own pane) added to the parent layer or map.

    The labels of each minimum zoom form one layer group, added to the parent only from that zoom on: a label
    is not even created while it would be hidden (thousands of places stay cheap to draw).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(parent) {
            var byZoom = {}, map = null;
            {{ this.labels|tojson }}.forEach(function(l) {
                var group = byZoom[l[3]] = byZoom[l[3]] || L.layerGroup();
                group.addLayer(L.marker([l[0], l[1]], {interactive: false, keyboard: false,
                    pane: {{ this.pane|tojson }},
                    icon: L.divIcon({className: "tm-label tm-min-" + l[3] + " " + l[4],
                                     html: '<span dir="auto">' + l[2] + "</span>", iconSize: null})}));
            });
            function update() {
                if (!map) { return; }
                var zoom = map.getZoom();
                Object.keys(byZoom).forEach(function(z) {
                    if (zoom >= +z) { parent.addLayer(byZoom[z]); } else { parent.removeLayer(byZoom[z]); }
                });
            }
            function attach() { map = parent._map || (parent.getZoom ? parent : null);
                                if (map) { map.on("zoomend", update); update(); } }
            function detach() { if (map) { map.off("zoomend", update); } map = null; }
            parent.on && parent.getZoom === undefined && parent.on("add", attach).on("remove", detach);
            attach();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[list[Any]]) -> None:
        super().__init__()
        self._name = "Labels"
        self.labels = labels
        self.pane = LABELS_PANE
