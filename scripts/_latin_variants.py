"""English transliteration variants of curated Iraqi and Syrian place names, for build_geodata.py.

Latin spellings of Arabic and Kurdish names vary in a few systematic ways; each variant below applies ONE of them
to one English alias of a curated place in Iraq or Syria (Nineveh -> Ninevah, Tall Kayf -> Tel Kayf, Nimrud ->
Nimrod, Tuz Khurmatu -> Tuz):

- a short vowel written a / e / i (one vowel of the name changed), o / u;
- diphthongs and long vowels: ai / ay / ei / ey, aw / au / ow, ou / u, ee / i, oo / u;
- the interdentals dh -> th / z, th -> dh (Adhaim / Athaim / Azaim; a z is never respelled);
- a first letter q (qaf) written g or k (Qayyarah / Gayyarah / Kayyarah);
- the ending -ah / -a / -eh / -e;
- a doubled consonant written once, or a single one between vowels doubled (Asad / Assad);
- the first word Tal / Tall / Tel / Tell / Til (a hill), with one more change to the rest of the name;
- the article al- / el- / ad- … dropped or written el-;
- a town named by its first word alone (Tuz for Tuz Khurmatu), when no other place's name starts with that word;
- English words of a name are never respelled; the last one takes the other number (disputed territory).

A variant is kept only when it has at least four letters (three for a first word), is no ordinary English word
(a one-word variant with wordfreq Zipf < ``ZIPF``), is not already a name of any
place (``taken``) and is made from one place only (a variant two places could produce is ambiguous).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

ZIPF = 3.0  # from this wordfreq Zipf frequency a Latin word is ordinary English (Tuz 1.9, Nimrod 2.6, Mosul 3.0)
_VOWEL_SETS = ("aei", "ou")
_GROUPS = (("ai", "ay", "ei", "ey"), ("aw", "au", "ow"), ("ou", "u"), ("ee", "i"), ("oo", "u"))
_INTERDENTALS = {"dh": ("th", "z"), "th": ("dh",)}  # ذ ظ ث: Adhaim / Athaim / Azaim; a z may be ز, never respelled
_INITIALS = "qgk"  # the qaf of a first letter: Qayyarah / Gayyarah / Kayyarah (Iraqi g, Persian/Kurdish k)
_ENDINGS = ("ah", "a", "eh", "e")
_HILLS = ("tal", "tall", "tel", "tell", "til")
_ARTICLES = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|adh|ath)[- ]", re.IGNORECASE)
_VOWELS = frozenset("aeiou")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# First words that many names share (a hill, a spring, "father of" …): never a short form by themselves.
_GENERIC_FIRST = _words("""abu umm bin ibn ain ayn ein ras deir dayr der tal tall tel tell til jabal jebel jebal mount
    mountains wadi bir sheikh shaykh qasr khan hammam qal qalat kani gird girdi camp lake new old north
    south east west upper lower greater al el ad ar as ash at az an the great little big""")
_TOWN_TYPES = frozenset({"city", "town", "district"})
# Designators and English words of names: never respelled (Nineveh Governorate is no Nineveh Govirnorate).
_FIXED = _words("""governorate province district subdistrict sub city town village camp dam lake river mountain
    mountains mount valley desert plain plains region air base airbase airport bridge crossing border
    gate oil field fields refinery prison island islands of the and new old north south east west upper
    lower central great""")
DESIGNATORS = _FIXED
"""Designators and English words of names (province, camp, mountains …), for the other spelling generators."""


def _word_variants(word: str) -> set[str]:
    """One change to one lower-case word (see the module docstring), the word itself excluded."""
    out: set[str] = set()
    for i, c in enumerate(word):
        for vowels in _VOWEL_SETS:
            if c in vowels and (i == 0 or word[i - 1] not in _VOWELS) and (i + 1 == len(word) or
                                                                            word[i + 1] not in _VOWELS):
                out.update(word[:i] + v + word[i + 1:] for v in vowels if v != c)
        if i > 0 and c == word[i - 1] and c not in _VOWELS:
            out.add(word[:i] + word[i + 1:])  # a doubled consonant written once
        if 0 < i < len(word) - 1 and c not in _VOWELS and word[i - 1] in _VOWELS and word[i + 1] in _VOWELS:
            out.add(word[:i] + c + word[i:])  # a single consonant between vowels doubled
    for group in _GROUPS:
        for a in group:
            start = word.find(a)
            while start >= 0:
                out.update(word[:start] + b + word[start + len(a):] for b in group if b != a)
                start = word.find(a, start + 1)
    for a, others in _INTERDENTALS.items():
        start = word.find(a)
        while start >= 0:
            out.update(word[:start] + b + word[start + len(a):] for b in others)
            start = word.find(a, start + 1)
    if word[0] == "q" and word[1:2] not in ("h", ""):
        out.update(c + word[1:] for c in _INITIALS if c != "q")  # a first q (qaf) written g or k; a k or g is no qaf
    for end in _ENDINGS:
        if word.endswith(end) and len(word) > len(end) + 2 and word[-len(end) - 1] not in _VOWELS:
            out.update(word[:-len(end)] + e for e in _ENDINGS if e != end)
    out.discard(word)
    return out


def _number(word: str) -> set[str]:
    """The other number of an English noun: territories / territory, plains / plain."""
    if word.endswith("ies"):
        return {word[:-3] + "y"}
    if word.endswith("y") and word[-2:-1] not in _VOWELS:
        return {word[:-1] + "ies"}
    if word.endswith("s") and not word.endswith("ss"):
        return {word[:-1]}
    return {word + "s"}


def name_variants(name: str, *, english: Callable[[str], bool] = _FIXED.__contains__) -> set[str]:
    """Lower-case spellings of ``name`` one systematic change away (Tal/Tel + one change for hill names).

    Words that ``english`` says are English (designators, ordinary words) are never respelled; the last one, unless
    a designator (province, camp …), takes the other number instead (disputed territory / territories).
    """
    low = " ".join(name.lower().replace("-", " ").split())
    words = low.split(" ")
    out: set[str] = set()
    for k, w in enumerate(words):
        if len(w) < 3:
            continue
        if w in _FIXED or english(w):
            if k == len(words) - 1 and k and w not in _FIXED:  # not a designator: "Salah al-Din provinces" is a list
                out.update(" ".join([*words[:k], v]) for v in _number(w))
            continue
        out.update(" ".join([*words[:k], v, *words[k + 1:]]) for v in _word_variants(w))
    if len(words) > 1 and words[0] in _HILLS:
        rests = {" ".join(words[1:])} | {" ".join(v.split(" ")[1:]) for v in out if v.split(" ")[0] == words[0]}
        out.update(f"{hill} {rest}" for hill in _HILLS if hill != words[0] for rest in rests)
    m = _ARTICLES.match(low)
    if m and len(words) > 1:
        out.add(low[m.end():])
    out.discard(low)
    return out


def latin_variants(entries: Iterable[dict[str, Any]], *, key: Callable[[str], str], taken: set[str],
                   zipf: Callable[[str], float], first_words: dict[str, int]) -> dict[str, dict[str, list[str]]]:
    """``{place id: {"en": [variant]}}`` for curated Iraqi and Syrian places (see the module docstring).

    ``taken``: the keys of every name of the gazetteer; ``zipf(text)``: its English Zipf frequency;
    ``first_words``: how many places' names start with each (lower-case) word.
    """
    made: dict[str, set[str]] = defaultdict(set)  # key -> places that produce it
    spelled: dict[tuple[str, str], str] = {}
    for e in entries:
        if e.get("country") not in ("IQ", "SY"):
            continue
        names = [(e.get("names") or {}).get("en"), *((e.get("aliases") or {}).get("en") or [])]
        for name in (str(n) for n in names if n and not str(n).isupper()):  # no acronym (IKR, MERV)
            found = {v for v in name_variants(name, english=lambda w: zipf(w) >= ZIPF)
                     if sum(c.isalpha() for c in v) >= 4}
            first = name.lower().replace("-", " ").split()[0]
            if (e.get("type") in _TOWN_TYPES and len(name.split()) == 2 and first not in _GENERIC_FIRST
                    and len(first) >= 3 and first_words.get(first, 0) == 1 and first.isalpha()):
                found.add(first)  # Tuz for Tuz Khurmatu
            for v in sorted(found):
                k = key(v)
                if k in taken or (" " not in v and zipf(v) >= ZIPF):
                    continue  # (a phrase of several words is no ordinary word: disputed territory)
                made[k].add(e["id"])
                spelled.setdefault((e["id"], k), " ".join(w[:1].upper() + w[1:] for w in v.split(" ")))
    out: dict[str, dict[str, list[str]]] = {}
    for k, ids in sorted(made.items()):
        if len(ids) == 1:
            pid = next(iter(ids))
            out.setdefault(pid, {}).setdefault("en", []).append(spelled[(pid, k)])
    return {pid: {"en": sorted(langs["en"])} for pid, langs in sorted(out.items())}


LATIN_HEADER = ("# Generated by scripts/build_geodata.py (scripts/_latin_variants.py); do not edit.",
                "# English transliteration variants of curated Iraqi and Syrian names, one systematic change away",
                "# (a/e/i, o/u, ai/ay, -ah/-a, doubled letters, Tal/Tel, the article, a town's first word).")
"""The comment lines of ``geodata/spellings_en.yaml`` (written by ``_spellings.spellings_text``)."""
