"""threatmap.lang.skeleton and geoparse.match.skeleton: Sorani spellings meet Arabic ones by consonant skeleton."""

from __future__ import annotations

import pytest

from threatmap.gazetteer import Gazetteer
from threatmap.geoparse.match.skeleton import SkeletonIndex, sorani_word_skeletons
from threatmap.geoparse.parser import Geoparser
from threatmap.lang.skeleton import sorani_skeleton
from threatmap.models import Document


@pytest.mark.parametrize(("sorani", "arabic"), [
    ("بەغداد", "بغداد"), ("حەویجە", "الحويجة"), ("فەللووجە", "الفلوجة"), ("ئەنبار", "الأنبار"), ("ڕەمادی", "الرمادي"),
    ("سامەڕا", "سامراء"), ("کەرکووک", "كركوك"),
])
def test_a_sorani_spelling_has_the_skeleton_of_the_arabic_name(sorani: str, arabic: str) -> None:
    assert sorani_skeleton(sorani) == sorani_skeleton(arabic, article=True)


@pytest.mark.parametrize(("sorani", "arabic"), [("دێر زوور", "دير الزور"), ("بێجی", "بيجي"), ("شێخان", "الشيخان")])
def test_long_e_may_be_the_arabic_long_i(sorani: str, arabic: str) -> None:
    assert sorani_skeleton(sorani, long_e=True) == sorani_skeleton(arabic, article=True)


@pytest.mark.parametrize(("a", "b"), [("موسڵ", "الموصل"), ("تکریت", "تكريم"), ("بەسرە", "بشرى")])
def test_other_consonants_are_other_skeletons(a: str, b: str) -> None:
    assert sorani_skeleton(a) != sorani_skeleton(b, article=True)


ALIASES = [("بغداد", "ar", "baghdad", "city"), ("الحويجة", "ar", "hawija", "city"),
           ("تركية", "ar", "turkey", "country"), ("سوريا", "ar", "syria", "country"),
           ("سووریا", "ckb", "syria", "country"), ("بەرد", "ar", "stone", "village"), ("الحضر", "ar", "hatra", "city"),
           ("دير الزور", "ar", "deir", "city")]


def _found(index: SkeletonIndex, text: str, known: frozenset[str] = frozenset()) -> list[tuple[str, tuple[str, ...]]]:
    return [(text[h.start:h.end], h.place_ids) for h in index.find(text, [], known=lambda name: name in known)]


def test_index_finds_names_with_sorani_vowels_and_endings() -> None:
    index = SkeletonIndex.build(ALIASES, ordinary=sorani_word_skeletons())
    text = "هێرش کرایە سەر بەغدادەوە و حەویجەدا، هەروەها لە دێر زووردا"
    assert _found(index, text) == [("بەغداد", ("baghdad",)), ("حەویجە", ("hawija",)), ("دێر زوور", ("deir",))]


def test_index_refuses_ordinary_words_short_keys_adjectives_and_what_the_exact_matcher_judged() -> None:
    index = SkeletonIndex.build(ALIASES, ordinary=sorani_word_skeletons())
    assert "برد" not in index.keys and "حضر" not in index.keys  # three letters: too short
    assert _found(index, "درۆنێکی تورکی بنکەیەکی بۆردومان کرد") == []  # تورکی "Turkish", not تركية without ە
    sdf = "هێزەکانی سووریای دیموکرات ڕایانگەیاند"
    assert _found(index, sdf, known=frozenset({"سووریا"})) == []  # the SDF: the exact matcher blocked it


@pytest.fixture(scope="module")
def real_geoparser() -> Geoparser:
    return Geoparser.from_gazetteer(Gazetteer.load(), threat="rules")


def test_skeleton_names_only_in_sorani_documents(real_geoparser: Geoparser) -> None:
    ckb = "داعش هێرشی کردە سەر ئەنبار و حەویجەدا، دوو چەکدار لە فەللووجە کوژران"
    found = [(m.surface, m.place_id) for m in real_geoparser.parse(Document(id="k", text=ckb, lang="ckb"))]
    assert ("حەویجە", "hawija") in found and ("فەللووجە", "fallujah") in found
    ar = "بەغداد"  # the same letters read as Arabic: no skeleton lookup
    assert [m.place_id for m in real_geoparser.parse(Document(id="a", text=ar, lang="ar"))] == []


@pytest.mark.parametrize("text", ["", "\u200c\u200c\u200c", "ە" * 50, "بەغداد\ud800", "🙂 بەغداد 🙂", "ا ا ا ا", "ـــ",
                                  "بەغداد" + "\u064b" * 30, "ئ" * 10 + " بەغداد"])
def test_hostile_text_never_crashes_and_offsets_stay_in_the_text(text: str) -> None:
    index = SkeletonIndex.build(ALIASES)
    for hit in index.find(text, [], known=lambda name: False):
        assert 0 <= hit.start < hit.end <= len(text)


def test_a_name_with_the_nisba_ending_meets_its_sorani_spelling_not_the_adjective() -> None:
    from threatmap.geoparse.match.skeleton import NISBA_MARK

    index = SkeletonIndex.build([*ALIASES, ("اليوسفية", "ar", "yusufiyah", "town"),
                                 ("الإسلامية", "ar", "islamiyah", "village")],
                                ordinary={sorani_skeleton("ئیسلامی") + NISBA_MARK})
    assert _found(index, "هێرش کرایە سەر یوسفیە و دەرەوەی یوسفیەدا") == [("یوسفیە", ("yusufiyah",)),
                                                                          ("یوسفیە", ("yusufiyah",))]
    assert _found(index, "پیاوێکی یوسفی") == []  # the adjective (or a man's name) is not the town
    assert _found(index, "ترکی و ترکیە") == [("ترکیە", ("turkey",))]
    assert _found(index, "دەوڵەتی ئیسلامیە") == []  # an ordinary adjective with its copula
