"""scripts/_phrase_families.py and geodata/phrases.yaml: a region named by a noun and a qualifier, in any phrasing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from _phrase_families import family_phrases

from threatmap.gazetteer import Gazetteer
from threatmap.geoparse.parser import Geoparser
from threatmap.lang.normalize import normalize_key
from threatmap.models import Document


def test_every_noun_is_crossed_with_every_qualifier_in_the_group_order() -> None:
    families = {"zone": {"en": [{"order": "qualifier noun", "nouns": ["areas", "lands"], "qualifiers": ["contested"]}],
                         "ar": [{"nouns": ["المناطق"], "qualifiers": ["المتنازع عليها", "محل النزاع"]}]}}
    assert family_phrases(families, key=normalize_key, taken=set()) == {
        "zone": {"en": ["contested areas", "contested lands"], "ar": ["المناطق المتنازع عليها", "المناطق محل النزاع"]}}


def test_taken_names_and_phrases_two_places_make_are_left_out() -> None:
    families = {"a": {"en": [{"nouns": ["areas"], "qualifiers": ["in dispute", "of the north"]}]},
                "b": {"en": [{"nouns": ["areas"], "qualifiers": ["of the north", "of the south"]}]}}
    taken = {normalize_key("Areas in Dispute")}
    assert family_phrases(families, key=normalize_key, taken=taken) == {"b": {"en": ["areas of the south"]}}


def test_every_malformed_group_is_reported_at_once() -> None:
    families = {"a": {"en": [{"nouns": [], "qualifiers": ["x"]}, {"order": "sideways", "nouns": ["n"],
                                                                  "qualifiers": ["q"]}]}}
    with pytest.raises(ValueError) as err:
        family_phrases(families, key=normalize_key, taken=set(), source="geodata/phrases.yaml")
    assert "phrases.yaml: a.en[0]" in str(err.value) and "a.en[1]" in str(err.value)


@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    return Geoparser.from_gazetteer(Gazetteer.load(), threat="rules")


# Phrasings written for this test (none is in the gold): other nouns, other qualifiers, other endings.
@pytest.mark.parametrize(("lang", "text", "surface"), [
    ("ar", "انتشرت القوات في الأراضي المتنازع حولها شمال البلاد", "الأراضي المتنازع حولها"),
    ("ar", "هجمات متكررة في مناطق متنازع عليها بين الطرفين", "مناطق متنازع عليها"),
    ("ar", "وفي المناطق محل النزاع تنشط خلايا التنظيم", "المناطق محل النزاع"),
    ("ckb", "چەکدارانی داعش لە ناوچە جێناکۆکەکاندا چالاکن", "ناوچە جێناکۆک"),
    ("ckb", "لەو ناوچە ناکۆکانەدا ئاسایش تێکچووە", "ناوچە ناکۆک"),
    ("ckb", "هێزەکان لە ناوچە کێشە لەسەرەکانەوە کشانەوە", "ناوچە کێشە لەسەر"),
    ("ckb", "دۆخی ناوچە دابڕاوەکانی کوردستان خراپە", "ناوچە دابڕاو"),
    ("kmr", "Çekdar li navçeyên nakok çalak in", "navçeyên nakok"),
    ("kmr", "Hêz ji deverên li ser nakokî vekişiyan", "deverên li ser nakokî"),
    ("en", "Attacks rose across the disputed regions of northern Iraq", "disputed regions"),
    ("en", "cells operate in territories under dispute between Baghdad and Erbil", "territories under dispute"),
])
def test_unseen_phrasings_of_the_disputed_territories(geoparser: Geoparser, lang: str, text: str,
                                                      surface: str) -> None:
    found = [(m.surface, m.place_id) for m in geoparser.parse(Document(id="t", text=text, lang=lang))]
    assert any(s.startswith(surface) and pid == "disputed_territories" for s, pid in found), found


@pytest.mark.parametrize(("lang", "text"), [
    ("ar", "المنطقة المتنازع عليها بين المزارعين صغيرة"),  # one disputed plot: a singular noun is no family member
    ("en", "the disputed election results"),
    ("ckb", "ناوچەکە ئارامە"),
])
def test_other_phrases_with_the_same_words_are_not_the_region(geoparser: Geoparser, lang: str, text: str) -> None:
    found = [m.place_id for m in geoparser.parse(Document(id="t", text=text, lang=lang))]
    assert "disputed_territories" not in found
