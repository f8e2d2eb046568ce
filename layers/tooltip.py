"""Hover summaries, built in the browser from each feature's short escaped properties (not shipped as HTML)."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

CSS = ".tm-tip{max-width:280px;white-space:normal}"
SUMMARY_JS = """window.tmTip = function(layer) {  // every property is escaped in Python (layers/escape.py)
    var p = layer.feature.properties;
    function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
    var html = "<b>" + p.name + "</b>";
    if (p.name_ar) { html += ' <span dir="rtl" lang="ar">' + p.name_ar + "</span>"; }
    if (p.qualifier) { html += " <i>(" + p.qualifier + ")</i>"; }
    html += "<br>" + p.kind + " · " + plural(p.threats, "threat report") + " / " + plural(p.mentions, "mention");
    if (p.first) { html += " · " + p.first + (p.last && p.last !== p.first ? " – " + p.last : ""); }
    return html + "<br><small>click for the passages</small>";
};"""
"""Name, Arabic name, qualifier, type, threat reports / mentions and date range, as the summary always read."""


class TooltipFunction(MacroElement):
    """Defines ``window.tmTip`` and the tooltip CSS once, with the base map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.js }}
        (function() {
            var css = document.createElement("style");
            css.textContent = {{ this.css|tojson }};
            document.head.appendChild(css);
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "TooltipFunction"
        self.js = SUMMARY_JS
        self.css = CSS


class SummaryTooltip(MacroElement):
    """Binds ``window.tmTip`` as the hover tooltip of its parent GeoJson layer (placed to stay inside the map)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindTooltip(function(l) { return window.tmTip(l); },
            {sticky: false, direction: "auto", className: "tm-tip", opacity: 0.95});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "SummaryTooltip"
