"""The SQLite store: idempotent by content hash, one transaction per document, queries behind Filters."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from threatmap.errors import DocumentError, ExportError, StoreError
from threatmap.models import Candidate, Document, Mention, Where
from threatmap.store import Counts, Store
from threatmap.store.filters import Filters
from threatmap.store.schema import COLUMNS

PLACES = {  # surface regex -> (place_id, type, lon, lat, bbox)
    "Mosul|الموصل": ("mosul", "city", 43.13, 36.34, (43.13, 36.34, 43.13, 36.34)),
    "Anbar|الأنبار": ("anbar", "governorate", 42.0, 33.0, (39.0, 31.0, 44.0, 35.0)),
    "Hamrin|حمرين": ("hamrin_mountains", "mountain_range", 44.5, 34.5, (44.0, 34.0, 45.0, 35.0)),
}


def fake_parse(doc: Document) -> tuple[Mention, ...]:
    """A tiny stand-in for the geoparser: fixed names, passage = the line, threat when ISIS/داعش is in it."""
    out = []
    for pattern, (pid, ptype, lon, lat, bbox) in PLACES.items():
        for m in re.finditer(pattern, doc.text):
            ps = doc.text.rfind("\n", 0, m.start()) + 1
            pe = doc.text.find("\n", m.end())
            pe = len(doc.text) if pe < 0 else pe
            threat = bool(re.search("ISIS|داعش", doc.text[ps:pe]))
            out.append(Mention(
                doc_id=doc.id, start=m.start(), end=m.end(), surface=m.group(), place_id=pid, name=pid.title(),
                place_type=ptype, where=Where(lat, lon, bbox, "Point" if ptype == "city" else "Polygon",
                                              1 if ptype == "city" else 4),
                threat=threat, passage_start=ps, passage_end=pe, cue="ISIS" if threat else None, speaker=doc.source))
    return tuple(sorted(out, key=lambda m: m.start))


def doc(doc_id: str, text: str, *, date: dt.date | None = None, source: str | None = "Wire", lang: str = "en",
        path: str | None = None) -> Document:
    return Document(id=doc_id, text=text, lang=lang, source=source, date=date,
                    date_origin="metadata" if date else None, title=f"T {doc_id}", path=path or f"{doc_id}.md")


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new store is opened: a SQLite file, or a new PostgreSQL database (the same contract on both)."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return str(tmp_path / "sub" / "s.sqlite")


@pytest.fixture
def store(target: str) -> Store:
    with Store.open(target) as s:
        yield s


def add(store: Store, d: Document) -> bool:
    return store.add_document(d, fake_parse(d))


@pytest.fixture
def filled(store: Store) -> Store:
    add(store, doc("a", "ISIS attacked near Mosul.\nCalm in Anbar.", date=dt.date(2020, 3, 4)))
    add(store, doc("b", "مازال داعش يهدد جبال حمرين والأنبار", date=dt.date(2021, 1, 1), source="Rudaw",
                   lang="ar"))
    add(store, doc("c", "Mosul was quiet.", date=None, source="Other"))
    return store


def test_open_creates_parent_folder_schema_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "s.sqlite"
    with Store.open(path) as s:
        assert s.is_empty()
    assert path.is_file()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "mentions", "candidates"} <= tables
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"documents_date", "mentions_source", "mentions_lang", "mentions_place", "mentions_date"} <= indexes


def test_add_is_idempotent_by_content_hash(store: Store) -> None:
    d = doc("a", "ISIS near Mosul", date=dt.date(2020, 1, 1))
    assert add(store, d) is True
    assert add(store, d) is False
    assert store.facets().documents == 1 and store.facets().mentions == 1


def test_duplicate_id_with_other_content_is_rejected_and_stored_one_kept(store: Store) -> None:
    add(store, doc("a", "ISIS near Mosul", path="one.md"))
    with pytest.raises(DocumentError, match=r"document id 'a' is already stored \(from 'one\.md'\).*"
                                            r"stored one is kept.*distinct 'id:'"):
        add(store, doc("a", "something else about Anbar", path="two.md"))
    assert store.documents()[0].text == "ISIS near Mosul"
    assert set(store.query()["place_id"]) == {"mosul"}


def test_same_file_edited_replaces_the_document(store: Store) -> None:
    add(store, doc("a", "ISIS near Mosul", path="one.md"))
    assert add(store, doc("a", "ISIS in Anbar now", path="one.md")) is True
    assert list(store.query()["place_id"]) == ["anbar"]


def test_a_failing_batch_is_rolled_back_whole(store: Store) -> None:
    add(store, doc("kept", "ISIS near Mosul"))
    good = doc("a", "ISIS near Mosul")
    broken = fake_parse(doc("b", "Anbar"))[0]
    broken = replace(broken, where=replace(broken.where, bbox=(1.0, 2.0)))  # 2 of 4 values
    with pytest.raises(StoreError, match="cannot write to the store"):
        store.add_batch([(good, fake_parse(good), ()), (doc("b", "Anbar"), (broken,), ())])
    assert [d.id for d in store.documents()] == ["kept"]
    assert len(store.query()) == 1
    assert add(store, good) is True  # the store is still usable


def test_documents_round_trip(store: Store) -> None:
    d = Document(id="x", text="نص", lang="ar", source="Rudaw", date=dt.date(2020, 3, 4), date_origin="text",
                 url="https://e.org", title="عنوان", speakers=("رووداو", "مايلز كاغينز"), path="x.md")
    store.add_document(d, ())
    assert store.documents() == [d]


def test_query_columns_and_types(filled: Store) -> None:
    df = filled.query(Filters())
    assert tuple(df.columns) == COLUMNS
    assert len(df) == 5
    assert df["threat"].dtype == bool
    row = df[df["doc_id"] == "a"].iloc[0]
    assert row["date"] == "2020-03-04" and row["surface"] == "Mosul"
    assert row["passage"] == "ISIS attacked near Mosul." and row["threat"]
    assert (row["min_lon"], row["max_lat"]) == (43.13, 36.34)
    assert df[df["doc_id"] == "c"]["date"].iloc[0] is None
    assert row["qualifier"] is None and row["cue"] == "ISIS"
    assert df[df["doc_id"] == "c"]["cue"].iloc[0] is None and df["url"].iloc[0] is None


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(since=dt.date(2021, 1, 1)), {("b", "hamrin_mountains"), ("b", "anbar")}),
    (Filters(until=dt.date(2020, 12, 31)), {("a", "mosul"), ("a", "anbar")}),  # undated c excluded
    (Filters(sources=("Rudaw", "Other")), {("b", "hamrin_mountains"), ("b", "anbar"), ("c", "mosul")}),
    (Filters(langs=("ar",)), {("b", "hamrin_mountains"), ("b", "anbar")}),
    (Filters(threat_only=True), {("a", "mosul"), ("b", "hamrin_mountains"), ("b", "anbar")}),
    (Filters(places=("mosul",)), {("a", "mosul"), ("c", "mosul")}),
    (Filters(types=("governorate",)), {("a", "anbar"), ("b", "anbar")}),
    (Filters(text="calm in ANBAR"), {("a", "mosul"), ("a", "anbar")}),  # the whole document, not the passage
    (Filters(text="الانبار"), {("b", "hamrin_mountains"), ("b", "anbar")}),  # أ/ا insensitive
    (Filters(threat_only=True, places=("mosul", "anbar"), since=dt.date(2020, 1, 1)),
     {("a", "mosul"), ("b", "anbar")}),
    (Filters(sources=("nobody",)), set()),
])
def test_filters(filled: Store, filters: Filters, expected: set[tuple[str, str]]) -> None:
    df = filled.query(filters)
    assert set(zip(df["doc_id"], df["place_id"], strict=True)) == expected
    assert tuple(df.columns) == COLUMNS


def test_undated_documents_kept_without_date_filters(filled: Store) -> None:
    assert "c" in set(filled.query(Filters(places=("mosul",)))["doc_id"])


def test_facets(filled: Store) -> None:
    f = filled.facets()
    assert f.sources == ("Other", "Rudaw", "Wire")
    assert f.langs == ("ar", "en")
    assert f.place_types == ("city", "governorate", "mountain_range")
    assert (f.min_date, f.max_date) == (dt.date(2020, 3, 4), dt.date(2021, 1, 1))
    assert (f.documents, f.mentions) == (3, 5)


def test_replace_mentions(filled: Store) -> None:
    filled.replace_mentions("a", (), [Candidate("a", 0, 4, "ISIS", "near")])
    assert "a" not in set(filled.query()["doc_id"])
    assert [c.surface for c in filled.candidates()] == ["ISIS"]
    with pytest.raises(StoreError, match="no stored document with id 'zz'"):
        filled.replace_mentions("zz", ())


def test_query_sees_writes_of_another_connection(filled: Store, target: str) -> None:
    assert len(filled.query()) == 5
    with Store.open(target) as other:
        add(other, doc("d", "ISIS in Anbar"))
    assert len(filled.query()) == 6


def test_query_results_are_independent_copies(filled: Store) -> None:
    df = filled.query()
    df.loc[:, "surface"] = "changed"
    assert "changed" not in set(filled.query()["surface"])


def test_one_store_shared_by_threads(store: Store) -> None:
    """As the app shares it (st.cache_resource): writers and readers in threads, no error, nothing lost."""
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            for i in range(20):
                add(store, doc(f"w{k}-{i}", "ISIS near Mosul and in Anbar"))
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    def read() -> None:
        try:
            for _ in range(30):
                store.query(Filters(text="mosul"))
                store.facets()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(3)] + [
        threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.facets().documents == 60 and len(store.query()) == 120


def test_reopen_keeps_everything(filled: Store, target: str) -> None:
    filled.close()
    with Store.open(target) as again:
        assert again.facets().documents == 3
        assert isinstance(again.query(), pd.DataFrame)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match=r"not a usable threatmap store.*fix"):
        Store.open(bad)


def test_other_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    sqlite3.connect(path).execute("PRAGMA user_version=99").connection.close()
    with pytest.raises(StoreError, match="schema version 99, newer"):
        Store.open(path)


def test_bad_filters_are_refused() -> None:
    with pytest.raises(ExportError, match="since '2021-01-01' is after until"):
        Filters(since=dt.date(2021, 1, 1), until=dt.date(2020, 1, 1))
    with pytest.raises(ExportError, match=r"expected a datetime\.date"):
        Filters(since="2020-01-01")  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="expected a tuple of strings"):
        Filters(sources="Rudaw")  # type: ignore[arg-type]
    assert Filters(places=["mosul"]).places == ("mosul",)  # type: ignore[arg-type]
    assert Filters().is_empty and not Filters(threat_only=True).is_empty
    with pytest.raises(ExportError, match=r"threat_threshold: expected a number in \[0, 1\], got 1\.5"):
        Filters(threat_threshold=1.5)


def test_threat_p_is_stored_and_the_threshold_decides_what_counts(store: Store) -> None:
    d = doc("p", "ISIS near Mosul.\nISIS in Anbar.")
    base = fake_parse(d)
    mentions = [dataclasses.replace(base[0], threat=True, threat_p=0.55),
                dataclasses.replace(base[1], threat=True, threat_p=0.9)]
    store.add_document(d, mentions)
    df = store.query()
    assert df["threat_p"].tolist() == [0.55, 0.9] and df["threat"].tolist() == [True, True]
    strict = store.query(Filters(threat_threshold=0.6))
    assert strict["threat"].tolist() == [False, True]
    assert store.query(Filters(threat_only=True, threat_threshold=0.6))["place_id"].tolist() == ["anbar"]
    assert store.query()["threat"].tolist() == [True, True]  # the snapshot itself is untouched


# ---------------------------------------------------------------- answered in SQL (the same on both engines)
def test_counts_aggregate_and_months(filled: Store) -> None:
    assert filled.counts() == Counts(mentions=5, threats=3, places=3, documents=3)
    assert filled.counts(Filters(langs=("ar",))) == Counts(mentions=2, threats=2, places=2, documents=1)
    agg = filled.aggregate()
    assert list(agg.columns) == ["place_id", "qualifier", "mentions", "threats", "first_date", "last_date", "uncertain",
                                 "unlocated"]
    rows = {r.place_id: (r.mentions, r.threats, r.first_date, r.last_date) for r in agg.itertuples()}
    assert rows == {"anbar": (2, 1, "2020-03-04", "2021-01-01"), "mosul": (2, 1, "2020-03-04", "2020-03-04"),
                    "hamrin_mountains": (1, 1, "2021-01-01", "2021-01-01")}
    assert agg["qualifier"].isna().all() and agg["mentions"].tolist() == [2, 2, 1]  # most mentioned first
    table, undated = filled.monthly()
    assert table.index.tolist() == ["2020-03", "2021-01"] and undated == 1
    assert table.to_dict("list") == {"threat": [1, 2], "other": [1, 0]}
    empty = filled.aggregate(Filters(places=("nowhere",)))
    assert empty.empty and list(empty.columns) == list(agg.columns)


def test_a_page_of_rows_newest_first_with_passages(filled: Store) -> None:
    page = filled.query(limit=2, newest_first=True)
    assert page["doc_id"].tolist() == ["b", "b"] and set(page["passage"]) == {"مازال داعش يهدد جبال حمرين والأنبار"}
    last = filled.query(newest_first=True)
    assert last["doc_id"].tolist()[-1] == "c"  # undated last
    assert filled.query(Filters(threat_only=True), limit=1)["passage"].tolist() == ["ISIS attacked near Mosul."]


@pytest.mark.parametrize("text, docs", [
    ("jibal", set()), ("ال", {"b"}), ("  ", {"a", "b", "c"}), ("MOSUL.", {"a"}), ('"', set()),
    ("الأنبار", {"b"}), ("حمرين", {"b"}), ("anbar", {"a"}), ("100%", set()), ("_", set()),
])
def test_text_search_is_a_normalised_substring_search(filled: Store, text: str, docs: set[str]) -> None:
    assert set(filled.query(Filters(text=text))["doc_id"]) == docs


def test_kurdish_letters_and_diacritics_match_their_arabic_forms(store: Store) -> None:
    add(store, doc("k", "داعش لە کەرکووک Mosul", lang="ckb"))  # Sorani: ک and ە
    add(store, doc("d", "هجوم داعش في المَوْصِل Mosul", lang="ar"))
    assert set(store.query(Filters(text="كهركووك"))["doc_id"]) == {"k"}  # Arabic ك and ه for ک and ە
    assert set(store.query(Filters(text="الموصل"))["doc_id"]) == {"d"}


def test_text_search_reads_the_whole_document_and_the_other_spellings(filled: Store) -> None:
    keys = lambda f: set(zip(filled.query(f)["doc_id"], filled.query(f)["place_id"], strict=True))  # noqa: E731
    assert keys(Filters(text="was quiet")) == {("c", "mosul")}
    assert keys(Filters(text="Hamrin")) == set()  # the Arabic document does not say it in Latin letters
    assert keys(Filters(text="Hamrin", spellings=("حمرين", "Hemrin"))) == {("b", "hamrin_mountains"), ("b", "anbar")}
    assert keys(Filters(spellings=("حمرين",))) == keys(Filters())  # spellings only count with a text


def test_place_keys_one_row_per_place_and_qualifier(filled: Store) -> None:
    keys = filled.place_keys()
    assert list(keys.columns) == list(COLUMNS)
    assert sorted(keys["place_id"]) == ["anbar", "hamrin_mountains", "mosul"]


def test_every_commit_moves_the_revision(filled: Store, target: str) -> None:
    before = filled.revision()
    with Store.open(target) as other:
        add(other, doc("d", "ISIS in Anbar"))
    assert filled.revision() > before
    assert filled.counts().documents == 4
    again = filled.revision()
    add(filled, doc("d", "ISIS in Anbar"))  # unchanged: a transaction all the same
    assert filled.revision() >= again


def test_documents_without_kept_mentions_are_not_counted(filled: Store) -> None:
    add(filled, doc("e", "Nothing to see here.", date=dt.date(2020, 5, 5)))
    assert filled.facets().documents == 4
    assert filled.counts().documents == 3  # "e" has no mention
    assert filled.counts(Filters(since=dt.date(2020, 1, 1), until=dt.date(2020, 12, 31))).documents == 1
    assert filled.counts(Filters(sources=("Wire",), threat_only=True)).documents == 1


def test_a_place_located_from_context_has_no_place_id(store: Store) -> None:
    context = Mention(doc_id="b", start=0, end=6, surface="غرانيج", place_id=None, name="غرانيج",
                      place_type="village", where=Where(34.7, 40.8, (40.5, 34.4, 41.1, 35.0), "Point", 3),
                      threat=False, passage_start=0, passage_end=6, resolved_by="context")
    store.add_document(Document("b", "غرانيج"), [context])
    df = store.query()
    assert df["place_id"].isna().tolist() == [True] and df["resolved_by"].tolist() == ["context"]
    assert store.counts().places == 0 and store.counts().mentions == 1  # counted, but no gazetteer place


def test_an_unlocated_mention_is_stored_listed_and_counted_apart(store: Store) -> None:
    """A name nothing locates (no geometry) round-trips on both engines: listed by the queries, its geometry
    columns null, counted in the aggregate's ``unlocated`` column of its (no place) group."""
    d = doc("u", "ISIS attacked the village of Kisik near Mosul.", date=dt.date(2019, 5, 1))
    kisik = Mention(doc_id="u", start=29, end=34, surface="Kisik", place_id=None, name="Kisik", place_type="village",
                    where=None, threat=True, threat_p=0.9, passage_start=0, passage_end=len(d.text),
                    resolved_by="unlocated")
    store.add_document(d, sorted([*fake_parse(d), kisik], key=lambda m: m.start))
    df = store.query()
    row = df[df["surface"] == "Kisik"].iloc[0]
    assert row["resolved_by"] == "unlocated" and pd.isna(row["lat"]) and pd.isna(row["precision"])
    assert pd.isna(row["min_lon"]) and row["geometry_type"] is None and row["passage"] == d.text
    assert df.loc[df["place_id"] == "mosul", "precision"].tolist() == [1]
    assert len(store.query(Filters(resolved_by=("unlocated",)))) == 1
    agg = store.aggregate()
    assert dict(zip(agg["place_id"], agg["unlocated"], strict=True)) == {"mosul": 0, None: 1}
    assert store.counts() == Counts(2, 2, 1, 1)  # listed; places count only located ones
