"""Matcher: clitics, Kurdish enclitics, word boundaries, longest match, spelling variants, blocked names, case."""

from __future__ import annotations

import pytest

from threatmap.geoparse.match.lexicon import arabic_word_keys, kurdish_word_keys
from threatmap.geoparse.match.matcher import Matcher, match_key

ALIASES = [
    ("العراق", "ar", "iraq", "country"), ("Iraq", "en", "iraq", "country"), ("عراق", "ar", "iraq", "country"),
    ("سوريا", "ar", "syria", "country"), ("Syria", "en", "syria", "country"), ("سورية", "ar", "syria", "country"),
    ("لبنان", "ar", "lebanon", "country"), ("US", "en", "united_states", "country"),
    ("الأنبار", "ar", "anbar", "governorate"), ("Anbar", "en", "anbar", "governorate"),
    ("صحراء الأنبار", "ar", "anbar_desert", "desert"), ("Anbar desert", "en", "anbar_desert", "desert"),
    ("ديالى", "ar", "diyala", "governorate"), ("Diyala", "en", "diyala", "governorate"),
    ("بغداد", "ar", "baghdad", "city"), ("بەغدا", "ckb", "baghdad", "city"), ("بيجي", "ar", "baiji", "town"),
    ("بعقوبة", "ar", "baqubah", "city"), ("الفلوجة", "ar", "fallujah", "city"), ("فلوجة", "ar", "fallujah", "city"),
    ("الرقة", "ar", "raqqa", "city"), ("الموصل", "ar", "mosul", "city"), ("Mûsil", "kmr", "mosul", "city"),
    ("قرجوخ", "ar", "qarachogh", "mountain_range"), ("حمرين", "ar", "hamrin", "mountain_range"),
    ("جبال حمرين", "ar", "hamrin", "mountain_range"), ("Hamrin Mountains", "en", "hamrin", "mountain_range"),
    ("مخمور", "ar", "makhmur", "district"), ("مەخموور", "ckb", "makhmur", "district"),
    ("كركوك", "ar", "kirkuk", "city"), ("کەرکووک", "ckb", "kirkuk", "city"), ("Kerkûk", "kmr", "kirkuk", "city"),
    ("Hesekê", "kmr", "hasakah", "city"), ("Hesek", "kmr", "hasakah", "city"),
    ("نينوى", "ar", "nineveh", "governorate"), ("Nineveh", "en", "nineveh", "governorate"),
    ("سهل نينوى", "ar", "nineveh_plains", "plain"), ("Nineveh Plains", "en", "nineveh_plains", "plain"),
    ("دير الزور", "ar", "deir", "city"), ("Deir ez-Zor", "en", "deir", "city"),
    ("Kurdistan", "en", "kurdistan", "region"), ("Iraqi Kurdistan Region", "en", "kurdistan", "region"),
    ("Hit", "en", "hit", "town"), ("Tal Afar", "en", "tal_afar", "city"), ("Iran", "en", "iran", "country"),
    ("Sinjar", "en", "sinjar", "town"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(ALIASES)


def found(matcher: Matcher, text: str, *, lang: str | None = None) -> list[tuple[str, str]]:
    """``(surface, first place id)`` of every match."""
    return [(text[m.start:m.end], m.place_ids[0]) for m in matcher.find(text, lang=lang)]


@pytest.mark.parametrize(("text", "surface", "place", "prefix"), [
    ("خلايا في وقرجوخ", "قرجوخ", "qarachogh", "و"),
    ("هجوم بالأنبار", "الأنبار", "anbar", "ب"),
    ("تعزيزات لديالى", "ديالى", "diyala", "ل"),
    ("والرقة", "الرقة", "raqqa", "و"),
    ("وبغداد أيضاً", "بغداد", "baghdad", "و"),
    ("فبغداد", "بغداد", "baghdad", "ف"),
    ("تحريرهم للموصل.", "موصل", "mosul", "لل"),
    ("تهديد للعراق", "عراق", "iraq", "لل"),
    ("وبالأنبار", "الأنبار", "anbar", "وب"),
    ("كالعراق", "العراق", "iraq", "ك"),
])
def test_arabic_clitics_are_optional_prefixes_outside_the_span(matcher: Matcher, text: str, surface: str,
                                                              place: str, prefix: str) -> None:
    (m,) = matcher.find(text)
    assert (text[m.start:m.end], m.place_ids[0], m.prefix) == (surface, place, prefix)


@pytest.mark.parametrize(("text", "surface", "place"), [
    ("في بغداد", "بغداد", "baghdad"), ("مصفى بيجي", "بيجي", "baiji"), ("في بعقوبة", "بعقوبة", "baqubah"),
    ("إلى لبنان", "لبنان", "lebanon"), ("معركة الفلوجة", "الفلوجة", "fallujah"),
])
def test_names_starting_with_a_clitic_letter_keep_it(matcher: Matcher, text: str, surface: str,
                                                     place: str) -> None:
    (m,) = matcher.find(text)
    assert (text[m.start:m.end], m.place_ids[0], m.prefix) == (surface, place, "")


@pytest.mark.parametrize("text", [
    "الحكومة العراقية", "الجيش العراقي", "القوات السورية", "Iraqi forces", "Syrian army", "the Syrians",
    "العراقيين", "Anbari tribes",
])
def test_adjectives_and_demonyms_are_not_places(matcher: Matcher, text: str) -> None:
    assert found(matcher, text) == []


def test_kurdish_sorani_enclitics_are_excluded_from_the_span(matcher: Matcher) -> None:
    assert found(matcher, "لە مەخمووردا") == [("مەخموور", "makhmur")]
    assert found(matcher, "شاری کەرکووکی") == [("کەرکووک", "kirkuk")]
    assert found(matcher, "لە بەغداش") == [("بەغدا", "baghdad")]


def test_old_sorani_spelling_needs_a_kurdish_document(matcher: Matcher) -> None:
    assert found(matcher, "كركوكدا") == []
    assert found(matcher, "كركوكدا", lang="ckb") == [("كركوك", "kirkuk")]


def test_kurmanji_enclitics_without_eating_the_name(matcher: Matcher) -> None:
    assert found(matcher, "li Kerkûkê û Mûsilê") == [("Kerkûk", "kirkuk"), ("Mûsil", "mosul")]
    assert found(matcher, "li Hesekê") == [("Hesekê", "hasakah")]  # the ê belongs to the name
    assert found(matcher, "ji Hesekêyê") == [("Hesekê", "hasakah")]


@pytest.mark.parametrize(("text", "surface", "place"), [
    ("وصحراء الأنبار", "صحراء الأنبار", "anbar_desert"), ("في سهل نينوى", "سهل نينوى", "nineveh_plains"),
    ("the Nineveh Plains", "Nineveh Plains", "nineveh_plains"), ("جبال حمرين", "جبال حمرين", "hamrin"),
    ("in the Anbar desert", "Anbar desert", "anbar_desert"),
])
def test_longest_match_wins(matcher: Matcher, text: str, surface: str, place: str) -> None:
    assert found(matcher, text) == [(surface, place)]


@pytest.mark.parametrize(("text", "surface"), [
    ("في الحسكة ودير الوزر كشركاء", "دير الوزر"), ("near Dier ez-Zor", "Dier ez-Zor"),
    ("near Deir ez-Zour", "Deir ez-Zour"), ("ودير الزوور", "دير الزوور"),
])
def test_spelling_variants_of_long_names(matcher: Matcher, text: str, surface: str) -> None:
    matches = matcher.find(text)
    assert [(text[m.start:m.end], m.place_ids[0], m.fuzzy) for m in matches] == [(surface, "deir", True)]


@pytest.mark.parametrize("text", [
    "دير السور", "دير الزهور القديم", "دير الزوار", "دير الزر", "deir al zoo", "Dear ez Zorro",
    "the Nineveh Plans were drawn",
])
def test_no_variant_from_ordinary_words(matcher: Matcher, text: str) -> None:
    assert [m for m in matcher.find(text) if m.fuzzy] == []


@pytest.mark.parametrize("text", [
    "قوات سوريا الديمقراطية", "وقوات سوريا الديمقراطية", "the Syrian Democratic Forces", "قيادة عمليات ديالى",
    "Anbar Operations Command", "أبو بكر البغدادي", "the Islamic State of Iraq and Syria", "ISIS",
    "الدولة الإسلامية في العراق والشام", "بغداد بوست", "Kurdistan Regional Government", "Iran-aligned militias",
])
def test_names_inside_other_names_are_not_mentions(matcher: Matcher, text: str) -> None:
    assert found(matcher, text) == []


def test_a_place_inside_a_longer_place_name_is_kept(matcher: Matcher) -> None:
    assert found(matcher, "in the Iraqi Kurdistan Region") == [("Iraqi Kurdistan Region", "kurdistan")]
    assert found(matcher, "Iraq's north") == [("Iraq", "iraq")]


def test_capital_letter_needed_for_lower_case_ambiguous_names(matcher: Matcher) -> None:
    assert found(matcher, "they hit the convoy near Hit") == [("Hit", "hit")]
    assert found(matcher, "HIT") == [("HIT", "hit")]
    assert found(matcher, "a tal afar") == [("tal afar", "tal_afar")]  # long names need no capital
    assert found(matcher, "sinjar") == [("sinjar", "sinjar")]


def test_short_aliases_never_match(matcher: Matcher) -> None:
    assert found(matcher, "US forces in the US") == []


def test_matches_are_sorted_and_index_the_original_text(matcher: Matcher) -> None:
    text = "«بالأنبار» و\u200fدير الزور، ثم Deir ez-Zor\n\nوالرقة"
    matches = matcher.find(text)
    assert [m.start for m in matches] == sorted(m.start for m in matches)
    assert [text[m.start:m.end] for m in matches] == ["الأنبار", "دير الزور", "Deir ez-Zor", "الرقة"]


@pytest.mark.parametrize("text", [
    "", "   ", "بغداد" * 20_000, "x" * 100_000, "\u202eبغداد\u202c", "ب\u0640\u0640غداد", "\x00بغداد\x00",
    "العراق😀سوريا", "a\ud800b بغداد",
])
def test_hostile_input(matcher: Matcher, text: str) -> None:
    for m in matcher.find(text):
        assert 0 <= m.start < m.end <= len(text)


@pytest.mark.parametrize("text", [
    "https://iq.usembassy.gov/ar/u-s-embassy-baghdad-condemns-attack-near-hawijah/", "usemb-baghdad-nahrawan-attack-ar",
    "see /data/mosul_2017.txt", "mail sinjar@example.org",
])
def test_urls_paths_and_slugs_are_not_mentions(text: str) -> None:
    m = Matcher.build([("Baghdad", "en", "baghdad", "city"), ("Mosul", "en", "mosul", "city"),
                       ("Sinjar", "en", "sinjar", "town")])
    assert m.find(text) == []
    assert [x.key for x in m.find("the Kirkuk-Baghdad road and al-Mosul")] == ["baghdad", "mosul"]


# ---------------------------------------------------------------- spelling families and names inside other names
@pytest.mark.parametrize(("text", "surface"), [
    ("قصف في جبال حمرن أمس", "جبال حمرن"),  # a long vowel left out of a long name
    ("جنوب صلاح الدبن", "صلاح الدبن"),  # ي written with the dots of ب: same skeleton
])
def test_arabic_spelling_slips_in_long_names(text: str, surface: str) -> None:
    m = Matcher.build([("جبال حمرين", "ar", "hamrin", "mountain_range"), ("صلاح الدين", "ar", "salah", "governorate"),
                       ("حمرين", "ar", "hamrin", "mountain_range")])
    assert [(text[x.start:x.end], x.fuzzy) for x in m.find(text)] == [(surface, True)]


@pytest.mark.parametrize("text", ["صلاح الدهن", "صلاح الدينين", "جبال حمراء"])
def test_other_words_are_not_slips(text: str) -> None:
    m = Matcher.build([("جبال حمرين", "ar", "hamrin", "mountain_range"), ("صلاح الدين", "ar", "salah", "governorate")])
    assert m.find(text) == []


@pytest.mark.parametrize(("text", "surface"), [
    ("لە مەخموور", "مەخموور"), ("لە مەخمووردا", "مەخموور"), ("بۆ مەخمور", "مەخمور"),
    ("لە دوزخورماتو", "دوزخورماتو"), ("لە دووزخورماتووەوە", "دووزخورماتوو"),
])
def test_sorani_long_u_is_written_with_one_or_two_waw(text: str, surface: str) -> None:
    m = Matcher.build([("مەخمور", "ckb", "makhmur", "district"), ("دووزخورماتوو", "ckb", "tuz", "city")])
    assert [text[x.start:x.end] for x in m.find(text, lang="ckb")] == [surface]


@pytest.mark.parametrize("text", [
    "مقتل 11 عسكريا سوريا بكمين", "أصيب جنديا سوريا", "هێزەکانی سووریای دیموکرات ڕایانگەیاند",
    "Hêzên Sûriya Demokratîk (QSD) got", 'أطلقت عملية "أبطال العراق" فجر اليوم', 'launched Operation "Iraq Shield"',
    "تبنته المقاومة الإسلامية في العراق",
])
def test_adjectives_and_names_of_forces_and_operations_are_not_places(text: str) -> None:
    m = Matcher.build([("سوريا", "ar", "syria", "country"), ("سووریا", "ckb", "syria", "country"),
                       ("Sûriye", "kmr", "syria", "country"), ("Sûrî", "kmr", "syria", "country"),
                       ("العراق", "ar", "iraq", "country"), ("Iraq", "en", "iraq", "country")])
    assert m.find(text) == []


@pytest.mark.parametrize(("text", "surface"), [
    ("زار الوزير سوريا أمس", "سوريا"), ("قال \"العراق بخير\"", "العراق"), ("li çiyayê Hemrîn", "Hemrîn"),
])
def test_the_same_names_elsewhere_are_places(text: str, surface: str) -> None:
    m = Matcher.build([("سوريا", "ar", "syria", "country"), ("العراق", "ar", "iraq", "country"),
                       ("Hemrîn", "kmr", "hamrin", "mountain_range"),
                       ("Çiyayê Hemrînê", "kmr", "hamrin", "mountain_range")])
    assert [text[x.start:x.end] for x in m.find(text)] == [surface]


def test_a_minor_latin_name_may_follow_a_lower_case_article() -> None:
    m = Matcher.build([("Shuhayl", "en", "shuhayl", "town")], strict_places={"shuhayl"})  # needs a capital
    assert [t for t in ("near al-Shuhayl", "near Shuhayl", "near shuhayl", "near al-shuhayl") if m.find(t)] == [
        "near al-Shuhayl", "near Shuhayl"]


def test_the_fast_quote_check_knows_every_quote() -> None:
    from threatmap.geoparse.match.filters import QUOTES, has_quote

    assert all(has_quote(f"a{q}b") for q in QUOTES)
    assert not has_quote("no quotes here ’ بغداد")


@pytest.mark.parametrize(("text", "expected"), [
    ("the U.S. and Turkey agreed", [("U.S.", "us")]),
    ("U.S. Condemns Terrorist Attacks", [("U.S.", "us")]),
    ("About 2,500 U.S. troops remain", []),            # the adjective
    ("U.S. Central Command said", []),                  # an organisation
    ("we told u.s. people", []),                        # no capitals
])
def test_a_dotted_abbreviation_is_a_name(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(Matcher.build([("U.S.", "en", "us", "country")]), text) == expected


def test_sorani_takes_no_attached_arabic_preposition_and_its_nisba_is_no_place() -> None:
    m = Matcher.build([("اشور", "ar", "assur", "town"), ("عێراق", "ckb", "iraq", "country")])
    assert found(m, "لە گوندێکی باشوری کەرکوک", lang="ckb") == []
    assert found(m, "سوپای عێراقی و کوردی عێراق", lang="ckb") == [("عێراق", "iraq")]


def test_a_name_that_is_an_ordinary_kurdish_word_needs_context_in_kurdish_text() -> None:
    words = kurdish_word_keys()
    assert match_key("گوت") in words and match_key("dûr") in words  # klpt: "said" (verb), "far" (adverb)
    m = Matcher.build([("الكوت", "ar", "kut", "city"), ("کووت", "ckb", "kut", "city"), ("Kût", "kmr", "kut", "city"),
                       ("Dur", "en", "dawr", "town"),
                       ("کەرکووک", "ckb", "kirkuk", "city")], kurdish_words=words)
    said = "جەنەڕاڵ ئۆدێرنۆ ئەمڕۆ گوتی هێزی ئەمەریکی لە کەرکووک"
    found = {said[x.start:x.end]: x.needs_context for x in m.find(said, lang="ckb")}
    assert found == {"گوت": True, "کەرکووک": False}  # گوتی "(he) said" is held back; Kirkuk is not a word
    assert [x.needs_context for x in m.find("وصل إلى الكوت", lang="ar")] == [False]  # Arabic text: the town
    assert [x.needs_context for x in m.find("bajarê Kûtê", lang="kmr")] == [False]  # its Kurdish name: kept
    assert [x.needs_context for x in m.find("ew ji Dur hat", lang="kmr")] == [True]
    assert [x.needs_context for x in m.find("near Dur", lang="en")] == [False]


def test_sorani_plural_definite_and_postposition_endings_after_a_name() -> None:
    m = Matcher.build([("ناوچە جێناکۆک", "ckb", "disputed", "region"), ("کەرکووک", "ckb", "kirkuk", "city")])
    for text, surface in [("لە ناوچە جێناکۆکەکاندا", "ناوچە جێناکۆک"), ("ناوچە جێناکۆکەکانی عێراق", "ناوچە جێناکۆک"),
                          ("لەو ناوچە جێناکۆکانەدا", "ناوچە جێناکۆک"), ("لە کەرکووکەکەدا", "کەرکووک")]:
        assert found(m, text, lang="ckb") == [(surface, "disputed" if "ناوچە" in surface else "kirkuk")]
    assert found(m, "كركوككانيدا", lang="ckb") == []  # not an ending the rules know
    assert found(m, "كركوكهكاندا") == []  # Sorani endings need Kurdish evidence: a Kurdish document or letter


def test_a_name_in_syriac_script_meets_its_arabic_spelling() -> None:
    m = Matcher.build([("قرقوش", "ar", "qaraqosh", "town"), ("حلب", "ar", "aleppo", "city")])
    text = "Qaraqosh (Syriac: ܩܰܪܩܘܫ) and Aleppo (ܚܠܒ)"
    assert found(m, text, lang="en") == [("ܩܰܪܩܘܫ", "qaraqosh"), ("ܚܠܒ", "aleppo")]
    assert found(m, "ܩܪܩܘܫܝܐ") == []  # another word (the adjective "of Qaraqosh"), not the name


def test_a_minor_places_arabic_name_needs_context_only_when_it_is_an_arabic_word() -> None:
    words = arabic_word_keys()
    assert match_key("تدمر") in words and match_key("زاخو") not in words  # "(she) destroys"; no word
    aliases = [("زاخو", "ar", "zakho", "town"), ("تدمر", "ar", "palmyra", "town"), ("كاوة", "ar", "kawa", "village"),
               ("كمبالا", "ar", "kampala", "city")]
    strict = {"zakho", "palmyra", "kawa", "kampala"}
    m = Matcher.build(aliases, strict_places=strict, arabic_words=words, abroad_places={"kampala"})
    text = "هجوم في زاخو و تدمر و كمبالا"
    assert {text[x.start:x.end]: x.needs_context for x in m.find(text, lang="ar")} == {
        "زاخو": False, "تدمر": True, "كمبالا": True}  # a city abroad keeps its own evidence rule
    said = "عەمید کاوە غەریب لە زاخو"  # Kurdish text: Kurdish personal names are no Arabic words either
    assert [x.needs_context for x in m.find(said, lang="ckb")] == [True, True]
    old = Matcher.build(aliases, strict_places=strict)  # without the word list, every minor name needs context
    assert all(x.needs_context for x in old.find(text, lang="ar"))
