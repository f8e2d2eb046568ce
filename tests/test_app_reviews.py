"""AppTest: the review loop as a user walks it: review a mention, reload, the map / counts / export follow, reindex."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import place_id
from streamlit.testing.v1 import AppTest

from threatmap import settings
from threatmap.export import to_geojson
from threatmap.models import Candidate
from threatmap.store import Filters, Store
from threatmap.store.ingest import reindex
from threatmap.store.reviews import ReviewLog

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120


@pytest.fixture()
def store_path(test_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the test store (reviews write to it); the app's caches (keyed by revision, not by store)
    are emptied before and after."""
    import streamlit as st

    copy = tmp_path / "reviews.sqlite"
    shutil.copy(test_store, copy)
    monkeypatch.setattr(settings, "STORE_PATH", copy)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield copy
    st.cache_resource.clear()
    st.cache_data.clear()


def metric(at: AppTest, label: str) -> int:
    return int(str(next(m for m in at.metric if m.label == label).value).replace(",", ""))


def open_at(place: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["place"] = place
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def test_review_a_mention_reload_and_see_counts_export_and_reindex(store_path: Path) -> None:
    from threatmap.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    erbil = place_id(gaz, "erbil")
    hostile = "<script>window.__pwned=1</script>\u202e"
    at = open_at(erbil, reviewer=hostile)
    threats = metric(at, "Threat mentions")
    assert at.text_input(key="reviewer").value == hostile
    at.radio(key="review_threat").set_value("threat")
    at.text_input(key="review_reason").set_value("cells reported <b>here</b>")
    at.button(key="review_save").click().run()
    assert not at.exception, at.exception
    assert metric(at, "Threat mentions") == threats + 1
    assert any("Review saved" in str(s.value) for s in at.success)
    assert at.query_params["reviewer"] in (hostile, [hostile])  # remembered in the URL
    html = "".join(getattr(el.proto, "body", "") for el in at.get("html"))
    assert "reviewed by &lt;script&gt;" in html and "<script>window" not in html

    reloaded = open_at(erbil, review="disagreements")  # a new session: the review is in the store
    assert metric(reloaded, "Mentions") == 1 and metric(reloaded, "Threat mentions") == 1
    assert reloaded.selectbox(key="review").value == "disagreements"
    assert reloaded.query_params["review"] in ("disagreements", ["disagreements"])

    with Store.open(store_path) as store:
        props = [f["properties"] for f in to_geojson(store.query(), gaz, per_mention=True)["features"]
                 if f["properties"]["place_id"] == erbil]
        assert props[0]["reviewed"] and props[0]["threat"] and props[0]["machine_threat"] is False
        assert props[0]["reviewer"] == hostile
        reindex(store, lambda doc: [])  # a new model that finds nothing: the review waits, reported
        assert store.query(Filters(review="reviewed")).empty and len(store.orphan_reviews()) == 1
    with ReviewLog.open(store_path) as log:
        assert len(log.reviews()) == 1


def test_not_a_place_and_a_gazetteer_correction_from_the_panel(store_path: Path) -> None:
    from threatmap.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    makhmour, erbil = place_id(gaz, "makhmour"), place_id(gaz, "erbil")
    at = open_at(makhmour, reviewer="Layla")
    total = metric(at, "Mentions")
    at.radio(key="review_where").set_value("a gazetteer place").run()
    at.text_input(key="review_search").set_value("أربيل").run()
    assert erbil in at.selectbox(key="review_place").options or any(
        erbil in o for o in at.selectbox(key="review_place").options)
    at.selectbox(key="review_place").set_value(erbil)
    at.button(key="review_save").click().run()
    assert not at.exception, at.exception
    assert metric(at, "Mentions") == total  # moved, not lost
    with Store.open(store_path) as store:
        moved = store.query(Filters(review="reviewed")).iloc[0]
        assert moved.place_id == erbil and moved.machine_place_id == makhmour and moved.reviewer == "Layla"


@pytest.fixture()
def places_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private places.yaml (the local overlay is written next to it); caches forgotten afterwards."""
    import streamlit as st

    from threatmap.gazetteer import default_gazetteer

    path = tmp_path / "places.yaml"
    shutil.copy(settings.PLACES_PATH, path)
    (tmp_path / "geodata").symlink_to(settings.PLACES_PATH.parent / "geodata")  # its includes, relative to it
    monkeypatch.setattr(settings, "PLACES_PATH", path)
    yield path
    default_gazetteer.cache_clear()
    st.cache_resource.clear()


def test_clicked_point_places_a_mention_and_the_curator_adds_a_name(store_path: Path, places_copy: Path) -> None:
    from threatmap.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    with Store.open(store_path) as store:
        doc = next(d for d in store.documents() if d.id == "test-makhmour-en")
        start = doc.text.index("Makhmour")
        store.replace_mentions(doc.id, _mentions_of(store, doc.id),
                               [Candidate(doc.id, start, start + 8, "Makhmour", "village of", "near Makhmour")])
    at = open_at(place_id(gaz, "makhmour"), reviewer="Curator")
    at.session_state["clicked_point"] = (35.78, 43.58)
    at.radio(key="review_where").set_value("the point clicked on the map").run()
    at.radio(key="review_precision").set_value(2)
    at.button(key="review_save").click().run()
    assert not at.exception, at.exception
    with Store.open(store_path) as store:
        moved = store.query(Filters(review="reviewed")).iloc[0]
    assert moved.place_id == "point:35.78000,43.58000" and moved.precision == 2

    at.selectbox(key="cur_name").set_value("Makhmour")
    english = next(t for t in at.text_input if t.label == "Name in English")
    english.set_value("Makhmour Test Village").run()
    at.radio(key="cur_geom").set_value("the point clicked on the map").run()
    at.button(key="cur_add").click().run()
    assert not at.exception, at.exception
    local = places_copy.with_name("places.local.yaml").read_text(encoding="utf-8")
    assert "makhmour_test_village" in local and "[43.58, 35.78]" in local
    assert "makhmour_test_village" in default_gazetteer()  # reloaded: the next geoparse finds it


def _mentions_of(store: Store, doc_id: str) -> list:
    """The stored mentions of ``doc_id`` as Mention records (to rewrite them with candidates)."""
    from threatmap.models import Mention, Where

    rows = store.query()
    rows = rows[(rows.doc_id == doc_id) & ~rows.reviewed]
    return [Mention(doc_id=r.doc_id, start=r.start, end=r.end, surface=r.surface, place_id=r.place_id, name=r.name,
                    place_type=r.place_type, where=Where(r.lat, r.lon, (r.min_lon, r.min_lat, r.max_lon, r.max_lat),
                                                         r.geometry_type, r.precision),
                    threat=r.threat, cue=r.cue, qualifier=r.qualifier, passage_start=r.passage_start,
                    passage_end=r.passage_end, speaker=r.speaker) for r in rows.itertuples()]


def test_two_sessions_reviewing_at_once_both_keep_their_reviews(store_path: Path) -> None:
    from threatmap.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    erbil, mosul = place_id(gaz, "erbil"), place_id(gaz, "mosul")
    one, two = open_at(erbil, reviewer="one"), open_at(erbil, reviewer="two")  # both open before either saves
    three = open_at(mosul, reviewer="three")
    one.radio(key="review_threat").set_value("threat")
    two.radio(key="review_threat").set_value("no threat")
    three.radio(key="review_threat").set_value("threat")
    for at in (one, two, three):
        at.button(key="review_save").click().run()
        assert not at.exception, at.exception
    with ReviewLog.open(store_path) as log:
        current = {r.surface: r for r in log.reviews()}
        assert current["Erbil"].reviewer == "two" and current["Erbil"].threat is False  # the last write wins
        assert current["Mosul"].reviewer == "three"
        assert [r.reviewer for _, r in log.history()] == ["one", "two", "three"]  # every write is kept
