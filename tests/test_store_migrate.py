"""Versioned schema: an older store is refused with the fix, and migrated only on request (``migrate``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_store import target  # noqa: F401  (both engines)

from threatmap.cli import main
from threatmap.errors import StoreError
from threatmap.models import Document, Mention
from threatmap.store import Filters, Store
from threatmap.store.migrations import POSTGRES_STEPS
from threatmap.store.schema import MENTION_INSERT, SCHEMA_VERSION, create_sql, mention_values

V1 = Path(__file__).resolve().parent / "data" / "store_v1.sql"


@pytest.fixture
def v1_store(tmp_path: Path) -> Path:
    """A store written by threatmap before issue 14 (schema 1: passages stored per mention, no text index)."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(V1.read_text(encoding="utf-8"))
    conn.close()
    return path


def test_an_older_store_is_refused_with_the_command_that_migrates_it(v1_store: Path) -> None:
    expected = rf"schema version 1, expected {SCHEMA_VERSION}; fix: .*python -m threatmap migrate"
    with pytest.raises(StoreError, match=expected):
        Store.open(v1_store)
    assert sqlite3.connect(v1_store).execute("PRAGMA user_version").fetchone()[0] == 1  # untouched


def test_migrate_keeps_everything_and_fills_the_text_index(v1_store: Path, capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    assert main(["migrate", "--store", str(v1_store)]) == 0
    assert f"schema version 1 -> {SCHEMA_VERSION}" in capsys.readouterr().out
    with Store.open(v1_store) as store:
        assert store.counts().mentions == 5 and store.facets().documents == 3
        df = store.query()  # no threat_p before the model: the stored verdicts read as 1.0 / 0.0
        assert df["threat_p"].tolist() == [float(t) for t in df["threat"]] and df["threat"].sum() == 3
        assert set(store.query(Filters(text="الانبار"))["doc_id"]) == {"b"}
        assert set(store.query(Filters(sources=("Rudaw",)))["doc_id"]) == {"b"}
        assert store.query(Filters(places=("mosul",)))["passage"].tolist() == ["ISIS attacked near Mosul.",
                                                                             "Mosul was quiet."]
    assert main(["migrate", "--store", str(v1_store)]) == 0
    assert f"already at schema version {SCHEMA_VERSION}" in capsys.readouterr().out


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    sqlite3.connect(path).execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}").connection.close()
    with pytest.raises(StoreError, match="newer than this threatmap"):
        Store.open(path)
    assert main(["migrate", "--store", str(path)]) == 3  # a store error


V4 = Path(__file__).resolve().parent / "data" / "store_v4.sql"


def test_a_version_4_store_with_reviews_migrates_and_reads_as_the_overlay_did(tmp_path: Path) -> None:
    """A store of main before issue 14 (schema 4, issue 13's review tables; made by tests/data/store_v4.sql): after
    ``migrate`` the reviews are joined in SQL and every query reads what issue 13's Python overlay read then."""
    path = tmp_path / "v4.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(V4.read_text(encoding="utf-8"))
    conn.close()
    with pytest.raises(StoreError, match=rf"schema version 4, expected {SCHEMA_VERSION}"):
        Store.open(path)
    assert main(["migrate", "--store", str(path)]) == 0
    with Store.open(path) as store:
        df = store.query()
        got = list(zip(df["doc_id"], df["start"], df["place_id"], df["threat"], df["reviewed"], df["machine_threat"],
                       df["cue"], strict=True))
        assert got == [("a", 19, "mosul", True, False, True, "ISIS"), ("a", 34, "anbar", True, True, False, "reviewed"),
                       ("b", 21, "hamrin_mountains", True, False, True, "ISIS"),
                       ("b", 28, "anbar", True, False, True, "ISIS"),
                       ("c", 29, "tikrit", False, True, None, "reviewed")]  # Mosul of "c": not a place
        assert df.loc[df["place_id"] == "tikrit", "passage"].tolist() == ["The road to Tikrit is open."]
        assert len(store.query(Filters(review="disagreements"))) == 2 and not store.orphan_reviews()
        assert store.counts() == store.counts(Filters()) and store.counts().mentions == 5
        assert store.counts().threats == 4 and store.counts().places == 4
        agg = store.aggregate().set_index("place_id")
        assert agg.loc["anbar", "mentions"] == 2 and agg.loc["anbar", "threats"] == 2 and "tikrit" in agg.index
        assert set(store.query(Filters(text="tikrit"))["doc_id"]) == {"c"}  # the documents' text index is filled


GEOMETRY_COLUMNS = ("lat", "lon", "min_lon", "min_lat", "max_lon", "max_lat", "geometry_type", "precision")
UNLOCATED = Mention(doc_id="u", start=29, end=34, surface="Kisik", place_id=None, name="Kisik", place_type="village",
                    where=None, threat=True, threat_p=0.9, passage_start=0, passage_end=44, resolved_by="unlocated")


def _v5_sql() -> str:
    """The schema of version 5: today's, with the geometry columns NOT NULL (what 5 -> 6 changed)."""
    sql = create_sql("sqlite")
    for name in GEOMETRY_COLUMNS:
        kind = "TEXT" if name == "geometry_type" else "INTEGER" if name == "precision" else "REAL"
        sql = sql.replace(f'"{name}" {kind},', f'"{name}" {kind} NOT NULL,', 1)
    assert sql.count("NOT NULL") == create_sql("sqlite").count("NOT NULL") + len(GEOMETRY_COLUMNS)
    return sql


def test_a_version_5_store_migrates_and_then_keeps_unlocated_mentions(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(f"BEGIN; {_v5_sql()} PRAGMA user_version=5; COMMIT;")
    conn.execute("INSERT INTO documents (id, content_hash, text, ingested_at, text_hash) VALUES ('a', 'h', "
                 "'ISIS near Mosul.', '2026-12-07T00:00:00+00:00', 'x')")
    located = Mention(doc_id="a", start=11, end=16, surface="Mosul", place_id="mosul", name="Mosul",
                      place_type="city", where=None, threat=True, passage_start=0, passage_end=16)
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):  # version 5 refuses a mention with no geometry
        conn.execute(MENTION_INSERT, mention_values(located, (None, None, "en")))
    values = list(mention_values(located, (None, None, "en")))
    values[7:15] = [36.34, 43.13, 43.13, 36.34, 43.13, 36.34, "Point", 1]
    conn.execute(MENTION_INSERT, values)
    conn.commit()
    rowid = conn.execute("SELECT rowid FROM mentions").fetchone()[0]
    conn.close()
    with pytest.raises(StoreError, match=rf"schema version 5, expected {SCHEMA_VERSION}"):
        Store.open(path)
    assert main(["migrate", "--store", str(path)]) == 0
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT rowid, place_id, lat FROM mentions").fetchall() == [(rowid, "mosul", 36.34)]
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                                          "'mentions'")}
    assert {"mentions_doc", "mentions_place", "mentions_date"} <= indexes
    conn.close()
    with Store.open(path) as store:
        store.add_document(Document("u", "ISIS attacked the village of Kisik, again.", lang="en"), [UNLOCATED])
        assert store.query(Filters(resolved_by=("unlocated",)))["surface"].tolist() == ["Kisik"]
        assert store.counts().mentions == 2


def test_a_version_5_postgis_store_migrates(postgres_url: str) -> None:
    import psycopg

    assert set(POSTGRES_STEPS) == set(range(5, SCHEMA_VERSION))
    Store.open(postgres_url).close()
    with psycopg.connect(postgres_url) as conn:  # back to version 5: geometry columns NOT NULL
        conn.execute(f"ALTER TABLE mentions {', '.join(f'ALTER COLUMN {c} SET NOT NULL' for c in GEOMETRY_COLUMNS)}")
        conn.execute("UPDATE meta SET value = 5 WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=rf"schema version 5, expected {SCHEMA_VERSION}"):
        Store.open(postgres_url)
    assert main(["migrate", "--store", postgres_url]) == 0
    with Store.open(postgres_url) as store:
        store.add_document(Document("u", "ISIS attacked the village of Kisik, again.", lang="en"), [UNLOCATED])
        df = store.query()
        assert df["resolved_by"].tolist() == ["unlocated"] and df["lat"].isna().all()


def _as_version_6(store: Store) -> None:
    """Make ``store`` what the code before the cubes wrote (schema 6): no cubes, no ``mentions_first`` index."""
    from threatmap.store.cube import CUBES

    with store.writing() as cur:
        for cube in CUBES:
            store.run(cur, f"DROP TABLE {cube.name}")
            store.run(cur, "DELETE FROM meta WHERE key = ?", (cube.name,))
        store.run(cur, "DROP INDEX mentions_first")
        store.run(cur, "DROP TABLE reviewed_mentions")  # with its trigger on SQLite
        if store.dialect.name == "postgresql":
            store.run(cur, "UPDATE meta SET value = 6 WHERE key = 'schema_version'")


def test_a_version_6_store_with_reviews_migrates_and_its_cubes_answer_as_the_mentions_do(target: str) -> None:  # noqa: F811
    """Schema 6 (before the cubes) -> 7 on both engines: ``migrate`` creates the cubes and fills them from the
    mentions; the counts the cubes answer then equal the row path's, reviews included."""
    import datetime as dt

    from test_store import add, doc

    from threatmap.store.cube import aggregate_query, plan
    from threatmap.store.reviews import ReviewLog
    from threatmap.store.sql import aggregate_sql

    with Store.open(target) as store:
        add(store, doc("a", "ISIS attacked near Mosul.\nCalm in Anbar.", date=dt.date(2020, 3, 4)))
        add(store, doc("b", "مازال داعش يهدد جبال حمرين والأنبار", date=dt.date(2021, 1, 1), source="Rudaw",
                       lang="ar"))
        add(store, doc("c", "Mosul was quiet.", date=None, source="Other"))
        log = ReviewLog(store)
        log.record(log.make("a", 34, 39, threat=True, reviewer="ana"))
        before = (store.counts(), store.monthly()[0].to_dict(), store.aggregate().to_dict())
        _as_version_6(store)
    _refused_then_migrated(target, 6)
    with Store.open(target) as store:
        assert (store.counts(), store.monthly()[0].to_dict(), store.aggregate().to_dict()) == before
        assert plan(Filters(), "aggregate") is not None
        with store.reading() as cur:
            fast = sorted(store.run(cur, *aggregate_query(Filters(), store.dialect, reviews=True)).fetchall())
            slow = sorted(store.run(cur, *aggregate_sql(Filters(), store.dialect, reviews=True)).fetchall())
            assert [r[:6] for r in fast] == [r[:6] for r in slow] and len(fast) == 3
            assert int(store.run(cur, "SELECT SUM(n) FROM agg_place").fetchone()[0]) == 5  # the machine's mentions


def test_a_version_7_store_with_reviews_migrates_and_reads_the_reviewed_mention_ids(target: str) -> None:  # noqa: F811
    """Schema 7 (before the reviewed-mention ids) -> 8 on both engines: ``migrate`` fills the ids from the stored
    reviews (a verdict flipped, "not a place", a place moved) and the store reads as it did."""
    import datetime as dt

    from test_store import add, doc

    from threatmap.store.reviews import ReviewLog

    with Store.open(target) as store:
        add(store, doc("a", "ISIS attacked near Mosul.\nCalm in Anbar.", date=dt.date(2020, 3, 4)))
        add(store, doc("b", "مازال داعش يهدد جبال حمرين والأنبار", date=dt.date(2021, 1, 1), source="Rudaw",
                       lang="ar"))
        log = ReviewLog(store)
        rows = store.query()
        first, second = rows.iloc[0], rows.iloc[1]
        log.record(log.make(first.doc_id, int(first.start), int(first.end), threat=not first.threat, reviewer="a"))
        log.record(log.make(second.doc_id, int(second.start), int(second.end), not_a_place=True, reviewer="a"))
        before = (store.counts(), store.query().to_dict(), store.aggregate().to_dict(), store.monthly()[0].to_dict())
        _rewound(store, 7, "DROP TABLE reviewed_mentions")
    _refused_then_migrated(target, 7)
    with Store.open(target) as store:
        after = (store.counts(), store.query().to_dict(), store.aggregate().to_dict(), store.monthly()[0].to_dict())
        assert after == before
        with store.reading() as cur:
            assert int(store.run(cur, "SELECT COUNT(*) FROM reviewed_mentions").fetchone()[0]) == 2


def _rewound(store: Store, version: int, *statements: str) -> None:
    """Run ``statements`` (undoing what schemas after ``version`` added) in one write, and record ``version`` in
    PostgreSQL's meta table (SQLite's is set by :func:`_refused_then_migrated`)."""
    with store.writing() as cur:
        for statement in statements:
            store.run(cur, statement)
        if store.dialect.name == "postgresql":
            store.run(cur, "UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))


def _refused_then_migrated(location: str, version: int) -> None:
    """Record ``version`` as a SQLite store's schema (PostgreSQL's is in its meta table, set by the caller), check
    that the store is refused with the command that migrates it, then run that command."""
    if not location.startswith("postgresql://"):
        conn = sqlite3.connect(location)
        conn.execute(f"PRAGMA user_version={version}")
        conn.close()
    with pytest.raises(StoreError, match=rf"schema version {version}, expected {SCHEMA_VERSION}"):
        Store.open(location)
    assert main(["migrate", "--store", location]) == 0


def test_a_version_8_store_migrates_and_its_capped_search_keeps_the_most_recently_stored(target: str) -> None:  # noqa: F811
    """Schema 8 -> 9 on both engines: PostgreSQL numbers its documents in the order they were ingested
    (``documents.seq``) and adds ``mentions_place_date``; SQLite's rowid already is that order. A capped text
    search then keeps the most recently stored matches, and a document stored after the migration is newer."""
    from test_store import add, doc

    with Store.open(target) as store:
        for i in range(4):
            add(store, doc(f"d{i}", f"ISIS cells near Mosul, report {i}."))
        with store.writing() as cur:
            store.run(cur, "UPDATE documents SET ingested_at = ? WHERE id = 'd0'", ("2000-01-01T00:00:00",))
            if store.dialect.name == "postgresql":
                store.run(cur, "DROP INDEX mentions_place_date")
                store.run(cur, "ALTER TABLE documents DROP COLUMN seq")  # its unique index goes with it
                store.run(cur, "DROP SEQUENCE documents_seq")
                store.run(cur, "UPDATE meta SET value = 8 WHERE key = 'schema_version'")
    _refused_then_migrated(target, 8)
    with Store.open(target) as store:
        if store.dialect.name == "postgresql":
            with store.reading() as cur:
                order = [r[0] for r in store.run(cur, "SELECT id FROM documents ORDER BY seq").fetchall()]
                assert order == ["d0", "d1", "d2", "d3"]  # d0 ingested first
                assert store.run(cur, "SELECT to_regclass('mentions_place_date') IS NOT NULL").fetchone()[0]
        add(store, doc("d4", "ISIS cells near Mosul, report 4."))
        f = Filters(text="cells", text_limit=2)
        assert store.text_capped(f) and store.counts(f).text_capped
        assert sorted(set(store.query(f)["doc_id"])) == ["d3", "d4"]
        assert sorted(set(store.query(Filters(text="cells", text_limit=None))["doc_id"])) == [f"d{i}" for i in
                                                                                               range(5)]
