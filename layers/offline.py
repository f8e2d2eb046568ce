"""Serve Leaflet from the app's own static folder (copied from the xstatic packages) instead of CDNs."""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path
from typing import Any

import branca.element
import folium
from branca.element import MacroElement
from jinja2 import Template

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "static" / "vendor"
"""Git-ignored; filled at start-up from the installed xstatic packages."""
VENDOR_URL = "../../app/static/vendor"
"""Relative to streamlit-folium's component iframe (``/component/<name>/index.html``) -> ``/app/static/vendor``."""

LEAFLET_JS = [("leaflet", f"{VENDOR_URL}/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{VENDOR_URL}/leaflet/leaflet.css")]
MAX_ZOOM = 18


def _package_dirs() -> dict[str, Path]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    return {"leaflet": Path(leaflet.BASE_DIR), "leaflet.markercluster": Path(markercluster.BASE_DIR)}


def install_assets(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy Leaflet (and markercluster) from the xstatic packages into ``vendor_dir``; idempotent.

    Parameters
    ----------
    vendor_dir
        Destination, served by Streamlit at ``/app/static/vendor`` when it is ``<app>/static/vendor``.

    Returns
    -------
    Path
        ``vendor_dir``.
    """
    for name, source in _package_dirs().items():
        target = vendor_dir / name
        marker = target / ".installed"
        if marker.exists():
            continue
        if not source.is_dir():
            raise FileNotFoundError(
                f"expected the assets of {name!r} in {str(source)!r}, got no such directory; "
                f"fix: pip install -r requirements.txt"
            )
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
        marker.write_text("copied from " + str(source) + "\n", encoding="utf-8")
    return vendor_dir


def use_local_assets(base_url: str = VENDOR_URL) -> None:
    """Point folium's class-level asset lists at ``base_url`` (no jQuery, Bootstrap or Font Awesome needed)."""
    from folium.plugins import MarkerCluster

    cluster_js = ("markerclusterjs", f"{base_url}/leaflet.markercluster/leaflet.markercluster.js")
    cluster_css = ("markerclustercss", f"{base_url}/leaflet.markercluster/MarkerCluster.css")
    # markercluster is loaded with the map itself: the browser loads scripts only when the map is first shown,
    # and the clustered layers arrive later (they change with the filters)
    folium.Map.default_js = [("leaflet", f"{base_url}/leaflet/leaflet.js"), cluster_js]
    folium.Map.default_css = [("leaflet_css", f"{base_url}/leaflet/leaflet.css"), cluster_css]
    MarkerCluster.default_js = [cluster_js]
    MarkerCluster.default_css = [cluster_css]


class IconImagePath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` to the local images (else the default icon URL lacks a slash: 404)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.path|tojson }};
        {% endmacro %}
        """
    )

    def __init__(self, path: str = f"{VENDOR_URL}/leaflet/images/") -> None:
        super().__init__()
        self._name = "IconImagePath"
        self.path = path


_NEWLINE = re.compile(r"(\r\n|\r|\n)")
_JINJA_MARKERS = ("{{", "{%", "{#")


class _Literal:
    """A template without any Jinja syntax: renders to its text exactly as Jinja would (newlines normalised to
    ``\\n``, one trailing newline dropped), without lexing it."""

    __slots__ = ("text",)

    def __init__(self, source: str) -> None:
        lines = _NEWLINE.split(source)[::2]
        if lines and lines[-1] == "":
            del lines[-1]
        self.text = "\n".join(lines)

    def render(self, *args: object, **kwargs: object) -> str:
        return self.text


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    return Template(source)


def element_template(source: str) -> Template | _Literal:
    if any(marker in source for marker in _JINJA_MARKERS):
        return _compiled(source)
    return _Literal(source)


def cache_templates() -> None:
    """Stop branca from compiling every element's text as a Jinja template.

    ``branca.element.Element(template)`` compiles its string; ``MacroElement.render`` wraps each element's rendered
    script in one, so the whole GeoJSON of a layer (hundreds of kB) went through the Jinja lexer on every map
    (~0.2 s per map here). Strings without Jinja syntax now render as themselves (the same output), the few
    with syntax are compiled once per distinct string (compiled templates are immutable: safe to share).
    """
    setattr(branca.element, "Template", element_template)  # noqa: B010 - a patch of branca; only Element.__init__ reads it


def offline_map(location: tuple[float, float], zoom: int, **kwargs: Any) -> folium.Map:
    """A folium map with no tiles, local assets, ``maxZoom`` set and the icon image path fixed."""
    use_local_assets()
    cache_templates()
    m = folium.Map(location=list(location), zoom_start=zoom, tiles=None, maxZoom=MAX_ZOOM, **kwargs)
    IconImagePath().add_to(m)
    return m
