"""AppTest: the app runs on a small store and on the bundled corpus; every filter changes the counts; offline assets."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import place_id
from streamlit.testing.v1 import AppTest

from threatmap import settings
from threatmap.store.filters import Filters
from ui import layout

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120


@pytest.fixture()
def store_path(test_store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app at the small test store (settings are read by app.py at run time)."""
    monkeypatch.setattr(settings, "STORE_PATH", test_store)
    yield test_store


@pytest.fixture()
def app(store_path: Path) -> AppTest:
    """The app, run once on the test store."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def expected(store_path: Path, **filters: object) -> int:
    """Mentions the store itself returns for these filters."""
    from threatmap.store import Store

    with Store.open(store_path) as store:
        return len(store.query(Filters(**filters)))  # type: ignore[arg-type]


def mentions(at: AppTest) -> int:
    """The 'Mentions' metric."""
    metric = next(m for m in at.metric if m.label == "Mentions")
    return int(str(metric.value).replace(",", ""))


def panel_html(at: AppTest) -> str:
    """The HTML of the passages panel and the reports feed (st.html elements; not the page's own CSS and script)."""
    bodies = [getattr(el.proto, "body", "") for el in at.get("html")]
    return "".join(body for body in bodies if 'class="tm-' in body)


def map_args(at: AppTest) -> dict:
    """The arguments the st_folium component receives."""
    (element,) = [el for el in at.get("component_instance") if "st_folium" in el.proto.component_name]
    return json.loads(element.proto.json_args)


def test_app_runs_and_counts_everything(app: AppTest, store_path: Path) -> None:
    assert mentions(app) == expected(store_path) == 8


def test_no_map_asset_is_fetched_from_the_internet(app: AppTest) -> None:
    args = map_args(app)
    links = args["js_links"] + args["css_links"]
    assert links, "leaflet is loaded from somewhere"
    assert not [link for link in links if link.startswith(("http", "//"))], links
    assert "app/static/vendor/leaflet/leaflet.js" in " ".join(args["js_links"])


def map_script(at: AppTest) -> str:
    """The base map's script and the selection's layers (sent apart, so that the base map stays mounted)."""
    args = map_args(at)
    return args["script"] + (args.get("feature_group") or "")


def test_map_carries_the_named_areas(app: AppTest) -> None:
    from threatmap.gazetteer import default_gazetteer

    script = map_script(app)
    for name in ("hamrin", "qarachogh", "makhmour", "nineveh_plains", "anbar_desert"):
        assert f'"place_id": "{place_id(default_gazetteer(), name)}"' in script, name


@pytest.mark.parametrize(
    ("kind", "key", "value", "filters"),
    [
        ("date_input", "since", dt.date(2022, 1, 1), {"since": dt.date(2022, 1, 1)}),
        ("date_input", "until", dt.date(2020, 12, 31), {"until": dt.date(2020, 12, 31)}),
        ("multiselect", "sources", ["Test Wire"], {"sources": ("Test Wire",)}),
        ("multiselect", "langs", ["ar"], {"langs": ("ar",)}),
        ("toggle", "threat_only", True, {"threat_only": True}),
        ("text_input", "text", "حمرين", {"text": "حمرين"}),
    ],
)
def test_each_filter_changes_the_counts(
    app: AppTest, store_path: Path, kind: str, key: str, value: object, filters: dict
) -> None:
    want = expected(store_path, **filters)
    assert 0 < want < 8
    getattr(app.sidebar, kind)(key=key).set_value(value).run()
    assert not app.exception, app.exception
    assert mentions(app) == want


def test_place_type_filter(app: AppTest, store_path: Path) -> None:
    options = app.sidebar.multiselect(key="types").options
    kind = "city" if "city" in options else options[0]
    app.sidebar.multiselect(key="types").set_value([kind]).run()
    assert not app.exception
    assert mentions(app) == expected(store_path, types=(kind,)) < 8


def test_filters_are_mirrored_in_the_url(app: AppTest) -> None:
    app.sidebar.multiselect(key="langs").set_value(["ar"]).run()
    app.sidebar.toggle(key="threat_only").set_value(True).run()
    assert app.query_params["lang"] in ("ar", ["ar"])
    assert app.query_params["threat"] in ("1", ["1"])


def test_a_shared_link_restores_the_view(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "ar"
    at.query_params["since"] = "2020-01-01"
    at.query_params["source"] = ["no such source"]  # unknown values are dropped, not an error
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.multiselect(key="langs").value == ["ar"]
    assert at.sidebar.date_input(key="since").value == dt.date(2020, 1, 1)
    assert mentions(at) == expected(store_path, langs=("ar",), since=dt.date(2020, 1, 1))


def _place(store_path: Path, surface: str) -> str:
    from threatmap.store import Store

    with Store.open(store_path) as store:
        df = store.query(Filters())
    return str(df.loc[df["surface"] == surface, "place_id"].iloc[0])


def test_selected_place_lists_its_arabic_passage_with_the_name_marked(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["place"] = _place(store_path, "حمرين")
    at.run()
    assert not at.exception, at.exception
    html = panel_html(at)
    assert "<mark>حمرين</mark>" in html
    assert 'dir="rtl" lang="ar"' in html
    assert "Test Arabic Outlet" in html and "2023-05-10" in html and "تنشط" in html


def test_payload_passage_is_escaped_in_the_panel(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["place"] = _place(store_path, "Mosul")
    at.run()
    assert not at.exception, at.exception
    html = panel_html(at)
    assert "<mark>Mosul</mark>" in html
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in html
    assert "<img" not in html and "<script>" not in html and "${" not in html
    assert "javascript:" not in html  # the document's javascript: URL is not made a link


def test_uploads_can_be_switched_off(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ALLOW_UPLOADS", False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert not at.get("file_uploader")


def test_uploads_are_offered_by_default(app: AppTest) -> None:
    assert settings.ALLOW_UPLOADS
    assert app.get("file_uploader")


def test_bundled_corpus_builds_on_first_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not any(settings.CORPUS_DIR.glob("*.md")):
        pytest.skip(f"no bundled corpus in {settings.CORPUS_DIR}")
    monkeypatch.setattr(settings, "STORE_PATH", tmp_path / "fresh.sqlite")
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception, at.exception
    assert mentions(at) > 0


def test_the_timeline_and_the_table_follow_the_maps_first_report(app: AppTest) -> None:
    """The first run leaves the chart and the table (heavy scripts for the browser) for after the map is drawn; the
    map's report of its view (a rerun) brings them."""
    placeholders = [c.value for c in app.caption if c.value == layout.AFTER_THE_MAP]
    assert len(placeholders) == 2 and not app.get("vega_lite_chart") and not app.dataframe
    key = map_args(app)["key"]
    app.session_state[key] = {"zoom": 6, "center": {"lat": 34.8, "lng": 41.5}, "last_clicked": None,
                              "last_active_drawing": None}
    app.run()
    assert not app.exception, app.exception
    assert app.get("vega_lite_chart") and app.dataframe
    assert not [c for c in app.caption if c.value == layout.AFTER_THE_MAP]


VISIT = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120).run()
assert not at.exception, at.exception
print(json.dumps(sorted(sys.modules)))
"""


def test_a_visit_to_a_filled_store_does_not_load_the_geoparser(test_store: Path) -> None:
    """The geoparser and the ingest (the lexicons, the threat model, the alias automaton) are loaded for an empty
    store or an upload only: a visit in a fresh process imports none of them."""
    done = subprocess.run([sys.executable, "-c", VISIT, APP], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "THREATMAP_STORE": str(test_store), "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "threatmap.store" in loaded and "ui.data" in loaded  # the visit ran
    assert [m for m in loaded if m.startswith(("threatmap.geoparse", "threatmap.store.ingest"))] == []


@pytest.mark.parametrize("filters", [Filters(), Filters(threat_only=True), Filters(langs=("en",))])
def test_map_rows_match_the_export_aggregation(store_path: Path, filters: Filters) -> None:
    """The map recounts per filter on cached geometries; it must equal ``export.aggregate_places`` (bar the list)."""
    from threatmap.export import aggregate_places
    from threatmap.store import Store
    from ui import data

    columns = ["id", "place_id", "name", "name_ar", "type", "precision", "qualifier", "mentions", "threats",
               "first_date", "last_date"]
    with Store.open(store_path) as store:
        ours = data.aggregate(store, filters, -1).sort_values("id").reset_index(drop=True)
        theirs = aggregate_places(store.query(filters), data.gazetteer()).sort_values("id").reset_index(drop=True)
    assert ours[columns].astype(object).equals(theirs[columns].astype(object))
    assert all(a.equals(b) for a, b in zip(ours.geometry, theirs.geometry, strict=True))


# ---------------------------------------------------------------- the map view, labels, drawing options
def test_view_comes_from_the_url_and_survives_a_filter_change(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"lat": "35.5", "lon": "44.1", "z": "9"})
    at.run()
    assert not at.exception, at.exception
    args = map_args(at)
    assert (args["center"], args["zoom"]) == ([35.5, 44.1], 9)
    base, layers = args["key"], args["feature_group"]
    at.sidebar.toggle(key="threat_only").set_value(True).run()
    args = map_args(at)
    assert args["key"] == base  # the same component: the browser keeps the map, its zoom and centre
    assert (args["center"], args["zoom"]) == ([35.5, 44.1], 9)
    assert args["feature_group"] != layers  # only the data layers change
    assert at.query_params["z"] in ("9", ["9"]) and at.query_params["lat"] in ("35.5000", ["35.5000"])


def test_labels_switch_to_arabic(app: AppTest) -> None:
    assert "Hamrin Mountains" in map_args(app)["feature_group"]
    app.sidebar.radio(key="label_lang").set_value("ar").run()
    assert not app.exception, app.exception
    args = map_args(app)
    as_js = lambda text: json.dumps(text)[1:-1]  # noqa: E731  # labels travel as JSON (\u escapes)
    assert as_js("جبال حمرين") in args["feature_group"] and as_js("الأنبار") in args["feature_group"]


def test_precision_levels_choose_what_is_drawn(app: AppTest) -> None:
    from threatmap.gazetteer import default_gazetteer

    desert = f'"place_id": "{place_id(default_gazetteer(), "anbar_desert")}"'
    assert desert in map_script(app)
    app.sidebar.multiselect(key="precisions").set_value([1, 2, 3, 4]).run()
    assert desert not in map_script(app)
    assert mentions(app) == 8  # the counts keep every mention: only the drawing changed


def test_month_slider_narrows_everything_to_one_month(app: AppTest, store_path: Path) -> None:
    slider = app.select_slider(key="month")
    assert slider.value == "all months" and "2023-05" in slider.options and "2021-01" in slider.options
    slider.set_value("2023-05").run()
    assert not app.exception, app.exception
    assert mentions(app) == expected(store_path, since=dt.date(2023, 5, 1), until=dt.date(2023, 5, 31)) == 1
    assert "since" not in app.query_params  # the sidebar's dates, not the month, go to the shared link


def test_reports_feed_newest_first_and_click_zooms_to_its_places(app: AppTest) -> None:
    html = panel_html(app)
    assert html.index("2023-05-10") < html.index("2019-07-15")  # newest first
    assert "tm-chip" in html
    before = map_args(app)
    app.button(key="feed_zoom_0").click().run()
    assert not app.exception, app.exception
    after = map_args(app)
    assert after["zoom"] > before["zoom"] and after["center"] != before["center"]
    assert "<mark>حمرين</mark>" in panel_html(app)  # its first place is selected: the passages panel shows it
    assert "#1f78b4" in after["feature_group"]  # and outlined on the map


# ---------------------------------------------------------------- search (issue 12, item 7)
@pytest.mark.parametrize(("query", "doc"), [
    ("التفتيش", "test-hamrin-ar"),  # a sentence without any place: the whole document is searched
    ("Hamrin", "test-hamrin-ar"),  # the English name finds the Arabic text, through the gazetteer
    ("sleeper cells", "test-plains-anbar-en"),  # the placeholder's own example
])
def test_search_finds_the_documents_by_any_words_and_any_script(app: AppTest, store_path: Path, query: str,
                                                                doc: str) -> None:
    from threatmap.store import Store

    app.sidebar.text_input(key="text").set_value(query).run()
    assert not app.exception, app.exception
    with Store.open(store_path) as store:
        want = store.query(Filters())
    assert mentions(app) == int((want["doc_id"] == doc).sum()) > 0


def test_play_steps_to_the_next_month_without_touching_a_drawn_widget(app: AppTest) -> None:
    """The play ticker leaves the next month in ``_next``; the slider applies it before it is drawn."""
    from ui.timeslider import next_month

    months = app.select_slider(key="month").options[1:]
    app.session_state["_next"] = {"month": next_month(months, "all months")}
    app.run()
    assert not app.exception, app.exception
    assert app.select_slider(key="month").value == months[0]
    app.session_state["_next"] = {"playing": False}
    app.run()
    assert not app.exception and app.toggle(key="playing").value is False


def threat_count(at: AppTest) -> int:
    """The 'Threat mentions' metric."""
    metric = next(m for m in at.metric if m.label == "Threat mentions")
    return int(str(metric.value).replace(",", ""))


def test_the_threat_threshold_sets_the_counts_and_the_url(app: AppTest, store_path: Path) -> None:
    from threatmap.store import Store

    with Store.open(store_path) as store:
        df = store.query(Filters())
    strict = int((df["threat_p"] >= 0.75).sum())
    assert 0 < strict < threat_count(app)  # the fixture's threat_p values straddle 0.75
    app.sidebar.slider(key="threat_threshold").set_value(0.75).run()
    assert not app.exception, app.exception
    assert threat_count(app) == strict
    assert app.query_params["tp"] in ("0.75", ["0.75"])
    app.sidebar.toggle(key="threat_only").set_value(True).run()
    assert mentions(app) == expected(store_path, threat_only=True, threat_threshold=0.75) == strict


def test_a_shared_link_restores_the_threshold_and_the_panel_shows_threat_p(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["tp"] = "0.7"
    at.query_params["place"] = _place(store_path, "حمرين")
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.slider(key="threat_threshold").value == pytest.approx(0.7)
    assert "threat_p 0.70" in panel_html(at)  # حمرين: 5 letters, threat → 0.6 + 0.1


def test_an_unlocated_mention_is_listed_and_said_not_drawn(test_store: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A name nothing locates: counted among the mentions, said unlocated under the counts, shown in the feed
    with its chip marked, never in the map's features."""
    import shutil

    from threatmap.models import Document, Mention
    from threatmap.store import Store

    path = tmp_path / "unlocated.sqlite"
    shutil.copy(test_store, path)
    monkeypatch.setattr(settings, "STORE_PATH", path)
    before = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    features_before = map_script(before).count('"type": "Feature"')
    assert features_before > 0
    text = "ISIS fighters attacked the village of Kisik at dawn."
    with Store.open(path) as store:
        total = store.counts().mentions
        store.add_document(Document("kisik", text, lang="en", source="Wire", date=dt.date(2030, 1, 1)), [Mention(
            doc_id="kisik", start=38, end=43, surface="Kisik", place_id=None, name="Kisik", place_type="village",
            where=None, threat=True, threat_p=0.9, passage_start=0, passage_end=len(text), resolved_by="unlocated")])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert mentions(at) == total + 1
    assert any("1 of the mentions name a place that nothing in its text locates" in c.value for c in at.caption)
    assert "Kisik · not located" in panel_html(at)  # the newest passage: first in the feed
    assert map_script(at).count('"type": "Feature"') == features_before


def test_a_place_located_from_context_is_drawn_uncertain_and_selectable(test_store: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A name the gazetteer lacks, located from its sentence ("10 km south of Hit"): drawn as an uncertain feature
    of its own, keyed as the exports key it, and a click (the URL's place) lists its passage."""
    import shutil

    from threatmap.models import Document, Mention, Where

    path = tmp_path / "context.sqlite"
    shutil.copy(test_store, path)
    monkeypatch.setattr(settings, "STORE_PATH", path)
    text = "ISIS fighters attacked the village of Zuwiya, 10 km south of Hit, at dawn."
    where = Where(33.55, 42.83, (42.78, 33.5, 42.88, 33.6), "Point", 3)
    from threatmap.store import Store

    with Store.open(path) as store:
        store.add_document(Document("zuwiya", text, lang="en", source="Wire", date=dt.date(2030, 1, 1)), [Mention(
            doc_id="zuwiya", start=38, end=44, surface="Zuwiya", place_id=None, name="Zuwiya", place_type="village",
            where=where, threat=True, threat_p=0.9, passage_start=0, passage_end=len(text), resolved_by="context")])
    key = "context:Zuwiya@33.55,42.83"
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    script = map_script(at)
    props = script[script.index(f'"place_id": "{key}"'):].split('"place_id"')[1]  # up to the next feature's
    assert '"uncertain": 1' in props
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["place"] = key
    at.run()
    assert not at.exception, at.exception
    assert "<mark>Zuwiya</mark>" in panel_html(at)
