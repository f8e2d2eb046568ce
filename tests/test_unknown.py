"""Candidate place names after place-type words that no known mention covers (the curator's loop)."""

from __future__ import annotations

from pathlib import Path

import pytest

from threatmap.geoparse.unknown import find_candidates, unknown_report
from threatmap.models import Candidate, Document, Mention, Where
from threatmap.store import Store


def surfaces(text: str, known: tuple[tuple[int, int], ...] = ()) -> list[str]:
    doc = Document("d", text)
    mentions = [Mention(doc_id="d", start=s, end=e, surface=text[s:e], place_id="p", name="P", place_type="city",
                        where=Where(0, 0, (0, 0, 0, 0), "Point", 1), threat=False, passage_start=0, passage_end=0)
                for s, e in known]
    return [c.surface for c in find_candidates(doc, mentions)]


@pytest.mark.parametrize(("text", "expected"), [
    ("ويمثل تهديداً في منطقة مخمور ومناطق أخرى", ["مخمور"]),
    ("هاجم داعش قرية البو خليفة في قضاء الحويجة", ["البو خليفة", "الحويجة"]),
    ("في ناحية العلم", ["العلم"]),
    ("وتنشط الخلايا في صحراء الأنبار", ["صحراء الأنبار"]),  # the type word is part of the name
    ("قرب جبل مكحول", ["جبل مكحول"]),
    ("في محافظة كركوك", ["كركوك"]),
    ("في وادي الشاي", ["وادي الشاي"]),
    ("في منطقة معينة", []),  # an adjective, not a name
    ("ISIS fighters were seen near Tarmiyah.", ["Tarmiyah"]),
    ("strikes in the district of Hit and the town of Sinuni", ["Hit", "Sinuni"]),
    ("hiding in Wadi Tubal", ["Wadi Tubal"]),
    ("in the Sinjar Mountains", ["Sinjar Mountains"]),
    ("in Tarmiyah district", ["Tarmiyah"]),
    ("near the Iraqi border", []),  # not capitalised after the stop words
    ("in the province", []),
])
def test_candidates(text: str, expected: list[str]) -> None:
    assert surfaces(text) == expected


def test_known_mentions_are_not_candidates() -> None:
    text = "ويمثل تهديداً في المناطق القريبة من جبال حمرين وفي منطقة مخمور"
    start = text.index("حمرين")
    assert surfaces(text, ((start, start + 5),)) == ["مخمور"]


def test_offsets_and_passage_index_the_original_text() -> None:
    text = "First sentence. ISIS fighters were seen near Tarmiyah yesterday. Last one."
    (c,) = find_candidates(Document("d", text), [])
    assert text[c.start:c.end] == c.surface == "Tarmiyah"
    assert c.trigger == "near"
    assert c.passage == "ISIS fighters were seen near Tarmiyah yesterday."


def test_report_groups_spellings_and_counts(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite") as store:
        for i, surface in enumerate(["مخمور", "مخمور", "Tarmiyah", "مَخمور"]):
            doc = Document(f"d{i}", f"text {i}", path=f"d{i}.md")
            store.add_document(doc, (), [Candidate(doc.id, 0, 4, surface, "منطقة", passage=f"passage {i}")])
        report = unknown_report(store)
        assert report[0] == ("مخمور", 3, "passage 0")
        assert report[1][:2] == ("Tarmiyah", 1)
        assert unknown_report(store, min_count=2) == [("مخمور", 3, "passage 0")]


def test_a_name_recognised_from_context_that_nothing_locates_is_a_candidate() -> None:
    from threatmap.geoparse.unknown import find_candidates
    from threatmap.models import Document
    doc = Document("u", "-- Near Kisik, two strikes engaged an ISIS tactical unit.")
    assert [(c.surface, c.trigger) for c in find_candidates(doc, [])] == [("Kisik", "near")]
