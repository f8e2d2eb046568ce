"""AppTest: the app runs on a small store and on the bundled corpus; every filter changes the counts; offline assets."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import place_id
from streamlit.testing.v1 import AppTest

from threatmap import settings
from threatmap.store.filters import Filters

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
    """The HTML of the passages panel (st.html elements)."""
    return "".join(getattr(el.proto, "body", "") for el in at.get("html"))


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


def test_map_carries_the_named_areas(app: AppTest) -> None:
    from threatmap.gazetteer import default_gazetteer

    script = map_args(app)["script"]
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
