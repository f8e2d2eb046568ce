"""Hatched fill for uncertain geometries (qualified parts of areas, places located from their context)."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

THREAT_STRIPE = "#e34a33"
OTHER_STRIPE = "#8c8c8c"
SPACING_PX = 7
CSS = (
    ".tm-hatched{fill:url(#tm-hatch-other)!important;fill-opacity:.9!important}"
    ".tm-hatched.threat{fill:url(#tm-hatch-threat)!important}"
)


def _pattern(name: str, color: str) -> str:
    return (f'<pattern id="tm-hatch-{name}" patternUnits="userSpaceOnUse" width="{SPACING_PX}" '
            f'height="{SPACING_PX}" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="{SPACING_PX}" '
            f'stroke="{color}" stroke-width="2" stroke-opacity=".55"/></pattern>')


class Hatching(MacroElement):
    """Adds the stripe patterns to the page and marks every uncertain data path ``tm-hatched`` (and ``threat``),
    whenever the data layers change. Added to the base map (static)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
            var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
            svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
            svg.style.position = "absolute";
            svg.innerHTML = "<defs>" + {{ this.patterns|tojson }} + "</defs>";
            document.body.appendChild(svg);
            var css = document.createElement("style");
            css.textContent = {{ this.css|tojson }};
            document.head.appendChild(css);
            function mark(e) {
                var l = e.layer;
                if (!l || !l._path || !l.feature || !l.feature.properties || !l.feature.properties.uncertain) {
                    return;
                }
                L.DomUtil.addClass(l._path, "tm-hatched");
                if (l.feature.properties.threats > 0) { L.DomUtil.addClass(l._path, "threat"); }
            }
            map.on("layeradd", mark);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Hatching"
        self.patterns = _pattern("threat", THREAT_STRIPE) + _pattern("other", OTHER_STRIPE)
        self.css = CSS
