"""Kurdish verb forms for the cue lexicon (threatmap.lang.kurdish_verbs): the present, imperfect and passive forms
of a verb from its two stems, and what is left out (negation)."""

from __future__ import annotations

import pytest

from threatmap.lang.kurdish_verbs import verb_forms


def _reaches(forms: tuple[str, ...], word: str) -> bool:
    return any(word.startswith(f.rstrip("*")) for f in forms)


@pytest.mark.parametrize(("lang", "past", "present", "word"), [
    ("ckb", "کوشت", "کوژ", "کوشتیان"),      # past: "they killed"
    ("ckb", "کوشت", "کوژ", "دەیانکوشت"),    # imperfect with the pronoun clitic
    ("ckb", "کوشت", "کوژ", "دەیکوژن"),      # present: "they kill him"
    ("ckb", "کوشت", "کوژ", "بیانکوژن"),     # subjunctive
    ("ckb", "کوشت", "کوژ", "ئەکوژرێن"),     # colloquial prefix, present passive
    ("ckb", "ڕفاند", "ڕفێن", "ڕفێنران"),     # past passive
    ("kmr", "kuşt", "kuj", "dikujin"),
    ("kmr", "kuşt", "kuj", "bikuje"),
    ("kmr", "kuşt", "kuj", "dikuştin"),     # imperfect
    ("kmr", "vekişand", "vekişîn", "vedikişînin"),  # the aspect prefix after the verbal particle
])
def test_a_form_of_the_verb_is_reached(lang: str, past: str, present: str, word: str) -> None:
    assert _reaches(verb_forms(lang, past, present), word)


@pytest.mark.parametrize(("lang", "past", "present", "word"), [
    ("ckb", "کوشت", "کوژ", "نەیانکوشت"),    # negated past
    ("ckb", "کوشت", "کوژ", "ناکوژرێن"),     # negated present passive
    ("kmr", "kuşt", "kuj", "nakujin"),
    ("kmr", "vekişand", "vekişîn", "nakişînin"),
])
def test_a_negated_form_is_not(lang: str, past: str, present: str, word: str) -> None:
    assert not _reaches(verb_forms(lang, past, present), word)


def test_another_language_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match="expected language 'ckb' or 'kmr', got 'ar'"):
        verb_forms("ar", "قتل", "يقتل")
