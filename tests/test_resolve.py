"""Resolution among places sharing a name: type words, preferred_for, document coherence, tie-break."""

from __future__ import annotations

from collections import Counter

import pytest
from shapely.geometry import Point

from threatmap.geoparse.resolve import Evidence, resolve, type_hint
from threatmap.lang.normalize import normalize
from threatmap.models import Place


def place(pid: str, ptype: str, *, country: str = "IQ", precision: int = 1) -> Place:
    return Place(id=pid, type=ptype, names={"en": pid}, aliases={}, geometry=Point(44, 33), precision=precision,
                 country=country)


KIRKUK = [place("kirkuk", "city"), place("kirkuk_gov", "governorate", precision=4)]
DIYALA = [place("diyala_gov", "governorate", precision=4), place("diyala_river", "river", precision=5)]
SINJAR = [place("sinjar", "town"), place("sinjar_district", "district", precision=3),
          place("sinjar_mts", "mountain_range", precision=5)]


def hint(text: str, name: str) -> str | None:
    norm = normalize(text).text
    key = normalize(name).text
    start = norm.index(key)
    word_start = norm.rfind(" ", 0, start) + 1
    h = type_hint(norm, word_start, start + len(key))
    return h.before or h.after


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("بالقرب من الحويجة في محافظة كركوك", "كركوك", "governorate"),
    ("هجمات في محافظات الأنبار", "الأنبار", "governorate"),
    ("in Kirkuk province", "Kirkuk", "governorate"),
    ("the province of Kirkuk", "Kirkuk", "governorate"),
    ("في مدينة كركوك", "كركوك", "city"),
    ("وبمدينة كركوك", "كركوك", "city"),
    ("the city of Kirkuk", "Kirkuk", "city"),
    ("near the town of Sinjar", "Sinjar", "city"),
    ("على ضفاف نهر ديالى", "ديالى", "river"),
    ("the Diyala river", "Diyala", "river"),
    ("في جبال سنجار", "سنجار", "mountain_range"),
    ("the Sinjar Mountains", "Sinjar", "mountain_range"),
    ("في قضاء سنجار", "سنجار", "district"),
    ("Sinjar district", "Sinjar", "district"),
    ("في منطقة سنجار", "سنجار", None),
    ("in the area of Sinjar", "Sinjar", None),
    ("في كركوك", "كركوك", None),
])
def test_type_words_before_and_after(text: str, name: str, expected: str | None) -> None:
    assert hint(text, name) == expected


@pytest.mark.parametrize(("cands", "type_word", "expected"), [
    (KIRKUK, "governorate", "kirkuk_gov"), (KIRKUK, "city", "kirkuk"), (KIRKUK, None, "kirkuk"),
    (DIYALA, "river", "diyala_river"), (DIYALA, None, "diyala_gov"),
    (SINJAR, "mountain_range", "sinjar_mts"), (SINJAR, "district", "sinjar_district"), (SINJAR, None, "sinjar"),
    (SINJAR, "lake", "sinjar"),  # a type word no candidate has says nothing
])
def test_type_word_picks_the_candidate(cands: list[Place], type_word: str | None, expected: str) -> None:
    assert resolve(cands, Evidence("x", type_word)).id == expected


def test_declared_preference_beats_the_tie_break() -> None:
    preferred = {"kirkuk_gov": {"كركوك"}}
    assert resolve(KIRKUK, Evidence("كركوك"), preferred=preferred).id == "kirkuk_gov"
    assert resolve(KIRKUK, Evidence("كركوك", "city"), preferred=preferred).id == "kirkuk"  # the text wins


def test_document_coherence_prefers_the_country_the_document_is_about() -> None:
    cands = [place("qahtaniyah_iq", "town"), place("qahtaniyah_sy", "town", country="SY")]
    assert resolve(cands, Evidence("qahtaniyah"), countries=Counter({"SY": 3, "IQ": 1})).id == "qahtaniyah_sy"
    assert resolve(cands, Evidence("qahtaniyah"), countries=Counter({"IQ": 2})).id == "qahtaniyah_iq"


def test_single_and_no_candidates() -> None:
    assert resolve(KIRKUK[:1], Evidence("x", "river")).id == "kirkuk"
    assert resolve([], Evidence("x")) is None


def test_dual_and_hamza_spellings_of_type_words() -> None:
    assert hint("في محافظتي كركوك وديالى", "كركوك") == "governorate"
    assert hint("في قضائي سنجار والبعاج", "سنجار") == "district"
    assert hint("في محافظةِ كركوك", "كركوك") == "governorate"


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("لە پارێزگای کەرکووک", "کەرکووک", "governorate"), ("لە شاری کەرکووک", "کەرکووک", "city"),
    ("لە چیای حەمرین", "حەمرین", "mountain_range"), ("کەمپی مەخموور", "مەخموور", "camp"),
    ("ڕووباری دیالە", "دیالە", "river"), ("li parêzgeha Kerkûkê", "Kerkûk", "governorate"),
    ("li bajarê Kerkûkê", "Kerkûk", "city"), ("çiyayê Hemrîn", "Hemrîn", "mountain_range"),
    ("kampa Holê", "Hol", "camp"), ("çemê Dîcleyê", "Dîcle", "river"),
])
def test_sorani_and_kurmanji_feature_words(text: str, name: str, expected: str) -> None:
    assert hint(text, name) == expected
