"""Word lists of the matcher: blocked names, ordinary words and anchor stop words (clitics: threatmap.lang).

Every list is written as the words appear in text; :mod:`threatmap.geoparse.match.matcher` turns them into key form
(``match_key``) where it compares them with normalised text.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from threatmap.lang.normalize import normalize

__all__ = [
    "ARABIC_VOWELS",
    "AR_COMMON",
    "BLOCKED",
    "BLOCK_TEMPLATES",
    "COMPOUND_TAILS",
    "EN_COMMON",
    "GENERIC_WORDS",
    "PERSON_NOUNS_ACC",
    "QUOTED_NAME_WORDS",
    "RASM_GROUPS",
    "arabic_word_keys",
    "kurdish_word_keys",
    "kurdish_words",
    "word_block",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Organisations, persons and outlets whose name contains a place name: never a place mention.
BLOCKED: tuple[str, ...] = (
    "قوات سوريا الديمقراطية", "قوات سوريا الديموقراطية", "مجلس سوريا الديمقراطية", "Syrian Democratic Forces",
    # "of Iraq and Syria" is the name; "the Islamic State in Iraq and Syria" says where it is fought (the gold
    # annotates the places: tests/data/gold/README.md)
    "Islamic State of Iraq and Syria", "Islamic State of Iraq and the Levant",
    "Islamic State in Iraq and the Levant", "Islamic State of Iraq and al-Sham", "Islamic State of Iraq",
    "الدولة الإسلامية في العراق والشام", "الدولة الإسلامية في العراق وسوريا", "الدولة الإسلامية في العراق",
    "دولة العراق الإسلامية", "تنظيم الدولة في العراق والشام",
    "Kurdistan Regional Government", "Kurdistan Workers Party", "Kurdistan Democratic Party",
    "Patriotic Union of Kurdistan", "Kurdistan Region Security Council", "United States Central Command",
    "United States Army", "United States Air Force", "United States Department", "United States Agency",
    "United States Embassy", "United Kingdom Ministry",
    "أبو بكر البغدادي", "Abu Bakr al-Baghdadi", "أبو مصعب الزرقاوي", "Abu Musab al-Zarqawi",
    "بغداد بوست", "Baghdad Post", "Kurdistan 24", "كوردستان 24", "كردستان 24", "Deir ez-Zor 24", "دير الزور 24",
    "Syria Direct", "تلفزيون سوريا", "Syria TV", "الرقة تذبح بصمت", "Raqqa Is Being Slaughtered Silently",
    # militias and missions named after a country
    "المقاومة الإسلامية في العراق", "Islamic Resistance in Iraq", "Islamic Resistance of Iraq",
    "NATO Mission Iraq", "بعثة الناتو في العراق", "حكومة إقليم كوردستان", "حكومة إقليم كردستان",
    "الحزب الديمقراطي الكوردستاني", "الحزب الديمقراطي الكردستاني", "الاتحاد الوطني الكوردستاني",
    "الاتحاد الوطني الكردستاني",
    # the SDF, its council and the autonomous administration in Sorani and Kurmanji
    "هێزەکانی سووریای دیموکرات", "هێزەکانی سوریای دیموکرات", "هێزی سووریای دیموکرات", "هێزەکانی سووریای دیمۆکرات",
    "ئەنجومەنی سووریای دیموکرات", "Hêzên Sûriya Demokratîk", "Hêzên Sûriyeya Demokratîk", "Meclisa Sûriya Demokratîk",
    "Meclîsa Sûriya Demokratîk", "Rêveberiya Xweser a Bakur û Rojhilatê Sûriyeyê",
    "Rêveberiya Xweser a Bakur û Rojhilatê Sûriyê", "ئیدارەی خۆسەری باکوور و ڕۆژهەڵاتی سووریا",
    "Hikûmeta Herêma Kurdistanê", "حکوومەتی هەرێمی کوردستان", "Partiya Karkerên Kurdistanê",
    "پارتی دیموکراتی کوردستان", "یەکێتیی نیشتمانیی کوردستان", "Partiya Demokrat a Kurdistanê",
)
# Patterns expanded over the aliases of the places of the given types (operations commands, outlets, embassies,
# ISIS "provinces").
_AREAS = frozenset({"governorate", "district", "city", "town", "region", "desert", "plain"})
BLOCK_TEMPLATES: dict[str, frozenset[str]] = {
    "قيادة عمليات {}": _AREAS, "قائد عمليات {}": _AREAS, "{} Operations Command": _AREAS, "{} بوست": _AREAS,
    "{} Post": _AREAS, "سفارة {}": frozenset({"country"}), "{} Embassy": frozenset({"country"}),
    "Embassy of {}": frozenset({"country"}), "Embassy of the {}": frozenset({"country"}),
    "ISIS's {} province": frozenset({"country", "governorate"}),
    "Islamic State's {} province": frozenset({"country", "governorate"}),
    "فەرماندەیی ئۆپەراسیۆنەکانی {}": _AREAS,
    # councils and security forces named after their area ("Manbij Military Council", مجلس دير الزور العسكري)
    "{} Military Council": _AREAS, "{} Civil Council": _AREAS, "{} Provincial Council": _AREAS,
    "{} Internal Security Forces": _AREAS, "{} Operations Center": _AREAS, "{} Police Command": _AREAS,
    "مجلس {} العسكري": _AREAS, "مجلس {} المدني": _AREAS, "مجلس محافظة {}": _AREAS, "مجلس قضاء {}": _AREAS,
    "المجلس العسكري في {}": _AREAS, "شرطة {}": frozenset({"governorate"}),
    "ئەنجومەنی سەربازیی {}": _AREAS, "ئەنجومەنی پارێزگای {}": _AREAS, "Meclisa Leşkerî ya {}": _AREAS,
    "Meclîsa Leşkerî ya {}": _AREAS,
}
# Participles that make a Latin name an adjective: Iran-aligned, Turkish-backed, Anbar-based.
COMPOUND_TAILS = ("ed", "based", "born", "made", "style", "wide")

# English (and Kurmanji) words that are also (parts of) place names: a Latin match needs a capital first letter.
# Kurmanji rojava / bakur / başûr / rojhilat are the directions west / north / south / east.
EN_COMMON = _words("""turkey chad china guinea niger jordan split reading bath nice mobile sale hull
    north south east west central upper lower new old green zone island desert valley mountain mountains
    river lake camp border plains plain region city town village district province delta sham levant
    victory freedom peace salem eden bar bay jersey guernsey chile japan panama harem diana washington
    rojava bakur başûr rojhilat binxet""")
# Arabic ordinary words that are also town names: they need a place-type word or a related place in the text.
AR_COMMON = _words("""بلد الدور القائم العلم الطبقه الميادين الصور السوسه الكرمه العظيم الفتحه الحضر
    الرطبه هجين تدمر السخنه الخالص العماره الجزيره الباديه الخضراء الصدر الرشيد المنصور الحريه السلام
    الجهاد الشعب الامين الاسكندريه عنه الشرق الغرب الشمال الجنوب الوسط المركز النصر الوحده الزاب
    الشيخ الصفا النور الرحمه العين الحمراء البيضاء الجديده القديمه الشام الرياض الخير الباب باب باديه
    هول ربيعه ميادين رطبه طبقه القاهره""")

GENERIC_WORDS = _words("""al el ad ar as az ash at an abu umm bin ibn tal tell tel ras ain wadi
    jabal jebal jebel mount mountains lake river camp desert plain plains province governorate district city
    town region the of and صحراء سهل جبال جبل نهر وادي بحيره مدينه محافظه منطقه قضاء ناحيه مخيم تل ابو ام
    راس عين""")
"""Words that are no anchor of the spelling-variant search while a name has rarer words."""
ANCHOR_STOP = _words("""al el ad ar as az ash at an the of and in ال area region province منطقه اقليم محافظه قضاء
    ناحيه مدينه المناطق الولايات العراقيه السوريه الامريكيه التركيه الايرانيه الكرديه الكورديه iraqi syrian
    american turkish kurdish islamic""")
"""Words that are never an anchor of the spelling-variant search (articles, designators, very common words)."""

# Letters of the Arabic script that share a skeleton (rasm) and differ only by dots: a substitution within a
# group is a typing or OCR slip (صلاح الدبن for صلاح الدين), across groups another word.
RASM_GROUPS = ("بتثني", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق")
# Long-vowel letters (matres lectionis): one more or less is a spelling variant (حمرن for حمرين).
ARABIC_VOWELS = "اوي"

# Accusative indefinite person nouns: "11 عسكريا سوريا" is "11 Syrian soldiers", not Syria.
PERSON_NOUNS_ACC = _words("""عسكريا جنديا مواطنا لاجئا مقاتلا مدنيا ضابطا طفلا شابا رجلا عنصرا صحفيا
    ناشطا معتقلا اسيرا سجينا طالبا عاملا لاعبا""")
# Words before a quoted name that make it an operation or campaign name (عملية "أبطال العراق").
QUOTED_NAME_WORDS = _words("""عمليه عمليات حمله معركه operation operations campaign ئوبهراسيون ئوبراسيون
    هەڵمەتی operasyona operasyon""")


@lru_cache(maxsize=8)
def word_block(file: str, block: str) -> tuple[str, ...]:
    """The words of one ``[block]`` of ``data/<file>`` (generated by ``scripts/build_wordlists.py``), as written."""
    lines = (Path(__file__).resolve().parents[2] / "data" / file).read_text(encoding="utf-8")
    words, current = [], ""
    for line in lines.splitlines():
        if line.startswith("["):
            current = line.strip("[]")
        elif line and not line.startswith("#") and current == block:
            words.append(line)
    return tuple(words)


def kurdish_words(block: str) -> tuple[str, ...]:
    """The words of one block (``ckb``, ``ckb-noun`` or ``kmr``) of ``data/kurdish_words.txt``, as written."""
    return word_block("kurdish_words.txt", block)


def _keys(words: Iterable[str]) -> frozenset[str]:
    """Matching keys of words: one normalisation of the whole list (NUL never occurs in a word and is kept)."""
    return frozenset(" ".join(k.split()) for k in normalize("\0".join(words)).text.split("\0"))


@lru_cache(maxsize=1)
def arabic_word_keys() -> frozenset[str]:
    """Matching keys of the Arabic words of ``data/common_words.txt`` of wordfreq Zipf frequency >= 3 (blocks ``ar``
    and ``ar-3``): a one-word name of a generated town or village among them (تدمر "destroys", الباب "the door",
    الدبس "molasses") needs context; one that is no word (زاخو، جمجمال، دربندخان) does not."""
    return _keys([*word_block("common_words.txt", "ar"), *word_block("common_words.txt", "ar-3")])


@lru_cache(maxsize=1)
def kurdish_word_keys() -> frozenset[str]:
    """Matching keys of the Sorani and Kurmanji words of ``data/kurdish_words.txt`` that are no noun (klpt 0.1.7,
    generated by ``scripts/build_wordlists.py``): گوت "said" has the key of the town كوت (Kut)."""
    return _keys([*kurdish_words("ckb"), *kurdish_words("kmr")])  # not the nouns (ckb-noun)
