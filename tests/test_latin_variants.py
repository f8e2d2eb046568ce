"""scripts/_latin_variants.py: English transliteration variants of curated Iraqi and Syrian names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from _latin_variants import latin_variants, name_variants

from threatmap.lang.normalize import normalize_key


@pytest.mark.parametrize(("name", "variant"), [
    ("Nineveh", "ninevah"), ("Nimrud", "nimrod"), ("Tel Kaif", "tel kayf"), ("Tall Kayf", "tel kayf"),
    ("Tell Hamis", "til hemis"), ("Baiji", "beiji"), ("Rawah", "rawa"), ("Asad", "assad"), ("Raqqa", "raqa"),
    ("Al-Qaim", "qaim"), ("Tikrit", "tikreet"), ("Qayyarah", "gayyarah"), ("Qayyarah", "kayyarah"),
    ("Dhuluiya", "thuluiya"), ("Dhuluiya", "zuluiya"), ("Tharthar", "dharthar"),
])
def test_one_systematic_change(name: str, variant: str) -> None:
    assert variant in name_variants(name)


@pytest.mark.parametrize(("name", "other"), [
    ("Mosul", "mosul"),  # the name itself is no variant
    ("Nineveh Governorate", "nineveh govirnorate"),  # designators are never respelled
    ("Tikrit", "tekret"),  # two changes
    ("Kirkuk", "karkak"),
    ("Kirkuk", "qirkuk"), ("Kobani", "gobani"),  # a first k or g is no qaf
    ("Deir ez-Zor", "deir ez dhor"),  # a z may be ز: never respelled
])
def test_not_a_variant(name: str, other: str) -> None:
    assert other not in name_variants(name)


def _entry(pid: str, en: str, *aliases: str, country: str = "IQ", type_: str = "city") -> dict:
    return {"id": pid, "type": type_, "country": country, "names": {"en": en}, "aliases": {"en": list(aliases)}}


def test_filters_keep_only_unambiguous_unknown_rare_spellings() -> None:
    entries = [_entry("tuz", "Tuz Khurmatu"), _entry("hit", "Hit"), _entry("bara", "Bara"), _entry("bira", "Bira"),
               _entry("mosul", "Mosul"), _entry("rome", "Rome", country="IT"), _entry("sharqat", "Shirqat")]
    zipf = {"mosel": 3.4, "shirqat": 0.0}  # an ordinary English word (the river Moselle's German name, say)
    out = latin_variants(entries, key=normalize_key, taken={"mosul", "hit", "bara", "bira", "rome", "shirqat",
                                                            "tuz khurmatu", "sharqat"},
                         zipf=lambda v: zipf.get(v, 1.0), first_words={"tuz": 1, "hit": 1})
    assert "Tuz" in out["tuz"]["en"] and "Tuz Khormatu" in out["tuz"]["en"]  # the town's first word; o for u
    assert out["hit"]["en"] == ["Heet"]  # Hat, Hut: three letters, too short
    assert "Bera" not in out["bara"]["en"] + out["bira"]["en"]  # both could be meant: ambiguous
    assert "Barah" in out["bara"]["en"] and "Birah" in out["bira"]["en"]
    assert "Mosel" not in out["mosul"]["en"] and "Mosol" in out["mosul"]["en"]  # Mosel is an ordinary word here
    assert "rome" not in out  # only Iraqi and Syrian places
    assert "Sharqat" not in out["sharqat"]["en"]  # already a name


def test_short_forms_need_a_first_word_no_other_name_starts_with() -> None:
    entries = [_entry("deir", "Deir Hafer"), _entry("qara", "Qara Qosh")]
    out = latin_variants(entries, key=normalize_key, taken=set(), zipf=lambda v: 0.0,
                         first_words={"deir": 5, "qara": 3})
    assert all(" " in v for langs in out.values() for v in langs["en"])


def test_english_words_are_not_respelled_but_take_the_other_number() -> None:
    found = name_variants("disputed territories", english={"disputed", "territories"}.__contains__)
    assert found == {"disputed territory"}
    assert "nineveh plain" not in name_variants("Nineveh Plains")  # a designator: "Kirkuk and Salah al-Din provinces"
