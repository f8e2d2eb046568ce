"""``Store.place_keys`` (one mention per place and qualifier, for the geometries the map draws), from the per-place
cube and one ``mentions_key`` probe per key: the same rows as grouping every mention, on both engines, after adds,
replacements, deletions and reviews, and on a store migrated from schema 9."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from test_store import add, doc, fake_parse, store, target  # noqa: F401  (the contract's fixtures: both engines)

from threatmap.models import Mention
from threatmap.store import Store
from threatmap.store.filters import THRESHOLD
from threatmap.store.reviews import ReviewLog
from threatmap.store.sql import _ORDER_ROWS, _ROW_COLUMNS, _union, final_parts

UNLOCATED = Mention(doc_id="", start=0, end=4, surface="ISIS", place_id=None, name="ISIS", place_type="village",
                    where=None, threat=True, passage_start=0, passage_end=4, resolved_by="unlocated")


def _grouped(s: Store) -> pd.DataFrame:
    """What ``place_keys`` answered before schema 10: the first stored unreviewed mention of each key by grouping
    every mention, then the reviewed and added ones, one row per key kept."""
    from threatmap.store.schema import frame

    with s.reading() as cur:
        reviews = s.run(cur, "SELECT 1 FROM reviews LIMIT 1").fetchone() is not None
        machine, *reviewed = final_parts(s.dialect, reviews=reviews)
        first = (f"SELECT {_ROW_COLUMNS} FROM {machine} JOIN documents d ON d.id = m.doc_id WHERE m.mid IN "
                 f"(SELECT MIN(m.mid) FROM {machine} GROUP BY m.place_id, m.qualifier)")
        parts = [first, *(f"SELECT {_ROW_COLUMNS} FROM {p} JOIN documents d ON d.id = m.doc_id" for p in reviewed)]
        sql = f"SELECT * FROM ({_union(parts)}) AS m ORDER BY {_ORDER_ROWS}"
        rows = frame(s.run(cur, sql, (THRESHOLD,) * (2 if reviews else 1)).fetchall())
    key = rows["qualifier"].where(rows["qualifier"].notna(), "")
    return rows[~pd.DataFrame({"p": rows["place_id"], "q": key}).duplicated()].reset_index(drop=True)


def _same(s: Store) -> pd.DataFrame:
    keys = s.place_keys()
    pd.testing.assert_frame_equal(keys, _grouped(s))
    return keys


def _parsed(d: object, qualifiers: tuple[str | None, ...]) -> list[Mention]:
    """The fake parser's mentions, the i-th with the i-th qualifier (cycling), and one unlocated mention."""
    found = fake_parse(d)  # type: ignore[arg-type]
    out = [dataclasses.replace(m, qualifier=qualifiers[i % len(qualifiers)]) for i, m in enumerate(found)]
    return [*out, dataclasses.replace(UNLOCATED, doc_id=d.id)]  # type: ignore[attr-defined]


def _fill(s: Store) -> None:
    texts = ["ISIS attacked near Mosul.\nCalm in Anbar. Mosul again.", "مازال داعش يهدد جبال حمرين والأنبار",
             "Mosul was quiet.\nAnbar, Hamrin and Mosul.", "Anbar only."]
    for i, text in enumerate(texts * 2):
        d = doc(f"d{i}", text, date=dt.date(2020, 1 + i, 1) if i % 3 else None, source=f"S{i % 2}")
        s.add_document(d, _parsed(d, (None, "north", None, "outskirts")[i % 4:] or (None,)))


def test_place_keys_are_the_first_stored_mention_of_each_key_as_grouping_every_mention_gives(store: Store) -> None:  # noqa: F811
    _fill(store)
    keys = _same(store)
    assert set(zip(keys["place_id"], keys["qualifier"], strict=True)) >= {("mosul", None), ("anbar", "north"),
                                                                          (None, None)}
    assert len(keys) == len(set(zip(keys["place_id"].fillna(""), keys["qualifier"].fillna(""), strict=True)))


def test_place_keys_stay_exact_after_replacements_deletions_and_reviews(store: Store) -> None:  # noqa: F811
    _fill(store)
    first = store.place_keys()
    # replacing the document that holds the first mention of its keys: the next stored one is drawn
    d0 = doc("d0", "ISIS attacked near Mosul.\nCalm in Anbar. Mosul again, edited.", date=dt.date(2020, 1, 1),
             source="S0")
    store.add_document(d0, _parsed(d0, ("outskirts",)))
    moved = _same(store)
    assert "d0" in set(first["doc_id"]) and not moved.equals(first)
    store.replace_mentions("d4", [])  # every mention of a document deleted (a reindex that finds none)
    _same(store)
    store.replace_mentions("d2", [m for m in _parsed(store.documents(["d2"])[0], ("far",)) if m.place_id])
    _same(store)
    log = ReviewLog(store)
    drawn = store.place_keys()  # the first stored mention of each key: a review takes it out of the machine's
    for i, row in enumerate(drawn[drawn["place_id"].notna()].itertuples()):
        log.record(log.make(row.doc_id, int(row.start), int(row.end), not_a_place=i % 2 == 0,
                            threat=None if i % 2 == 0 else not row.threat, reviewer="ana"))
    _same(store)
    add(store, doc("late", "Hamrin, late."))
    _same(store)


def test_a_version_9_store_migrates_and_draws_the_same_keys(target: str) -> None:  # noqa: F811
    """Schema 9 (no ``mentions_key``) -> 10 on both engines: ``migrate`` adds the index; the keys are unchanged."""
    from test_store_migrate import _refused_then_migrated, _rewound

    with Store.open(target) as s:
        _fill(s)
        before = s.place_keys()
        _rewound(s, 9, "DROP INDEX mentions_key")
    _refused_then_migrated(target, 9)
    with Store.open(target) as s:
        pd.testing.assert_frame_equal(_same(s), before)
        exists = ("SELECT to_regclass('mentions_key') IS NOT NULL" if s.dialect.name == "postgresql" else
                  "SELECT COUNT(*) FROM sqlite_master WHERE name = 'mentions_key'")
        with s.reading() as cur:
            assert s.run(cur, exists).fetchone()[0]
