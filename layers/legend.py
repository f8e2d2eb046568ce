"""The map legend as a plain-HTML Leaflet control (branca colormaps would pull d3 from a CDN)."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from layers import hatching, other_places, qualified_areas, threat_areas


def _swatch(style: str) -> str:
    return f'<span style="display:inline-block;width:12px;height:10px;margin-right:4px;{style}"></span>'


def legend_html() -> str:
    """Static HTML of the legend (no source text in it): small and folded open/closed by a click."""
    rows = []
    for low, high, color in threat_areas.BINS:
        label = f"{low}" if low == high else (f"{low}+" if high is None else f"{low}–{high}")
        rows.append(f"<div>{_swatch(f'background:{color};border:1px solid {threat_areas.STROKE}')}{label}</div>")
    neutral = f"<div>{_swatch(f'background:{other_places.FILL};opacity:.6;border:1px solid {other_places.STROKE}')}" \
              "no threat report</div>"
    stripes = f"repeating-linear-gradient(45deg,{hatching.THREAT_STRIPE} 0 2px,transparent 2px 5px)"
    dashed = f"<div>{_swatch(f'border:1.5px dashed {qualified_areas.THREAT_STROKE};background:{stripes}')}" \
             "approximate: near / the north of … / located from context</div>"
    return (
        '<details open class="threatmap-legend" style="background:rgba(255,255,255,.9);padding:3px 6px;'
        'font:11px/1.3 sans-serif;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:170px">'
        '<summary style="cursor:pointer;font-weight:600">Threat reports</summary>'
        + "".join(rows) + neutral + dashed + "<div>● town &nbsp; ▭ area · numbers: towns grouped</div></details>"
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
