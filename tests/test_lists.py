"""Lists of places in one sentence: who is a neighbour in a list, and the list features of each member."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from threatmap.geoparse.threat.lists import list_features, listed


@dataclass(frozen=True)
class _Passage:
    start: int


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    passage: _Passage


def spans(text: str, *names: str, passage_at: int = 0) -> list[_Span]:
    return [_Span(text.index(n), text.index(n) + len(n), _Passage(passage_at)) for n in names]


def test_lists_in_every_language() -> None:
    for text, names in (("Daesh attacked Mosul, Raqqa and Hit.", ("Mosul", "Raqqa", "Hit")),
                        ("هجمات داعش في العراق وسوريا", ("العراق", "سوريا")),
                        ("DAIŞ li Îraq û Sûrîyê heye.", ("Îraq", "Sûrîyê"))):
        found = spans(text, *names)
        assert all(listed(text, a, b) for a, b in pairwise(found)), text


def test_places_apart_or_in_other_passages_are_not_a_list() -> None:
    text = "ISIS attacked Mosul on Monday and the minister visited Erbil."
    mosul, erbil = spans(text, "Mosul", "Erbil")
    assert not listed(text, mosul, erbil)
    text = "Mosul. Erbil"
    a, b = spans(text, "Mosul", "Erbil")
    assert not listed(text, a, _Span(b.start, b.end, _Passage(7)))
    assert not listed(text, a, a)


def test_each_member_sees_the_verdicts_of_the_others() -> None:
    text = "Cells in Mosul, Raqqa and Hit; the envoy flew to Amman."
    found = spans(text, "Mosul", "Raqqa", "Hit", "Amman")
    rows = list_features(text, found, [True, False, True, False])
    assert rows[0] == (3.0, 0.5) and rows[1] == (3.0, 1.0) and rows[2] == (3.0, 0.5)
    assert rows[3] == (1.0, -1.0)
