"""Exports: GeoJSON (RFC 7946), CSV (BOM), KML, GeoPackage; each read back with geopandas/pyogrio."""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LinearRing, Point, Polygon, shape

from threatmap import export
from threatmap.errors import ExportError
from threatmap.export import aggregate_places, export_bytes, to_csv, to_geojson, to_geojson_bytes, to_gpkg, to_kml
from threatmap.models import Document, Mention, Place, Where
from threatmap.store import Store
from threatmap.store.filters import Filters

PAYLOAD = '<img src=x onerror="window.pwned=1"> ${alert(1)} `x` C:\\temp =1+2'
# Hamrin drawn clockwise on purpose: the export must turn exterior rings counter-clockwise.
HAMRIN = Polygon([(44.0, 34.0), (44.5, 35.0), (45.0, 34.0), (44.0, 34.0)])
GAZ = {
    "hamrin_mountains": Place("hamrin_mountains", "mountain_range", {"en": "Hamrin Mountains", "ar": "جبال حمرين"},
                              {}, HAMRIN, 5),
    "mosul": Place("mosul", "city", {"en": "Mosul", "ar": "الموصل"}, {}, Point(43.13, 36.34), 1),
}


def mention(doc_id: str, start: int, place_id: str, *, threat: bool, qualifier: str | None = None) -> Mention:
    p = GAZ[place_id]
    c = p.geometry.centroid
    return Mention(doc_id=doc_id, start=start, end=start + 5, surface="Hamrin" if place_id != "mosul" else "Mosul",
                   place_id=place_id, name=p.name, place_type=p.type,
                   where=Where(c.y, c.x, p.geometry.bounds, p.geometry.geom_type, p.precision), threat=threat,
                   passage_start=0, passage_end=40, cue="يشكل تهديداً" if threat else None, qualifier=qualifier,
                   speaker="مايلز كاغينز")


@pytest.fixture
def df(tmp_path: Path) -> pd.DataFrame:
    with Store.open(tmp_path / "s.sqlite") as store:
        a = Document("a", "مازال داعش يشكل تهديداً قرب جبال حمرين والموصل" + " " * 10, lang="ar", source="Rudaw",
                     date=dt.date(2020, 3, 4), url="https://www.rudaw.net/x", title="عنوان")
        b = Document("b", PAYLOAD + " near Mosul and Hamrin " + "." * 10, lang="en", source="Wire",
                     date=dt.date(2021, 1, 2), title=PAYLOAD)
        c = Document("c", "Hamrin, undated, quiet." + " " * 30, lang="en", source="Other")
        store.add_document(a, [mention("a", 30, "hamrin_mountains", threat=True), mention("a", 40, "mosul",
                                                                                          threat=True)])
        store.add_document(b, [mention("b", 5, "mosul", threat=False, qualifier="near"),
                               mention("b", 20, "hamrin_mountains", threat=False)])
        store.add_document(c, [mention("c", 0, "hamrin_mountains", threat=False)])
        return store.query(Filters())


def _coords(geometry: dict) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []

    def walk(x: object) -> None:
        if isinstance(x, list | tuple) and len(x) == 2 and all(isinstance(v, int | float) for v in x):
            out.append((float(x[0]), float(x[1])))
        elif isinstance(x, list | tuple):
            for y in x:
                walk(y)

    walk(geometry["coordinates"])
    return out


def _rings(geometry: dict) -> list[tuple[list, bool]]:
    """(ring, is_exterior) of every polygon."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [])
    return [(ring, i == 0) for poly in polys for i, ring in enumerate(poly)]


def test_aggregate_one_row_per_place_and_qualifier(df: pd.DataFrame) -> None:
    gdf = aggregate_places(df, GAZ)
    assert gdf.crs.to_epsg() == 4326
    rows = {r["id"]: r for r in gdf.drop(columns="geometry").to_dict("records")}
    assert set(rows) == {"hamrin_mountains", "mosul", "mosul:near"}
    h = rows["hamrin_mountains"]
    assert (h["mentions"], h["threats"], h["name"], h["name_ar"], h["type"], h["precision"]) == (
        3, 1, "Hamrin Mountains", "جبال حمرين", "mountain_range", 5)
    assert (h["first_date"], h["last_date"], h["sources"]) == ("2020-03-04", "2021-01-02", ["Other", "Rudaw", "Wire"])
    assert [m["doc_id"] for m in h["mention_list"]] == ["a", "b", "c"]  # by date, undated last
    m = h["mention_list"][0]
    assert set(m) == {"doc_id", "title", "source", "date", "url", "quote", "speaker", "threat", "threat_p", "cue",
                      "start", "end", "surface", "reviewed", "reviewer", "reviewed_at", "machine_threat",
                      "machine_place_id"}
    assert m["threat_p"] == (1.0 if m["threat"] else 0.0)  # the fixture's mentions carry the rules' 1.0 / 0.0
    assert m["quote"].startswith("مازال داعش") and m["speaker"] == "مايلز كاغينز" and m["threat"] is True
    geoms = dict(zip(gdf["id"], gdf.geometry, strict=True))
    assert geoms["hamrin_mountains"].equals(HAMRIN)
    assert geoms["mosul"].equals(Point(43.13, 36.34))
    near = geoms["mosul:near"]  # the qualified geometry: an area around the point
    assert near.geom_type == "Polygon" and near.contains(Point(43.13, 36.34)) and near.area > 0
    assert rows["mosul:near"]["qualifier"] == "near"


def test_unknown_qualifier_falls_back_to_the_stored_box(df: pd.DataFrame) -> None:
    odd = df.assign(qualifier=df["qualifier"].map(lambda q: "north of" if q else q))
    gdf = aggregate_places(odd, GAZ)
    assert gdf.set_index("id").geometry["mosul:north of"].equals(Point(43.13, 36.34))


def test_aggregate_without_gazetteer_uses_stored_geometry(df: pd.DataFrame) -> None:
    gdf = aggregate_places(df, None)
    geoms = dict(zip(gdf["id"], gdf.geometry, strict=True))
    assert geoms["mosul"].equals(Point(43.13, 36.34))
    assert geoms["hamrin_mountains"].bounds == HAMRIN.bounds


def _reference_aggregate(df: pd.DataFrame, gazetteer: object) -> pd.DataFrame:
    """The straightforward per-group version of :func:`aggregate_places` (the one it replaced), without geometry."""
    records = []
    keyed = df.assign(_q=df["qualifier"].where(df["qualifier"].notna(), ""))
    for (place_id, qualifier), group in keyed.groupby(["place_id", "_q"], sort=False):
        first, place = group.iloc[0], (gazetteer or {}).get(place_id)
        dates = sorted(d for d in group["date"] if isinstance(d, str) and d)
        ordered = group.sort_values(["date", "doc_id", "start"], na_position="last", kind="stable")
        none = export.none_if_missing
        records.append({
            "id": f"{place_id}:{qualifier}" if qualifier else place_id, "place_id": place_id,
            "name": place.name if place is not None else first["name"],
            "name_ar": place.names.get("ar") if place is not None else None,
            "type": place.type if place is not None else first["place_type"],
            "precision": int(first["precision"]), "qualifier": qualifier or None,
            "mentions": len(group), "threats": int(group["threat"].sum()),
            "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
            "sources": sorted({s for s in group["source"] if isinstance(s, str) and s}),
            "mention_list": [{
                "doc_id": r["doc_id"], "title": none(r["title"]), "source": none(r["source"]),
                "date": none(r["date"]), "url": none(r["url"]), "quote": none(r["passage"]),
                "speaker": none(r["speaker"]), "threat": bool(r["threat"]),
                "threat_p": round(float(r["threat_p"]), 3), "cue": none(r["cue"]),
                "start": int(r["start"]), "end": int(r["end"]), "surface": r["surface"],
                "reviewed": bool(r.get("reviewed", False)), "reviewer": none(r.get("reviewer")),
                "reviewed_at": none(r.get("reviewed_at")),
                "machine_threat": bool(r.get("machine_threat", r["threat"])),
                "machine_place_id": r.get("machine_place_id", r["place_id"]),
            } for r in ordered.to_dict("records")],
        })
    frame = pd.DataFrame(records, dtype=object).astype({"precision": "int64", "mentions": "int64",
                                                        "threats": "int64"})
    return frame.sort_values(["mentions", "place_id"], ascending=[False, True], kind="stable").reset_index(
        drop=True)


def _messy(df: pd.DataFrame, *, copies: int = 7, seed: int = 3) -> pd.DataFrame:
    """``df`` repeated and shuffled, with ties, '' qualifiers, empty / missing dates and sources, another index."""
    big = pd.concat([df] * copies, ignore_index=True).sample(frac=1.0, random_state=seed)
    n = len(big)
    big["start"] = [i % 4 for i in range(n)]  # ties on (date, doc_id, start): the original order must decide
    big["qualifier"] = [[None, "", "near", None, "north of"][i % 5] for i in range(n)]
    big["date"] = [[d, None, "", d][i % 4] for i, d in enumerate(big["date"])]
    big["source"] = [[s, None, ""][i % 3] for i, s in enumerate(big["source"])]
    big["place_id"] = [[p, p, "ghost"][i % 3] for i, p in enumerate(big["place_id"])]  # not in the gazetteer
    return big.set_index(pd.Index([f"r{i}" for i in range(n)]))


@pytest.mark.parametrize("gaz", [GAZ, None])
@pytest.mark.parametrize("shape", ["store", "messy", "messy-str-dtypes"])
def test_aggregate_matches_the_per_group_reference(df: pd.DataFrame, gaz: dict | None, shape: str) -> None:
    frame = df if shape == "store" else _messy(df)
    if shape == "messy-str-dtypes":  # as a user-built frame would be in pandas 3: str columns, NaN for missing
        frame = pd.DataFrame({c: frame[c].tolist() for c in frame.columns})
    got = aggregate_places(frame, gaz)
    pd.testing.assert_frame_equal(got.drop(columns="geometry"), _reference_aggregate(frame, gaz))
    for row, geom in zip(got.to_dict("records"), got.geometry, strict=True):  # geometry: resolved per key
        assert geom.equals(export.geometry_resolver(gaz)(row["place_id"], row["qualifier"], frame.loc[
            (frame["place_id"] == row["place_id"]) & (frame["qualifier"].fillna("").replace("", None).isna()
                                                      if row["qualifier"] is None else
                                                      frame["qualifier"] == row["qualifier"])].iloc[0]))


@pytest.mark.parametrize("per_mention", [False, True])
def test_geojson_follows_rfc7946(df: pd.DataFrame, per_mention: bool) -> None:
    fc = to_geojson(df, GAZ, per_mention=per_mention)
    assert fc["type"] == "FeatureCollection" and "crs" not in fc
    assert len(fc["features"]) == (5 if per_mention else 3)
    for feature in fc["features"]:
        assert feature["type"] == "Feature" and "crs" not in feature
        for lon, lat in _coords(feature["geometry"]):
            assert 38 < lon < 49 and 29 < lat < 38  # lon first: Iraq, not the Indian Ocean
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert round(lon, 6) == lon and round(lat, 6) == lat
        for ring, exterior in _rings(feature["geometry"]):
            assert LinearRing(ring).is_ccw == exterior  # right-hand rule
    assert any(f["geometry"]["type"] == "Polygon" for f in fc["features"])


def test_geojson_bytes_are_utf8_unescaped_and_read_back(df: pd.DataFrame, tmp_path: Path) -> None:
    data = to_geojson_bytes(df, GAZ)
    assert "جبال حمرين".encode() in data and b"\\u062c" not in data
    path = tmp_path / "x.geojson"
    path.write_bytes(data)
    back = gpd.read_file(path, engine="pyogrio")
    assert len(back) == 3 and back.crs.to_epsg() == 4326
    assert set(back["id"]) == {"hamrin_mountains", "mosul", "mosul:near"}
    fc = json.loads(data)
    hamrin = next(f for f in fc["features"] if f["id"] == "hamrin_mountains")
    assert shape(hamrin["geometry"]).equals(HAMRIN)
    props = hamrin["properties"]
    assert props["mention_count"] == 3 and props["threats"] == 1 and len(props["mentions"]) == 3
    assert set(props) == {"id", "place_id", "name", "name_ar", "type", "precision", "qualifier", "mention_count",
                          "threats", "first_date", "last_date", "sources", "mentions"}
    assert props["mentions"][1]["title"] == PAYLOAD  # data kept exact; escaping is the viewer's job


def test_per_mention_properties(df: pd.DataFrame) -> None:
    features = to_geojson(df, GAZ, per_mention=True)["features"]
    props = [f["properties"] for f in features]
    assert {p["doc_id"] for p in props} == {"a", "b", "c"}
    p = next(p for p in props if p["qualifier"] == "near")
    assert (p["place_id"], p["type"], p["precision"], p["lang"], p["threat"]) == ("mosul", "city", 1, "en", False)
    assert len({f["id"] for f in features}) == len(features)


def test_csv_has_bom_arabic_and_defused_formulas(df: pd.DataFrame) -> None:
    data = to_csv(df)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert len(back) == 5 and "passage" in back.columns
    assert any(p.startswith("مازال داعش يشكل تهديداً قرب جبال حمرين") for p in back["passage"])
    assert not any(str(v).startswith(("=", "+", "@")) for v in back.to_numpy().ravel())
    formula = pd.DataFrame({"passage": ["=HYPERLINK(\"x\")", "-- Near Mosul", "safe"]})
    assert pd.read_csv(io.BytesIO(to_csv(formula)), encoding="utf-8-sig")["passage"].tolist() == [
        "'=HYPERLINK(\"x\")", "'-- Near Mosul", "safe"]


def test_kml_opens_and_descriptions_are_escaped(df: pd.DataFrame, tmp_path: Path) -> None:
    data = to_kml(df, GAZ)
    root = ET.fromstring(data)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    descriptions = [d.text for d in root.iter("{http://www.opengis.net/kml/2.2}description")]
    assert descriptions and all("<img" not in d for d in descriptions)  # after XML parsing, HTML-escaped
    assert any("&lt;img src=x" in d for d in descriptions)
    assert any("(threat_p 1.00)" in d for d in descriptions) and any("(threat_p 0.00)" in d for d in descriptions)
    assert root.findall(".//k:Polygon", ns) and root.findall(".//k:Point", ns)
    path = tmp_path / "x.kml"
    path.write_bytes(data)
    back = gpd.read_file(path, engine="pyogrio")
    assert len(back) == 3
    assert set(back.geometry.geom_type) == {"Point", "Polygon"}
    assert "Hamrin Mountains" in set(back["Name"])


def test_gpkg_reads_back_with_both_layers(df: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "x.gpkg"
    path.write_bytes(to_gpkg(df, GAZ))
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert layers == {"places", "mentions"}
    places = gpd.read_file(path, layer="places", engine="pyogrio")
    assert len(places) == 3 and places.crs.to_epsg() == 4326
    hamrin = places[places["id"] == "hamrin_mountains"].iloc[0]
    assert json.loads(hamrin["sources"]) == ["Other", "Rudaw", "Wire"]
    assert json.loads(hamrin["mentions"])[0]["quote"].startswith("مازال داعش")
    assert hamrin["mention_count"] == 3
    assert hamrin.geometry.equals(HAMRIN)
    mentions = gpd.read_file(path, layer="mentions", engine="pyogrio")
    assert len(mentions) == 5 and bool(mentions["threat"].iloc[0]) in (True, False)


@pytest.mark.parametrize("fmt", ["geojson", "csv", "kml", "gpkg"])
def test_empty_selection_exports(df: pd.DataFrame, fmt: str, tmp_path: Path) -> None:
    empty = df.iloc[0:0]
    data = export_bytes(fmt, empty, GAZ)
    path = tmp_path / f"empty.{fmt}"
    path.write_bytes(data)
    if fmt == "geojson":
        assert json.loads(data) == {"type": "FeatureCollection", "features": []}
    elif fmt == "gpkg":
        assert len(gpd.read_file(path, layer="places", engine="pyogrio")) == 0
    elif fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")


def test_unknown_format() -> None:
    with pytest.raises(ExportError, match="unknown export format 'shp'"):
        export_bytes("shp", pd.DataFrame(), GAZ)


def test_a_place_located_from_context_is_its_own_group_with_its_stored_box(tmp_path: Path) -> None:
    where = Where(34.6, 40.9, (40.8, 34.5, 41.0, 34.7), "Point", 2)
    ctx = [Mention(doc_id="k", start=s, end=s + 6, surface="غرانيج", place_id=None, name="غرانيج",
                   place_type="village", where=where, threat=True, passage_start=0, passage_end=30,
                   resolved_by="context") for s in (0, 10)]
    with Store.open(tmp_path / "k.sqlite") as store:
        store.add_document(Document("k", "غرانيج و… غرانيج" + " " * 30, lang="ar"), ctx)
        frame = store.query(Filters())
    assert frame["resolved_by"].tolist() == ["context", "context"]
    agg = aggregate_places(frame, GAZ)
    (row,) = agg.itertuples()
    assert row.place_id is None and row.id == "context:غرانيج@34.6,40.9" and row.mentions == 2
    assert row.geometry.equals(Polygon([(40.8, 34.5), (41.0, 34.5), (41.0, 34.7), (40.8, 34.7)]))


@pytest.fixture
def with_unlocated(tmp_path: Path) -> pd.DataFrame:
    """Mosul (located) and Kisik twice, a village name nothing in its sentence locates (no geometry)."""
    text = "ISIS attacked the village of Kisik and Mosul; Kisik again." + " " * 10
    kisik = [Mention(doc_id="u", start=s, end=s + 5, surface="Kisik", place_id=None, name="Kisik",
                     place_type="village", where=None, threat=True, threat_p=0.9, passage_start=0, passage_end=58,
                     resolved_by="unlocated") for s in (29, 46)]
    with Store.open(tmp_path / "u.sqlite") as store:
        store.add_document(Document("u", text, lang="en", source="Wire", date=dt.date(2019, 5, 1)),
                           [*kisik, mention("u", 39, "mosul", threat=True)])
        return store.query(Filters())


def test_an_unlocated_mention_is_listed_in_every_export_but_kml_and_never_drawn(with_unlocated: pd.DataFrame,
                                                                                 tmp_path: Path) -> None:
    df = with_unlocated
    assert df["resolved_by"].tolist() == ["unlocated", "gazetteer", "unlocated"]
    assert df["lat"].isna().tolist() == [True, False, True] and df["precision"].isna().sum() == 2

    agg = aggregate_places(df, GAZ)
    kisik = agg[agg["id"] == "unlocated:Kisik"].iloc[0]
    assert kisik.geometry is None and kisik["mentions"] == 2 and pd.isna(kisik["precision"])
    assert [m["start"] for m in kisik["mention_list"]] == [29, 46]

    collection = json.loads(to_geojson_bytes(df, GAZ))
    by_id = {f["id"]: f for f in collection["features"]}
    assert by_id["unlocated:Kisik"]["geometry"] is None  # RFC 7946 3.2: an unlocated Feature
    assert by_id["unlocated:Kisik"]["properties"]["precision"] is None
    assert by_id["mosul"]["geometry"]["type"] == "Point"
    per_mention = to_geojson(df, GAZ, per_mention=True)["features"]
    assert [f["geometry"] is None for f in per_mention] == [True, False, True]

    rows = pd.read_csv(io.BytesIO(to_csv(df)), encoding="utf-8-sig", keep_default_na=False)
    assert rows["lat"].tolist()[0] == "" and rows["lon"].tolist()[2] == "" and rows["surface"].tolist()[0] == "Kisik"

    root = ET.fromstring(to_kml(df, GAZ))
    names = [e.text for e in root.iter("{http://www.opengis.net/kml/2.2}name")]
    assert "Mosul" in names and "Kisik" not in names  # KML: left out (documented)

    path = tmp_path / "u.gpkg"
    path.write_bytes(to_gpkg(df, GAZ))
    mentions = gpd.read_file(path, layer="mentions")
    places = gpd.read_file(path, layer="places")
    assert mentions.geometry.isna().tolist() == [True, False, True]
    assert places.set_index("id").geometry.isna().to_dict() == {"mosul": False, "unlocated:Kisik": True}
