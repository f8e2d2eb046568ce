"""Smaller areas on top of larger ones across all data layers, so that every area stays clickable."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template


class SmallAreasOnTop(MacroElement):
    """Re-stacks the data areas of every layer (features with a ``place_id``) by their area (holes counted as area:
    only the order matters), largest first, i.e. smallest on top.

    Within one layer the features already come largest first; across layers (qualified areas, other places,
    threat areas) a governorate drawn by a later layer would cover a small area of an earlier one ("near Hamrin"
    under Salahuddin) and hide it from clicks. Runs once the layers are on the map and again when the layer control
    adds one back. Only SVG paths move; points live in their own pane above all areas. Added to the map or to the
    last data group (then it runs once that group is on the map).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
            function area(rings) {  // planar area in square degrees of (nested) lat/lng rings; enough to order
                if (!rings.length) { return 0; }
                if (!(rings[0] instanceof L.LatLng)) {
                    return rings.reduce(function(sum, r) { return sum + area(r); }, 0);
                }
                var a = 0;
                for (var i = 0, j = rings.length - 1; i < rings.length; j = i++) {
                    a += (rings[j].lng + rings[i].lng) * (rings[j].lat - rings[i].lat);
                }
                return Math.abs(a / 2);
            }
            function restack() {
                var areas = [];
                map.eachLayer(function(l) {
                    if (l._path && l.getLatLngs && l.feature && l.feature.properties
                            && l.feature.properties.place_id) {
                        areas.push([area(l.getLatLngs()), l]);
                    }
                });
                areas.sort(function(a, b) { return b[0] - a[0]; });
                areas.forEach(function(a) { a[1].bringToFront(); });
            }
            restack();
            if (map._tmRestack) { map.off("overlayadd", map._tmRestack); }  // the data layers are replaced often
            map._tmRestack = restack;
            map.on("overlayadd", restack);
        })({{ this._parent.get_name() }}._map || {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "SmallAreasOnTop"
