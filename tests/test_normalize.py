"""Normalisation: Arabic/Kurdish/Latin rules and the map back to original offsets."""

from __future__ import annotations

import pytest

from threatmap.lang.normalize import normalize, normalize_for_matching, normalize_key


@pytest.mark.parametrize(("name", "key"), [
    ("الأنبار", "الانبار"), ("إدلب", "ادلب"), ("آمرلي", "امرلي"), ("ٱلعراق", "العراق"),
    ("ديالى", "ديالي"), ("الرقة", "الرقه"), ("مؤتة", "موته"), ("بيئة", "بييه"),
    ("العِرَاقُ", "العراق"), ("بغـــداد", "بغداد"),
])
def test_arabic_letter_variants_diacritics_and_tatweel(name: str, key: str) -> None:
    assert normalize_key(name) == key


@pytest.mark.parametrize(("kurdish", "key"), [
    ("قەرەچوغ", "قهرهجوغ"), ("مەخموور", "مهخموور"), ("کەرکووک", "كهركووك"), ("هەولێر", "ههولير"),
    ("گوێر", "كوير"), ("ڕانیە", "رانيه"), ("ئامێدی", "ياميدي"), ("چیای حەمرین", "جياي حهمرين"),
])
def test_kurdish_letters_are_mapped_not_deleted(kurdish: str, key: str) -> None:
    assert normalize_key(kurdish) == key
    assert len(normalize_key(kurdish)) == len(kurdish)


def test_old_sorani_spelling_meets_the_new_one() -> None:
    assert normalize_key("كەركووك") == normalize_key("کەرکووک")  # ك for ک
    assert normalize_key("قهرهچوغ") == normalize_key("قەرەچوغ")  # ه for ە


@pytest.mark.parametrize(("name", "key"), [
    ("Mexmûr", "mexmur"), ("Kerkûkê", "kerkuke"), ("Şingal", "singal"), ("Deir ez-Zor", "deir ez zor"),
    ("Dayr az-Zawr", "dayr az zawr"), ("Deir al‑Zour", "deir al zour"), ("Ta'mim", "tamim"),
    ("Sala’addin", "salaaddin"),
    ("  Al   ANBAR ", "al anbar"), ("Ḥadītha", "haditha"),
])
def test_latin_case_diacritics_apostrophes_hyphens(name: str, key: str) -> None:
    assert normalize_key(name) == key


def test_offsets_map_back_over_deleted_characters() -> None:
    text = "قال: في العِراقِ  اليومَ\u200f بغـداد"
    norm = normalize(text)
    for word in ("العراق", "بغداد", "اليوم"):
        start = norm.text.index(word)
        o_start, o_end = norm.to_original(start, start + len(word))
        assert normalize_key(text[o_start:o_end]) == word
        assert not text[o_start].isspace() and not text[o_end - 1].isspace()


def test_offsets_latin_with_runs_of_white_space() -> None:
    text = "North  of\n\n  Deir ez-Zor, Mexmûr."
    norm = normalize(text)
    start = norm.text.index("mexmur")
    assert norm.to_original(start, start + 6) == (text.index("Mexmûr"), text.index("Mexmûr") + 6)


def test_word_view_has_the_same_length_and_spaces_for_punctuation() -> None:
    norm, view = normalize_for_matching("«بالأنبار»، Iraq's (north) — 2024!")
    assert len(view) == len(norm.text)
    assert view.split() == ["بالانبار", "iraqs", "north", "2024"]


@pytest.mark.parametrize("text", [
    "", " ", "\x00\x01\x02", "\u202e\u202dبغداد\u200e", "😀 Mosul 😀", "a\ud800b", "ﻻ ﷲ", "\uffff\ufffe",
])
def test_hostile_characters_do_not_crash(text: str) -> None:
    norm, view = normalize_for_matching(text)
    assert len(view) == len(norm.text)
    if norm.text:
        start, end = norm.to_original(0, len(norm.text))
        assert 0 <= start <= end <= len(text)


def test_characters_outside_the_bmp_are_kept() -> None:
    norm, view = normalize_for_matching("😀Mosul 𝐀")
    assert norm.text.startswith("😀mosul")
    assert view.split() == ["mosul"]


def test_a_megabyte_of_one_word_is_normalised() -> None:
    text = "بغداد" * 200_000
    norm, view = normalize_for_matching(text)
    assert len(norm.text) == len(text) and view == norm.text


@pytest.mark.parametrize("text", [
    "a\n\n\nb", "\n\nابدأ", "x  ", "ديالى\u0640\u064e  و  ", "  ", "Mûsil’ê\u200c  \t\nKerkûk", "😀  a  😀",
    "ب" * 10 + "\u064e" * 80 + "  z",  # more deletions than the short path handles
])
def test_every_offset_maps_back_to_its_character(text: str) -> None:
    norm, view = normalize_for_matching(text)
    assert len(view) == len(norm.text)
    for i in range(len(norm.text)):
        start, end = norm.to_original(i, i + 1)
        assert end == start + 1
        assert norm.text[i] == " " or normalize_key(text[start]) == norm.text[i]


@pytest.mark.parametrize("text", [
    "", " ", "بِغْدَادُ  والموصل\n\nKerkûkê’s", "a\u200fb", "العراق😀سوريا", "x" * 70 + "  " * 70,
])
def test_the_matchers_view_has_the_same_offsets(text: str) -> None:
    from threatmap.lang.normalize import matching_view

    norm, view = normalize_for_matching(text)
    fast, fast_view = matching_view(text)
    assert fast_view == view
    assert (fast.original, fast.norm_starts, fast.orig_starts) == (norm.original, norm.norm_starts,
                                                                     norm.orig_starts)


def test_to_normalized_inverts_to_original_across_deletions() -> None:
    text = "في  جبالِ ـحمرين"
    norm = normalize(text)
    for i in range(len(norm.text)):
        assert norm.to_normalized(norm.to_original(i, i + 1)[0]) == i
    assert norm.to_normalized(text.index("ِ")) == norm.text.index(" حمرين")  # a deleted mark maps to what follows
    assert normalize("plain").to_normalized(3) == 3


@pytest.mark.parametrize(("syriac", "arabic"), [
    ("ܢܨܝܒܝܢ", "نصيبين"), ("ܐܘܪܗܝ", "اورهي"), ("ܚܠܒ", "حلب"), ("ܬܘܪ ܥܒܕܝܢ", "تور عبدين"), ("ܕܡܫܩ", "دمشق"),
    ("ܚܣܟܗ", "حسكه"), ("ܛܘܪܐ", "طورا"),
])
def test_syriac_letters_are_matched_as_the_arabic_consonant(syriac: str, arabic: str) -> None:
    assert normalize_key(syriac) == normalize_key(arabic)


def test_syriac_vowel_points_are_deleted_and_offsets_map_back() -> None:
    text = "ܢܨܺܝܒܺܝܢ ܘܚܰܠܰܒ"  # Nisibis and Aleppo, vocalised
    norm, view = normalize_for_matching(text)
    assert view == "نصيبين وحلب"
    start, end = norm.to_original(view.index("حلب"), len(view))
    assert text[start:end] == "ܚܰܠܰܒ"
