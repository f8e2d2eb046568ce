"""Reviews joined in SQL, the same on both engines: reviewed values win in every query (rows, counts, the map's
aggregate, months, the review filters), a "not a place" review removes a mention, a review with a place adds one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_store import filled, store, target  # noqa: F401  (the contract's fixtures: both engines)

from threatmap.cli import main
from threatmap.models import Where
from threatmap.store import Filters, Store
from threatmap.store.reviews import ReviewLog, ReviewPlace

TIKRIT = ReviewPlace("tikrit", "Tikrit", "city", Where(34.6, 43.68, (43.68, 34.6, 43.68, 34.6), "Point", 1))


@pytest.fixture
def reviewed(filled: Store) -> Store:  # noqa: F811
    """``filled`` with three reviews: Anbar of "a" judged a threat, Mosul of "c" not a place, Tikrit of "c" added
    (in a fourth document with the text of "c", so the review applies to both copies of that text)."""
    log = ReviewLog(filled)
    filled.add_document(*_doc("c2", "Mosul was quiet.\nThe road to Tikrit is open.", filled))
    log.record(log.make("a", 34, 39, threat=True, reviewer="ana", reason="raids"))
    log.record(log.make("c2", 0, 5, not_a_place=True, reviewer="ana"))
    log.record(log.make("c2", 29, 35, place=TIKRIT, threat=True, reviewer="bo"))
    return filled


def _doc(doc_id: str, text: str, _: Store) -> tuple[object, ...]:
    from test_store import doc, fake_parse

    d = doc(doc_id, text, date=dt.date(2022, 5, 1), source="Other")
    return (d, fake_parse(d))


def _keys(s: Store, f: Filters | None = None) -> list[tuple[str, int, str, bool, bool]]:
    df = s.query(f)
    return sorted(zip(df["doc_id"], df["start"], df["place_id"], df["threat"], df["reviewed"], strict=True))


def test_reviewed_values_win_in_the_rows(reviewed: Store) -> None:
    assert _keys(reviewed) == [
        ("a", 19, "mosul", True, False), ("a", 34, "anbar", True, True),
        ("b", 21, "hamrin_mountains", True, False), ("b", 28, "anbar", True, False),
        ("c", 0, "mosul", False, False), ("c2", 29, "tikrit", True, True)]  # Mosul of c2: not a place
    df = reviewed.query(Filters(review="reviewed"))
    anbar = df[df["place_id"] == "anbar"].iloc[0]
    assert (anbar["threat_p"], anbar["cue"], anbar["reviewer"], anbar["review_reason"]) == (1.0, "reviewed", "ana",
                                                                                             "raids")
    assert anbar["machine_threat"] is False and anbar["machine_place_id"] == "anbar"
    tikrit = df[df["place_id"] == "tikrit"].iloc[0]
    assert tikrit["passage"] == "The road to Tikrit is open." and tikrit["resolved_by"] == "review"
    assert tikrit["machine_threat"] is None and tikrit["machine_place_id"] is None and tikrit["surface"] == "Tikrit"


def test_reviewed_values_win_in_counts_map_months_and_filters(reviewed: Store) -> None:
    c = reviewed.counts()
    assert (c.mentions, c.threats, c.places, c.documents) == (6, 5, 4, 4)
    agg = reviewed.aggregate().set_index("place_id")
    assert (agg.loc["anbar", "mentions"], agg.loc["anbar", "threats"]) == (2, 2)
    assert (agg.loc["mosul", "mentions"], agg.loc["tikrit", "last_date"]) == (2, "2022-05-01")
    table, undated = reviewed.monthly()
    assert table.loc["2022-05"].tolist() == [1, 0] and undated == 1
    assert [k[:3] for k in _keys(reviewed, Filters(review="disagreements"))] == [("a", 34, "anbar"),
                                                                                  ("c2", 29, "tikrit")]
    assert len(reviewed.query(Filters(review="unreviewed"))) == 4
    assert _keys(reviewed, Filters(places=("tikrit",), threat_only=True, threat_threshold=0.99))[0][2] == "tikrit"
    assert reviewed.counts(Filters(review="reviewed")).documents == 2
    assert set(reviewed.place_keys()["place_id"]) == {"anbar", "mosul", "hamrin_mountains", "tikrit"}
    page = reviewed.query(limit=1, newest_first=True)
    assert page["place_id"].tolist() == ["tikrit"]  # the newest: an added mention is dated by its document


def test_undo_and_orphans(reviewed: Store, target: str) -> None:  # noqa: F811
    log = ReviewLog(reviewed)
    before = reviewed.revision()
    log.undo("c2", 0, 5, reviewer="ana")
    assert reviewed.revision() > before  # a review write moves the revision the app caches on
    assert ("c2", 0, "mosul", False, False) in _keys(reviewed)
    assert [a for a, _ in log.history()] == ["review", "review", "review", "undo"]
    log.record(log.make("c2", 6, 9, threat=False))  # "was": no mention there, and no place to add one
    assert [o.review.surface for o in reviewed.orphan_reviews()] == ["was"]
    reviewed.add_document(*_doc("c2", "Edited text.", reviewed))  # the reviewed text is gone
    assert {o.why.split(" ")[0] for o in reviewed.orphan_reviews()} == {"no"} and len(log.reviews()) == 3
    assert "tikrit" not in set(reviewed.query()["place_id"])
    with ReviewLog.open(target) as other:  # another process's view: the reviews are stored, not kept in memory
        assert len(other.reviews()) == 3


def test_migrate_to_copies_a_store_into_the_other_engine(reviewed: Store, target: str,  # noqa: F811
                                                         request: pytest.FixtureRequest, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """``migrate --store SQLITE --to postgresql://…`` (and back): documents, machine mentions, candidates, reviews and
    their history; every query reads the same; a second run adds nothing."""
    other = (str(tmp_path / "copy.sqlite") if target.startswith("postgresql://")
             else request.getfixturevalue("postgres_url"))
    assert main(["migrate", "--store", target, "--to", other]) == 0
    assert "4 documents added (6 mentions), 0 already there, 3 reviews, 3 review history rows" in \
        capsys.readouterr().out
    with Store.open(other) as copy:
        for f in (Filters(), Filters(review="disagreements"), Filters(text="tikrit"), Filters(langs=("ar",))):
            mine, theirs = reviewed.query(f), copy.query(f)
            assert mine.drop(columns="reviewed_at").equals(theirs.drop(columns="reviewed_at")), f
        assert copy.counts() == reviewed.counts() and copy.facets() == reviewed.facets()
        assert len(ReviewLog(copy).history()) == 3
    assert main(["migrate", "--store", target, "--to", other]) == 0
    assert "0 documents added (0 mentions), 4 already there" in capsys.readouterr().out
