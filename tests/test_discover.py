"""Names the gazetteer lacks, recognised from a type word, a list or a direction phrase; ordinary words refused."""

from __future__ import annotations

import pytest

from threatmap.geoparse.discover import find_context_names


def _names(text: str, known: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    spans = [(text.index(k), text.index(k) + len(k)) for k in known]
    return [c.surface for c in find_context_names(text, spans)]


@pytest.mark.parametrize(("text", "names"), [
    ("هاجم التنظيم قرية إنجانة بنحو كيلومترين", ["إنجانة"]),
    ("وتضم عدة قرى ومزارع وهي: غرانيج – الكشكية – أبو حمام _و أبو خاطر وأبو حسن، وفيها", [
        "غرانيج", "الكشكية", "أبو حمام", "أبو خاطر", "أبو حسن"]),
    ("وفيها أحياء السوق وحوار والقلعة وترتبط بمدينة", ["السوق", "حوار", "القلعة"]),
    ("وسقت المياه منطقتي الغرفة و العيث بانها", ["الغرفة", "العيث"]),
    ("على نهر العظيم، الواقع في", ["نهر العظيم"]),
    ("avêtin ser gundê Berxbotan ya li başûr", ["Berxbotan"]),
    ("clearing the town of Abu Naytl, June 18", ["Abu Naytl"]),
    ("the bombing of Karrada district in Baghdad", ["Karrada"]),
    ("-- Near Kisik, two strikes engaged", ["Kisik"]),
])
def test_a_cue_makes_a_name(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_a_list_goes_on_across_known_names() -> None:
    assert _names("في مخيمي الهول والروج للنازحين", known=["الهول"]) == ["الروج"]
    assert _names("rewşa kampên Hol û Roj û girtîgehan", known=["Hol"]) == ["Roj"]


@pytest.mark.parametrize("text", [
    "في مناطق متفرقة بالأنبار",          # an adjective after a plural cue
    "من ناحية سيطرته على الأراضي",       # "in terms of"
    "استهدفوا قاعدة للتحالف في",         # preposition + article
    "في منطقة آمنة",                     # an ordinary word
    "من مخيمات النازحين في سوريا",       # people
    "ونهر يسمى",                          # a verb after the cue
    "لە گوندەکانی نزیک قەرەچووغ",         # Sorani: "near"
    "captured a key IS-held village",    # an adjective
    "an SDF checkpoint in the town",     # an acronym
    "gundên Kurdan hatine rizgar kirin",  # a people
    "near Monday's meeting",             # an ordinary word after "near"
])
def test_no_name_without_a_real_cue(text: str) -> None:
    assert _names(text) == []


def test_a_sorani_compound_head_opens_a_two_word_name() -> None:
    assert _names("هێرش کرایە سەر گوندی تەل سیباد لە نزیک داقوق", ["داقوق"]) == ["تەل سیباد"]
    assert _names("لە گوندی کانی ماسێ دوو کەس کوژران") == ["کانی ماسێ"]
    assert _names("لە گوندی سیباد دوو کەس کوژران") == ["سیباد"]  # no head word: one word, as before
