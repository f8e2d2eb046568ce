"""scripts/_kurmanji_variants.py: Kurmanji Latin spellings of Iraqi and Syrian names from their English one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from _kurmanji_variants import direct_case, kurmanji_forms, kurmanji_variants, vowel_variants

from threatmap.lang.normalize import normalize_key


# Kurmanji news spellings (not from the gold) of names whose English transliteration is on the left.
@pytest.mark.parametrize(("english", "kurmanji"), [
    ("Khanaqin", "Xanaqîn"), ("Jalawla", "Celawla"), ("Fallujah", "Fellûce"), ("Baqubah", "Beqûbe"),
    ("Tal Afar", "Til Afer"), ("Abu Kamal", "Ebû Kemal"), ("Bayji", "Beycî"), ("Al-Shaddadi", "Şeddadî"),
    ("Tell Tamr", "Til Temr"), ("Sadiyah", "Sadiye"),
])
def test_the_kurmanji_spelling_is_among_the_forms(english: str, kurmanji: str) -> None:
    assert normalize_key(kurmanji) in {normalize_key(f) for f in kurmanji_forms(english)}


@pytest.mark.parametrize("english", ["Sinjar Mountains", "Hawl camp", "Mosul Dam", "Nineveh Plains"])
def test_names_with_an_english_designator_are_translated_not_respelled(english: str) -> None:
    assert kurmanji_forms(english) == set()


def test_spellings_are_kept_only_when_new_unique_and_no_ordinary_word() -> None:
    entries = [
        {"id": "khanaqin", "type": "city", "country": "IQ", "names": {"en": "Khanaqin"}},
        {"id": "jalawla", "type": "town", "country": "IQ", "names": {"en": "Jalawla"}},
        {"id": "jalawlah", "type": "village", "country": "IQ", "names": {"en": "Jalawlah"}},  # the same spellings
        {"id": "paris", "type": "city", "country": "FR", "names": {"en": "Khanaqin Paris"}},  # not Iraq/Syria
        {"id": "shaddadi", "type": "town", "country": "SY", "names": {"en": "Shaddadi"}},
    ]
    out = kurmanji_variants(entries, key=normalize_key, taken={normalize_key("Xanaqin")}, ordinary=lambda w: False,
                            kurdish_words={"şeddedi"})
    assert "paris" not in out
    assert "Xanaqin" not in out["khanaqin"]["kmr"] and "Xenaqin" in out["khanaqin"]["kmr"]
    assert "jalawla" not in out and "jalawlah" not in out  # two places make Celawla: ambiguous, left out
    assert "Şeddedi" not in out["shaddadi"]["kmr"] and "Şeddadi" in out["shaddadi"]["kmr"]


def test_one_short_vowel_of_a_kurmanji_name_and_the_citys_own_name_wins_over_its_governorate() -> None:
    assert "dêrazor" in vowel_variants("Dêrezor") and "reqe" in vowel_variants("Reqa")
    entries = [
        {"id": "deir", "type": "city", "country": "SY", "names": {"en": "Deir ez-Zor", "kmr": "Dêrezor"}},
        {"id": "deir_gov", "type": "governorate", "country": "SY",
         "names": {"en": "Deir ez-Zor Governorate"}, "aliases": {"kmr": ["Dêrezor"]}},
    ]
    out = kurmanji_variants(entries, key=normalize_key, taken=set(), ordinary=lambda w: False, kurdish_words=set())
    assert "Dêrazor" in out["deir"]["kmr"] and "deir_gov" not in out


def test_a_name_in_the_oblique_iye_gives_its_direct_case() -> None:
    assert direct_case("Serê Kaniyê") == "serê kanî" and direct_case("Dirbêsiyê") == "dirbêsî"
    assert direct_case("Hesekê") == "hesekê"  # no -iyê: unchanged


def test_a_one_word_spelling_that_is_an_ordinary_word_or_common_name_is_left_out() -> None:
    entries = [{"id": "hamzah", "type": "town", "country": "IQ", "names": {"en": "Hamzah"}}]
    out = kurmanji_variants(entries, key=normalize_key, taken=set(), ordinary=lambda w: w == "hamza",
                            kurdish_words=set())
    assert "Hamza" not in out["hamzah"]["kmr"] and "Hemze" in out["hamzah"]["kmr"]
