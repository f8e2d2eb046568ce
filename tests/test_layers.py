"""Layers: escaping, offline assets, the features and styles each layer draws (rendered HTML, no browser)."""

from __future__ import annotations

import importlib
import json
import re

import folium
import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from layers import build_map
from layers.basemap import basemap, load_basemap
from layers.escape import escape_text, highlight, is_rtl, safe_url, text_block
from layers.features import features, summary_props
from layers.legend import legend_html
from layers.offline import VENDOR_URL, install_assets
from layers.threat_areas import BINS, threat_color

PAYLOAD = '<img src=x onerror="window.__pwned=1"> ${window.__pwned2=1} <script>window.__pwned3=1</script> `t` C:\\temp'


def _agg(**overrides: object) -> gpd.GeoDataFrame:
    """Aggregated places as ``threatmap.export.aggregate_places`` returns them (a hand-made, small example)."""
    data = {
        "id": ["hamrin", "makhmour", "mosul", "diyala|north"],
        "place_id": ["hamrin_mountains", "makhmour", "mosul", "diyala"],
        "name": ["Hamrin Mountains", "Makhmour", PAYLOAD, "Diyala"],
        "name_ar": ["جبال حمرين", "مخمور", None, "ديالى"],
        "type": ["mountain_range", "town", "city", "governorate"],
        "precision": [5, 1, 1, 4],
        "qualifier": [None, None, None, "north of"],
        "mentions": [4, 2, 1, 1],
        "threats": [3, 2, 0, 1],
        "first_date": ["2020-01-01", "2022-03-01", None, "2019-07-15"],
        "last_date": ["2023-05-10", "2022-03-01", None, "2019-07-15"],
        "sources": ["a", "b", "c", "d"],
    }
    data.update(overrides)  # type: ignore[arg-type]
    geoms = [box(43.6, 34.6, 44.4, 35.1), Point(43.58, 35.776), Point(43.13, 36.34), box(44.3, 34.5, 45.5, 35.5)]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=4326)


def _script(m: folium.Map) -> str:
    return m.get_root().render()


# ---------------------------------------------------------------- escaping
@pytest.mark.parametrize("text", [PAYLOAD, "<b>x</b>", "${1}", "a`b", "C:\\temp", "'\"&", "{{ 7*7 }} {% if 1 %}"])
def test_escape_text_leaves_no_active_character(text: str) -> None:
    escaped = escape_text(text)
    assert not set("<>`$\\\"'{}") & set(escaped)


def test_escape_text_of_none_is_empty() -> None:
    assert escape_text(None) == ""


def test_highlight_marks_the_arabic_name_and_escapes_every_piece() -> None:
    passage = "قال <b>مسؤول</b> إن خلايا داعش تنشط في جبال حمرين ${x}"
    start = passage.index("حمرين")
    out = highlight(passage, (start, start + len("حمرين")))
    assert "<mark>حمرين</mark>" in out
    assert "&lt;b&gt;مسؤول&lt;/b&gt;" in out and "&#36;&#123;x&#125;" in out
    assert "<b>" not in out


def test_highlight_escapes_inside_the_span_and_skips_bad_spans() -> None:
    assert highlight("a<b>c", (1, 4)) == "a<mark>&lt;b&gt;</mark>c"
    assert highlight("abc", (2, 9)) == "abc"
    assert highlight("abcdef", [(4, 5), (0, 1)]) == "<mark>a</mark>bcd<mark>e</mark>f"


def test_rtl_for_arabic_and_kurdish() -> None:
    assert is_rtl("", "ar") and is_rtl("", "ckb") and not is_rtl("حمرين", "en")
    assert is_rtl("جبال حمرين", None) and not is_rtl("Hamrin", None)
    assert text_block("x", rtl=True) == '<div dir="rtl" lang="ar">x</div>'


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", " JavaScript:x", None, ""])
def test_safe_url_refuses_non_http(url: str | None) -> None:
    assert safe_url(url) is None


def test_safe_url_escapes_http() -> None:
    assert safe_url('https://e.org/?a=1&b="2"') == "https://e.org/?a=1&amp;b=&quot;2&quot;"


# ---------------------------------------------------------------- features
def test_features_carry_only_escaped_short_properties() -> None:
    feats = features([row for _, row in _agg().iterrows()], points=True)
    mosul = next(f for f in feats if f["properties"]["place_id"] == "mosul")
    assert set(mosul["properties"]) == {"place_id", "qualifier", "threats", "mentions", "precision", "uncertain",
                                        "name", "kind"}  # no Arabic name, no date: no such property
    name = mosul["properties"]["name"]
    assert "<img" not in name and "${" not in name and "<script" not in name and "`" not in name
    assert "&lt;img" in name


def test_areas_come_largest_first() -> None:
    rows = [row for _, row in _agg().iterrows()]
    areas = features(rows, points=False)
    assert [f["properties"]["place_id"] for f in areas] == ["diyala", "hamrin_mountains"]
    assert [f["id"] for f in areas] == [0, 1]


def test_summary_properties_and_the_browser_template() -> None:
    from layers.tooltip import SUMMARY_JS

    props = summary_props(_agg().iloc[0])
    assert props == {"name": "Hamrin Mountains", "kind": "mountain range", "name_ar": "جبال حمرين",
                     "first": "2020-01-01", "last": "2023-05-10"}
    for field in ("name", "name_ar", "qualifier", "kind", "threats", "mentions", "first", "last"):
        assert f"p.{field}" in SUMMARY_JS  # the tooltip shows each of them
    assert "threat report" in SUMMARY_JS and 'dir="rtl"' in SUMMARY_JS


def test_threat_color_bins() -> None:
    assert threat_color(1) == BINS[0][2]
    assert threat_color(2) == threat_color(3) == BINS[1][2]
    assert threat_color(500) == BINS[-1][2]


# ---------------------------------------------------------------- the whole map
def test_map_uses_only_local_assets_and_no_colormap() -> None:
    html = _script(build_map(_agg(), {}))
    sources = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sources and all(s.startswith(VENDOR_URL) for s in sources), sources
    assert "d3" not in " ".join(sources)
    assert '"maxZoom": 18' in html
    assert f'L.Icon.Default.imagePath = "{VENDOR_URL}/leaflet/images/"' in html


def test_map_escapes_the_payload() -> None:
    html = _script(build_map(_agg(), {}))
    # folium writes the data with tojson, where \u003c decodes to "<": neither form may appear unescaped
    for raw in ("<img", "\\u003cimg", "<script>window", "\\u003cscript\\u003ewindow", "${window", "\\u0060"):
        assert raw not in html, raw
    assert "\\u0026lt;img src=x onerror" in html  # the text is there, as an entity


def test_jinja_syntax_in_a_name_stays_text() -> None:
    html = _script(build_map(_agg(name=["{{ 7*7 }}", "{% if 1 %}", "Mosul", "Diyala"]), {}))
    assert "\\u003cb\\u003e49" not in html and "{{ 7*7 }}" not in html and "{% if" not in html
    assert "\\u0026#123;\\u0026#123; 7*7 \\u0026#125;\\u0026#125;" in html  # the text is there, as entities


def test_the_map_is_the_same_with_branca_templates_not_compiled() -> None:
    import itertools

    import branca.element
    import jinja2

    from layers import offline

    def render(template: object) -> str:
        counter = itertools.count()
        element = branca.element.Element  # its private id generator is replaced: deterministic ids to compare
        generate, element._generate_id = element._generate_id, classmethod(  # noqa: SLF001
            lambda cls: f"{next(counter):032x}")
        cache, offline.cache_templates = offline.cache_templates, lambda: setattr(branca.element, "Template",
                                                                                  template)
        try:
            return _script(build_map(_agg(), {}))
        finally:
            element._generate_id, offline.cache_templates = generate, cache  # noqa: SLF001
            offline.cache_templates()

    assert render(offline.element_template) == render(jinja2.Template)


def test_online_tiles_are_an_overlay_off_by_default() -> None:
    html = _script(build_map(_agg(), {}))
    tiles = re.search(r"var (tile_layer_\w+) = L\.tileLayer\(\s*\"https://tile\.openstreetmap\.org", html)
    assert tiles, "the OSM layer exists"
    assert f"{tiles.group(1)}.addTo(" not in html


def test_each_kind_is_its_own_toggleable_layer() -> None:
    html = _script(build_map(_agg(), {}))
    for name in ("Threat areas", "Other mentioned places", "Qualified areas", "Governorate outlines"):
        assert name in html
    assert '"dashArray": "6 6"' in html  # qualified areas are dashed
    assert html.count("L.circleMarker") == 0  # points are drawn by GeoJson pointToLayer, not one element each


def test_legend_is_plain_html() -> None:
    html = legend_html()
    assert "http" not in html and "<script" not in html
    assert all(color in html for _, _, color in BINS)


def test_empty_selection_draws_an_empty_map() -> None:
    html = _script(build_map(_agg().iloc[0:0], {}))
    assert "geo_json" not in html


# ---------------------------------------------------------------- basemap and assets
def test_basemap_is_clipped_simplified_and_not_interactive(tmp_path) -> None:
    inside = {"type": "Feature", "properties": {"name": "<b>IQ</b>"}, "geometry": json.loads(
        json.dumps(box(40, 30, 45, 35).__geo_interface__))}
    outside = {"type": "Feature", "properties": {}, "geometry": box(-80, 10, -70, 20).__geo_interface__}
    (tmp_path / "countries.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        inside, outside]}), encoding="utf-8")
    layers = load_basemap(tmp_path)
    assert list(layers) == ["countries"]
    assert len(layers["countries"]["features"]) == 1
    assert layers["countries"]["features"][0]["properties"] == {}  # no source text reaches the browser
    m = folium.Map(tiles=None)
    basemap(layers).add_to(m)
    assert '"interactive": false' in m.get_root().render()


def test_install_assets_copies_leaflet(tmp_path) -> None:
    target = install_assets(tmp_path / "vendor")
    assert (target / "leaflet" / "leaflet.js").stat().st_size > 100_000
    assert (target / "leaflet" / "images" / "marker-icon.png").exists()
    assert (target / "leaflet.markercluster" / "leaflet.markercluster.js").exists()
    assert install_assets(tmp_path / "vendor") == target  # idempotent


def test_fill_follows_the_legend_bins_only_and_countries_are_outlines() -> None:
    """Colour and opacity depend on the number of threat reports, never on the area's size or precision."""
    threat_areas = importlib.import_module("layers.threat_areas")

    def style(precision: int, threats: int, area: float) -> dict:
        return threat_areas.style({"properties": {"precision": precision, "threats": threats, "area": area}})

    governorate, range_, town = style(4, 5, 9.0), style(5, 5, 0.5), style(1, 5, 0.0)
    assert governorate["fillColor"] == range_["fillColor"] == town["fillColor"] == threat_color(5)
    assert governorate["fillOpacity"] == range_["fillOpacity"] == town["fillOpacity"] == threat_areas.FILL_OPACITY
    assert style(6, 22, 40.0)["fillOpacity"] == 0  # a country never covers the map


def test_uncertain_geometries_are_dashed() -> None:
    for layer in map(importlib.import_module, ("layers.threat_areas", "layers.other_places")):
        assert "dashArray" in layer.style({"properties": {"precision": 1, "threats": 1, "uncertain": 1}})
        assert "dashArray" not in layer.style({"properties": {"precision": 1, "threats": 1, "uncertain": 0}})
    feats = features([row for _, row in _agg().iterrows()], points=False)
    assert {f["properties"]["place_id"]: f["properties"]["uncertain"] for f in feats} == {
        "hamrin_mountains": 0, "diyala": 1}


def test_labels_in_english_or_arabic_with_a_zoom_per_kind() -> None:
    from layers.labels import min_zoom, place_labels

    rows = [row for _, row in _agg().iterrows()]
    english = {label[2]: label for label in place_labels(rows, lang="en")}
    arabic = {label[2]: label for label in place_labels(rows, lang="ar")}
    assert "Hamrin Mountains" in english and "جبال حمرين" in arabic and "مخمور" in arabic
    assert escape_text(PAYLOAD) in english and escape_text(PAYLOAD) in arabic  # no Arabic name: English, escaped
    assert english["Hamrin Mountains"][3] < english["Makhmour"][3]  # ranges before towns
    assert min_zoom("governorate") < min_zoom("town") < min_zoom("village")
    assert min_zoom("town", threat=True) < min_zoom("town")
    lat, lon = english["Hamrin Mountains"][:2]
    assert box(43.6, 34.6, 44.4, 35.1).contains(Point(lon, lat))  # an area's label sits inside it


def test_governorate_names_label_the_basemap_without_other_properties(tmp_path) -> None:
    from layers.labels import governorate_labels

    feature = {"type": "Feature", "properties": {"name_en": "<b>Al Anbar</b>", "name_ar": "محافظة الأنبار",
                                                 "wikidata": "Q1"}, "geometry": box(40, 31, 43, 34).__geo_interface__}
    (tmp_path / "governorates.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}),
                                                   encoding="utf-8")
    layers = load_basemap(tmp_path)
    assert layers["governorates"]["features"][0]["properties"] == {}
    assert governorate_labels(layers, lang="en")[0][2] == "&lt;b&gt;Al Anbar&lt;/b&gt;"
    assert governorate_labels(layers, lang="ar")[0][2] == "الأنبار"


def test_base_map_holds_no_data_and_the_layers_hold_it() -> None:
    from layers import base_map, data_layers

    base = _script(base_map({}))
    assert "hamrin_mountains" not in base and "markercluster" in base  # loaded with the map, used by the layers
    m = base_map({})
    for group in data_layers(_agg(), selected=[next(r for _, r in _agg().iterrows() if r["place_id"] == "mosul")]):
        group.add_to(m)
    html = _script(m)
    assert "hamrin_mountains" in html and "L.markerClusterGroup" in html
    assert html.count("#1f78b4") == 1  # the selected place's outline


def test_towns_are_not_clustered_when_asked() -> None:
    from layers import base_map, data_layers

    m = base_map({})
    for group in data_layers(_agg(), cluster_towns=False):
        group.add_to(m)
    assert "L.markerClusterGroup" not in _script(m)


def test_uncertain_areas_are_hatched_by_the_base_map() -> None:
    from layers import base_map

    html = _script(base_map({}))
    assert 'id=\\"tm-hatch-threat\\"' in html or "tm-hatch-threat" in html
    assert "tm-hatched" in html and "layeradd" in html
