"""Text search, capped to the most recently stored matching documents (``Filters.text_limit``), on both engines; the
document count of a selection; the newest page of a few places."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import replace

import pytest
from test_store import add, doc, store, target  # noqa: F401  (both engines)

from threatmap.errors import ExportError
from threatmap.store import Store
from threatmap.store.filters import TEXT_LIMIT, Filters
from threatmap.store.reviews import ReviewLog
from threatmap.store.sql import rows_sql


def _fill(store: Store) -> None:  # noqa: F811
    """Six documents stored in the order n0 … n5 (dates in the other order: storing is not dating); n0, n2, n4 from
    Wire, the others from Rudaw; each names Mosul twice (a threat in n0, n1 and n2), Anbar in n3."""
    for i in range(6):
        threat = "ISIS attacked" if i < 3 else "Calm"
        extra = "\nAnbar was calm." if i == 3 else ""
        add(store, doc(f"n{i}", f"{threat} near Mosul, east of Mosul.{extra}\nCells in the desert.",
                       date=dt.date(2021 - i, 1, 1), source="Wire" if i % 2 == 0 else "Rudaw"))
    add(store, doc("other", "Mosul was quiet.", date=dt.date(2022, 1, 1)))


def _docs(store: Store, f: Filters) -> list[str]:  # noqa: F811
    return sorted(set(store.query(f)["doc_id"]))


def test_a_capped_search_keeps_the_most_recently_stored_matches_and_says_so(store: Store) -> None:  # noqa: F811
    _fill(store)
    f = Filters(text="cells", text_limit=2)
    assert _docs(store, f) == ["n4", "n5"]  # the last stored, not the newest dates (n0 is)
    assert store.text_capped(f)
    counted = store.counts(f)
    assert counted.text_capped and (counted.mentions, counted.documents) == (4, 2)
    assert store.document_count(f) == 2 and store.aggregate(f)["mentions"].sum() == 4
    assert int(store.monthly(f)[0].sum().sum()) == 4
    page = store.query(f, limit=3, newest_first=True)
    assert page["doc_id"].tolist() == ["n4", "n4", "n5"]
    assert _docs(store, Filters(text="ce", text_limit=2)) == ["n4", "n5"]  # under 3 letters: no trigram walk
    assert _docs(store, Filters(text="ce", spellings=("quiet",), text_limit=2)) == ["n5", "other"]
    assert _docs(store, Filters(text="cells", spellings=("quiet",), text_limit=2)) == ["n5", "other"]
    every = replace(f, text_limit=None)
    assert _docs(store, every) == [f"n{i}" for i in range(6)]
    assert not store.text_capped(every) and not store.counts(every).text_capped
    assert store.counts(every).documents == 6


def test_the_cap_counts_the_documents_that_dates_sources_and_languages_keep(store: Store) -> None:  # noqa: F811
    _fill(store)
    assert _docs(store, Filters(text="cells", sources=("Wire",), text_limit=2)) == ["n2", "n4"]
    assert _docs(store, Filters(text="cells", until=dt.date(2019, 6, 1), text_limit=2)) == ["n4", "n5"]
    assert _docs(store, Filters(text="cells", since=dt.date(2019, 1, 1), text_limit=2)) == ["n1", "n2"]
    assert _docs(store, Filters(text="cells", langs=("ar",), text_limit=2)) == []
    # the other filters apply to the mentions of the kept documents
    assert _docs(store, Filters(text="cells", threat_only=True, text_limit=4)) == ["n2"]
    assert _docs(store, Filters(text="cells", places=("anbar",), text_limit=3)) == ["n3"]
    assert _docs(store, Filters(text="cells", places=("anbar",), text_limit=2)) == []


def test_a_search_within_its_limit_is_not_capped(store: Store) -> None:  # noqa: F811
    _fill(store)
    assert not store.text_capped(Filters(text="cells", text_limit=6))
    assert store.text_capped(Filters(text="cells", text_limit=5))
    assert not store.text_capped(Filters(text="cells", sources=("Wire",), text_limit=3))
    assert not store.text_capped(Filters())  # no search
    assert not store.text_capped(Filters(text="\u064b"))  # nothing left to search for: nothing matches
    assert Filters().text_limit == TEXT_LIMIT
    assert _docs(store, Filters(text="cells")) == [f"n{i}" for i in range(6)]


def test_other_spellings_count_in_the_cap_and_reviews_apply_to_the_kept_documents(store: Store) -> None:  # noqa: F811
    _fill(store)
    add(store, doc("ar", "داعش في الموصل", date=dt.date(2010, 1, 1)))
    f = Filters(text="desert", spellings=("الموصل",), text_limit=2)
    assert _docs(store, f) == ["ar", "n5"]
    log = ReviewLog(store)
    first = store.query(Filters(documents=("n5",))).iloc[0]
    log.record(log.make("n5", int(first.start), int(first.end), threat=True, reviewer="ana"))  # was calm
    assert store.counts(f).text_capped and _docs(store, f) == ["ar", "n5"]
    assert store.counts(replace(f, threat_only=True)).documents == 2


def test_documents_are_counted_once_however_many_of_their_mentions_are_kept(store: Store) -> None:  # noqa: F811
    """No review stored: the count of a selection the documents' cube cannot answer counted each kept mention."""
    _fill(store)
    for f in (Filters(text="Mosul", text_limit=None), Filters(places=("mosul",)), Filters(text="cells"),
              Filters(places=("mosul", "anbar"), threat_only=True)):
        rows = store.query(f)
        assert len(rows) > rows["doc_id"].nunique()  # several mentions per document
        assert store.document_count(f) == rows["doc_id"].nunique() == store.counts(f).documents, f


def test_the_newest_page_of_a_few_places_is_the_head_of_the_whole_selection(store: Store) -> None:  # noqa: F811
    _fill(store)
    add(store, doc("h", "ISIS in Hamrin.", date=dt.date(2020, 6, 1)))
    f = Filters(places=("mosul", "anbar", "hamrin_mountains"))
    sql, _ = rows_sql(f, store.dialect, reviews=False, limit=4, newest_first=True)
    assert (sql.count("m.place_id IN (?)") == 3) == (store.dialect.name == "postgresql")  # merged per place there
    whole = store.query(f, newest_first=True)
    for n in (1, 4, 9, 40):
        page = store.query(f, limit=n, newest_first=True)
        assert page[["doc_id", "start"]].values.tolist() == whole.head(n)[["doc_id", "start"]].values.tolist()
    assert store.query(f, limit=4, newest_first=True)["doc_id"].tolist() == ["other", "n0", "n0", "h"]


def test_text_limit_is_validated_and_the_cli_export_keeps_every_match() -> None:
    for bad in (0, -1, True, 2.5, "10"):
        with pytest.raises(ExportError, match=r"Filters.text_limit: expected .* got"):
            Filters(text="x", text_limit=bad)  # type: ignore[arg-type]
    assert Filters.from_args(argparse.Namespace(search="cells")).text_limit is None
    assert Filters(text_limit=None).is_empty and not Filters(text="x", text_limit=None).is_empty
