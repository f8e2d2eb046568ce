"""The map legend as a plain-HTML Leaflet control (branca colormaps would pull d3 from a CDN)."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from layers import other_places, qualified_areas, threat_areas


def legend_html() -> str:
    """Static HTML of the legend (no source text in it)."""
    rows = []
    for low, high, color in threat_areas.BINS:
        label = f"{low}" if low == high else (f"{low}+" if high is None else f"{low}–{high}")
        rows.append(
            f'<div><span style="display:inline-block;width:14px;height:12px;background:{color};'
            f'border:1px solid {threat_areas.STROKE};margin-right:4px"></span>{label}</div>'
        )
    neutral = (
        f'<div><span style="display:inline-block;width:14px;height:12px;background:{other_places.FILL};'
        f'opacity:.6;border:1px solid {other_places.STROKE};margin-right:4px"></span>no threat report</div>'
    )
    dashed = (
        f'<div><span style="display:inline-block;width:14px;height:10px;'
        f'border:2px dashed {qualified_areas.THREAT_STROKE};margin-right:4px"></span>near / north of …</div>'
    )
    return (
        '<div class="threatmap-legend" style="background:rgba(255,255,255,.9);padding:6px 8px;'
        'font:12px/1.4 sans-serif;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3)">'
        "<b>Threat reports</b>" + "".join(rows) + neutral + dashed + "<div>● town &nbsp; ▭ area</div></div>"
    )


class Legend(MacroElement):
    """A bottom-right Leaflet control holding :func:`legend_html`."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = legend_html()
