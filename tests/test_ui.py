"""The app's pure pieces: what the map draws, table order, time axis, upload notices, names, months, the feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from threatmap.store.filters import Filters
from threatmap.store.ingest import IngestSummary
from ui import drawing, feed, mapview, sidebar, timeslider, views


def _agg() -> gpd.GeoDataFrame:
    rows = [  # place_id, type, precision, qualifier, geometry
        ("diyala", "governorate", 4, None, box(44.3, 33.5, 45.8, 35.1)),
        ("baqubah", "city", 1, None, Point(44.65, 33.75)),
        ("anbar", "governorate", 4, None, box(38.8, 30.5, 43.9, 34.4)),
        ("syria", "country", 6, None, box(35.7, 32.3, 42.4, 37.3)),
        ("tampa", "city", 1, None, Point(-82.46, 27.95)),
        ("diyala", "governorate", 4, "north", box(44.3, 34.3, 45.8, 35.1)),
    ]
    frame = gpd.GeoDataFrame(
        {"place_id": [r[0] for r in rows], "type": [r[1] for r in rows], "precision": [r[2] for r in rows],
         "qualifier": [r[3] for r in rows]}, geometry=[r[4] for r in rows], crs=4326)
    return frame.assign(bbox=[list(g.bounds) for g in frame.geometry])


def _drawn(**options: object) -> list[tuple[str, str | None]]:
    rows = drawing.drawn(_agg(), drawing.Drawing(**options))  # type: ignore[arg-type]
    return [(p, q if isinstance(q, str) else None) for p, q in zip(rows["place_id"], rows["qualifier"], strict=True)]


def test_countries_hidden_by_default_and_each_precision_can_be_switched() -> None:
    assert ("syria", None) not in _drawn()
    assert ("syria", None) in _drawn(precisions=(1, 2, 3, 4, 5, 6))
    assert [p for p, _ in _drawn(precisions=(1,))] == ["baqubah"]


def test_governorate_drawn_only_where_no_finer_place_unless_switched_on() -> None:
    default = _drawn()
    assert ("anbar", None) in default  # nothing finer reported in Anbar
    assert ("diyala", None) not in default and ("baqubah", None) in default  # Baqubah says more than Diyala
    assert ("diyala", "north") in default  # a qualified part is a finer statement of its own
    assert ("diyala", None) in _drawn(governorates_always=True)
    assert ("diyala", None) in _drawn(precisions=(4, 5))  # its finer places hidden: the governorate shows


def test_places_outside_the_region_only_when_asked() -> None:
    assert ("tampa", None) not in _drawn()
    assert ("tampa", None) in _drawn(outside_region=True)


def _mentions() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["a", "b", "c", "d", "e"], "passage_start": [0, 0, 0, 0, 0],
        "date": ["2020-01-05", None, "2022-04-02", "2020-03-01", None],
        "threat": [True, False, True, False, True], "name": list("vwxyz"),
    })


def test_table_newest_first_and_undated_last() -> None:
    shown = views.newest_first(_mentions(), 10)
    assert shown["date"].tolist()[:3] == ["2022-04-02", "2020-03-01", "2020-01-05"]
    assert shown["date"].iloc[3:].isna().all()
    assert views.newest_first(_mentions(), 2)["date"].tolist() == ["2022-04-02", "2020-03-01"]


def test_timeline_has_every_month_between_first_and_last() -> None:
    found = pd.DataFrame({"threat": [1, 0, 1], "other": [0, 1, 0]},  # Store.monthly: only months with mentions
                         index=pd.Index(["2020-01", "2020-03", "2022-04"], dtype=object, name="month"))
    table = views.monthly(found)
    assert table.index[0] == "2020-01" and table.index[-1] == "2022-04" and len(table) == 28
    assert table.loc["2021-06"].tolist() == [0, 0]
    assert table["threat"].sum() == 2 and table["other"].sum() == 1
    assert views.monthly(found.iloc[0:0]).empty


def test_timeline_rows_are_one_per_month_and_kind_in_the_specs_fields() -> None:
    found = pd.DataFrame({"threat": [2, 0], "other": [1, 3]},
                         index=pd.Index(["2020-01", "2020-03"], dtype=object, name="month"))
    rows = views.timeline_rows(views.monthly(found))
    assert len(rows) == 6 and set(rows["kind"]) == {"threat", "other"}  # three months, two kinds
    assert rows.set_index(["month", "kind"])["mentions"].to_dict() == {
        ("2020-01", "threat"): 2, ("2020-02", "threat"): 0, ("2020-03", "threat"): 0,
        ("2020-01", "other"): 1, ("2020-02", "other"): 0, ("2020-03", "other"): 3}
    encoding = views.timeline_spec()["encoding"]
    assert {encoding[c]["field"] for c in ("x", "y", "color")} == set(rows.columns)


def test_table_has_a_passage_column() -> None:
    assert "passage" in views.TABLE_COLUMNS


def test_each_rejected_upload_is_an_error_with_its_file_name_and_fix() -> None:
    reason = "broken.md: front matter is not valid YAML (line 2); fix: close the quote"
    notices = views.upload_messages("broken.md", IngestSummary(rejected=(("broken.md", reason),)))
    assert notices == [("error", reason)]
    empty = views.upload_messages("empty.txt", IngestSummary())
    assert empty[0][0] == "error" and empty[0][1].startswith("empty.txt: ") and "fix:" in empty[0][1]
    ok = views.upload_messages("good.md", IngestSummary(added=1, mentions=3, threat_mentions=1))
    assert [kind for kind, _ in ok] == ["success"]


def test_each_upload_receipt_is_numbered_and_counts_its_files() -> None:
    assert views.UploadReceipt(1, 1, ()).heading == "Upload 1: 1 file checked"
    assert views.UploadReceipt(2, 3, (("error", "x"),)).heading == "Upload 2: 3 files checked"


def test_notices_show_markdown_as_written() -> None:
    assert views.escape_markdown("**x** [a](javascript:b)") == "\\*\\*x\\*\\* \\[a\\]\\(javascript\\:b\\)"


def test_long_source_names_stay_distinguishable() -> None:
    one = "CJTF-OIR Public Affairs (Combined Joint Task Force – Operation Inherent Resolve, U.S. DoD)"
    two = one + ", Arabic release"
    assert sidebar.short_source(one) != sidebar.short_source(two)
    assert sidebar.short_source("Rudaw") == "Rudaw"
    assert len(sidebar.short_source(two)) <= sidebar.SOURCE_CHARS + 3


def test_months_for_the_slider_and_play() -> None:
    months = timeslider.months_between(dt.date(2020, 11, 5), dt.date(2021, 2, 1))
    assert months == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert timeslider.next_month(months, timeslider.ALL) == "2020-11"
    assert timeslider.next_month(months, "2020-12") == "2021-01"
    assert timeslider.next_month(months, "2021-02") is None
    narrowed = timeslider.narrowed(Filters(since=dt.date(2020, 11, 5), langs=("ar",)), "2020-11")
    assert (narrowed.since, narrowed.until, narrowed.langs) == (dt.date(2020, 11, 5), dt.date(2020, 11, 30), ("ar",))
    assert timeslider.narrowed(Filters(), timeslider.ALL) == Filters()


def _passages() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["old", "new", "new", "undated"], "passage_start": [0, 0, 0, 0],
        "date": ["2019-01-01", "2023-05-10", "2023-05-10", None],
        "passage": ["ISIS near Mosul", "خلايا داعش في جبال حمرين قرب <img src=x>",
                    "خلايا داعش في جبال حمرين قرب <img src=x>", "x"],  # one passage, two mentions
        "start": [11, 20, 0, 0], "end": [16, 25, 1, 1], "lang": ["en", "ar", "ar", "en"],
        "name": ["Mosul", "Hamrin Mountains", "Diyala", "Erbil"], "qualifier": [None, None, "north", None],
        "threat": [False, True, False, False], "source": ["Wire", "Outlet", "Outlet", None],
        "place_id": ["mosul", "hamrin", "diyala", "erbil"],
        "min_lon": [43.1, 43.6, 44.3, 44.0], "min_lat": [36.3, 34.6, 33.5, 36.2],
        "max_lon": [43.1, 44.4, 45.8, 44.0], "max_lat": [36.3, 35.1, 35.1, 36.2],
    })


def _newest(df: pd.DataFrame) -> Callable[[int], pd.DataFrame]:
    """A stand-in for ``Store.query(limit=n, newest_first=True)`` over ``df``, counting the rows it is asked for."""
    ordered = df.sort_values(["date", "doc_id", "start"], ascending=False, na_position="last", kind="stable")
    asked: list[int] = []

    def fetch(n: int) -> pd.DataFrame:
        asked.append(n)
        return ordered.head(n)

    fetch.asked = asked  # type: ignore[attr-defined]
    return fetch


def test_feed_lists_passages_newest_first_with_chips_source_and_date() -> None:
    fetch = _newest(_passages())
    shown, more = feed.page_of(fetch, 1)
    assert [g["doc_id"].iloc[0] for g in shown] == ["new", "old", "undated"] and not more
    html = feed.card_html(shown[0])
    assert "Hamrin Mountains" in html and "Diyala (north)" in html and "Outlet" in html and "2023-05-10" in html
    assert 'dir="rtl"' in html and "&lt;img" in html and "<img" not in html
    assert "threat p" not in html  # no probability column: nothing invented
    assert "threat p = 0.81" in feed.card_html(shown[0].assign(threat_p=[0.81, 0.2]))


def test_feed_reads_only_the_newest_rows_it_needs() -> None:
    many = pd.DataFrame({"doc_id": [f"d{i:03}" for i in range(100) for _ in range(5)],
                         "passage_start": [0] * 500, "start": list(range(5)) * 100,
                         "date": [f"2020-01-{1 + i % 28:02}" for i in range(100) for _ in range(5)]})
    fetch = _newest(many)
    shown, more = feed.page_of(fetch, 2)  # five mentions per passage: the rows asked for double until enough
    assert len(shown) == feed.PAGE_SIZE and more and max(fetch.asked) < 200  # type: ignore[attr-defined]
    assert [len(g) for g in shown] == [5] * feed.PAGE_SIZE and shown[0]["start"].tolist() == [0, 1, 2, 3, 4]
    last, more = feed.page_of(fetch, 13)  # 100 passages: 12 full pages and 4 on the last
    assert len(last) == 4 and not more and feed.page_of(fetch, 14) == ([], False)


def test_feed_click_frames_the_passage_places() -> None:
    (rows, *_), _ = feed.page_of(_newest(_passages()), 1)
    (lat, lon), zoom = mapview.view_for_bbox(feed.bbox_of(rows))
    assert 33.5 < lat < 35.1 and 43.6 < lon < 45.8 and 6 <= zoom <= 10
    assert mapview.view_for_bbox((43.1, 36.3, 43.1, 36.3))[1] == 12  # one town: close, not the maximum zoom


@pytest.mark.parametrize("name", ["all_months"])
def test_all_months_is_the_default(name: str) -> None:
    assert timeslider.ALL == "all months"


def test_a_speaker_who_is_the_outlet_is_not_repeated() -> None:
    from ui.panel import names_outlet

    assert names_outlet("رووداو", "Rudaw")  # the interviewer line of the seed interview
    assert not names_outlet("مايلز كاغينز", "Rudaw") and not names_outlet("Myles Caggins", "Rudaw")
    assert not names_outlet(None, "Rudaw") and not names_outlet("رووداو", None)
