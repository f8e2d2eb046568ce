"""Scoring: overlap pairing, 161 km / containment, threat accuracy, per-language slices, report and errors."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from shapely.geometry import Point, box

from threatmap.errors import DocumentError
from threatmap.evaluate import (
    GoldDocument,
    GoldMention,
    Score,
    evaluate,
    format_report,
    haversine_km,
    read_gold,
    score_document,
)
from threatmap.models import Document, Mention, Where

TEXT = "داعش في الموصل وقرب كركوك، وفي الأنبار."


def mention(start: int, end: int, place: str, lat: float, lon: float, *, threat: bool = False) -> Mention:
    return Mention(doc_id="d", start=start, end=end, surface=TEXT[start:end], place_id=place, name=place,
                   place_type="city", where=Where(lat, lon, (lon, lat, lon, lat), "Point", 1), threat=threat,
                   passage_start=0, passage_end=len(TEXT))


def gold(start: int, end: int, lat: float, lon: float, *, threat: bool = False) -> GoldMention:
    return GoldMention(start, end, TEXT[start:end], "P", lat, lon, threat)


MOSUL = TEXT.index("الموصل")
KIRKUK = TEXT.index("كركوك")
ANBAR = TEXT.index("الأنبار")
GOLD = GoldDocument(Document(id="d", text=TEXT, lang="ar"), (
    gold(MOSUL, MOSUL + 6, 36.34, 43.13, threat=True), gold(KIRKUK, KIRKUK + 5, 35.47, 44.39),
    gold(ANBAR, ANBAR + 7, 33.0, 42.0),
))


def test_haversine() -> None:
    assert haversine_km(36.34, 43.13, 36.34, 43.13) == 0
    assert haversine_km(33.315, 44.366, 36.34, 43.13) == pytest.approx(352, abs=5)


def test_pairs_by_overlap_and_scores_place_and_threat() -> None:
    predicted = [
        mention(MOSUL + 2, MOSUL + 6, "mosul", 36.3, 43.1, threat=True),  # partial overlap, right place and threat
        mention(KIRKUK, KIRKUK + 5, "baghdad", 33.3, 44.4, threat=True),  # > 161 km away, wrong threat
        mention(0, 4, "daesh", 30.0, 30.0),  # false positive
    ]
    s = score_document(GOLD, predicted, {})
    assert (s.gold, s.predicted, s.matched, s.correct, s.threat_right) == (3, 3, 2, 1, 1)
    assert s.recognition == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert s.end_to_end == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert s.threat_accuracy == 0.5
    assert sorted(m.kind for m in s.misses) == ["fn", "fp", "place", "threat"]
    fn = next(m for m in s.misses if m.kind == "fn")
    assert fn.surface == "الأنبار" and "[الأنبار]" in fn.snippet


def test_containment_counts_as_right_and_a_prediction_counts_once() -> None:
    far_point = mention(ANBAR, ANBAR + 7, "anbar", 31.0, 39.0)  # > 161 km from the gold point ...
    geometries = {"anbar": box(38.8, 31.0, 44.0, 35.0)}  # ... but the place contains it
    assert score_document(GOLD, [far_point], geometries).correct == 1
    assert score_document(GOLD, [far_point], {"anbar": Point(39, 31)}).correct == 0
    wide = mention(MOSUL, KIRKUK + 5, "mosul", 36.34, 43.13)  # overlaps two gold mentions
    s = score_document(GOLD, [wide], {})
    assert (s.matched, s.correct) == (1, 1)


def test_empty_slices_are_perfect_not_a_division_by_zero() -> None:
    s = Score()
    assert s.recognition == (1.0, 1.0, 1.0) and s.threat_accuracy == 1.0


class _Fixed:
    """A stand-in geoparser returning prepared mentions."""

    def __init__(self, by_doc: dict[str, list[Mention]]) -> None:
        self.by_doc = by_doc
        self.places: dict[str, object] = {}

    def parse(self, document: Document) -> tuple[Mention, ...]:
        return tuple(self.by_doc.get(document.id, ()))


def test_overall_and_per_language_and_the_report() -> None:
    en = GoldDocument(Document(id="e", text="ISIS near Mosul.", lang="en"), (GoldMention(10, 15, "Mosul", "Mosul",
                                                                                         36.34, 43.13, True),))
    geoparser = _Fixed({"d": [mention(MOSUL, MOSUL + 6, "mosul", 36.34, 43.13, threat=True)]})
    scores = evaluate([GOLD, en], geoparser)
    assert set(scores) == {"all", "ar", "en"}
    assert (scores["all"].gold, scores["ar"].gold, scores["en"].gold) == (4, 3, 1)
    assert scores["en"].recognition == (0.0, 0.0, 0.0)
    report = format_report(scores, show=True)
    lines = report.splitlines()
    assert lines[-3].startswith("recognition F1") and lines[-2].startswith("end-to-end F1")
    assert lines[-1] == ("threat accuracy 1.000 (always threat 1.000), threat F1 1.000 (always threat 1.000)")
    assert "fn     e 10-15 'Mosul'" in report and "ISIS near [Mosul]." in report
    assert "fn" not in format_report(scores, show=False)


def test_read_gold_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    good = {"id": "a", "text": "x", "mentions": []}
    path.write_text(json.dumps(good) + "\n\n" + '{"id": "b", "text": "y"}\n', encoding="utf-8")
    with pytest.raises(DocumentError, match=r"gold\.jsonl:3: expected a gold document"):
        list(read_gold(path))
    with pytest.raises(DocumentError, match="cannot read"):
        list(read_gold(tmp_path / "missing.jsonl"))


def _read_one(tmp_path: Path, obj: dict) -> GoldDocument:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")
    return next(iter(read_gold(path)))


EN = "ISIS attacked Hit. The Islamic State of Iraq and Syria met in Erbil, Southwest Asia."


def _span(surface: str, **extra: object) -> dict:
    start = EN.index(surface)
    return {"start": start, "end": start + len(surface), "surface": surface, "place": surface,
            "lat": 33.6, "lon": 42.8, "threat": False, **extra}


def _en_mention(surface: str, *, threat: bool, lat: float = 33.6, lon: float = 42.8) -> Mention:
    start = EN.index(surface)
    return Mention(doc_id="e", start=start, end=start + len(surface), surface=surface, place_id=surface,
                   name=surface, place_type="city", where=Where(lat, lon, (lon, lat, lon, lat), "Point", 1),
                   threat=threat, passage_start=0, passage_end=len(EN))


def test_null_coordinates_count_as_the_right_place(tmp_path: Path) -> None:
    g = _read_one(tmp_path, {"id": "e", "text": EN, "mentions": [_span("Southwest Asia", lat=None, lon=None)]})
    assert g.mentions[0].lat is None
    s = score_document(g, [_en_mention("Southwest Asia", threat=False, lat=-10.0, lon=100.0)], {})
    assert (s.matched, s.correct) == (1, 1)


def test_null_threat_is_not_scored_for_threat(tmp_path: Path) -> None:
    g = _read_one(tmp_path, {"id": "e", "text": EN, "mentions": [_span("Hit", threat=None), _span("Erbil")]})
    s = score_document(g, [_en_mention("Hit", threat=True), _en_mention("Erbil", threat=True)], {})
    assert (s.matched, s.threat_n, s.threat_right) == (2, 1, 0)
    assert s.threat_accuracy == 0.0 and s.baseline_accuracy == 0.0


def test_ignored_mentions_are_not_gold_and_overlapping_predictions_not_false_positives(tmp_path: Path) -> None:
    g = _read_one(tmp_path, {"id": "e", "text": EN,
                             "mentions": [_span("Hit", threat=True), _span("Iraq", ignore=True)]})
    assert [m.surface for m in g.mentions] == ["Hit"] and len(g.ignore) == 1
    s = score_document(g, [_en_mention("Hit", threat=True), _en_mention("Iraq", threat=False),
                           _en_mention("Erbil", threat=False)], {})
    assert (s.gold, s.predicted, s.matched) == (1, 2, 1)  # Iraq is not counted, Erbil is a false positive
    assert [m.surface for m in s.misses if m.kind == "fp"] == ["Erbil"]


def test_a_top_level_ignore_list_works_like_ignored_mentions(tmp_path: Path) -> None:
    syria = EN.index("Syria")
    for item in ({"start": syria, "end": syria + 5}, [syria, syria + 5]):
        g = _read_one(tmp_path, {"id": "e", "text": EN, "mentions": [_span("Hit", threat=True)], "ignore": [item]})
        s = score_document(g, [_en_mention("Hit", threat=True), _en_mention("Syria", threat=True)], {})
        assert (s.predicted, s.matched) == (1, 1) and not s.misses


def test_threat_f1_beside_the_always_threat_baseline_and_brier() -> None:
    golds = [GoldMention(EN.index(w), EN.index(w) + len(w), w, w, 33.6, 42.8, t)
             for w, t in (("Hit", True), ("Erbil", False), ("Southwest Asia", False))]
    g = GoldDocument(Document(id="e", text=EN, lang="en"), tuple(golds))
    predicted = [_en_mention("Hit", threat=True), _en_mention("Erbil", threat=True),
                 _en_mention("Southwest Asia", threat=False)]
    s = score_document(g, predicted, {})
    assert s.threat_accuracy == pytest.approx(2 / 3) and s.threat_f1 == pytest.approx(2 / 3)
    assert s.baseline_accuracy == pytest.approx(1 / 3) and s.baseline_f1 == pytest.approx(0.5)
    assert s.brier is None
    report = format_report({"all": s, "en": s})
    assert "threat F1 0.667 (always threat 0.500)" in report


def test_brier_score_of_threat_p() -> None:
    golds = [GoldMention(EN.index(w), EN.index(w) + len(w), w, w, 33.6, 42.8, t) for w, t in (("Hit", True),
                                                                                           ("Erbil", False))]
    g = GoldDocument(Document(id="e", text=EN, lang="en"), tuple(golds))
    predicted = [dataclasses.replace(_en_mention("Hit", threat=True), threat_p=0.8),
                 dataclasses.replace(_en_mention("Erbil", threat=True), threat_p=0.6)]
    s = score_document(g, predicted, {})
    assert s.brier == pytest.approx(((0.8 - 1) ** 2 + 0.6 ** 2) / 2)
    assert "p=0.600" in next(m.detail for m in s.misses if m.kind == "threat")
