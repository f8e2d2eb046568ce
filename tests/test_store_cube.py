"""The pre-aggregated counts (cubes) answer exactly what the mentions answer: on random filters (thresholds on and
off the grid, whole and partial months, reviews), after inserts, re-ingests, reindexes and compactions, on both
engines; the ledger the writes maintain equals the cubes rebuilt from the mentions."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from test_store import store, target  # noqa: F401  (the contract's fixtures: both engines)

from threatmap.models import UNLOCATED, Document, Mention, Where
from threatmap.store import Filters, Store
from threatmap.store.cube import (
    CUBES,
    aggregate_query,
    compact,
    documents_query,
    monthly_query,
    plan,
    rebuild_sql,
)
from threatmap.store.reviews import ReviewLog, ReviewPlace
from threatmap.store.sql import aggregate_sql, documents_sql, final_parts, matched_sql, monthly_sql, rows_sql
from threatmap.store.text import search_key

PLACES = [("mosul", "city"), ("anbar", "governorate"), ("hamrin", "mountain_range"), ("kirkuk", "city"),
          ("sinjar", "district"), (None, "region")]
SOURCES = ("Rudaw", "Shafaq", "Wire", None)
WORD = "word"
GRID_P = (0.0, 0.05, 0.35, 0.5, 0.5, 0.95, 1.0, None)


def _document(rng: random.Random, i: int, *, version: int = 0) -> tuple[Document, tuple[Mention, ...]]:
    n = rng.randrange(0, 7)
    text = " ".join(f"{WORD}{k}" for k in range(12)) + f" v{version}"
    date = None if rng.random() < 0.15 else dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(900))
    doc = Document(id=f"d{i:03}", text=text, lang=rng.choice(("ar", "en", "ckb")), source=rng.choice(SOURCES),
                   date=date, date_origin="metadata" if date else None, title=f"T{i}", path=f"{i}.md")
    spans = sorted(rng.sample(range(10), n))
    mentions = []
    for k in spans:
        start = text.index(f"{WORD}{k}")
        pid, ptype = rng.choice(PLACES)
        p = rng.choice(GRID_P) if rng.random() < 0.4 else rng.random()
        threat = p >= 0.5 if p is not None else rng.random() < 0.5
        unlocated = pid is None and rng.random() < 0.3  # a name nothing locates: no geometry
        mentions.append(Mention(
            doc_id=doc.id, start=start, end=start + len(f"{WORD}{k}"), surface=f"{WORD}{k}", place_id=pid,
            name=pid or "somewhere", place_type=ptype,
            where=None if unlocated else Where(34.0 + k, 43.0, (43.0, 34.0, 43.0, 34.0), "Point", 1),
            threat=threat, threat_p=p, qualifier="near" if rng.random() < 0.2 else None, passage_start=0,
            passage_end=len(text), resolved_by=UNLOCATED if unlocated else "context" if pid is None or
            rng.random() < 0.1 else "gazetteer"))
    return doc, tuple(mentions)


def _fill(s: Store, rng: random.Random) -> None:
    """Documents in batches, some re-ingested edited (replaced), some reindexed, then reviews of every kind."""
    docs = [_document(rng, i) for i in range(80)]
    latest = {d.id: m for d, m in docs}
    for i in range(0, 80, 20):
        s.add_batch([(d, m, ()) for d, m in docs[i:i + 20]])
    for i in range(0, 80, 7):  # the same file edited: the old document and its mentions go
        d, m = _document(rng, i, version=1)
        s.add_document(d, m)
        latest[d.id] = m
    for i in range(3, 80, 5):  # reindexed: new mentions for the same text
        latest[f"d{i:03}"] = _document(rng, i, version=1 if i % 7 == 0 else 0)[1]
        s.replace_mentions(f"d{i:03}", latest[f"d{i:03}"])
    log = ReviewLog(s)
    tikrit = ReviewPlace("tikrit", "Tikrit", "city", Where(34.6, 43.68, (43.68, 34.6, 43.68, 34.6), "Point", 1))
    rows = s.query(Filters())
    for n, row in enumerate(rows.sample(n=12, random_state=3).itertuples()):
        kind = n % 4
        log.record(log.make(row.doc_id, int(row.start), int(row.end), threat=not row.threat if kind != 2 else None,
                            place=tikrit if kind == 1 else None, not_a_place=kind == 2, reviewer="t"))
    d = rows["doc_id"].iloc[0]
    stored = {x.id: x for x in s.documents([d])}[d]
    start = stored.text.index(f"{WORD}11")  # a span the machine never finds: an added mention
    log.record(log.make(d, start, start + len(f"{WORD}11"), place=tikrit, threat=True, reviewer="t"))
    reviewed = sorted({r.doc_id for r in log.reviews()})
    for doc_id in reviewed[:2]:  # reindexed after the reviews: the same spans under new mention ids
        s.replace_mentions(doc_id, latest[doc_id])
    i = int(reviewed[-1][1:])  # re-ingested edited after its review, then as it was: the review applies again
    s.add_document(*_document(rng, i, version=2))
    s.add_document(*_document(random.Random(i), i, version=1 if i % 7 == 0 else 0))
    gone = log.reviews()[1]
    log.undo(gone.doc_id, gone.start, gone.end, reviewer="t")


def _random_filters(rng: random.Random) -> Filters:
    def some(values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(rng.sample([v for v in values if v], rng.randrange(1, 3))) if rng.random() < 0.3 else ()

    since = until = None
    if rng.random() < 0.4:
        since = dt.date(2019, rng.randrange(1, 13), 1 if rng.random() < 0.7 else rng.randrange(2, 28))
    if rng.random() < 0.4:
        until = dt.date(2020, rng.randrange(1, 12), 1) - dt.timedelta(days=1 if rng.random() < 0.7 else 5)
    tp = rng.choice((0.5, 0.5, 0.05, 0.35, 0.95, 1.0, 0.0, 0.42, 0.7000000000000001))
    return Filters(since=since, until=until, sources=some(SOURCES), langs=some(("ar", "en", "ckb")),
                   threat_only=rng.random() < 0.4, threat_threshold=tp,
                   places=some((*(p for p, _ in PLACES), "tikrit")), types=some(("city", "district", "region")),
                   resolved_by=some(("context", "gazetteer", "review", UNLOCATED)),
                   review=rng.choice((None, None, None, "unreviewed", "reviewed", "disagreements")))


def _norm(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    def value(v: Any) -> Any:
        return int(v) if isinstance(v, (Decimal, bool)) or (isinstance(v, float) and v.is_integer()) else v

    return sorted((tuple(value(v) for v in r) for r in rows), key=repr)


def _run(s: Store, sql_params: tuple[str, list[object]]) -> list[tuple[Any, ...]]:
    with s.reading() as cur:
        return list(s.run(cur, *sql_params).fetchall())


def test_the_cubes_answer_what_the_mentions_answer(store: Store) -> None:  # noqa: F811
    rng = random.Random(14)
    _fill(store, rng)
    d = store.dialect
    used = {"aggregate": 0, "monthly": 0, "documents": 0}
    merged = 0  # pages of several sources, cut by the limit
    for i in range(150):
        f = _random_filters(rng) if i else Filters()
        for question, cubed, rowed in (("aggregate", aggregate_query, aggregate_sql),
                                       ("monthly", monthly_query, monthly_sql),
                                       ("documents", documents_query, documents_sql)):
            used[question] += plan(f, question) is not None
            fast = _norm(_run(store, cubed(f, d, reviews=True)))
            slow = _norm(_run(store, rowed(f, d, reviews=True)))
            if question == "aggregate":  # the row path's u is MAX(0/1): the same flag
                slow = [(*r[:6], int(bool(r[6])), *r[7:]) for r in slow]
            assert fast == slow, (question, f)
        page = store.query(f, limit=7, newest_first=True)  # several sources: the newest of each, merged
        whole = store.query(f, newest_first=True).head(7)
        assert page[["doc_id", "start", "end", "threat"]].values.tolist() == \
            whole[["doc_id", "start", "end", "threat"]].values.tolist(), f
        merged += len(f.sources) > 1 and len(whole) == 7
    assert min(used.values()) >= 15, used  # the cubes were asked, not only the row path
    assert merged >= 5, merged


def test_a_text_searchs_newest_page_of_several_sources_searches_the_text_once(store: Store) -> None:  # noqa: F811
    _fill(store, random.Random(14))
    f = Filters(sources=SOURCES[:3], text=f"{WORD}3")
    _, params = rows_sql(f, store.dialect, reviews=True, limit=5, newest_first=True)
    searched = [p for p in params if isinstance(p, str) and search_key(f"{WORD}3") in p]
    assert len(searched) == len(final_parts(store.dialect, reviews=True))  # once per part, not per source
    page = store.query(f, limit=5, newest_first=True)
    whole = store.query(f, newest_first=True)
    assert len(whole) > 5
    assert page[["doc_id", "start"]].values.tolist() == whole.head(5)[["doc_id", "start"]].values.tolist()
    apart = store.query(replace(f, sources=(SOURCES[0],)), limit=5, newest_first=True)  # one source: its own walk
    assert set(apart["source"]) <= {SOURCES[0]}


def test_the_reviewed_mention_ids_are_those_the_reviews_touch(store: Store) -> None:  # noqa: F811
    """The ids written with each review and each write of mentions equal the ones derived from the reviews, after
    re-ingests, reindexes and undos (what the cube and row paths above both read)."""
    _fill(store, random.Random(21))
    mid = store.dialect.mention_id
    kept = _run(store, ("SELECT mid FROM reviewed_mentions", []))
    derived = _run(store, (f"SELECT DISTINCT t.{mid} FROM {matched_sql('t')}", []))
    assert sorted(kept) == sorted(derived) and len(kept) >= 10
    with store.writing() as cur:  # a deleted document takes its mentions' ids with it
        store.run(cur, "DELETE FROM documents WHERE id IN (SELECT doc_id FROM mentions WHERE "
                       f"{mid} IN (SELECT mid FROM reviewed_mentions))")
    assert _run(store, ("SELECT mid FROM reviewed_mentions", [])) == []


def test_the_ledger_equals_the_cubes_rebuilt_and_compaction_changes_nothing(store: Store) -> None:  # noqa: F811
    _fill(store, random.Random(7))

    def summed() -> dict[str, list[tuple[Any, ...]]]:
        out = {}
        for cube in CUBES:
            keys = ", ".join(cube.columns)
            cols = ", ".join(f"SUM(c{b:02})" for b in range(21))
            out[cube.name] = _norm(_run(store, (f"SELECT {keys}, SUM(n), {cols} FROM {cube.name} GROUP BY {keys} "
                                                f"HAVING SUM(n) <> 0", [])))
        return out

    maintained = summed()
    answers = (store.aggregate(Filters(threat_only=True)), store.monthly(Filters(langs=("ar",))),
               store.counts(Filters(threat_only=True, threat_threshold=0.95)))
    with store.writing() as cur:
        for cube in CUBES:
            compact(store, cur, cube)
    assert summed() == maintained
    again = (store.aggregate(Filters(threat_only=True)), store.monthly(Filters(langs=("ar",))),
             store.counts(Filters(threat_only=True, threat_threshold=0.95)))
    assert again[0].equals(answers[0]) and again[1][0].equals(answers[1][0]) and again[2] == answers[2]
    with store.writing() as cur:
        for statement in rebuild_sql():
            store.run(cur, statement)
    assert summed() == maintained
    stored = _run(store, ("SELECT COUNT(*) FROM mentions", []))[0][0]
    assert sum(r[-22] for r in maintained["agg_place"]) == store.facets().mentions == stored  # facets sum the cube


@pytest.mark.parametrize("f", [Filters(text="word3"), Filters(threat_threshold=0.42), Filters(documents=("d001",)),
                               Filters(since=dt.date(2019, 3, 2)), Filters(review="reviewed")])
def test_what_the_cubes_cannot_answer_goes_to_the_mentions(f: Filters) -> None:
    assert plan(f, "aggregate") is None and plan(f, "monthly") is None
